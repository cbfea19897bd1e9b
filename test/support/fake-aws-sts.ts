import { createHash, randomBytes } from 'node:crypto';
import { AwsError, type FakeQueryService, isoSeconds, xml } from './fake-aws-common.js';

const XMLNS = 'https://sts.amazonaws.com/doc/2011-06-15/';
export const STS_VERSION = '2011-06-15';

export interface RoleSpec {
  arn: string;
  /** When set, AssumeRole must pass exactly this ExternalId (the role's trust-policy condition). */
  externalId?: string;
  /** The role's MaxSessionDuration; AWS defaults it to one hour. */
  maxSessionDurationSeconds?: number;
  /** Tests only: credentials say they expire this many seconds after issue, whatever was asked. */
  credentialsExpireInSeconds?: number;
}

interface Role extends Required<Omit<RoleSpec, 'externalId' | 'credentialsExpireInSeconds'>> {
  externalId: string | undefined;
  credentialsExpireInSeconds: number | undefined;
  roleId: string;
}

interface Session {
  arn: string;
  assumedRoleId: string;
  account: string;
}

// Patterns and ranges from the STS API reference (AssumeRole).
const ROLE_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]{1,64})$/;
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;

/** IAM-style unique ids: a 4-letter kind prefix and 17 base32 characters. */
function iamId(prefix: string, seed?: string): string {
  const bytes = seed ? createHash('sha256').update(seed).digest() : randomBytes(17);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let id = prefix;
  for (let i = 0; i < 17; i++) id += alphabet[(bytes[i] ?? 0) % 32];
  return id;
}

function validation(member: string, constraint: string): AwsError {
  return new AwsError(
    400,
    'ValidationError',
    `1 validation error detected: Value at '${member}' failed to satisfy constraint: ${constraint}`,
  );
}

/** Roles that may be assumed and the temporary credentials STS handed out. */
export class StsState {
  readonly roles = new Map<string, Role>();
  private readonly sessions = new Map<string, Session>();

  constructor(readonly accountId: string) {}

  addRole(r: RoleSpec): void {
    if (!ROLE_ARN.test(r.arn)) throw new Error(`fake AWS: ${r.arn} is not an IAM role ARN`);
    this.roles.set(r.arn, {
      arn: r.arn,
      externalId: r.externalId,
      maxSessionDurationSeconds: r.maxSessionDurationSeconds ?? 3600,
      credentialsExpireInSeconds: r.credentialsExpireInSeconds,
      roleId: iamId('AROA', r.arn),
    });
  }

  /** Who the credentials belong to: an assumed role if STS issued them, else a plain IAM user. */
  caller(accessKeyId: string | undefined): Session {
    const session = accessKeyId ? this.sessions.get(accessKeyId) : undefined;
    if (session) return session;
    return {
      arn: `arn:aws:iam::${this.accountId}:user/fake-caller`,
      assumedRoleId: iamId('AIDA', accessKeyId ?? ''),
      account: this.accountId,
    };
  }

  assumeRole(params: Record<string, string>, accessKeyId: string | undefined): string {
    const roleArn = params.RoleArn;
    const sessionName = params.RoleSessionName;
    const externalId = params.ExternalId;
    if (roleArn === undefined) throw validation('roleArn', 'Member must not be null');
    if (sessionName === undefined) throw validation('roleSessionName', 'Member must not be null');
    const arnMatch = ROLE_ARN.exec(roleArn);
    if (roleArn.length < 20 || roleArn.length > 2048 || !arnMatch) {
      throw new AwsError(400, 'ValidationError', `${roleArn} is invalid`);
    }
    if (!SESSION_NAME.test(sessionName)) {
      throw validation(
        'roleSessionName',
        `Member must satisfy regular expression pattern: ${SESSION_NAME.source}`,
      );
    }
    if (externalId !== undefined && !EXTERNAL_ID.test(externalId)) {
      throw validation('externalId', `Member must satisfy regular expression pattern: ${EXTERNAL_ID.source}`);
    }
    const duration = params.DurationSeconds === undefined ? 3600 : Number(params.DurationSeconds);
    if (!Number.isInteger(duration) || duration < 900 || duration > 43200) {
      throw validation('durationSeconds', 'Member must have value between 900 and 43200');
    }

    const role = this.roles.get(roleArn);
    // AWS does not say which condition failed: an unknown role and a wrong ExternalId look alike.
    if (!role || (role.externalId !== undefined && role.externalId !== externalId)) {
      throw new AwsError(
        403,
        'AccessDenied',
        `User: ${this.caller(accessKeyId).arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
      );
    }
    if (duration > role.maxSessionDurationSeconds) {
      throw new AwsError(
        400,
        'ValidationError',
        'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
      );
    }

    const [, account = this.accountId, roleName = ''] = arnMatch;
    const session: Session = {
      arn: `arn:aws:sts::${account}:assumed-role/${roleName}/${sessionName}`,
      assumedRoleId: `${role.roleId}:${sessionName}`,
      account,
    };
    const accessKey = iamId('ASIA').slice(0, 20);
    this.sessions.set(accessKey, session);
    return (
      `<AssumedRoleUser><AssumedRoleId>${xml(session.assumedRoleId)}</AssumedRoleId><Arn>${xml(session.arn)}</Arn></AssumedRoleUser>` +
      `<Credentials><AccessKeyId>${accessKey}</AccessKeyId>` +
      `<SecretAccessKey>${randomBytes(30).toString('base64')}</SecretAccessKey>` +
      `<SessionToken>${randomBytes(240).toString('base64')}</SessionToken>` +
      `<Expiration>${isoSeconds(Date.now() + (role.credentialsExpireInSeconds ?? duration) * 1000)}</Expiration></Credentials>`
    );
  }
}

/** STS (awsQuery): AssumeRole, which checks the role and its ExternalId, and GetCallerIdentity. */
export function stsService(state: StsState): FakeQueryService {
  return {
    service: 'sts',
    protocol: 'awsQuery',
    version: STS_VERSION,
    xmlns: XMLNS,
    throttleCode: 'Throttling',
    has: (operation) => operation === 'AssumeRole' || operation === 'GetCallerIdentity',
    call(operation, params, context) {
      if (operation === 'AssumeRole') return state.assumeRole(params, context.accessKeyId);
      const caller = state.caller(context.accessKeyId);
      return `<Arn>${xml(caller.arn)}</Arn><UserId>${xml(caller.assumedRoleId)}</UserId><Account>${caller.account}</Account>`;
    },
  };
}
