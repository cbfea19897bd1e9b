import { LogLevel, webApi } from '@slack/bolt';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type FakeSlackServer, startFakeSlackServer } from './fake-slack-server.js';

const { ErrorCode, WebClient } = webApi;

let fake: FakeSlackServer;
let client: InstanceType<typeof WebClient>;

const section = (text: string) => ({ type: 'section' as const, text: { type: 'mrkdwn' as const, text } });
const modal = (title = 'Request access') => ({
  type: 'modal' as const,
  title: { type: 'plain_text' as const, text: title },
  blocks: [section('hi')],
});

/** The Slack error code a rejected WebClient call carries (`data.error` on platform errors). */
async function slackError(call: Promise<unknown>): Promise<string> {
  const err = (await call.then(
    () => undefined,
    (e: unknown) => e,
  )) as { code?: string; data?: { error?: string } } | undefined;
  expect(err?.code).toBe(ErrorCode.PlatformError);
  return err?.data?.error ?? 'no error';
}

beforeAll(async () => {
  fake = await startFakeSlackServer();
  client = new WebClient(fake.botToken, {
    slackApiUrl: fake.apiUrl,
    retryConfig: { retries: 0 },
    logLevel: LogLevel.ERROR,
  });
});
afterEach(() => {
  vi.useRealTimers();
  fake.reset();
});
afterAll(() => fake.close());

describe('fake Slack Web API', () => {
  it('answers users.info for fixtures and user_not_found otherwise', async () => {
    fake.addUser({ id: 'U1', email: 'ana@example.com', name: 'ana', realName: 'Ana A' });
    const res = await client.users.info({ user: 'U1' });
    expect(res.user).toMatchObject({
      id: 'U1',
      team_id: 'T000FAKE',
      tz: 'UTC',
      is_bot: false,
      deleted: false,
    });
    expect(res.user?.profile).toMatchObject({
      email: 'ana@example.com',
      real_name: 'Ana A',
      display_name: 'ana',
    });
    expect(res.user?.is_email_confirmed).toBe(true);
    expect(await slackError(client.users.info({ user: 'U404' }))).toBe('user_not_found');
    expect(await slackError(client.users.lookupByEmail({ email: 'nobody@example.com' }))).toBe(
      'users_not_found',
    );
    expect((await client.users.lookupByEmail({ email: 'ANA@example.com' })).user?.id).toBe('U1');
    expect(fake.callsTo('users.info').map((c) => c.args.user)).toEqual(['U1', 'U404']);
  });

  it('delivers chat.postMessage to a user id into their DM, with increasing ts', async () => {
    fake.addUser({ id: 'U2' });
    const first = await client.chat.postMessage({ channel: 'U2', text: 'one', blocks: [section('*one*')] });
    const second = await client.chat.postMessage({ channel: first.channel as string, text: 'two' });
    expect(first.channel).toBe('DU2');
    expect(first.ts).toMatch(/^\d{10}\.\d{6}$/);
    expect(Number(second.ts)).toBeGreaterThan(Number(first.ts));
    expect(fake.dmsTo('U2')).toEqual([
      expect.objectContaining({ channel: 'DU2', ts: first.ts, text: 'one', blocks: [section('*one*')] }),
      expect.objectContaining({ ts: second.ts, text: 'two' }),
    ]);
    expect(fake.messagesIn('U2')).toHaveLength(2);
    // Nested args arrive JSON-encoded in a form field and are recorded decoded.
    expect(fake.callsTo('chat.postMessage')[0]?.args.blocks).toEqual([section('*one*')]);
  });

  it('enforces channel membership and message limits with real error codes', async () => {
    fake.addChannel('C1', { isMember: false });
    fake.addChannel('C2', { isArchived: true });
    expect(await slackError(client.chat.postMessage({ channel: 'C1', text: 'x' }))).toBe('not_in_channel');
    expect(await slackError(client.chat.postMessage({ channel: 'C404', text: 'x' }))).toBe(
      'channel_not_found',
    );
    expect(await slackError(client.chat.postMessage({ channel: 'C2', text: 'x' }))).toBe('is_archived');
    await client.conversations.join({ channel: 'C1' });
    const blocks = Array.from({ length: 51 }, (_, i) => section(`b${i}`));
    expect(await slackError(client.chat.postMessage({ channel: 'C1', text: 'x', blocks }))).toBe(
      'invalid_blocks',
    );
    const long = [section('y'.repeat(3001))];
    expect(await slackError(client.chat.postMessage({ channel: 'C1', text: 'x', blocks: long }))).toBe(
      'invalid_blocks',
    );
    expect(await slackError(client.chat.postMessage({ channel: 'C1', text: 'z'.repeat(40_001) }))).toBe(
      'msg_too_long',
    );
    expect(await slackError(client.chat.postMessage({ channel: 'C1', text: '' }))).toBe('no_text');
    await client.chat.postMessage({ channel: 'C1', text: 'ok', blocks: blocks.slice(0, 50) });
    expect(fake.messagesIn('C1')).toHaveLength(1);
  });

  it('replaces messages with chat.update and rejects unknown or foreign ones', async () => {
    fake.addUser({ id: 'U3' });
    const posted = await client.chat.postMessage({
      channel: 'U3',
      text: 'pending',
      blocks: [section('pending')],
    });
    await client.chat.update({
      channel: posted.channel as string,
      ts: posted.ts as string,
      text: 'approved',
      blocks: [section('approved')],
    });
    expect(fake.dmsTo('U3')).toEqual([
      expect.objectContaining({
        ts: posted.ts,
        text: 'approved',
        blocks: [section('approved')],
        updatedAt: expect.any(Number),
      }),
    ]);
    const missing = client.chat.update({ channel: 'DU3', ts: '1.000001', text: 'nope' });
    expect(await slackError(missing)).toBe('message_not_found');
    const theirs = fake.seedMessage('U3', 'U3', { text: 'mine' });
    expect(await slackError(client.chat.update({ channel: 'DU3', ts: theirs.ts, text: 'x' }))).toBe(
      'cant_update_message',
    );
  });

  it('turns a queued 429 into the WebClient rate-limited error, then recovers', async () => {
    const strict = new WebClient(fake.botToken, {
      slackApiUrl: fake.apiUrl,
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      logLevel: LogLevel.ERROR,
    });
    fake.failNext('auth.test', { status: 429, retryAfterSeconds: 7 });
    const err = (await strict.auth.test().catch((e: unknown) => e)) as { code?: string; retryAfter?: number };
    expect(err.code).toBe(ErrorCode.RateLimitedError);
    expect(err.retryAfter).toBe(7);
    expect(fake.callsTo('auth.test')[0]).toMatchObject({ status: 429, response: { error: 'ratelimited' } });
    fake.failNext('auth.test', { error: 'team_access_not_granted' });
    expect(await slackError(strict.auth.test())).toBe('team_access_not_granted');
    expect((await strict.auth.test()).user_id).toBe('U0BOT');
  });

  it('applies views.open trigger_id rules and modal limits', async () => {
    const trigger = fake.newTriggerId();
    const opened = await client.views.open({ trigger_id: trigger, view: modal() });
    expect(opened.view?.id).toMatch(/^V/);
    expect(await slackError(client.views.open({ trigger_id: trigger, view: modal() }))).toBe(
      'exchanged_trigger_id',
    );
    expect(await slackError(client.views.open({ trigger_id: '1.2.abc', view: modal() }))).toBe(
      'invalid_trigger_id',
    );
    const tooLong = client.views.open({ trigger_id: fake.newTriggerId(), view: modal('x'.repeat(25)) });
    expect(await slackError(tooLong)).toBe('invalid_arguments');
    const huge = { ...modal(), private_metadata: 'p'.repeat(260_000) };
    expect(await slackError(client.views.open({ trigger_id: fake.newTriggerId(), view: huge }))).toBe(
      'view_too_large',
    );
    const late = fake.newTriggerId();
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 3_500);
    expect(await slackError(client.views.open({ trigger_id: late, view: modal() }))).toBe(
      'expired_trigger_id',
    );
    vi.useRealTimers();
    await client.views.update({ view_id: opened.view?.id as string, view: modal('Updated') });
    await client.views.publish({ user_id: 'U1', view: { type: 'home', blocks: [section('home')] } });
    expect(fake.homeView('U1')).toMatchObject({ type: 'home', blocks: [section('home')] });
    expect(fake.views.find((v) => v.id === opened.view?.id)).toMatchObject({ title: { text: 'Updated' } });
  });

  it('answers unknown methods and bad tokens like Slack', async () => {
    expect(await slackError(client.apiCall('latch.nothing'))).toBe('unknown_method');
    const wrong = new WebClient('xoxb-wrong', {
      slackApiUrl: fake.apiUrl,
      retryConfig: { retries: 0 },
      logLevel: LogLevel.ERROR,
    });
    expect(await slackError(wrong.auth.test())).toBe('invalid_auth');
    // JSON bodies must carry the token in the Authorization header.
    const res = await fetch(`${fake.apiUrl}auth.test`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ token: fake.botToken }),
    });
    expect(await res.json()).toEqual({ ok: false, error: 'not_authed' });
  });

  it('waitForCall resolves on a later call and rejects listing what it saw', async () => {
    fake.addUser({ id: 'U5' });
    const waiting = fake.waitForCall('chat.postMessage', (a) => a.text === 'later');
    await client.chat.postMessage({ channel: 'U5', text: 'sooner' });
    await client.chat.postMessage({ channel: 'U5', text: 'later' });
    const call = await waiting;
    expect(call.args.channel).toBe('U5');
    expect(call.response).toMatchObject({ ok: true, channel: 'DU5', message: { text: 'later' } });
    await expect(fake.waitForCall('views.open', undefined, 50)).rejects.toThrow(/chat\.postMessage .*sooner/);
  });
});
