import type { z } from 'zod';

/** A bad or missing setting; its message is the one line printed at start. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export function firstIssue(error: z.ZodError): { path: PropertyKey[]; message: string } {
  const issue = error.issues[0];
  return { path: issue?.path ?? [], message: issue?.message ?? 'is invalid' };
}

/** `['resources', 2, 'tier']` → `resources[2].tier` */
export function keyPath(path: readonly PropertyKey[]): string {
  return path
    .map((part, index) =>
      typeof part === 'number' ? `[${part}]` : `${index === 0 ? '' : '.'}${String(part)}`,
    )
    .join('');
}
