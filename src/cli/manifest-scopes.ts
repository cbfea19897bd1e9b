import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

/**
 * The bot scopes `manifest.yml` asks for, read from the package root (the repository, or `/app`
 * in the container image); undefined when the file is not there.
 */
export async function manifestBotScopes(): Promise<string[] | undefined> {
  const path = findUp('manifest.yml');
  if (!path) return undefined;
  const manifest = parse(await readFile(path, 'utf8')) as { oauth_config?: { scopes?: { bot?: unknown } } };
  const scopes = manifest.oauth_config?.scopes?.bot;
  return Array.isArray(scopes) ? scopes.map(String) : undefined;
}

// src/cli and dist/src/cli sit at different depths: walk up to the directory with package.json.
function findUp(file: string): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')))
      return existsSync(join(dir, file)) ? join(dir, file) : undefined;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}
