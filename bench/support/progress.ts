const startedAt = performance.now();

/** Progress goes to stderr, so stdout carries only the JSON document. */
export function progress(message: string): void {
  const seconds = ((performance.now() - startedAt) / 1000).toFixed(1);
  process.stderr.write(`[bench +${seconds}s] ${message}\n`);
}
