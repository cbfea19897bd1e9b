import { sql } from 'kysely';
import { readEnv } from '../config/env.js';
import { loadPolicyFile } from '../config/load-policy-file.js';
import type { LoadedPolicy } from '../config/policy.js';
import { errorText } from './cli-command.js';
import { openForReading, pendingMigrations } from './cli-database.js';
import { type CheckResult, fail, ok } from './doctor-check.js';

type Source = Record<string, string | undefined>;

export function checkSettings(env: Source): CheckResult {
  try {
    const settings = readEnv(env);
    const mode = settings.slackAppToken ? 'Socket Mode' : `HTTP on port ${settings.port}`;
    return ok(
      'settings',
      `${mode}, ${settings.databaseUrl ? 'PostgreSQL' : `embedded database in ${settings.dataDir}`}`,
    );
  } catch (error) {
    return fail('settings', errorText(error));
  }
}

export async function checkPolicy(path: string): Promise<{ result: CheckResult; loaded?: LoadedPolicy }> {
  try {
    const loaded = await loadPolicyFile(path);
    const count = loaded.policy.resources.length;
    return { result: ok('policy', `${path}: ${count} resource${count === 1 ? '' : 's'}`), loaded };
  } catch (error) {
    return { result: fail('policy', errorText(error)) };
  }
}

export async function checkDatabase(env: Source): Promise<CheckResult> {
  let opened: Awaited<ReturnType<typeof openForReading>>;
  try {
    opened = await openForReading(env);
  } catch (error) {
    return fail('database', errorText(error));
  }
  try {
    await sql`select 1`.execute(opened.database.db);
    const pending = await pendingMigrations(opened.database);
    if (pending.length) {
      return fail(
        'database',
        `${opened.where} answers but lacks ${pending.length} migration(s): run \`latch migrate\` (start also applies them)`,
      );
    }
    return ok('database', `${opened.where}, migrations applied`);
  } catch (error) {
    return fail('database', `${opened.where} does not answer: ${errorText(error)}`);
  } finally {
    await opened.close().catch(() => {});
  }
}
