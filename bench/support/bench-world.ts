import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { EXTERNAL_ID, ROLE_NAME } from '../../test/aws/aws-env.js';
import { type FakeAwsServer, startFakeAwsServer } from '../../test/support/fake-aws-server.js';
import { type FakeSlackServer, startFakeSlackServer } from '../../test/support/fake-slack-server.js';
import { freePort } from '../../test/support/start-latch.js';

export const SIGNING_SECRET = 'bench-signing-secret';
export const ADMIN = { id: 'U0ADMIN', email: 'admin@example.com' } as const;
export const AUDIT_CHANNEL = 'C0AUDIT';
const IDENTITY_STORE_ID = 'd-1234567890';

export interface BenchUser {
  slackId: string;
  email: string;
  /** The Identity Center user id the fake AWS gave them. */
  awsUserId: string;
}

/** An Identity Center group Latch may grant, as a policy resource. */
export interface BenchTeam {
  resourceId: string;
  groupId: string;
}

export interface BenchWorld {
  slack: FakeSlackServer;
  aws: FakeAwsServer;
  users: BenchUser[];
  teams: BenchTeam[];
  policyFile: string;
  /** The environment a deployment would give Latch, pointed at the local Slack, AWS and `databaseUrl`. */
  latchEnv(settings: {
    port: number;
    databaseUrl?: string;
    dataDir?: string;
    sweepCron?: string;
  }): Record<string, string>;
  freePort(): Promise<number>;
  close(): Promise<void>;
}

/**
 * Local Slack and AWS servers holding `users` people (in Slack with confirmed emails, and in
 * Identity Center) and `teams` Identity Center groups, with a policy file naming the groups as
 * medium-tier resources (approved by the admin, as nobody has a manager) plus `readonly`, low tier.
 */
export async function startBenchWorld(options: { users: number; teams: number }): Promise<BenchWorld> {
  const slack = await startFakeSlackServer();
  const aws = await startFakeAwsServer({ identityStoreId: IDENTITY_STORE_ID });
  slack.addUser({ id: ADMIN.id, email: ADMIN.email, name: 'admin', isEmailConfirmed: true });
  slack.addChannel(AUDIT_CHANNEL, { isMember: true });
  const users: BenchUser[] = [];
  for (let i = 1; i <= options.users; i++) {
    const slackId = `UB${String(i).padStart(6, '0')}`;
    const email = `user${i}@example.com`;
    slack.addUser({
      id: slackId,
      email,
      name: `user${i}`,
      realName: `Bench User ${i}`,
      isEmailConfirmed: true,
    });
    users.push({ slackId, email, awsUserId: aws.addUser({ userName: `user${i}`, email }) });
  }
  const teams: BenchTeam[] = [];
  for (let k = 1; k <= options.teams; k++) {
    teams.push({ resourceId: `team-${k}`, groupId: aws.addGroup({ displayName: `team-${k}` }) });
  }
  const readonlyGroup = aws.addGroup({ displayName: 'readonly' });

  const dir = await mkdtemp(join(tmpdir(), 'latch-bench-'));
  const policyFile = join(dir, 'latch.policy.yml');
  const policy = {
    admins: [ADMIN.email],
    audit_channel: AUDIT_CHANNEL,
    allowed_email_domains: ['example.com'],
    aws: {
      region: 'us-east-1',
      identity_center: { instance_arn: aws.ssoAdmin.instanceArn, identity_store_id: IDENTITY_STORE_ID },
      cross_account_role: ROLE_NAME,
      external_id: EXTERNAL_ID,
    },
    approvers: { fallback: 'admins' },
    resources: [
      ...teams.map((t) => ({
        id: t.resourceId,
        name: `Team ${t.resourceId}`,
        kind: 'sso_group',
        group_id: t.groupId,
        tier: 'medium',
      })),
      {
        id: 'readonly',
        name: 'Read-only everywhere',
        kind: 'sso_group',
        group_id: readonlyGroup,
        tier: 'low',
      },
    ],
  };
  await writeFile(policyFile, stringify(policy));

  return {
    slack,
    aws,
    users,
    teams,
    policyFile,
    freePort,
    latchEnv({ port, databaseUrl, dataDir, sweepCron }) {
      return {
        SLACK_BOT_TOKEN: slack.botToken,
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        SLACK_API_URL: slack.apiUrl,
        PORT: String(port),
        ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
        ...(dataDir ? { DATA_DIR: dataDir } : {}),
        LATCH_POLICY_FILE: policyFile,
        ...(sweepCron ? { LATCH_SWEEP_CRON: sweepCron } : {}),
        LATCH_SYNC_CRON: 'off',
        LOG_LEVEL: 'warn',
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'AKIABENCHFAKE',
        AWS_SECRET_ACCESS_KEY: 'bench-fake-secret',
        AWS_ENDPOINT_URL: aws.url,
      };
    },
    async close() {
      await Promise.all([slack.close(), aws.close()]);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
