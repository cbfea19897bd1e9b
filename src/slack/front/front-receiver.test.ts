import { createHmac } from 'node:crypto';
import { createServer } from 'node:net';
import type { Worker } from 'node:worker_threads';
import { App, LogLevel } from '@slack/bolt';
import { afterEach, describe, expect, it } from 'vitest';
import type { Policy } from '../../core/model.js';
import { createLogger } from '../../log.js';
import { FrontThreadReceiver } from './front-receiver.js';

const SECRET = 'front-test-secret';
const policy = { tiers: {}, resources: [] } as unknown as Policy;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** A Bolt app on the front thread's receiver, with one `/access` listener that records what it ran. */
async function startApp() {
  const lines: string[] = [];
  const ran: string[] = [];
  const receiver = new FrontThreadReceiver({
    signingSecret: SECRET,
    routes: {
      '/readyz': async () => ({ status: 200, contentType: 'application/json', body: '{"status":"ready"}' }),
    },
    log: createLogger('info', { write: (line: string) => void lines.push(line) }),
    track: (work) => void work(),
  });
  const app = new App({
    receiver,
    // No Slack to ask here (a token would mean auth.test on the first request).
    authorize: async () => ({ botToken: 'xoxb-front-test' }),
    logLevel: LogLevel.ERROR,
  });
  app.command('/access', async ({ command, ack }) => {
    ran.push(command.text);
    await ack({ response_type: 'ephemeral', text: `main thread: ${command.text}` });
  });
  receiver.showCatalog(policy, () => true);
  receiver.showWorkspace({ teamId: 'T1', isEnterpriseInstall: false });
  const port = await freePort();
  await app.start(port);
  const url = `http://127.0.0.1:${port}`;
  const command = async (text: string, teamId = 'T1') => {
    const body = new URLSearchParams({ command: '/access', text, team_id: teamId, user_id: 'U1' }).toString();
    const ts = String(Math.floor(Date.now() / 1000));
    const signature = `v0=${createHmac('sha256', SECRET).update(`v0:${ts}:${body}`).digest('hex')}`;
    const res = await fetch(`${url}/slack/events`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-slack-request-timestamp': ts,
        'x-slack-signature': signature,
      },
      body,
    });
    return { status: res.status, text: await res.text() };
  };
  return { app, receiver, url, command, ran, lines };
}

describe('FrontThreadReceiver', () => {
  let running: Awaited<ReturnType<typeof startApp>> | undefined;
  afterEach(async () => {
    await running?.app.stop();
    running = undefined;
  });

  it('answers from the front thread, and hands the request to the main thread’s listeners', async () => {
    running = await startApp();
    const help = await running.command('help');
    expect(help.status).toBe(200);
    expect(JSON.parse(help.text).text).toContain('/access request');
    await expect.poll(() => running?.ran).toEqual(['help']);
  });

  it('sends the main thread’s answer when it cannot answer alone (another workspace here)', async () => {
    running = await startApp();
    const foreign = await running.command('help', 'T2');
    expect(JSON.parse(foreign.text).text).toBe('main thread: help');
  });

  it('answers 401 to a request whose signature does not verify, and hands nothing over', async () => {
    running = await startApp();
    const res = await fetch(`${running.url}/slack/events`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-slack-request-timestamp': String(Math.floor(Date.now() / 1000)),
        'x-slack-signature': 'v0=0000',
      },
      body: 'command=%2Faccess&text=help&team_id=T1',
    });
    expect(res.status).toBe(401);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(running.ran).toEqual([]);
  });

  it('starts a front thread that died again, says so in the log, and answers again', async () => {
    running = await startApp();
    // The thread is private; a crash is what terminating it from outside looks like.
    const thread = (running.receiver as unknown as { worker: Worker }).worker;
    await thread.terminate();
    const url = running.url;
    await expect
      .poll(
        () =>
          fetch(`${url}/readyz`).then(
            (res) => res.status,
            () => 0,
          ),
        { timeout: 10_000 },
      )
      .toBe(200);
    expect(running.lines.some((line) => line.includes('the front thread stopped unexpectedly'))).toBe(true);
    expect((await running.command('help')).status).toBe(200);
  });
});
