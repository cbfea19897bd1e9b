import { ConfigError } from './config/config-error.js';
import { readEnv } from './config/env.js';
import { loadPolicyFile } from './config/load-policy-file.js';
import { connectDatabase } from './db/connect.js';
import { migrateToLatest } from './db/migrate.js';
import { createLatch } from './latch.js';
import { createLogger } from './log.js';

/** `main.js` runs the bot; `main.js migrate` only applies migrations. */
async function main(command: string | undefined): Promise<void> {
  if (command === 'migrate') {
    const url = process.env.DATABASE_URL?.trim();
    const database = connectDatabase({
      ...(url ? { databaseUrl: url } : {}),
      dataDir: process.env.DATA_DIR?.trim() || './data',
    });
    const applied = await migrateToLatest(database);
    console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
    await database.db.destroy();
    return;
  }
  const env = readEnv(process.env);
  const policy = await loadPolicyFile(env.policyFile);
  const log = createLogger(env.logLevel);
  const latch = await createLatch(env, policy, log);
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping: finishing work in flight');
    latch.stop().then(
      () => process.exit(0),
      (error) => {
        log.error({ err: error }, 'unclean stop');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  await latch.start();
}

main(process.argv[2]).catch((error: unknown) => {
  if (error instanceof ConfigError) console.error(`latch: ${error.message}`);
  else console.error('latch: failed to start:', error);
  process.exit(1);
});
