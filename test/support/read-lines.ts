import type { Readable } from 'node:stream';

/** Calls `take` with each non-blank line the streams write (a child's stdout and stderr), as it comes. */
export function onLines(
  streams: ReadonlyArray<Readable | null | undefined>,
  take: (line: string) => void,
): void {
  for (const stream of streams) {
    let buffer = '';
    stream?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const parts = buffer.split('\n');
      buffer = parts.pop() ?? '';
      for (const part of parts) if (part.trim()) take(part);
    });
  }
}
