import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_REVOKE_REASON_LENGTH } from '../../src/core/use-cases/admin-revoke-grant.js';
import { MAX_REASON_LENGTH } from '../../src/core/use-cases/decide-approval.js';
import { MAX_JUSTIFICATION_LENGTH, MAX_TICKET_LENGTH } from '../../src/core/use-cases/file-request.js';
import { DENY_MODAL, EXTEND_MODAL, REQUEST_MODAL } from '../../src/slack/action-ids.js';
import { approvalCard, eventually, fileRequest, typeCommand, visible } from '../support/e2e-steps.js';
import { type LatchWorld, PEOPLE, startLatchWorld } from '../support/start-latch.js';
import {
  expectedOutcome,
  foreignMarkupShown,
  hostileText,
  hostileTextAround,
  INJECTION,
  ODD_CHARACTERS,
  SLACK_MARKUP,
  shownAs,
} from './hostile-text.js';

const { alice, bob, admin } = PEOPLE;

/** What a person is told when one field they typed cannot be kept as typed. */
const REFUSED = {
  not_storable: 'contains a character Latch cannot store',
  too_long: 'characters long; Latch keeps at most',
} as const;

/** Runs `property` against the live app; a failure prints the seed and path that replay it (fc.assert). */
async function check<T>(arbitrary: fc.Arbitrary<T>, numRuns: number, property: (value: T) => Promise<void>) {
  await fc.assert(fc.asyncProperty(arbitrary, property), { numRuns, endOnFailure: true });
}

describe('hostile text typed into /access and every form', () => {
  let world: LatchWorld;
  /** Where the Slack calls and answers of the current case start. */
  let mark = { calls: 0, responses: 0 };
  const startCase = () => {
    mark = { calls: world.slack.calls.length, responses: world.slack.responses.length };
  };
  /** Live markup Latch showed anyone since the case started; must stay empty. */
  const markupShownSinceStart = () =>
    foreignMarkupShown(world.slack.calls.slice(mark.calls), world.slack.responses.slice(mark.responses));
  const requestCount = async () => (await world.latch.deps.store.listRequests({})).length;

  beforeAll(async () => {
    // Every approval is asked for afresh, so no case re-activates an earlier one.
    world = await startLatchWorld({
      policy: (yaml) => yaml.replace('approval_validity: 1h', 'approval_validity: 0s'),
    });
  });
  afterAll(async () => {
    await world.stop();
  });

  it('stores a /access request justification exactly as typed and shows it only escaped, or refuses it clearly', async () => {
    await check(hostileTextAround(MAX_JUSTIFICATION_LENGTH), 30, async (typed) => {
      startCase();
      const before = await requestCount();
      const want = expectedOutcome(typed, MAX_JUSTIFICATION_LENGTH);

      const answer = await typeCommand(world, alice.id, `request oncall 1h ${typed}`);

      if (want.kind !== 'kept') {
        expect(answer).toContain(want.kind === 'empty' ? 'a justification is required' : REFUSED[want.kind]);
        expect(await requestCount()).toBe(before);
      } else {
        const requestId = /`(R[0-9A-Z]{6})`/.exec(answer)?.[1] ?? '';
        const request = await world.latch.deps.store.getRequest(requestId);
        expect(request?.justification).toBe(want.text);
        const [filed] = await world.latch.deps.store.listAudit({ requestId });
        expect(filed?.detail?.justification).toBe(want.text);
        const card = visible(await approvalCard(world, bob.id, requestId));
        if (shownAs(want.text).length < 2500)
          expect(card).toContain(JSON.stringify(shownAs(want.text)).slice(1, -1));
        await eventually(
          () => world.slack.messagesIn('C0AUDIT').some((m) => visible(m).includes(requestId)),
          Boolean,
        );
      }
      expect(markupShownSinceStart()).toEqual([]);
    });
  });

  it('stores the request form’s justification and ticket exactly as typed, or refuses the field that cannot be', async () => {
    const fields = fc.record({
      justification: hostileTextAround(MAX_JUSTIFICATION_LENGTH),
      ticket: hostileTextAround(MAX_TICKET_LENGTH),
    });
    await check(fields, 20, async ({ justification, ticket }) => {
      startCase();
      const before = await world.latch.deps.store.listRequests({ requesterId: alice.id });
      const why = expectedOutcome(justification, MAX_JUSTIFICATION_LENGTH);
      const tag = expectedOutcome(ticket, MAX_TICKET_LENGTH);

      const sent = await world.user.submitView({
        userId: alice.id,
        callbackId: REQUEST_MODAL,
        values: {
          latch_resource: {
            latch_resource_input: { type: 'external_select', selected_option: { value: 'oncall' } },
          },
          latch_duration: {
            latch_duration_input: { type: 'static_select', selected_option: { value: '1h' } },
          },
          latch_justification: {
            latch_justification_input: { type: 'plain_text_input', value: justification },
          },
          latch_ticket: { latch_ticket_input: { type: 'plain_text_input', value: ticket } },
        },
      });

      expect(sent.status).toBe(200);
      const after = await world.latch.deps.store.listRequests({ requesterId: alice.id });
      if (why.kind !== 'kept') {
        expect(sent.body.errors?.latch_justification).toContain(
          why.kind === 'empty' ? 'a justification is required' : REFUSED[why.kind],
        );
        expect(after).toHaveLength(before.length);
      } else if (tag.kind === 'not_storable' || tag.kind === 'too_long') {
        expect(sent.body.errors?.latch_ticket).toContain(REFUSED[tag.kind]);
        expect(after).toHaveLength(before.length);
      } else {
        const filed = after.find((r) => !before.some((b) => b.id === r.id));
        expect(filed?.justification).toBe(why.text);
        expect(filed?.ticket).toBe(tag.kind === 'kept' ? tag.text : undefined);
        await approvalCard(world, bob.id, filed?.id ?? '');
      }
      expect(markupShownSinceStart()).toEqual([]);
    });
  });

  it('stores a deny reason exactly as typed and tells the requester it escaped, or refuses it in the form', async () => {
    await check(hostileTextAround(MAX_REASON_LENGTH), 12, async (typed) => {
      const requestId = await fileRequest(world, alice.id, 'request oncall 1h pager');
      await approvalCard(world, bob.id, requestId);
      startCase();
      const want = expectedOutcome(typed, MAX_REASON_LENGTH);

      const sent = await world.user.submitView({
        userId: bob.id,
        callbackId: DENY_MODAL,
        privateMetadata: requestId,
        values: { latch_reason: { latch_reason_input: { type: 'plain_text_input', value: typed } } },
      });

      const request = await world.latch.deps.store.getRequest(requestId);
      const [approval] = await world.latch.deps.store.listApprovals(requestId);
      if (want.kind === 'not_storable' || want.kind === 'too_long') {
        expect(sent.body.errors?.latch_reason).toContain(REFUSED[want.kind]);
        expect(request?.status).toBe('pending');
        expect(approval).toBeUndefined();
      } else {
        expect(request?.status).toBe('denied');
        expect(approval?.reason).toBe(want.kind === 'kept' ? want.text : undefined);
        const told = await eventually(
          () =>
            world.slack
              .dmsTo(alice.id)
              .map(visible)
              .find((m) => m.includes(`${requestId}\``) && m.includes('denied')),
          Boolean,
        );
        if (want.kind === 'kept' && shownAs(want.text).length < 900) {
          expect(told).toContain(JSON.stringify(shownAs(want.text)).slice(1, -1));
        }
      }
      expect(markupShownSinceStart()).toEqual([]);
    });
  });

  it('stores an admin’s revoke reason exactly as typed and tells the grantee it escaped, or refuses it', async () => {
    await check(hostileTextAround(MAX_REVOKE_REASON_LENGTH), 10, async (typed) => {
      const requestId = await fileRequest(world, alice.id, 'request readonly 1h dashboards');
      const grant = await eventually(
        async () => (await world.latch.deps.store.listGrants({})).find((g) => g.requestId === requestId),
        (found) => found?.status === 'active',
      );
      startCase();
      const want = expectedOutcome(typed, MAX_REVOKE_REASON_LENGTH);

      const answer = await typeCommand(world, admin.id, `admin revoke ${grant?.id} ${typed}`);

      const after = await world.latch.deps.store.getGrant(grant?.id ?? '');
      if (want.kind === 'not_storable' || want.kind === 'too_long') {
        expect(answer).toContain(REFUSED[want.kind]);
        expect(after?.status).toBe('active');
      } else {
        expect(answer).toMatch(/is revoked|is being revoked/);
        const note = want.kind === 'kept' ? want.text : '';
        expect(after?.revokeReason).toBe(`admin ${admin.id}: ${note}`);
        const revoking = (await world.latch.deps.store.listAudit({ grantId: grant?.id })).find(
          (e) => e.action === 'grant.revoking',
        );
        expect(revoking?.detail?.note).toBe(note);
        await eventually(
          () =>
            world.slack
              .dmsTo(alice.id)
              .map(visible)
              .find((m) => m.includes(`${grant?.id}\``) && m.includes('ended early')),
          Boolean,
        );
      }
      expect(markupShownSinceStart()).toEqual([]);
    });
  });

  it('refuses any duration the extend form did not offer, and the grant keeps its end', async () => {
    const requestId = await fileRequest(world, alice.id, 'request readonly 1h dashboards');
    const grant = await eventually(
      async () => (await world.latch.deps.store.listGrants({})).find((g) => g.requestId === requestId),
      (found) => found?.status === 'active',
    );
    const notADuration = hostileText.filter((text) => !/^\s*\d+\s*[smhd]\s*$/i.test(text));
    await check(notADuration, 12, async (typed) => {
      startCase();
      const sent = await world.user.submitView({
        userId: alice.id,
        callbackId: EXTEND_MODAL,
        privateMetadata: grant?.id ?? '',
        values: {
          latch_extend_duration: {
            latch_extend_duration_input: { type: 'static_select', selected_option: { value: typed } },
          },
        },
      });

      expect(sent.body.errors?.latch_extend_duration).toMatch(
        /is not a duration|cannot store|characters long/,
      );
      expect((await world.latch.deps.store.getGrant(grant?.id ?? ''))?.expiresAt).toEqual(grant?.expiresAt);
      expect(markupShownSinceStart()).toEqual([]);
    });
  });

  it('answers any /access text without an internal error, and echoes nothing as live markup', async () => {
    const commandText = fc.oneof(
      hostileText,
      fc
        .tuple(
          fc.constantFrom(
            'request',
            'cancel',
            'release',
            'extend',
            'admin revoke',
            'admin tier',
            'resources',
            'breakglass',
          ),
          hostileText,
        )
        .map(([verb, rest]) => `${verb} ${rest}`),
    );
    await check(
      commandText.filter((text) => text.trim() !== ''),
      40,
      async (text) => {
        startCase();
        const answer = await typeCommand(world, alice.id, text);
        expect(answer.length).toBeGreaterThan(0);
        expect(answer).not.toContain('Something went wrong');
        expect(markupShownSinceStart()).toEqual([]);
      },
    );
  });

  it('refuses 10,000 characters in every free-text field with a message naming it, and creates nothing', async () => {
    // Exactly 10,000 characters (code points), hostile throughout, no NUL (that has its own answer).
    const hostile = `${SLACK_MARKUP.join(' ')} ${INJECTION.join(' ')} ${ODD_CHARACTERS.slice(1).join(' ')}`;
    const long = `${hostile}${'z'.repeat(10_000 - [...hostile].length)}`;
    const requestsBefore = await requestCount();
    startCase();

    const command = await typeCommand(world, alice.id, `request oncall 1h ${long}`);
    const form = await world.user.submitView({
      userId: alice.id,
      callbackId: REQUEST_MODAL,
      values: {
        latch_resource: {
          latch_resource_input: { type: 'external_select', selected_option: { value: 'oncall' } },
        },
        latch_duration: { latch_duration_input: { type: 'static_select', selected_option: { value: '1h' } } },
        latch_justification: { latch_justification_input: { type: 'plain_text_input', value: 'ok' } },
        latch_ticket: { latch_ticket_input: { type: 'plain_text_input', value: long } },
      },
    });
    const pending = await fileRequest(world, alice.id, 'request oncall 1h pager');
    const deny = await world.user.submitView({
      userId: bob.id,
      callbackId: DENY_MODAL,
      privateMetadata: pending,
      values: { latch_reason: { latch_reason_input: { type: 'plain_text_input', value: long } } },
    });
    const granted = await fileRequest(world, alice.id, 'request readonly 1h dashboards');
    const grant = await eventually(
      async () => (await world.latch.deps.store.listGrants({})).find((g) => g.requestId === granted),
      (found) => found?.status === 'active',
    );
    const revoke = await typeCommand(world, admin.id, `admin revoke ${grant?.id} ${long}`);
    const extend = await typeCommand(world, alice.id, `extend ${grant?.id} 1h ${long}`);

    expect(command).toContain('Your justification is 10000 characters long; Latch keeps at most 2000');
    expect(form.body.errors?.latch_ticket).toContain(
      'Your ticket is 10000 characters long; Latch keeps at most 100',
    );
    expect(deny.body.errors?.latch_reason).toContain(
      'Your reason is 10000 characters long; Latch keeps at most 1000',
    );
    expect(revoke).toContain('Your reason is 10000 characters long; Latch keeps at most 500');
    expect(extend).toContain('Your justification is 10000 characters long');
    // Only the two requests this test filed on purpose exist; nothing else changed.
    expect(await requestCount()).toBe(requestsBefore + 2);
    expect((await world.latch.deps.store.getRequest(pending))?.status).toBe('pending');
    expect(await world.latch.deps.store.getGrant(grant?.id ?? '')).toMatchObject({
      status: 'active',
      expiresAt: grant?.expiresAt,
    });
    expect(markupShownSinceStart()).toEqual([]);
  });
});
