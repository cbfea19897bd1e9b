import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { approvalCard, dmContaining, fileRequest, sendInteraction, visible } from '../support/e2e-steps.js';
import { type LatchWorld, PEOPLE, startLatchWorld } from '../support/start-latch.js';

const { alice, bob } = PEOPLE;

/** What Slack sends while someone types in an external_select (a signed options load). */
async function searchResources(
  world: LatchWorld,
  query: string,
  viewId: string,
): Promise<Array<{ value: string; text: { text: string } }>> {
  const payload = {
    type: 'block_suggestion',
    user: { id: alice.id, name: 'alice', team_id: world.slack.teamId },
    team: { id: world.slack.teamId, domain: 'fake' },
    container: { type: 'view', view_id: viewId },
    view: { id: viewId, type: 'modal', callback_id: 'latch_request_modal' },
    block_id: 'latch_resource',
    action_id: 'latch_resource_input',
    value: query,
  };
  const result = await sendInteraction(world, payload);
  expect(result.status).toBe(200);
  return result.body.options;
}

/** What Slack sends when someone picks an option in the form's resource picker (dispatch_action). */
async function chooseResource(
  world: LatchWorld,
  view: { id: string; hash?: string },
  resourceId: string,
): Promise<void> {
  const payload = {
    type: 'block_actions',
    user: { id: alice.id, name: 'alice', team_id: world.slack.teamId },
    team: { id: world.slack.teamId, domain: 'fake' },
    trigger_id: world.slack.newTriggerId(),
    container: { type: 'view', view_id: view.id },
    view: { ...view, state: { values: {} } },
    actions: [
      {
        type: 'external_select',
        block_id: 'latch_resource',
        action_id: 'latch_resource_input',
        selected_option: { text: { type: 'plain_text', text: resourceId }, value: resourceId },
        action_ts: String(Date.now() / 1000),
      },
    ],
  };
  const result = await sendInteraction(world, payload);
  expect(result.status).toBe(200);
}

function formValues(resourceId: string, duration: string, ticket = '') {
  return {
    latch_resource: {
      latch_resource_input: { type: 'external_select', selected_option: { value: resourceId } },
    },
    latch_duration: { latch_duration_input: { type: 'static_select', selected_option: { value: duration } } },
    latch_justification: { latch_justification_input: { type: 'plain_text_input', value: 'weekly report' } },
    latch_ticket: { latch_ticket_input: { type: 'plain_text_input', value: ticket } },
  };
}

describe('the /access request form', () => {
  let world: LatchWorld;
  beforeEach(async () => {
    world = await startLatchWorld();
  });
  afterEach(async () => {
    await world.stop();
  });

  it('searches the catalog as you type, offering only what Latch can grant', async () => {
    await world.user.command({ userId: alice.id, text: '' });
    const opened = await world.slack.waitForCall('views.open');
    const viewId = opened.response.view.id as string;

    expect((await searchResources(world, '', viewId)).map((o) => o.value)).toEqual([
      'oncall',
      'readonly',
      'prod-admin',
      'audit-readonly',
      'dev-readonly',
    ]);
    const found = await searchResources(world, 'everywhere', viewId);
    expect(found).toEqual([
      { text: { type: 'plain_text', text: 'Read-only everywhere · low' }, value: 'readonly' },
    ]);
    // By account: the two permission sets on account 111111111111.
    expect((await searchResources(world, '111111111111', viewId)).map((o) => o.value)).toEqual([
      'prod-admin',
      'audit-readonly',
    ]);
    expect((await searchResources(world, 'SSO_GROUP', viewId)).map((o) => o.value)).toEqual([
      'oncall',
      'readonly',
    ]);
  });

  it('offers the chosen tier’s durations, shows errors inline, and files with the ticket', async () => {
    await world.user.command({ userId: alice.id, text: '' });
    const opened = await world.slack.waitForCall('views.open');
    const view = opened.response.view;

    // Choosing the medium-tier resource redraws the form with durations up to 8h.
    await chooseResource(world, view, 'oncall');
    const redrawn = await world.slack.waitForCall('views.update');
    const durations = JSON.stringify(
      redrawn.args.view.blocks[1].element.options.map((o: { value: string }) => o.value),
    );
    expect(durations).toBe(JSON.stringify(['5m', '15m', '30m', '1h', '2h', '4h', '8h']));

    const refused = await world.user.submitView({
      userId: alice.id,
      callbackId: 'latch_request_modal',
      values: formValues('oncall', '9h'),
    });
    expect(refused.body).toMatchObject({
      response_action: 'errors',
      errors: { latch_duration: expect.stringContaining('at most 8h') },
    });
    expect(await world.latch.deps.store.listRequests({})).toEqual([]);

    const accepted = await world.user.submitView({
      userId: alice.id,
      callbackId: 'latch_request_modal',
      values: formValues('oncall', '2h', 'OPS-42'),
    });
    expect(accepted.status).toBe(200);
    const [request] = await world.latch.deps.store.listRequests({ requesterId: alice.id });
    const card = await approvalCard(world, bob.id, request?.id ?? '');
    expect(visible(card)).toContain('*Ticket:* OPS-42');
    expect(visible(card)).toContain('First request for this in 30 days');
  });

  it('tells the approver how often the requester asked before', async () => {
    await fileRequest(world, alice.id, 'request oncall 1h first');
    const second = await fileRequest(world, alice.id, 'request oncall 1h second');
    expect(visible(await approvalCard(world, bob.id, second))).toContain('2nd request for this in 30 days');
  });

  it('auto-approves from the form like from the command', async () => {
    await world.user.command({ userId: alice.id, text: '' });
    await world.slack.waitForCall('views.open');
    await world.user.submitView({
      userId: alice.id,
      callbackId: 'latch_request_modal',
      values: formValues('readonly', '2h'),
    });
    await dmContaining(world, alice.id, 'is active until');
  });
});
