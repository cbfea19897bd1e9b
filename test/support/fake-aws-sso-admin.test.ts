import {
  AccessDeniedException,
  ConflictException,
  CreateAccountAssignmentCommand,
  DeleteAccountAssignmentCommand,
  DescribeAccountAssignmentCreationStatusCommand,
  DescribeAccountAssignmentDeletionStatusCommand,
  DescribePermissionSetCommand,
  ListAccountAssignmentsCommand,
  ListAccountAssignmentsForPrincipalCommand,
  ListAccountsForProvisionedPermissionSetCommand,
  ListInstancesCommand,
  ListPermissionSetsCommand,
  paginateListAccountAssignments,
  paginateListAccountsForProvisionedPermissionSet,
  paginateListPermissionSets,
  ResourceNotFoundException,
  SSOAdminClient,
  ThrottlingException,
  ValidationException,
} from '@aws-sdk/client-sso-admin';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type FakeAwsServer, startFakeAwsServer } from './fake-aws-server.js';

const credentials = { accessKeyId: 'AKIAFAKE', secretAccessKey: 'fake' };
const MEMBER_ROLE = 'arn:aws:iam::222222222222:role/LatchAccess';

let server: FakeAwsServer;
let sso: SSOAdminClient;
let alice: string;
let bob: string;
let carol: string;
let admin: string;
let readOnly: string;
let instanceArn: string;
let accountSeq = 0;

/** A fresh member account per test, so tests do not see each other's assignments. */
function newAccount(): string {
  accountSeq += 1;
  return String(300000000000 + accountSeq);
}

beforeAll(async () => {
  server = await startFakeAwsServer({ pageSize: 2 });
  sso = new SSOAdminClient({ region: 'us-east-1', endpoint: server.url, credentials, maxAttempts: 1 });
  alice = server.addUser({ userName: 'alice', email: 'alice@example.com' });
  bob = server.addUser({ userName: 'bob', email: 'bob@example.com' });
  carol = server.addUser({ userName: 'carol', email: 'carol@example.com' });
  admin = server.ssoAdmin.addPermissionSet({
    name: 'AdministratorAccess',
    description: 'Full access',
    sessionDuration: 'PT4H',
  });
  readOnly = server.ssoAdmin.addPermissionSet({ name: 'ReadOnly' });
  instanceArn = server.ssoAdmin.instanceArn;
});

afterEach(() => {
  server.ssoAdmin.completePending();
  server.ssoAdmin.setPollsUntilDone(1);
  server.reset();
});

afterAll(async () => {
  sso.destroy();
  await server.close();
});

async function errorOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.fail('expected the call to fail'),
    (error: unknown) => error,
  );
}

function create(accountId: string, permissionSetArn: string, principalId: string) {
  return sso.send(
    new CreateAccountAssignmentCommand({
      InstanceArn: instanceArn,
      TargetId: accountId,
      TargetType: 'AWS_ACCOUNT',
      PermissionSetArn: permissionSetArn,
      PrincipalType: 'USER',
      PrincipalId: principalId,
    }),
  );
}

function remove(accountId: string, permissionSetArn: string, principalId: string) {
  return sso.send(
    new DeleteAccountAssignmentCommand({
      InstanceArn: instanceArn,
      TargetId: accountId,
      TargetType: 'AWS_ACCOUNT',
      PermissionSetArn: permissionSetArn,
      PrincipalType: 'USER',
      PrincipalId: principalId,
    }),
  );
}

async function creationStatus(requestId: string | undefined) {
  const out = await sso.send(
    new DescribeAccountAssignmentCreationStatusCommand({
      InstanceArn: instanceArn,
      AccountAssignmentCreationRequestId: requestId,
    }),
  );
  return out.AccountAssignmentCreationStatus;
}

async function deletionStatus(requestId: string | undefined) {
  const out = await sso.send(
    new DescribeAccountAssignmentDeletionStatusCommand({
      InstanceArn: instanceArn,
      AccountAssignmentDeletionRequestId: requestId,
    }),
  );
  return out.AccountAssignmentDeletionStatus;
}

async function principalsOn(accountId: string, permissionSetArn: string): Promise<string[]> {
  const out = await sso.send(
    new ListAccountAssignmentsCommand({
      InstanceArn: instanceArn,
      AccountId: accountId,
      PermissionSetArn: permissionSetArn,
      MaxResults: 100,
    }),
  );
  return (out.AccountAssignments ?? []).map((a) => a.PrincipalId ?? '');
}

describe('SSO Admin instances and permission sets', () => {
  it('lists the one instance, bound to the identity store and the management account', async () => {
    const out = await sso.send(new ListInstancesCommand({}));
    expect(out.Instances).toHaveLength(1);
    expect(out.Instances?.[0]).toMatchObject({
      InstanceArn: expect.stringMatching(/^arn:aws:sso:::instance\/ssoins-[0-9a-f]{16}$/),
      IdentityStoreId: server.identityStoreId,
      OwnerAccountId: server.accountId,
      Status: 'ACTIVE',
    });
    expect(out.Instances?.[0]?.CreatedDate).toBeInstanceOf(Date);
    expect(out.NextToken).toBeUndefined();
  });

  it('walks ListPermissionSets with the SDK paginator', async () => {
    const extra = ['Billing', 'Support', 'Network'].map((name) => server.ssoAdmin.addPermissionSet({ name }));
    const pages: string[][] = [];
    for await (const p of paginateListPermissionSets({ client: sso }, { InstanceArn: instanceArn })) {
      pages.push(p.PermissionSets ?? []);
    }
    expect(pages).toEqual([[admin, readOnly], extra.slice(0, 2), extra.slice(2)]);
    expect(extra[0]).toMatch(/^arn:aws:sso:::permissionSet\/ssoins-[0-9a-f]{16}\/ps-[0-9a-f]{16}$/);
  });

  it('describes a permission set, and refuses unknown ones and bad paging', async () => {
    const out = await sso.send(
      new DescribePermissionSetCommand({ InstanceArn: instanceArn, PermissionSetArn: admin }),
    );
    expect(out.PermissionSet).toMatchObject({
      Name: 'AdministratorAccess',
      PermissionSetArn: admin,
      Description: 'Full access',
      SessionDuration: 'PT4H',
    });
    expect(out.PermissionSet?.CreatedDate).toBeInstanceOf(Date);
    const defaults = await sso.send(
      new DescribePermissionSetCommand({ InstanceArn: instanceArn, PermissionSetArn: readOnly }),
    );
    expect(defaults.PermissionSet?.SessionDuration).toBe('PT1H');

    const unknown = admin.replace(/ps-[0-9a-f]{16}$/, 'ps-0000000000000000');
    expect(
      await errorOf(
        sso.send(new DescribePermissionSetCommand({ InstanceArn: instanceArn, PermissionSetArn: unknown })),
      ),
    ).toBeInstanceOf(ResourceNotFoundException);
    expect(
      await errorOf(sso.send(new ListPermissionSetsCommand({ InstanceArn: instanceArn, NextToken: 'junk' }))),
    ).toBeInstanceOf(ValidationException);
    expect(
      await errorOf(sso.send(new ListPermissionSetsCommand({ InstanceArn: instanceArn, MaxResults: 101 }))),
    ).toBeInstanceOf(ValidationException);
    const otherInstance = 'arn:aws:sso:::instance/ssoins-0000000000000000';
    expect(
      await errorOf(sso.send(new ListPermissionSetsCommand({ InstanceArn: otherInstance }))),
    ).toBeInstanceOf(ResourceNotFoundException);
  });
});

describe('SSO Admin account assignments', () => {
  it('creates an assignment asynchronously: IN_PROGRESS, then SUCCEEDED, then listed', async () => {
    const account = newAccount();
    const created = await create(account, admin, alice);
    const status = created.AccountAssignmentCreationStatus;
    expect(status).toMatchObject({
      Status: 'IN_PROGRESS',
      RequestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      TargetId: account,
      TargetType: 'AWS_ACCOUNT',
      PermissionSetArn: admin,
      PrincipalType: 'USER',
      PrincipalId: alice,
    });
    expect(status?.CreatedDate).toBeInstanceOf(Date);
    expect(status?.FailureReason).toBeUndefined();

    expect((await creationStatus(status?.RequestId))?.Status).toBe('IN_PROGRESS');
    expect(await principalsOn(account, admin)).toEqual([]);
    expect((await creationStatus(status?.RequestId))?.Status).toBe('SUCCEEDED');
    expect(await principalsOn(account, admin)).toEqual([alice]);
    // A finished request keeps answering its final status.
    expect((await creationStatus(status?.RequestId))?.Status).toBe('SUCCEEDED');
    expect(server.ssoAdmin.hasAssignment(account, admin, alice)).toBe(true);

    // The first assignment provisions the permission set to the account.
    const provisioned = await sso.send(
      new ListAccountsForProvisionedPermissionSetCommand({
        InstanceArn: instanceArn,
        PermissionSetArn: admin,
      }),
    );
    expect(server.ssoAdmin.provisionedAccounts(admin)).toContain(account);
    expect(provisioned.AccountIds?.length).toBeGreaterThan(0);
  });

  it('finishes on the first poll with setPollsUntilDone(0) and waits longer with 3', async () => {
    const account = newAccount();
    server.ssoAdmin.setPollsUntilDone(0);
    const first = await create(account, admin, alice);
    expect(first.AccountAssignmentCreationStatus?.Status).toBe('IN_PROGRESS');
    expect((await creationStatus(first.AccountAssignmentCreationStatus?.RequestId))?.Status).toBe(
      'SUCCEEDED',
    );

    server.ssoAdmin.setPollsUntilDone(3);
    const second = await create(account, admin, bob);
    const id = second.AccountAssignmentCreationStatus?.RequestId;
    const seen = [];
    for (let i = 0; i < 4; i++) seen.push((await creationStatus(id))?.Status);
    expect(seen).toEqual(['IN_PROGRESS', 'IN_PROGRESS', 'IN_PROGRESS', 'SUCCEEDED']);
    expect(await principalsOn(account, admin)).toEqual([alice, bob]);
  });

  it('deletes an assignment asynchronously', async () => {
    const account = newAccount();
    server.ssoAdmin.assign(account, admin, alice);
    server.ssoAdmin.assign(account, admin, bob);
    const deleted = await remove(account, admin, alice);
    const status = deleted.AccountAssignmentDeletionStatus;
    expect(status).toMatchObject({ Status: 'IN_PROGRESS', TargetId: account, PrincipalId: alice });
    expect((await deletionStatus(status?.RequestId))?.Status).toBe('IN_PROGRESS');
    expect(await principalsOn(account, admin)).toEqual([alice, bob]);
    expect((await deletionStatus(status?.RequestId))?.Status).toBe('SUCCEEDED');
    expect(await principalsOn(account, admin)).toEqual([bob]);
    expect(server.ssoAdmin.assignmentsOf(account, admin)).toEqual([
      { principalId: bob, principalType: 'USER' },
    ]);

    // A creation request id is not a deletion request id.
    expect(await errorOf(creationStatus(status?.RequestId))).toBeInstanceOf(ResourceNotFoundException);
  });

  it('is idempotent: creating an existing assignment or deleting a missing one succeeds unchanged', async () => {
    const account = newAccount();
    server.ssoAdmin.setPollsUntilDone(0);
    server.ssoAdmin.assign(account, admin, alice);
    const again = await create(account, admin, alice);
    expect((await creationStatus(again.AccountAssignmentCreationStatus?.RequestId))?.Status).toBe(
      'SUCCEEDED',
    );
    expect(await principalsOn(account, admin)).toEqual([alice]);

    const missing = await remove(account, admin, bob);
    expect((await deletionStatus(missing.AccountAssignmentDeletionStatus?.RequestId))?.Status).toBe(
      'SUCCEEDED',
    );
    expect(await principalsOn(account, admin)).toEqual([alice]);
  });

  it('ends FAILED with the injected reason and changes nothing', async () => {
    const account = newAccount();
    server.ssoAdmin.setPollsUntilDone(0);
    server.ssoAdmin.failNextAssignment('Received a 409 status error: IAM role quota exceeded');
    const created = await create(account, admin, alice);
    expect(created.AccountAssignmentCreationStatus?.Status).toBe('IN_PROGRESS');
    const final = await creationStatus(created.AccountAssignmentCreationStatus?.RequestId);
    expect(final).toMatchObject({
      Status: 'FAILED',
      FailureReason: 'Received a 409 status error: IAM role quota exceeded',
    });
    expect(await principalsOn(account, admin)).toEqual([]);

    // Only the next request fails; deletions can be made to fail too.
    server.ssoAdmin.assign(account, admin, bob);
    server.ssoAdmin.failNextAssignment('deletion broke');
    const deleted = await remove(account, admin, bob);
    expect(await deletionStatus(deleted.AccountAssignmentDeletionStatus?.RequestId)).toMatchObject({
      Status: 'FAILED',
      FailureReason: 'deletion broke',
    });
    expect(server.ssoAdmin.hasAssignment(account, admin, bob)).toBe(true);
    const retried = await remove(account, admin, bob);
    expect((await deletionStatus(retried.AccountAssignmentDeletionStatus?.RequestId))?.Status).toBe(
      'SUCCEEDED',
    );
  });

  it('fails an assignment for a user the directory does not have, asynchronously', async () => {
    const account = newAccount();
    server.ssoAdmin.setPollsUntilDone(0);
    const ghost = '0123456789-11111111-2222-3333-4444-555555555555';
    const created = await create(account, admin, ghost);
    expect(created.AccountAssignmentCreationStatus?.Status).toBe('IN_PROGRESS');
    const final = await creationStatus(created.AccountAssignmentCreationStatus?.RequestId);
    expect(final?.Status).toBe('FAILED');
    expect(final?.FailureReason).toContain(`USER assignee ${ghost} was not found`);
    expect(await principalsOn(account, admin)).toEqual([]);
  });

  it('answers ConflictException while a request for the same assignment is in progress', async () => {
    const account = newAccount();
    const created = await create(account, admin, carol);
    const conflict = await errorOf(create(account, admin, carol));
    expect(conflict).toBeInstanceOf(ConflictException);
    expect(conflict).toMatchObject({ $metadata: { httpStatusCode: 400 } });
    expect(await errorOf(remove(account, admin, carol))).toBeInstanceOf(ConflictException);
    // Other principals, permission sets and accounts are not held up.
    await create(account, admin, bob);
    await create(account, readOnly, carol);

    const id = created.AccountAssignmentCreationStatus?.RequestId;
    await creationStatus(id);
    expect((await creationStatus(id))?.Status).toBe('SUCCEEDED');
    const deleted = await remove(account, admin, carol);
    expect(deleted.AccountAssignmentDeletionStatus?.Status).toBe('IN_PROGRESS');
  });

  it('refuses an 11th outstanding creation with ThrottlingException', async () => {
    const accounts = Array.from({ length: 11 }, () => newAccount());
    const requests = [];
    for (const account of accounts.slice(0, 10)) requests.push(await create(account, readOnly, alice));
    const throttled = await errorOf(create(accounts[10] ?? '', readOnly, alice));
    expect(throttled).toBeInstanceOf(ThrottlingException);
    expect(throttled).toMatchObject({ message: expect.stringMatching(/too many requests/i) });
    // Deletions are not counted against the creation limit.
    server.ssoAdmin.assign(accounts[10] ?? '', admin, bob);
    expect((await remove(accounts[10] ?? '', admin, bob)).AccountAssignmentDeletionStatus?.Status).toBe(
      'IN_PROGRESS',
    );

    // Once one finishes there is room for another.
    const firstId = requests[0]?.AccountAssignmentCreationStatus?.RequestId;
    expect((await creationStatus(firstId))?.Status).toBe('IN_PROGRESS');
    expect((await creationStatus(firstId))?.Status).toBe('SUCCEEDED');
    const next = await create(accounts[10] ?? '', readOnly, alice);
    expect(next.AccountAssignmentCreationStatus?.Status).toBe('IN_PROGRESS');
    expect(server.ssoAdmin.completePending()).toBe(11);
    expect(server.ssoAdmin.hasAssignment(accounts[10] ?? '', readOnly, alice)).toBe(true);
  });

  it('validates members and refuses unknown permission sets and request ids', async () => {
    const account = newAccount();
    const base = {
      InstanceArn: instanceArn,
      TargetId: account,
      TargetType: 'AWS_ACCOUNT' as const,
      PermissionSetArn: admin,
      PrincipalType: 'USER' as const,
      PrincipalId: alice,
    };
    const invalid = [
      { ...base, TargetId: '1234' },
      { ...base, TargetType: 'ORGANIZATION' as 'AWS_ACCOUNT' },
      { ...base, PrincipalType: 'ROLE' as 'USER' },
      { ...base, PrincipalId: 'alice' },
      { ...base, PermissionSetArn: 'arn:aws:iam::aws:policy/AdministratorAccess' },
      { ...base, InstanceArn: 'ssoins-123' },
    ];
    for (const input of invalid) {
      const error = await errorOf(sso.send(new CreateAccountAssignmentCommand(input)));
      expect(error).toBeInstanceOf(ValidationException);
      expect((error as Error).message).toMatch(/^1 validation error detected: /);
    }
    const unknown = admin.replace(/ps-[0-9a-f]{16}$/, 'ps-0000000000000000');
    expect(
      await errorOf(sso.send(new CreateAccountAssignmentCommand({ ...base, PermissionSetArn: unknown }))),
    ).toBeInstanceOf(ResourceNotFoundException);
    expect(await errorOf(creationStatus('00000000-0000-0000-0000-000000000000'))).toBeInstanceOf(
      ResourceNotFoundException,
    );
    expect(await errorOf(deletionStatus('not-a-uuid'))).toBeInstanceOf(ValidationException);
    expect(server.calls.every((c) => c.status === 400)).toBe(true);
  });
});

describe('SSO Admin listings', () => {
  it('walks ListAccountAssignments with the SDK paginator', async () => {
    const account = newAccount();
    const users = ['dave', 'erin', 'frank', 'grace', 'heidi'].map((userName) =>
      server.addUser({ userName, email: `${userName}@example.com` }),
    );
    for (const user of users) server.ssoAdmin.assign(account, readOnly, user);
    const pages: string[][] = [];
    for await (const p of paginateListAccountAssignments(
      { client: sso },
      { InstanceArn: instanceArn, AccountId: account, PermissionSetArn: readOnly },
    )) {
      pages.push((p.AccountAssignments ?? []).map((a) => a.PrincipalId ?? ''));
      for (const a of p.AccountAssignments ?? []) {
        expect(a).toMatchObject({ AccountId: account, PermissionSetArn: readOnly, PrincipalType: 'USER' });
      }
    }
    expect(pages).toEqual([users.slice(0, 2), users.slice(2, 4), users.slice(4)]);
    expect(server.calls.map((c) => c.operation)).toEqual([
      'ListAccountAssignments',
      'ListAccountAssignments',
      'ListAccountAssignments',
    ]);
  });

  it('walks ListAccountsForProvisionedPermissionSet with the SDK paginator', async () => {
    const billing = server.ssoAdmin.addPermissionSet({ name: 'BillingReadOnly' });
    const accounts = Array.from({ length: 5 }, () => newAccount());
    for (const account of accounts) server.ssoAdmin.provision(billing, account);
    const pages: string[][] = [];
    for await (const p of paginateListAccountsForProvisionedPermissionSet(
      { client: sso },
      { InstanceArn: instanceArn, PermissionSetArn: billing },
    )) {
      pages.push(p.AccountIds ?? []);
    }
    expect(pages).toEqual([accounts.slice(0, 2), accounts.slice(2, 4), accounts.slice(4)]);
    const notLatest = await sso.send(
      new ListAccountsForProvisionedPermissionSetCommand({
        InstanceArn: instanceArn,
        PermissionSetArn: billing,
        ProvisioningStatus: 'LATEST_PERMISSION_SET_NOT_PROVISIONED',
      }),
    );
    expect(notLatest.AccountIds).toEqual([]);
  });

  it('lists the assignments of a principal, filtered by account', async () => {
    const [one, two] = [newAccount(), newAccount()];
    const dan = server.addUser({ userName: 'dan', email: 'dan@example.com' });
    server.ssoAdmin.assign(one, admin, dan);
    server.ssoAdmin.assign(two, readOnly, dan);
    server.ssoAdmin.assign(two, admin, dan);
    const all = await sso.send(
      new ListAccountAssignmentsForPrincipalCommand({
        InstanceArn: instanceArn,
        PrincipalId: dan,
        PrincipalType: 'USER',
        MaxResults: 10,
      }),
    );
    expect(all.AccountAssignments).toEqual([
      { AccountId: one, PermissionSetArn: admin, PrincipalId: dan, PrincipalType: 'USER' },
      { AccountId: two, PermissionSetArn: readOnly, PrincipalId: dan, PrincipalType: 'USER' },
      { AccountId: two, PermissionSetArn: admin, PrincipalId: dan, PrincipalType: 'USER' },
    ]);
    const filtered = await sso.send(
      new ListAccountAssignmentsForPrincipalCommand({
        InstanceArn: instanceArn,
        PrincipalId: dan,
        PrincipalType: 'USER',
        Filter: { AccountId: two },
      }),
    );
    expect(filtered.AccountAssignments?.map((a) => a.PermissionSetArn)).toEqual([readOnly, admin]);
    expect(filtered.NextToken).toBeUndefined();
    expect(server.ssoAdmin.unassign(two, admin, dan)).toBe(true);
    expect(server.ssoAdmin.unassign(two, admin, dan)).toBe(false);
  });
});

describe('SSO Admin callers', () => {
  it('denies credentials of a member account', async () => {
    server.addRole({ arn: MEMBER_ROLE, externalId: 'ext-1' });
    const sts = new STSClient({ region: 'us-east-1', endpoint: server.url, credentials, maxAttempts: 1 });
    const assumed = await sts.send(
      new AssumeRoleCommand({ RoleArn: MEMBER_ROLE, RoleSessionName: 'latch', ExternalId: 'ext-1' }),
    );
    sts.destroy();
    const { AccessKeyId = '', SecretAccessKey = '', SessionToken } = assumed.Credentials ?? {};
    const member = new SSOAdminClient({
      region: 'us-east-1',
      endpoint: server.url,
      credentials: { accessKeyId: AccessKeyId, secretAccessKey: SecretAccessKey, sessionToken: SessionToken },
      maxAttempts: 1,
    });
    try {
      expect(await errorOf(member.send(new ListInstancesCommand({})))).toBeInstanceOf(AccessDeniedException);
      const error = await errorOf(
        member.send(
          new CreateAccountAssignmentCommand({
            InstanceArn: instanceArn,
            TargetId: '222222222222',
            TargetType: 'AWS_ACCOUNT',
            PermissionSetArn: admin,
            PrincipalType: 'USER',
            PrincipalId: alice,
          }),
        ),
      );
      expect(error).toBeInstanceOf(AccessDeniedException);
      expect((error as Error).message).toContain('sso:CreateAccountAssignment');
      expect(server.ssoAdmin.hasAssignment('222222222222', admin, alice)).toBe(false);
      expect(server.calls.filter((c) => c.service === 'sso').map((c) => c.account)).toEqual([
        '222222222222',
        '222222222222',
      ]);
    } finally {
      member.destroy();
    }
  });
});
