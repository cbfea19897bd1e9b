import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { APPROVE_ACTION, EXTEND_ACTION } from '../../src/slack/action-ids.js';
import {
  approvalCard,
  auditActions,
  click,
  dmContaining,
  fileRequest,
  typeCommand,
  visible,
} from '../support/e2e-steps.js';
import { type LatchWorld, PEOPLE, startLatchWorld } from '../support/start-latch.js';

const { alice, bob, admin } = PEOPLE;
const HOUR = 3600;

/** Alice asks for on-call for `duration`, Bob approves, and the grant is active; returns its id. */
async function activeOncall(world: LatchWorld, duration: string): Promise<string> {
  const requestId = await fileRequest(world, alice.id, `request oncall ${duration} pager`);
  await click(world, bob.id, APPROVE_ACTION, requestId, await approvalCard(world, bob.id, requestId));
  const notice = await dmContaining(world, alice.id, 'is active until');
  return /`(G[0-9A-Z]{6})`/.exec(visible(notice))?.[1] ?? '';
}

describe('extending and revoking grants', () => {
  let world: LatchWorld;
  beforeEach(async () => {
    world = await startLatchWorld();
  });
  afterEach(async () => {
    await world.stop();
  });

  it('extends at once while the approval is valid, within the tier maximum from the start', async () => {
    const grantId = await activeOncall(world, '2h');
    const before = await world.latch.deps.store.getGrant(grantId);

    expect(await typeCommand(world, alice.id, `extend ${grantId} 1h`)).toContain('now ends');
    const after = await world.latch.deps.store.getGrant(grantId);
    expect((after?.expiresAt?.getTime() ?? 0) - (before?.expiresAt?.getTime() ?? 0)).toBe(HOUR * 1000);
    expect(await typeCommand(world, alice.id, `extend ${grantId} 6h`)).toContain('at most 5h');
    expect(await typeCommand(world, bob.id, `extend ${grantId} 1h`)).toContain('is not yours');
    expect(await auditActions(world, { grantId })).toContain('grant.extended');

    // The warning now comes before the new end, and access lasts until then.
    world.clock.advanceSeconds(2 * HOUR + 50 * 60);
    await world.latch.sweep();
    await dmContaining(world, alice.id, '⏳');
    expect(world.aws.isMember(world.groups.oncall, world.awsUsers.alice)).toBe(true);
    world.clock.advanceSeconds(10 * 60);
    await world.latch.sweep();
    expect(world.aws.isMember(world.groups.oncall, world.awsUsers.alice)).toBe(false);
  });

  it('extends from the expiry warning’s Extend button, offering only what the tier allows', async () => {
    const grantId = await activeOncall(world, '7h');
    world.clock.advanceSeconds(6 * HOUR + 50 * 60);
    await world.latch.sweep();
    const warning = await dmContaining(world, alice.id, '⏳');

    await world.user.clickButton({
      userId: alice.id,
      actionId: EXTEND_ACTION,
      value: grantId,
      channelId: warning.channel,
      messageTs: warning.ts,
    });
    const opened = await world.slack.waitForCall(
      'views.open',
      (args) => args.view?.callback_id === 'latch_extend_modal',
    );
    const offered = opened.args.view.blocks[0].element.options.map((o: { value: string }) => o.value);
    expect(offered.at(-1)).toBe('1h');
    // 6h50m after Bob approved, the tier's 1h approval validity is over: the extension goes back to him.
    const submitted = await world.user.submitView({
      userId: alice.id,
      callbackId: 'latch_extend_modal',
      values: {
        latch_extend_duration: {
          latch_extend_duration_input: { type: 'static_select', selected_option: { value: '30m' } },
        },
      },
    });
    expect(submitted.status).toBe(200);
    await dmContaining(world, alice.id, 'the extension is request');
    const [extension] = await world.latch.deps.store.listRequests({
      requesterId: alice.id,
      statuses: ['pending'],
    });
    expect(extension?.justification).toContain(`Extend grant ${grantId} by 30m`);
    await approvalCard(world, bob.id, extension?.id ?? '');
  });

  it('lets an admin revoke anyone’s grant with a reason the grantee sees, and nobody else', async () => {
    const grantId = await activeOncall(world, '2h');

    expect(await typeCommand(world, bob.id, `admin revoke ${grantId} nope`)).toContain('Only Latch admins');
    expect(world.aws.isMember(world.groups.oncall, world.awsUsers.alice)).toBe(true);

    expect(await typeCommand(world, admin.id, `admin revoke ${grantId} incident closed <!here>`)).toContain(
      'is revoked',
    );
    expect(world.aws.isMember(world.groups.oncall, world.awsUsers.alice)).toBe(false);
    const ended = await dmContaining(world, alice.id, 'ended early by <@U0ADMIN>');
    expect(visible(ended)).toContain('incident closed &lt;!here&gt;');
    expect(await auditActions(world, { grantId })).toEqual([
      'grant.provisioning',
      'grant.active',
      'grant.revoking',
      'grant.revoked',
    ]);
  });
});
