import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { APPROVE_ACTION } from '../../src/slack/action-ids.js';
import {
  approvalCard,
  click,
  dmContaining,
  eventually,
  fileRequest,
  typeCommand,
} from '../support/e2e-steps.js';
import { type LatchWorld, PEOPLE, startLatchWorld } from '../support/start-latch.js';

const { alice, bob, admin } = PEOPLE;

describe('a request is matched to its Identity Center user while approvers read it', () => {
  let world: LatchWorld;
  beforeEach(async () => {
    world = await startLatchWorld();
  });
  afterEach(async () => {
    await world.stop();
  });

  const matchOf = (requestId: string) =>
    eventually(
      () => world.latch.deps.store.awsIdentityOf({ requestId, requesterId: alice.id }),
      (identity) => identity.matched !== undefined,
    );
  const lookupsSince = (index: number) =>
    world.aws.calls.slice(index).filter((c) => c.operation === 'GetUserId').length;

  /** Bob approves Alice's request from his card; resolves once she is told her access is active. */
  async function approve(requestId: string) {
    await click(world, bob.id, APPROVE_ACTION, requestId, await approvalCard(world, bob.id, requestId));
    await dmContaining(world, alice.id, 'is active until');
  }

  it('records the user on the request, and its approval provisions that user without looking her up, after a restart too', async () => {
    const requestId = await fileRequest(world, alice.id, 'request oncall 2h fixing the pager');
    expect((await matchOf(requestId)).matched).toEqual({
      principalId: world.awsUsers.alice,
      email: alice.email,
    });

    // A new process remembers nothing of the lookup but what the request holds.
    await world.restart();
    const before = world.aws.calls.length;
    await approve(requestId);
    expect(world.aws.isMember(world.groups.oncall, world.awsUsers.alice)).toBe(true);
    expect(lookupsSince(before)).toBe(0);
    const [grant] = await world.latch.deps.store.listGrants({ requesterId: alice.id });
    expect(grant).toMatchObject({ status: 'active', principalId: world.awsUsers.alice });
  });

  it('looks her up again when an admin pinned another email after she filed', async () => {
    const requestId = await fileRequest(world, alice.id, 'request oncall 2h fixing the pager');
    await matchOf(requestId);
    const ops = world.aws.addUser({ userName: 'alice.ops', email: 'alice.ops@example.com' });
    expect(await typeCommand(world, admin.id, `admin pin ${alice.id} alice.ops@example.com`)).toContain(
      'is now matched in AWS',
    );

    await approve(requestId);
    expect(world.aws.isMember(world.groups.oncall, ops)).toBe(true);
    expect(world.aws.isMember(world.groups.oncall, world.awsUsers.alice)).toBe(false);
  });

  it('provisions the pinned user when she was pinned before she filed', async () => {
    const ops = world.aws.addUser({ userName: 'alice.ops', email: 'alice.ops@example.com' });
    await typeCommand(world, admin.id, `admin pin ${alice.id} alice.ops@example.com`);
    const requestId = await fileRequest(world, alice.id, 'request oncall 2h fixing the pager');
    await matchOf(requestId);

    await approve(requestId);
    expect(world.aws.isMember(world.groups.oncall, ops)).toBe(true);
    expect(world.aws.isMember(world.groups.oncall, world.awsUsers.alice)).toBe(false);
  });

  it('looks her up again when the matched user was deleted and made anew before the approval', async () => {
    const requestId = await fileRequest(world, alice.id, 'request oncall 2h fixing the pager');
    await matchOf(requestId);
    world.aws.removeUser(world.awsUsers.alice);
    const remade = world.aws.addUser({ userName: 'alice', email: alice.email });
    await world.restart();

    await approve(requestId);
    expect(world.aws.isMember(world.groups.oncall, remade)).toBe(true);
    const [grant] = await world.latch.deps.store.listGrants({ requesterId: alice.id });
    expect(grant).toMatchObject({ status: 'active', principalId: remade });
  });

  it('files the request all the same when Identity Center has no user for her yet, and provisions once it has', async () => {
    world.aws.removeUser(world.awsUsers.alice);
    const before = world.aws.calls.length;
    const requestId = await fileRequest(world, alice.id, 'request oncall 2h fixing the pager');
    await eventually(
      () => lookupsSince(before),
      (lookups) => lookups >= 2, // by email, then by user name
    );
    expect(
      (await world.latch.deps.store.awsIdentityOf({ requestId, requesterId: alice.id })).matched,
    ).toBeUndefined();

    const added = world.aws.addUser({ userName: 'alice', email: alice.email });
    await approve(requestId);
    expect(world.aws.isMember(world.groups.oncall, added)).toBe(true);
  });
});
