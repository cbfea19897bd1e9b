import { hostname } from 'node:os';
import { loadPolicyFile } from '../../config/load-policy-file.js';
import { type CliCommand, DATABASE_HELP, EXIT_FAILED, EXIT_OK, UsageError } from '../cli-command.js';
import { POLICY_OPTION, policyFileFrom } from '../policy-file-option.js';

const DEFAULT_TOP = 10;
// The report printed below says what failed; the use case's log lines would repeat it.
const quietLog = { info() {}, warn() {}, error() {} };

export const insightsCommand: CliCommand = {
  name: 'insights',
  summary: 'show the riskiest standing access in AWS and what to change (--refresh reads AWS first)',
  help: `Shows the latest standing-access reading: the riskiest accounts and principals, each with
its reasons, and the recommended changes, riskiest first. The scoring is in docs/insights.md.

With --refresh, reads AWS first: IAM users (console passwords, access keys and their last use,
groups, attached and inline policies), groups and roles of every account reachable through
aws.cross_account_role, and Identity Center's users, groups, memberships and assignments; then
stores the reading with its scores and recommendations. An account that cannot be read is
reported and the rest goes on. Nothing in AWS is changed.

Reads and writes the database the bot uses: ${DATABASE_HELP}
On the embedded database stop Latch first (PGlite serves one process at a time).

options:
  --refresh          read AWS now, and store the result
  --top <n>          how many of each list to show (1-100, default ${DEFAULT_TOP})
  --policy <file>    the policy file (default: LATCH_POLICY_FILE, else ./latch.policy.yml)

exit codes: 0 shown, 1 some part of AWS could not be read (the rest is shown), there is no
reading yet, or the database or policy file is unusable, 2 bad usage`,
  options: { ...POLICY_OPTION, refresh: { type: 'boolean' }, top: { type: 'string' } },
  async run({ values }, io) {
    const top = values.top === undefined ? DEFAULT_TOP : Number(values.top);
    if (!Number.isInteger(top) || top < 1 || top > 100) {
      throw new UsageError(`--top must be a whole number from 1 to 100, not "${String(values.top)}"`);
    }
    const loaded = values.refresh ? await loadPolicyFile(policyFileFrom(values, io.env)) : undefined;
    const [{ connectDatabase }, { databaseOptions, pendingMigrations }, queries, { insightsReport }] =
      await Promise.all([
        import('../../db/connect.js'),
        import('../cli-database.js'),
        import('../../db/queries/insights.js'),
        import('../insights-report.js'),
      ]);
    const database = connectDatabase(databaseOptions(io.env));
    try {
      const pending = await pendingMigrations(database);
      if (pending.length) {
        io.err(
          `latch insights: the database lacks ${pending.length} migration(s): run \`latch migrate\` first`,
        );
        return EXIT_FAILED;
      }
      if (loaded) {
        const [
          { awsSettingsFrom },
          { readInventory },
          { KyselyStore },
          { KyselyInsightStore },
          refresh,
          { sharedCallLimits },
        ] = await Promise.all([
          import('../../aws/aws-settings.js'),
          import('../../aws/read-inventory.js'),
          import('../../db/kysely-store.js'),
          import('../../db/kysely-insight-store.js'),
          import('../../core/use-cases/refresh-insights.js'),
          import('../../db/shared-limits.js'),
        ]);
        const { effectiveResources } = await import('../../core/catalog-tiers.js');
        const store = new KyselyStore(database.db);
        const { policy } = loaded;
        const [catalog, overrides] = await Promise.all([store.listCatalog(), store.listTierOverrides()]);
        await refresh.refreshInsights(
          {
            insights: {
              // The bot's own rate limits, in the database, as `latch sync` takes them.
              inventory: {
                read: () => readInventory(awsSettingsFrom(loaded, sharedCallLimits(database.db))),
              },
              store: new KyselyInsightStore(database.db),
            },
            clock: { now: () => new Date() },
            log: quietLog,
            policy: {
              tiers: policy.tiers,
              resources: effectiveResources(policy.resources, catalog, overrides),
            },
          },
          { trigger: 'cli', actor: `cli:${process.env.USER ?? 'unknown'}@${hostname()}` },
        );
      }
      const run = await queries.latestInsightRun(database.db);
      if (!run) {
        io.err('latch insights: nothing read yet; run `latch insights --refresh`');
        return EXIT_FAILED;
      }
      for (const line of insightsReport(run, top)) io.out(line);
      return run.failures.length ? EXIT_FAILED : EXIT_OK;
    } finally {
      await database.close();
    }
  },
};
