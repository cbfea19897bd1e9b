import { WebClient } from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { APPROVE_ACTION } from '../../src/slack/action-ids.js';
import { answerAt, approvalCard, dmContaining } from '../support/e2e-steps.js';
import { type LatchWorld, PEOPLE, startLatchWorld } from '../support/start-latch.js';

const { alice, bob } = PEOPLE;

describe('Latch in Socket Mode (SLACK_APP_TOKEN set, no signing secret)', () => {
  let world: LatchWorld;
  beforeEach(async () => {
    world = await startLatchWorld({ mode: 'socket' });
  });
  afterEach(async () => {
    await world.stop();
  });

  it('opens its socket through apps.connections.open at SLACK_API_URL and takes no HTTP events', async () => {
    expect(world.env.slackSigningSecret).toBeUndefined();
    await world.slack.socket.waitForConnection();
    expect(world.slack.socket.connections).toBe(1);
    // The fake answers apps.connections.open only for the app-level token.
    const opened = world.slack.callsTo('apps.connections.open');
    expect(opened.map((call) => call.response)).toEqual([{ ok: true, url: expect.stringMatching(/^ws:/) }]);

    const posted = await fetch(`${world.botUrl}/slack/events`, { method: 'POST', body: '{}' });
    expect(posted.status).toBe(404);
  });

  it('serves /healthz and /readyz on PORT', async () => {
    const health = await fetch(`${world.botUrl}/healthz`);
    expect(health.status).toBe(200);
    expect(health.headers.get('content-type')).toContain('application/json');
    expect(await health.json()).toEqual({ status: 'ok', database: 'ok' });
    expect((await fetch(`${world.botUrl}/readyz`)).status).toBe(200);
  });

  it('acks /access request from the socket and makes the access active', async () => {
    const sent = await world.slack.socket.sendSlashCommand({
      userId: alice.id,
      text: 'request readonly 1h reading the dashboards',
    });
    expect(sent.ackPayload).toEqual({});
    expect(await answerAt(world, sent.responseUrl)).toContain('approved automatically');

    await dmContaining(world, alice.id, 'is active until');
    expect(world.aws.isMember(world.groups.readonly, world.awsUsers.alice)).toBe(true);
  });

  it('answers a mistake in the ack itself', async () => {
    const sent = await world.slack.socket.sendSlashCommand({ userId: alice.id, text: 'request readonly' });
    expect(sent.ackPayload).toMatchObject({
      response_type: 'ephemeral',
      text: expect.stringContaining('request'),
    });
    expect(world.slack.dmsTo(alice.id)).toEqual([]);
  });

  it("takes the manager's Approve click from the socket", async () => {
    const filed = await world.slack.socket.sendSlashCommand({
      userId: alice.id,
      text: 'request oncall 2h fixing the pager',
    });
    const requestId = /`(R[0-9A-Z]{6})`/.exec(await answerAt(world, filed.responseUrl))?.[1] ?? '';
    const card = await approvalCard(world, bob.id, requestId);

    const clicked = await world.slack.socket.sendBlockAction({
      userId: bob.id,
      actionId: APPROVE_ACTION,
      value: requestId,
      channelId: card.channel,
      messageTs: card.ts,
    });
    expect(clicked.ackPayload).toEqual({});
    await dmContaining(world, alice.id, 'is active until');
    expect(world.aws.isMember(world.groups.oncall, world.awsUsers.alice)).toBe(true);
  });

  it('refuses to open a socket for anything but the app-level token, like Slack', async () => {
    const open = (token: string) =>
      new WebClient(token, { slackApiUrl: world.slack.apiUrl, retryConfig: { retries: 0 } }).apps.connections
        .open()
        .catch((error: { data?: { error?: string } }) => error.data?.error);
    expect(await open(world.slack.botToken)).toBe('not_allowed_token_type');
    expect(await open('xapp-unknown')).toBe('invalid_auth');
    expect(await open(world.slack.appToken)).toMatchObject({ ok: true });
  });
});
