import { addMemberAccount } from '../test/aws/aws-env.js';
import type { FakeAwsServer } from '../test/support/fake-aws-server.js';
import { awsCallStats, describeCalls } from './support/aws-call-stats.js';
import { createBenchSchema } from './support/bench-schema.js';
import { startBenchWorld } from './support/bench-world.js';
import { buildLatch } from './support/build-latch.js';
import { runCommandProcess } from './support/latch-process.js';
import { progress } from './support/progress.js';
import { LATENCY_MS, LIMIT_PER_SECOND } from './support/scale-settings.js';
import { round } from './support/stats.js';

export interface SyncSizes {
  /** Accounts in the organization, the management account included. */
  accounts: number;
  permissionSets: number;
  /** Identity Center groups. */
  groups: number;
}

export interface SyncResult {
  accounts: number;
  /** Every call that reached AWS, throttled ones and the SDK's retries included. */
  calls: number;
  min_calls: number;
  seconds: number;
  min_seconds: number;
  /** The discovery alone, as Latch records it in sync_run. */
  discovery_seconds: number;
  throttled: number;
  /** Parts of AWS the sync reported it could not read (0 expected). */
  failures: number;
}

const IAM_GROUPS_PER_ACCOUNT = 3;
/** Largest page each listing allows (API references): what pagination cannot go below. */
const MAX_PAGE = {
  listAccounts: 20,
  listPermissionSets: 100,
  listAccountsForProvisionedPermissionSet: 100,
  listIdentityStoreGroups: 100,
  listIamGroups: 1000,
};

/**
 * `latch sync` (the CLI, a process of its own) against an organization of `accounts` accounts with
 * three IAM groups each, `permissionSets` permission sets provisioned to 4–20% of the accounts, and
 * `groups` Identity Center groups; AWS adds 30 ms and throttles each service above 20 calls/s.
 */
export async function benchCatalogSync(sizes: SyncSizes): Promise<SyncResult> {
  const world = await startBenchWorld({ users: 0, teams: 0 });
  const schema = await createBenchSchema('sync');
  try {
    const organization = buildOrganization(world.aws, sizes);
    world.aws.reset();
    world.aws.setLatency(LATENCY_MS);
    world.aws.setRateLimit(LIMIT_PER_SECOND);
    progress(
      `sync: ${sizes.accounts} accounts; at least ${organization.minCalls} calls, ${organization.minSeconds} s`,
    );
    const run = await runCommandProcess({
      script: await buildLatch(),
      args: ['sync'],
      env: world.latchEnv({ port: 0, databaseUrl: schema.url }),
    });
    if (run.code !== 0) progress(`sync: latch sync exited ${run.code}`);
    const stats = awsCallStats(world.aws.calls, LIMIT_PER_SECOND);
    progress(`sync: AWS calls ${describeCalls(stats)}`);
    const recorded = await schema.database.db
      .selectFrom('sync_run')
      .select(['duration_ms', 'failures', 'accounts'])
      .orderBy('id', 'desc')
      .executeTakeFirst();
    const failures = JSON.parse(recorded?.failures ?? '[]') as unknown[];
    for (const failure of failures.slice(0, 3)) progress(`sync: could not read ${JSON.stringify(failure)}`);
    return {
      accounts: recorded?.accounts ?? 0,
      calls: stats.total,
      min_calls: organization.minCalls,
      seconds: round(run.ms / 1000, 2),
      min_seconds: organization.minSeconds,
      discovery_seconds: round((recorded?.duration_ms ?? 0) / 1000, 2),
      throttled: stats.throttled,
      failures: failures.length,
    };
  } finally {
    await schema.drop();
    await world.close();
  }
}

/**
 * Fills the local AWS and works out the fewest calls a full sync can make: every listing read in
 * pages of the largest size its API allows, one AssumeRole per member account, one DescribePermissionSet
 * per permission set (its name), one GetCallerIdentity to know which account is home. The fewest
 * seconds follow from the busiest service at 20 calls/s.
 */
function buildOrganization(aws: FakeAwsServer, sizes: SyncSizes): { minCalls: number; minSeconds: number } {
  const pages = (items: number, max: number) => Math.max(1, Math.ceil(items / max));
  const accounts = [aws.accountId];
  for (let i = 1; i < sizes.accounts; i++) {
    accounts.push(addMemberAccount(aws, String(300_000_000_000 + i), `workload-${i}`));
  }
  for (const account of accounts) {
    for (let k = 1; k <= IAM_GROUPS_PER_ACCOUNT; k++) aws.iam.addGroup(account, { groupName: `team-${k}` });
  }
  let provisionedPages = 0;
  for (let p = 0; p < sizes.permissionSets; p++) {
    const arn = aws.ssoAdmin.addPermissionSet({ name: `Access${p}` });
    const reach = Math.ceil((((p % 5) + 1) * sizes.accounts) / 25);
    for (const account of accounts.slice(0, reach)) aws.ssoAdmin.provision(arn, account);
    provisionedPages += pages(reach, MAX_PAGE.listAccountsForProvisionedPermissionSet);
  }
  // The bench world already holds one Identity Center group (`readonly`).
  for (let g = 1; g < sizes.groups; g++) aws.addGroup({ displayName: `group-${g}` });

  const byService = {
    organizations: pages(sizes.accounts, MAX_PAGE.listAccounts),
    sts: 1 + (sizes.accounts - 1),
    sso: pages(sizes.permissionSets, MAX_PAGE.listPermissionSets) + sizes.permissionSets + provisionedPages,
    identitystore: pages(sizes.groups, MAX_PAGE.listIdentityStoreGroups),
    iam: sizes.accounts * pages(IAM_GROUPS_PER_ACCOUNT, MAX_PAGE.listIamGroups),
  };
  const calls = Object.values(byService);
  return {
    minCalls: calls.reduce((sum, n) => sum + n, 0),
    minSeconds: round(Math.max(...calls) / LIMIT_PER_SECOND, 2),
  };
}
