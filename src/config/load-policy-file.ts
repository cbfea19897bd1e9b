import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { ConfigError } from './config-error.js';
import { type LoadedPolicy, parsePolicy } from './policy.js';

/** The only file I/O for configuration: reads and validates the YAML policy file. */
export async function loadPolicyFile(path: string): Promise<LoadedPolicy> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(
      code === 'ENOENT'
        ? `LATCH_POLICY_FILE: ${path} does not exist (copy latch.policy.example.yml to start)`
        : `LATCH_POLICY_FILE: cannot read ${path} (${code ?? String(error)})`,
    );
  }
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (error) {
    throw new ConfigError(`${path}: not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  try {
    return parsePolicy(raw);
  } catch (error) {
    if (error instanceof ConfigError) throw new ConfigError(`${path}: ${error.message}`);
    throw error;
  }
}
