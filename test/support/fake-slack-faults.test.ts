import { LogLevel, webApi } from '@slack/bolt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type FakeSlackServer, startFakeSlackServer } from './fake-slack-server.js';

const { ErrorCode, WebClient } = webApi;

let fake: FakeSlackServer;

beforeAll(async () => {
  fake = await startFakeSlackServer();
  fake.addUser({ id: 'U1', email: 'ana@example.com', name: 'ana' });
});
afterEach(() => fake.reset());
afterAll(() => fake.close());

const client = (options: ConstructorParameters<typeof WebClient>[1] = {}) =>
  new WebClient(fake.botToken, {
    slackApiUrl: fake.apiUrl,
    retryConfig: { retries: 0 },
    logLevel: LogLevel.ERROR,
    ...options,
  });

describe('fake Slack faults', () => {
  it('answer a 5xx as an HTTP error the WebClient retries, then deliver', async () => {
    fake.failNext('chat.postMessage', { status: 503, times: 2 });
    const failing = await client()
      .chat.postMessage({ channel: 'U1', text: 'hello' })
      .catch((e: unknown) => e);
    expect(failing).toMatchObject({ code: ErrorCode.HTTPError, statusCode: 503 });

    const retrying = client({ retryConfig: { retries: 2, minTimeout: 10, maxTimeout: 20 } });
    await retrying.chat.postMessage({ channel: 'U1', text: 'hello' });
    expect(fake.callsTo('chat.postMessage').map((c) => c.status)).toEqual([503, 503, 200]);
    expect(fake.dmsTo('U1').map((m) => m.text)).toEqual(['hello']);
  });

  it('hold a call past the caller’s timeout: it gets no answer and nothing is posted', async () => {
    fake.failNext('chat.postMessage', { hangMs: 5000 });
    const started = Date.now();
    const timedOut = await client({ timeout: 200 })
      .chat.postMessage({ channel: 'U1', text: 'lost' })
      .catch((e: unknown) => e);
    expect(timedOut).toMatchObject({ code: ErrorCode.RequestError });
    expect(Date.now() - started).toBeLessThan(2000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(fake.callsTo('chat.postMessage')).toEqual([
      expect.objectContaining({ status: 0, response: { ok: false, error: 'timed_out' } }),
    ]);
    expect(fake.dmsTo('U1')).toEqual([]);
  });

  it('answer a held call normally to a caller that waits', async () => {
    fake.failNext('views.publish', { hangMs: 150 });
    const started = Date.now();
    const published = await client().views.publish({
      user_id: 'U1',
      view: { type: 'home', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'hi' } }] },
    });
    expect(published.ok).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(fake.homeView('U1')).toBeDefined();
  });

  it('fail only the calls they match', async () => {
    fake.addUser({ id: 'U2', email: 'bo@example.com', name: 'bo' });
    fake.failNext('chat.postMessage', { status: 503, match: (args) => args.channel === 'U2' });
    await client().chat.postMessage({ channel: 'U1', text: 'passes' });
    const failing = await client()
      .chat.postMessage({ channel: 'U2', text: 'fails' })
      .catch((e: unknown) => e);
    expect(failing).toMatchObject({ statusCode: 503 });
    await client().chat.postMessage({ channel: 'U2', text: 'then passes' });
    expect(fake.callsTo('chat.postMessage').map((c) => c.status)).toEqual([200, 503, 200]);
  });

  it('forget queued faults when Slack is back', async () => {
    fake.failNext('chat.postMessage', { status: 500, times: 5 });
    fake.clearFaults();
    await client().chat.postMessage({ channel: 'U1', text: 'back' });
    expect(fake.dmsTo('U1').map((m) => m.text)).toEqual(['back']);
  });
});
