import type { AddressInfo } from 'node:net';
import { App, LogLevel } from '@slack/bolt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type FakeSlackServer, startFakeSlackServer } from './fake-slack-server.js';
import { type SlackClientForBot, signSlackRequest, slackClientForBot } from './sign-slack-request.js';

let fake: FakeSlackServer;
let app: App;
let slack: SlackClientForBot;
const seen: string[] = [];

const approveBlocks = [
  { type: 'section', text: { type: 'mrkdwn', text: 'Approve?' } },
  {
    type: 'actions',
    block_id: 'decide:req-1',
    elements: [
      { type: 'button', action_id: 'approve', text: { type: 'plain_text', text: 'Approve' }, value: 'req-1' },
    ],
  },
];

beforeAll(async () => {
  fake = await startFakeSlackServer();
  app = new App({
    token: fake.botToken,
    signingSecret: 'secret',
    clientOptions: { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } },
    logLevel: LogLevel.ERROR,
  });
  app.command('/access', async ({ command, ack, client, respond }) => {
    await ack();
    seen.push(command.text);
    if (command.text === 'modal') {
      await client.views.open({
        trigger_id: command.trigger_id,
        view: {
          type: 'modal',
          callback_id: 'request',
          private_metadata: 'pm-1',
          title: { type: 'plain_text', text: 'Request access' },
          submit: { type: 'plain_text', text: 'Send' },
          blocks: [
            {
              type: 'input',
              block_id: 'why',
              label: { type: 'plain_text', text: 'Why' },
              element: { type: 'plain_text_input', action_id: 'text' },
            },
          ],
        },
      });
      return;
    }
    await client.chat.postMessage({
      channel: command.user_id,
      text: `Requested ${command.text}`,
      blocks: approveBlocks,
    });
    await respond({ text: 'Working on it' });
  });
  app.action('approve', async ({ ack, action, body, respond }) => {
    await ack();
    seen.push(`${'value' in action ? action.value : ''} by ${body.user.id}`);
    await respond({ replace_original: true, text: 'Approved' });
  });
  app.view('request', async ({ ack, view }) => {
    const why = view.state.values.why?.text?.value;
    seen.push(`${view.private_metadata}: ${why}`);
    await ack(why ? undefined : { response_action: 'errors', errors: { why: 'Say why' } });
  });
  app.event('app_home_opened', async ({ event, client }) => {
    await client.views.publish({
      user_id: event.user,
      view: { type: 'home', blocks: approveBlocks.slice(0, 1) },
    });
  });
  const server = await app.start({ port: 0, host: '127.0.0.1' });
  const botUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  slack = slackClientForBot({ botUrl, signingSecret: 'secret', fake });
  fake.addUser({ id: 'U9', name: 'nine' });
});
afterEach(() => {
  seen.length = 0;
  fake.reset();
});
afterAll(async () => {
  await app.stop();
  await fake.close();
});

describe('a real Bolt app against the fake', () => {
  it('receives a signed slash command, DMs the user, and rejects a forged signature', async () => {
    const res = await slack.command({ userId: 'U9', text: 'prod-admin 1h' });
    expect(res.status).toBe(200);
    await fake.waitForCall('chat.postMessage', (a) => a.channel === 'U9');
    expect(seen).toEqual(['prod-admin 1h']);
    expect(fake.dmsTo('U9').map((m) => m.text)).toEqual(['Requested prod-admin 1h']);
    expect(await fake.waitForResponse((b) => b.text === 'Working on it')).toEqual({ text: 'Working on it' });
    expect(fake.ephemeralsTo('U9')).toEqual([
      expect.objectContaining({ channel: 'DU9', text: 'Working on it' }),
    ]);

    const body = 'command=%2Faccess&text=x&user_id=U9';
    const forged = await slack.raw(body, {
      'content-type': 'application/x-www-form-urlencoded',
      ...signSlackRequest('not-the-secret', body),
    });
    expect(forged.status).toBe(401);
    expect(seen).toHaveLength(1);
  });

  it('clicks a button on the posted message and lets respond() replace it', async () => {
    await slack.command({ userId: 'U9', text: 'dev 1h' });
    await fake.waitForCall('chat.postMessage');
    const posted = fake.dmsTo('U9')[0];
    const res = await slack.clickButton({ userId: 'U9', actionId: 'approve', value: 'req-1' });
    expect(res.status).toBe(200);
    await fake.waitForResponse((b) => b.replace_original === true);
    expect(seen).toEqual(['dev 1h', 'req-1 by U9']);
    expect(fake.dmsTo('U9')).toEqual([
      expect.objectContaining({ ts: posted?.ts, text: 'Approved', blocks: undefined }),
    ]);
  });

  it('opens a modal from the command trigger and submits it', async () => {
    await slack.command({ userId: 'U9', text: 'modal' });
    const opened = await fake.waitForCall('views.open');
    expect(opened.args.view.callback_id).toBe('request');
    const rejected = await slack.submitView({
      userId: 'U9',
      callbackId: 'request',
      values: { why: { text: { type: 'plain_text_input', value: null } } },
    });
    expect(rejected.body).toEqual({ response_action: 'errors', errors: { why: 'Say why' } });
    const values = { why: { text: { type: 'plain_text_input', value: 'incident 42' } } };
    const accepted = await slack.submitView({ userId: 'U9', callbackId: 'request', values });
    expect(accepted.status).toBe(200);
    expect(seen).toEqual(['modal', 'pm-1: null', 'pm-1: incident 42']);
  });

  it('delivers events and records the published home view', async () => {
    const res = await slack.event({ type: 'app_home_opened', user: 'U9', channel: 'DU9', tab: 'home' });
    expect(res.status).toBe(200);
    await fake.waitForCall('views.publish');
    expect(fake.homeView('U9')).toMatchObject({ type: 'home', blocks: [{ type: 'section' }] });
  });
});
