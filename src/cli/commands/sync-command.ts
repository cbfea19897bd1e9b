import { hostname } from 'node:os';
import { loadPolicyFile } from '../../config/load-policy-file.js';
import { syncCatalog } from '../../core/use-cases/sync-catalog.js';
import { type CliCommand, DATABASE_HELP, EXIT_FAILED, EXIT_OK } from '../cli-command.js';
import { POLICY_OPTION, policyFileFrom } from '../policy-file-option.js';
import { syncReport } from '../sync-report.js';

export const syncCommand: CliCommand = {
  name: 'sync',
  summary: 'read the resource catalog from AWS into the database, and report it',
  help: `Reads every account of the organization (Organizations ListAccounts), Identity Center's
permission sets and where they are provisioned, its groups, and the IAM groups of every account
reachable through aws.cross_account_role. Resources the policy file does not name are listed for
admins as "unclassified" until an admin gives them a tier. An account that cannot be read is
reported (which account, which error) and the rest of the sync goes on. The bot also syncs on
its own schedule (LATCH_SYNC_CRON, hourly by default).

Writes to the database the bot uses: ${DATABASE_HELP}
On the embedded database stop Latch first (PGlite serves one process at a time), or use
\`/access admin sync\` in Slack.

options:
  --policy <file>    the policy file (default: LATCH_POLICY_FILE, else ./latch.policy.yml)

exit codes: 0 synced everything, 1 some part of AWS could not be read (the rest was synced) or
the database or policy file is unusable, 3 another sync was running`,
  options: { ...POLICY_OPTION },
  async run({ values }, io) {
    const loaded = await loadPolicyFile(policyFileFrom(values, io.env));
    const [
      { awsSettingsFrom },
      { discoverCatalog },
      { connectDatabase },
      { KyselyStore },
      { databaseOptions, pendingMigrations },
      { sharedCallLimits },
    ] = await Promise.all([
      import('../../aws/aws-settings.js'),
      import('../../aws/catalog-discovery.js'),
      import('../../db/connect.js'),
      import('../../db/kysely-store.js'),
      import('../cli-database.js'),
      import('../../db/shared-limits.js'),
    ]);
    const database = connectDatabase(databaseOptions(io.env));
    try {
      const pending = await pendingMigrations(database);
      if (pending.length) {
        io.err(`latch sync: the database lacks ${pending.length} migration(s): run \`latch migrate\` first`);
        return EXIT_FAILED;
      }
      const store = new KyselyStore(database.db);
      const log = {
        info: () => {},
        warn: () => {},
        error: (detail: Record<string, unknown>, message: string) =>
          io.err(`${message} ${JSON.stringify(detail)}`),
      };
      const run = await syncCatalog(
        {
          store,
          clock: { now: () => new Date() },
          log,
          fileResources: loaded.policy.resources,
          // The bot's own rate limits, in the database: a sync from here and the bot's calls share them.
          catalog: {
            discover: () => discoverCatalog(awsSettingsFrom(loaded, sharedCallLimits(database.db))),
          },
        },
        {
          trigger: 'cli',
          actor: `cli:${process.env.USER ?? 'unknown'}@${hostname()}`,
          holder: `cli-${process.pid}`,
        },
      );
      if (!run) {
        io.err('latch sync: another sync is running; try again when it has finished');
        return EXIT_BUSY;
      }
      for (const line of syncReport(run, await store.listCatalog())) io.out(line);
      return run.failures.length ? EXIT_FAILED : EXIT_OK;
    } finally {
      await database.close();
    }
  },
};

const EXIT_BUSY = 3;
