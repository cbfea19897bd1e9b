import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  APPROVE_ACTION,
  CANCEL_ACTION,
  DENY_MODAL,
  EXTEND_MODAL,
  RELEASE_ACTION,
  TIER_ACTION,
} from '../../src/slack/action-ids.js';
import {
  answerAt,
  eventually,
  fileRequest,
  sendInteraction,
  typeCommand,
  visible,
} from '../support/e2e-steps.js';
import { type LatchWorld, PEOPLE, startLatchWorld } from '../support/start-latch.js';

const { alice, bob, eve, admin } = PEOPLE;
const carol = { id: 'U0CAROL', email: 'carol@example.com', name: 'carol', realName: 'Carol Owner' };
const cto = { id: 'U0CTO', email: 'cto@example.com', name: 'cto', realName: 'Cleo Executive' };

/**
 * Who is who towards Alice's request for `prod-admin` (tier critical: manager, then owner, then the
 * executive group) while it waits at its first step.
 */
const ROLES = {
  requester: alice.id,
  'approver of this step': bob.id, // Alice's manager
  'approver of another step': cto.id, // the executive group, step 3
  owner: carol.id, // prod-admin's owner, step 2
  admin: admin.id,
  stranger: eve.id,
} as const;
type Role = keyof typeof ROLES;

/** Every answer Latch gives a refused person starts from one of these. */
const REFUSAL =
  /You are not an approver|You cannot decide your own request|is not yours|Only Latch admins can do that/;

interface Action {
  /** Who may do it; every other role must be refused. */
  allowed: Role[];
  /** A fresh target (request id, grant id, resource id) for one cell. */
  prepare(world: LatchWorld): Promise<string>;
  /** Does it as `userId`; returns what Latch answered them. */
  act(world: LatchWorld, userId: string, target: string): Promise<string>;
  /** What the action would change, read back from the database and the live policy. */
  state(world: LatchWorld, target: string): Promise<string>;
  /** The state after it succeeded, given the state before. */
  done(before: string): string | RegExp;
  /** What an allowed person is answered, where the action changes nothing to look at (a read). */
  answered?: RegExp;
  /** Puts back shared state an allowed cell changed (a tier), so the next cell starts alike. */
  undo?(world: LatchWorld): Promise<void>;
}

/** Whom AWS matches a person as: an admin's pin, or their Slack email. */
async function pinState(world: LatchWorld, personId: string): Promise<string> {
  const pin = await world.latch.deps.store.getIdentityPin(personId);
  return pin ? `matched as ${pin.awsEmail}` : 'matched by Slack email';
}

const pendingProdAdmin = (world: LatchWorld) => fileRequest(world, alice.id, 'request prod-admin 30m matrix');

async function activeReadonlyGrant(world: LatchWorld): Promise<string> {
  const requestId = await fileRequest(world, alice.id, 'request readonly 1h matrix');
  const grant = await eventually(
    async () => (await world.latch.deps.store.listGrants({})).find((g) => g.requestId === requestId),
    (found) => found?.status === 'active',
  );
  return grant?.id ?? '';
}

async function requestState(world: LatchWorld, requestId: string): Promise<string> {
  const request = await world.latch.deps.store.getRequest(requestId);
  const approvals = await world.latch.deps.store.listApprovals(requestId);
  return `${request?.status} at step ${request?.currentStep}, ${approvals.length} approvals`;
}

async function grantState(world: LatchWorld, grantId: string): Promise<string> {
  const grant = await world.latch.deps.store.getGrant(grantId);
  return `${grant?.status} until ${grant?.expiresAt?.toISOString()}`;
}

const tierOf = (world: LatchWorld, resourceId: string) =>
  world.latch.deps.policy.resources.find((r) => r.id === resourceId)?.tier ?? 'none';

/** A click; Latch answers a refusal (or a no-op) at the response_url, and a success by changing state. */
async function button(world: LatchWorld, userId: string, actionId: string, value: string): Promise<string> {
  const { responseUrl } = await world.user.clickButton({ userId, actionId, value });
  const id = responseUrl.slice(responseUrl.lastIndexOf('/') + 1);
  return RESPONSE_PREFIX + id;
}
const RESPONSE_PREFIX = 'response:';

/** What Latch answered: the text itself, or (for a click) what reached its response_url, if anything yet. */
async function answerText(world: LatchWorld, answer: string, isRefusal: boolean): Promise<string> {
  if (!answer.startsWith(RESPONSE_PREFIX)) return answer;
  const id = answer.slice(RESPONSE_PREFIX.length);
  if (isRefusal) return answerAt(world, `/${id}`);
  return world.slack.responses
    .filter((r) => r.id === id)
    .map((r) => String(r.body.text))
    .join('\n');
}

/** A choice in App Home's tier selector, which Slack sends without a response_url: Latch answers by DM. */
async function chooseTierOnHome(world: LatchWorld, userId: string, resourceId: string, tier: string) {
  const dmsBefore = world.slack.dmsTo(userId).length;
  const homesOf = () => world.slack.callsTo('views.publish').filter((c) => c.args.user_id === userId).length;
  const homesBefore = homesOf();
  const sent = await sendInteraction(world, {
    type: 'block_actions',
    user: { id: userId, name: userId, team_id: world.slack.teamId },
    team: { id: world.slack.teamId, domain: 'fake' },
    trigger_id: world.slack.newTriggerId(),
    container: { type: 'view', view_id: 'V0HOME' },
    view: { id: 'V0HOME', type: 'home', blocks: [], state: { values: {} } },
    actions: [
      {
        type: 'static_select',
        action_id: TIER_ACTION,
        block_id: `${TIER_ACTION}:${resourceId}`,
        selected_option: { text: { type: 'plain_text', text: tier }, value: tier },
        action_ts: '1.0',
      },
    ],
  });
  expect(sent.status).toBe(200);
  // Latch redraws the clicker's Home after every choice; a refusal comes as a DM, a change shows in
  // the tier. A redraw alone proves nothing: one put off from an earlier change may land first.
  await eventually(
    async () => ({
      homes: homesOf(),
      dms: world.slack.dmsTo(userId).length,
      tier: await tierOf(world, resourceId),
    }),
    (now) => now.homes > homesBefore && (now.dms > dmsBefore || now.tier === tier),
  );
  return world.slack.dmsTo(userId).slice(dmsBefore).map(visible).join('\n');
}

const ACTIONS: Record<string, Action> = {
  approve: {
    allowed: ['approver of this step'],
    prepare: pendingProdAdmin,
    act: (world, userId, requestId) => button(world, userId, APPROVE_ACTION, requestId),
    state: requestState,
    done: () => 'pending at step 1, 1 approvals',
  },
  deny: {
    allowed: ['approver of this step'],
    prepare: pendingProdAdmin,
    async act(world, userId, requestId) {
      const sent = await world.user.submitView({
        userId,
        callbackId: DENY_MODAL,
        privateMetadata: requestId,
        values: { latch_reason: { latch_reason_input: { type: 'plain_text_input', value: 'matrix' } } },
      });
      return JSON.stringify(sent.body ?? '');
    },
    state: requestState,
    done: () => 'denied at step 0, 1 approvals',
  },
  cancel: {
    allowed: ['requester'],
    prepare: pendingProdAdmin,
    act: (world, userId, requestId) => button(world, userId, CANCEL_ACTION, requestId),
    state: requestState,
    done: () => 'cancelled at step 0, 0 approvals',
  },
  extend: {
    allowed: ['requester'],
    prepare: activeReadonlyGrant,
    async act(world, userId, grantId) {
      const sent = await world.user.submitView({
        userId,
        callbackId: EXTEND_MODAL,
        privateMetadata: grantId,
        values: {
          latch_extend_duration: {
            latch_extend_duration_input: { type: 'static_select', selected_option: { value: '1h' } },
          },
        },
      });
      return JSON.stringify(sent.body ?? '');
    },
    state: grantState,
    done: (before) => {
      const until = new Date(before.slice(before.indexOf('until ') + 6));
      return `active until ${new Date(until.getTime() + 3600_000).toISOString()}`;
    },
  },
  release: {
    allowed: ['requester'],
    prepare: activeReadonlyGrant,
    act: (world, userId, grantId) => button(world, userId, RELEASE_ACTION, grantId),
    state: grantState,
    done: () => /^revok(ing|ed) until/,
  },
  'admin sync': {
    allowed: ['admin'],
    prepare: async () => 'catalog',
    act: (world, userId) => typeCommand(world, userId, 'admin sync'),
    state: async (world) => {
      const run = await world.latch.deps.store.lastSyncRun();
      const discovery = world.aws.calls.filter((c) => c.operation === 'ListAccounts').length;
      return `last sync by ${run?.actor ?? 'nobody'} (${run?.trigger ?? '-'}), ${discovery} discoveries`;
    },
    done: (before) => {
      const discoveries = Number(/(\d+) discoveries/.exec(before)?.[1] ?? 0);
      return new RegExp(`^last sync by ${admin.id} \\(slack\\), ${discoveries + 1} discoveries$`);
    },
  },
  'admin revoke': {
    allowed: ['admin'],
    prepare: activeReadonlyGrant,
    act: (world, userId, grantId) => typeCommand(world, userId, `admin revoke ${grantId} matrix`),
    state: grantState,
    done: () => /^revok(ing|ed) until/,
  },
  'admin insights': {
    allowed: ['admin'],
    prepare: async () => 'standing access',
    act: (world, userId) => typeCommand(world, userId, 'admin insights'),
    // A read: nothing changes either way; an admin gets the reading (none yet here), others a refusal.
    state: async () => 'read only',
    done: () => 'read only',
    answered: /Latch has not read standing access yet/,
  },
  'admin pin': {
    allowed: ['admin'],
    prepare: async (world) => {
      await typeCommand(world, admin.id, `admin unpin ${alice.id}`);
      return alice.id;
    },
    act: (world, userId, personId) =>
      typeCommand(world, userId, `admin pin ${personId} alice.ops@example.com`),
    state: pinState,
    done: () => 'matched as alice.ops@example.com',
  },
  'admin unpin': {
    allowed: ['admin'],
    prepare: async (world) => {
      await typeCommand(world, admin.id, `admin pin ${alice.id} alice.ops@example.com`);
      return alice.id;
    },
    act: (world, userId, personId) => typeCommand(world, userId, `admin unpin ${personId}`),
    state: pinState,
    done: () => 'matched by Slack email',
  },
  'admin tier': {
    allowed: ['admin'],
    prepare: async () => 'audit-readonly',
    act: (world, userId, resourceId) => typeCommand(world, userId, `admin tier ${resourceId} medium`),
    state: async (world, resourceId) => tierOf(world, resourceId),
    done: () => 'medium',
    undo: async (world) => {
      expect(await typeCommand(world, admin.id, 'admin tier audit-readonly low')).toContain('is now tier');
    },
  },
  'tier change in App Home': {
    allowed: ['admin'],
    prepare: async () => 'audit-readonly',
    act: (world, userId, resourceId) => chooseTierOnHome(world, userId, resourceId, 'medium'),
    state: async (world, resourceId) => tierOf(world, resourceId),
    done: () => 'medium',
    undo: async (world) => {
      await chooseTierOnHome(world, admin.id, 'audit-readonly', 'low');
      await eventually(
        () => tierOf(world, 'audit-readonly'),
        (tier) => tier === 'low',
      );
    },
  },
};

const CELLS = Object.entries(ACTIONS).flatMap(([action, spec]) =>
  (Object.keys(ROLES) as Role[]).map((role) => ({
    action,
    role,
    verdict: spec.allowed.includes(role) ? 'allowed' : 'refused',
  })),
);

describe('who may do what: every action × every role', () => {
  let world: LatchWorld;
  beforeAll(async () => {
    world = await startLatchWorld({
      policy: (yaml) =>
        yaml
          .replace('    tier: critical\n', '    tier: critical\n    owners: [carol@example.com]\n')
          .replace('\nresources:\n', '\n  groups:\n    executive: [cto@example.com]\nresources:\n'),
    });
    for (const person of [carol, cto]) world.slack.addUser({ ...person, isEmailConfirmed: true });
  });
  afterAll(async () => {
    await world.stop();
  });

  it('has the roles the table speaks of: Bob, Carol and the executive approve three different steps', async () => {
    const requestId = await pendingProdAdmin(world);
    const request = await world.latch.deps.store.getRequest(requestId);
    const tier = world.latch.deps.policy.tiers[tierOf(world, 'prod-admin')];
    expect(request?.currentStep).toBe(0);
    expect(tier?.steps.map((s) => s.kind)).toEqual(['manager', 'owner', 'group']);
    expect(world.latch.deps.policy.resources.find((r) => r.id === 'prod-admin')?.owners).toEqual([
      carol.email,
    ]);
    expect(world.latch.deps.policy.approvers.groups.executive).toEqual([cto.email]);
  });

  it.each(CELLS)('$action by the $role: $verdict', async ({ action, role, verdict }) => {
    const spec = ACTIONS[action] as Action;
    const userId = ROLES[role];
    const target = await spec.prepare(world);
    const before = await spec.state(world, target);
    const auditBefore = (await world.latch.deps.store.listAudit({})).length;
    const awsChangesBefore = world.aws.calls.filter((c) =>
      /^(Create|Delete|Add|Remove)/.test(c.operation),
    ).length;

    const answer = await spec.act(world, userId, target);

    if (verdict === 'allowed') {
      const want = spec.done(before);
      await eventually(
        () => spec.state(world, target),
        (after) => (typeof want === 'string' ? after === want : want.test(after)),
      );
      const text = await answerText(world, answer, false);
      expect(text).not.toMatch(REFUSAL);
      if (spec.answered) expect(text).toMatch(spec.answered);
      await spec.undo?.(world);
      return;
    }
    expect(await answerText(world, answer, true)).toMatch(REFUSAL);
    expect(await spec.state(world, target)).toBe(before);
    expect(world.aws.calls.filter((c) => /^(Create|Delete|Add|Remove)/.test(c.operation))).toHaveLength(
      awsChangesBefore,
    );
    const audited = (await world.latch.deps.store.listAudit({})).slice(auditBefore);
    expect(audited.map((e) => [e.action, e.actor])).toEqual([
      [action === 'approve' || action === 'deny' ? 'decision.refused' : 'action.refused', userId],
    ]);
  });
});
