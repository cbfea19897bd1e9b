import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Args } from './fake-slack-state.js';

// Form-encoded calls carry these arguments as JSON text (WebClient JSON-encodes any non-scalar arg).
const JSON_FIELDS = ['blocks', 'attachments', 'view', 'metadata'];

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const isText = typeof body === 'string';
  res.writeHead(status, {
    'content-type': isText ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8',
    ...headers,
  });
  res.end(isText ? body : JSON.stringify(body));
}

/** Parses Web API arguments; `undefined` means the JSON body was malformed. */
export function parseArgs(
  req: IncomingMessage,
  url: URL,
  raw: string,
): { args: Args; isJson: boolean } | undefined {
  const args: Args = Object.fromEntries(url.searchParams);
  const isJson =
    (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() === 'application/json';
  if (isJson && raw.trim()) {
    try {
      Object.assign(args, JSON.parse(raw));
    } catch {
      return undefined;
    }
  } else if (!isJson) {
    Object.assign(args, Object.fromEntries(new URLSearchParams(raw)));
  }
  for (const key of JSON_FIELDS) {
    const value = args[key];
    if (typeof value !== 'string') continue;
    try {
      args[key] = JSON.parse(value);
    } catch {
      // Left as text: the method answers invalid_blocks_format / invalid_arguments.
    }
  }
  return { args, isJson };
}
