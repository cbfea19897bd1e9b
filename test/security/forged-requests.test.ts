import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEvent, Grant } from '../../src/core/model.js';
import { APPROVE_ACTION, DENY_MODAL, EXTEND_ACTION, RELEASE_ACTION } from '../../src/slack/action-ids.js';
import { answerAt, approvalCard, click, eventually, fileRequest, typeCommand } from '../support/e2e-steps.js';
import {
  type SlackClientForBot,
  signSlackRequest,
  slackClientForBot,
} from '../support/sign-slack-request.js';
import { type LatchWorld, PEOPLE, SIGNING_SECRET, startLatchWorld } from '../support/start-latch.js';

const { alice, bob, eve, admin } = PEOPLE;
const FORM = 'application/x-www-form-urlencoded';
const MINUTE = 60;

/** Everything Latch could have changed: requests, grants, the audit log, and access in AWS. */
async function snapshot(world: LatchWorld) {
  const { store } = world.latch.deps;
  return {
    requests: (await store.listRequests({})).map((r) => `${r.id}:${r.status}:${r.currentStep}`).sort(),
    grants: (await store.listGrants({})).map((g) => `${g.id}:${g.status}`).sort(),
    audit: (await store.listAudit({})).length,
    awsChanges: world.aws.calls.filter((c) => /^(Create|Delete|Add|Remove|Attach|Detach)/.test(c.operation))
      .length,
  };
}

/** Waits until Latch has said everything it was going to (no Slack call for 200 ms). */
async function settled(world: LatchWorld): Promise<void> {
  let seen = -1;
  await eventually(async () => {
    await new Promise((resolve) => setTimeout(resolve, 200));
    const now = world.slack.calls.length;
    const quiet = now === seen;
    seen = now;
    return quiet;
  }, Boolean);
}

/** Waits for the grant of `requestId` to be active in AWS and returns it. */
async function activeGrant(world: LatchWorld, requestId: string): Promise<Grant> {
  const grant = await eventually(
    async () => (await world.latch.deps.store.listGrants({})).find((g) => g.requestId === requestId),
    (found) => found?.status === 'active',
  );
  return grant as Grant;
}

async function auditSince(world: LatchWorld, count: number): Promise<AuditEvent[]> {
  return (await world.latch.deps.store.listAudit({})).slice(count);
}

/** A block_actions click, signed at `timestampSeconds`; the same bytes can be sent again to replay it. */
function signedClick(
  world: LatchWorld,
  input: { userId: string; actionId: string; value: string; timestampSeconds?: number },
): { body: string; headers: Record<string, string>; responseUrl: string } {
  const responseUrl = world.slack.newResponseUrl({ userId: input.userId });
  const payload = {
    type: 'block_actions',
    user: { id: input.userId, username: input.userId, name: input.userId, team_id: world.slack.teamId },
    api_app_id: 'A0FAKE',
    token: 'fakeVerificationToken',
    team: { id: world.slack.teamId, domain: 'test' },
    container: { type: 'message', message_ts: '1.000001', channel_id: `D${input.userId}` },
    channel: { id: `D${input.userId}`, name: 'directmessage' },
    trigger_id: world.slack.newTriggerId(),
    response_url: responseUrl,
    actions: [
      {
        type: 'button',
        action_id: input.actionId,
        block_id: 'b',
        value: input.value,
        text: { type: 'plain_text', text: 'x' },
        action_ts: '1.0',
      },
    ],
  };
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  return {
    body,
    headers: { 'content-type': FORM, ...signSlackRequest(SIGNING_SECRET, body, input.timestampSeconds) },
    responseUrl,
  };
}

describe('forged and replayed Slack requests', () => {
  let world: LatchWorld;
  /** Acts as Slack would for a different workspace, signing with Latch's own secret. */
  let foreign: SlackClientForBot;
  beforeAll(async () => {
    // Every approval is asked for afresh, so one test's approval never re-activates another's request.
    world = await startLatchWorld({
      policy: (yaml) => yaml.replace('approval_validity: 1h', 'approval_validity: 0s'),
    });
    foreign = slackClientForBot({
      botUrl: world.botUrl,
      signingSecret: SIGNING_SECRET,
      fake: world.slack,
      teamId: 'T0OTHERCO',
    });
  });
  afterAll(async () => {
    await world.stop();
  });

  it('answers 401 to every unsigned, mis-signed, tampered or stale request of every kind, and changes nothing', async () => {
    const requestId = await fileRequest(world, alice.id, 'request oncall 1h pager');
    await approvalCard(world, bob.id, requestId);
    await settled(world);
    const before = await snapshot(world);
    const slackCallsBefore = world.slack.calls.length;
    const now = Math.floor(Date.now() / 1000);

    const kinds: Record<string, { body: string; type: string }> = {
      'slash command': {
        type: FORM,
        body: new URLSearchParams({
          command: '/access',
          text: 'request readonly 1h forged',
          user_id: alice.id,
          team_id: world.slack.teamId,
          response_url: world.slack.newResponseUrl(),
          trigger_id: world.slack.newTriggerId(),
        }).toString(),
      },
      'approve click': {
        type: FORM,
        body: signedClick(world, { userId: bob.id, actionId: APPROVE_ACTION, value: requestId }).body,
      },
      'deny form': {
        type: FORM,
        body: new URLSearchParams({
          payload: JSON.stringify({
            type: 'view_submission',
            team: { id: world.slack.teamId },
            user: { id: bob.id, team_id: world.slack.teamId },
            view: {
              id: 'V0FORGED',
              callback_id: DENY_MODAL,
              private_metadata: requestId,
              state: { values: { latch_reason: { latch_reason_input: { value: 'forged' } } } },
            },
          }),
        }).toString(),
      },
      'Home opened': {
        type: 'application/json',
        body: JSON.stringify({
          type: 'event_callback',
          team_id: world.slack.teamId,
          event: { type: 'app_home_opened', user: bob.id, tab: 'home', channel: 'D0BOB' },
          event_id: 'Ev0FORGED',
          event_time: now,
        }),
      },
    };
    const forgeries: Record<string, (body: string) => { body: string; headers: Record<string, string> }> = {
      'no signature': (body) => ({ body, headers: {} }),
      'the wrong secret': (body) => ({ body, headers: signSlackRequest('not-the-secret', body, now) }),
      'a body changed after signing': (body) => ({
        body: `${body.replace('forged', 'changed').replace(requestId, 'RZZZZZZ')}&x=1`,
        headers: signSlackRequest(SIGNING_SECRET, body, now),
      }),
      'a timestamp changed after signing': (body) => {
        const signed = signSlackRequest(SIGNING_SECRET, body, now);
        return { body, headers: { ...signed, 'x-slack-request-timestamp': String(now + 1) } };
      },
      'a correct signature 6 minutes old': (body) => ({
        body,
        headers: signSlackRequest(SIGNING_SECRET, body, now - 6 * MINUTE),
      }),
    };

    const statuses: string[] = [];
    for (const [kind, { body, type }] of Object.entries(kinds)) {
      for (const [forgery, forge] of Object.entries(forgeries)) {
        const sent = forge(body);
        const result = await world.user.raw(sent.body, { 'content-type': type, ...sent.headers });
        statuses.push(`${kind} with ${forgery}: ${result.status}`);
      }
    }

    expect(statuses).toHaveLength(20);
    expect(statuses.filter((s) => !s.endsWith(': 401'))).toEqual([]);
    expect(await snapshot(world)).toEqual(before);
    // Nothing reached a listener: Latch said nothing to anyone.
    expect(world.slack.calls.slice(slackCallsBefore).map((c) => c.method)).toEqual([]);
  });

  it('refuses a correctly signed request dated more than 5 minutes ahead, and audits it', async () => {
    const requestId = await fileRequest(world, alice.id, 'request oncall 1h pager');
    await approvalCard(world, bob.id, requestId);
    const before = await snapshot(world);
    const ahead = Math.floor(Date.now() / 1000) + 6 * MINUTE;
    // Bolt 5.1 accepts these (it rejects only timestamps more than 5 minutes old); Latch must not.
    const clicked = signedClick(world, {
      userId: bob.id,
      actionId: APPROVE_ACTION,
      value: requestId,
      timestampSeconds: ahead,
    });
    const slow = signedClick(world, {
      userId: bob.id,
      actionId: APPROVE_ACTION,
      value: requestId,
      timestampSeconds: ahead - 2 * MINUTE,
    });

    expect((await world.user.raw(clicked.body, clicked.headers)).status).toBe(200);
    expect((await world.user.raw(slow.body, slow.headers)).status).toBe(200);

    // Four minutes ahead is within Slack's five minutes of clock skew, so that click counts.
    await activeGrant(world, requestId);
    const audited = (await auditSince(world, before.audit)).map((e) => [e.action, e.actor, e.detail?.reason]);
    expect(audited[0]).toEqual(['action.refused', bob.id, 'signed_in_the_future']);
    expect(audited.slice(1).map(([action]) => action)).toContain('request.approved');
    expect(world.aws.calls.filter((c) => c.operation === 'CreateGroupMembership')).toHaveLength(1);
  });

  it('refuses a correctly signed request from another workspace before any listener runs, and audits it', async () => {
    const requestId = await fileRequest(world, alice.id, 'request oncall 1h pager');
    await approvalCard(world, bob.id, requestId);
    await settled(world);
    const before = await snapshot(world);
    const publishesBefore = world.slack.callsTo('views.publish').length;

    const command = await foreign.command({ userId: alice.id, text: 'request readonly 1h from elsewhere' });
    const approve = await foreign.clickButton({ userId: bob.id, actionId: APPROVE_ACTION, value: requestId });
    const form = await foreign.submitView({
      userId: alice.id,
      callbackId: 'latch_request_modal',
      values: {
        latch_resource: {
          latch_resource_input: { type: 'external_select', selected_option: { value: 'readonly' } },
        },
        latch_duration: { latch_duration_input: { type: 'static_select', selected_option: { value: '1h' } } },
        latch_justification: { latch_justification_input: { type: 'plain_text_input', value: 'elsewhere' } },
      },
    });
    const home = await foreign.event({
      type: 'app_home_opened',
      user: bob.id,
      channel: 'D0BOB',
      tab: 'home',
    });

    expect([command.status, approve.status, form.status, home.status]).toEqual([200, 200, 200, 200]);
    expect(command.body.text).toContain('serves another Slack workspace; nothing was done');
    const refusals = await eventually(
      async () => (await auditSince(world, before.audit)).filter((e) => e.action === 'action.refused'),
      (rows) => rows.length === 4,
    );
    expect(
      refusals.map((e) => [e.actor, e.detail?.attempted, e.detail?.reason, e.detail?.teamId]).sort(),
    ).toEqual(
      [
        [alice.id, '/access', 'foreign_workspace', 'T0OTHERCO'],
        [bob.id, 'block_actions latch_approve', 'foreign_workspace', 'T0OTHERCO'],
        [alice.id, 'view_submission latch_request_modal', 'foreign_workspace', 'T0OTHERCO'],
        [bob.id, 'event app_home_opened', 'foreign_workspace', 'T0OTHERCO'],
      ].sort(),
    );
    expect(await snapshot(world)).toEqual({ ...before, audit: before.audit + 4 });
    expect(world.slack.callsTo('views.publish')).toHaveLength(publishesBefore);
  });

  it('refuses a click replayed under another user, from the card or the deny form, and audits each', async () => {
    const requestId = await fileRequest(world, alice.id, 'request oncall 1h pager');
    const card = await approvalCard(world, bob.id, requestId);
    const before = await snapshot(world);

    // Eve (and Alice, the requester) replay Bob's buttons as themselves.
    const byEve = await click(world, eve.id, APPROVE_ACTION, requestId, card);
    const byAlice = await click(world, alice.id, APPROVE_ACTION, requestId, card);
    const denyByEve = await world.user.submitView({
      userId: eve.id,
      callbackId: DENY_MODAL,
      privateMetadata: requestId,
      values: { latch_reason: { latch_reason_input: { type: 'plain_text_input', value: 'replayed' } } },
    });

    expect(await answerAt(world, byEve.responseUrl)).toContain('You are not an approver');
    expect(await answerAt(world, byAlice.responseUrl)).toContain('cannot decide your own request');
    expect(denyByEve.body).toMatchObject({ response_action: 'errors' });
    expect(JSON.stringify(denyByEve.body)).toContain('You are not an approver');
    // Clicks are acked before they are decided, so their rows may land in either order.
    const refused = (await auditSince(world, before.audit)).map((e) => [e.action, e.actor, e.detail?.reason]);
    expect(refused.map(String).sort()).toEqual(
      [
        ['decision.refused', eve.id, 'not_an_approver'],
        ['decision.refused', alice.id, 'self_approval'],
        ['decision.refused', eve.id, 'not_an_approver'],
      ]
        .map(String)
        .sort(),
    );
    expect(await snapshot(world)).toEqual({ ...before, audit: before.audit + 3 });
  });

  it('refuses a button whose value names another request, or none, and audits it', async () => {
    const requestId = await fileRequest(world, alice.id, 'request oncall 1h pager');
    const card = await approvalCard(world, bob.id, requestId);
    // Eve has no manager, and Bob is his own: both requests go to the admins, not to Bob.
    const evesId = await fileRequest(world, eve.id, 'request oncall 1h curious');
    const bobsId = await fileRequest(world, bob.id, 'request oncall 1h rotating keys');
    await approvalCard(world, admin.id, bobsId);
    const before = await snapshot(world);

    const answers: string[] = [];
    for (const value of [evesId, bobsId, 'RNOSUCH1', 'x'.repeat(10_000), 'R\u0000', '<!channel>']) {
      const { responseUrl } = await world.user.clickButton({
        userId: bob.id,
        actionId: APPROVE_ACTION,
        value,
        channelId: card.channel,
        messageTs: card.ts,
      });
      answers.push(await answerAt(world, responseUrl));
    }

    expect(answers[0]).toContain(`You are not an approver for request \`${evesId}\``);
    expect(answers[1]).toContain(`You cannot decide your own request \`${bobsId}\``);
    expect(answers[2]).toContain('There is no request `RNOSUCH1`');
    expect(answers[3]).toContain('There is no request');
    expect(answers[3]?.length).toBeLessThan(400);
    expect(answers[4]).toContain('There is no request');
    expect(answers[5]).toContain('There is no request `&lt;!channel&gt;`');
    const audited = (await auditSince(world, before.audit)).map((e) => [
      e.action,
      e.requestId,
      e.detail?.reason,
    ]);
    expect(audited).toEqual([
      ['decision.refused', evesId, 'not_an_approver'],
      ['decision.refused', bobsId, 'self_approval'],
      ...Array(4).fill(['decision.refused', undefined, 'unknown_request']),
    ]);
    expect(await snapshot(world)).toEqual({ ...before, audit: before.audit + 6 });
  });

  it('changes nothing when a request or grant is acted on after it ended, and audits each attempt', async () => {
    const denied = await fileRequest(world, alice.id, 'request oncall 1h pager');
    const deniedCard = await approvalCard(world, bob.id, denied);
    await world.user.submitView({
      userId: bob.id,
      callbackId: DENY_MODAL,
      privateMetadata: denied,
      values: { latch_reason: { latch_reason_input: { type: 'plain_text_input', value: 'no' } } },
    });
    const cancelled = await fileRequest(world, alice.id, 'request oncall 1h pager');
    const cancelledCard = await approvalCard(world, bob.id, cancelled);
    expect(await typeCommand(world, alice.id, `cancel ${cancelled}`)).toContain('is cancelled');
    const expired = await fileRequest(world, alice.id, 'request oncall 1h pager');
    const expiredCard = await approvalCard(world, bob.id, expired);
    const released = await fileRequest(world, alice.id, 'request readonly 1h dashboards');
    const grantId = (await activeGrant(world, released)).id;
    expect(await typeCommand(world, alice.id, `release ${grantId}`)).toContain('is released');
    world.clock.advanceSeconds(25 * 3600);
    await world.latch.sweep();
    expect((await world.latch.deps.store.getRequest(expired))?.status).toBe('expired');
    const before = await snapshot(world);

    const answers = [
      await answerAt(world, (await click(world, bob.id, APPROVE_ACTION, denied, deniedCard)).responseUrl),
      await answerAt(
        world,
        (await click(world, bob.id, APPROVE_ACTION, cancelled, cancelledCard)).responseUrl,
      ),
      await answerAt(world, (await click(world, bob.id, APPROVE_ACTION, expired, expiredCard)).responseUrl),
      await typeCommand(world, alice.id, `cancel ${denied}`),
      await typeCommand(world, alice.id, `cancel ${cancelled}`),
      await typeCommand(world, alice.id, `release ${grantId}`),
      await typeCommand(world, alice.id, `extend ${grantId} 1h`),
      await typeCommand(world, admin.id, `admin revoke ${grantId} again`),
      await answerAt(
        world,
        (await world.user.clickButton({ userId: alice.id, actionId: RELEASE_ACTION, value: grantId }))
          .responseUrl,
      ),
      await answerAt(
        world,
        (await world.user.clickButton({ userId: alice.id, actionId: EXTEND_ACTION, value: grantId }))
          .responseUrl,
      ),
    ];

    expect(answers).toEqual([
      expect.stringContaining(`Request \`${denied}\` was already denied by <@${bob.id}>; nothing changed.`),
      expect.stringContaining(`Request \`${cancelled}\` was already cancelled`),
      expect.stringContaining(`Request \`${expired}\` was already expired; nothing changed.`),
      expect.stringContaining(`Request \`${denied}\` is no longer waiting for a decision (it is denied)`),
      expect.stringContaining(
        `Request \`${cancelled}\` is no longer waiting for a decision (it is cancelled)`,
      ),
      ...Array(5).fill(expect.stringContaining(`Grant \`${grantId}\` is not active (it is revoked)`)),
    ]);
    const audited = (await auditSince(world, before.audit)).map((e) => [
      e.action,
      e.detail?.attempted ?? e.detail?.decision,
      e.detail?.reason,
    ]);
    expect(audited).toEqual([
      ['decision.refused', 'approve', 'not_pending'],
      ['decision.refused', 'approve', 'not_pending'],
      ['decision.refused', 'approve', 'not_pending'],
      ['action.refused', 'cancel', 'request_not_pending'],
      ['action.refused', 'cancel', 'request_not_pending'],
      ['action.refused', 'release', 'grant_not_active'],
      ['action.refused', 'extend', 'grant_not_active'],
      ['action.refused', 'admin revoke', 'grant_not_active'],
      ['action.refused', 'release', 'grant_not_active'],
      ['action.refused', 'extend', 'grant_not_active'],
    ]);
    expect(await snapshot(world)).toEqual({ ...before, audit: before.audit + 10 });
  });

  it('provisions once when Bob’s own signed click is sent again byte for byte, and audits each replay', async () => {
    const requestId = await fileRequest(world, alice.id, 'request oncall 1h pager');
    await approvalCard(world, bob.id, requestId);
    const grantsBefore = (await world.latch.deps.store.listGrants({ requesterId: alice.id })).length;
    const clicked = signedClick(world, { userId: bob.id, actionId: APPROVE_ACTION, value: requestId });

    expect((await world.user.raw(clicked.body, clicked.headers)).status).toBe(200);
    await activeGrant(world, requestId);
    await settled(world);
    const auditBefore = (await world.latch.deps.store.listAudit({})).length;
    for (let replay = 0; replay < 3; replay++) {
      expect((await world.user.raw(clicked.body, clicked.headers)).status).toBe(200);
    }

    await world.slack.waitForResponse((body) => String(body.text).includes('was already approved'));
    const grants = await world.latch.deps.store.listGrants({ requesterId: alice.id });
    expect(grants).toHaveLength(grantsBefore + 1);
    const refusals = await eventually(
      () => auditSince(world, auditBefore),
      (rows) => rows.filter((e) => e.action === 'decision.refused').length === 3,
    );
    expect(refusals.map((e) => [e.action, e.actor, e.detail?.reason, e.requestId])).toEqual(
      Array(3).fill(['decision.refused', bob.id, 'not_pending', requestId]),
    );
  });
});
