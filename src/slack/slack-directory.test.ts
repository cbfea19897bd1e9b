import { webApi } from '@slack/bolt';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeSlackServer, startFakeSlackServer } from '../../test/support/fake-slack-server.js';
import { SlackDirectory } from './slack-directory.js';

let slack: FakeSlackServer;
let client: InstanceType<typeof webApi.WebClient>;
// Not 0: lru-cache takes a start time of 0 to mean "no TTL".
let nowMs = 1_000_000;

beforeAll(async () => {
  slack = await startFakeSlackServer();
  client = new webApi.WebClient(slack.botToken, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });
});
beforeEach(() => {
  slack.reset();
  slack.addUser({
    id: 'U0ANA',
    email: 'Ana@Example.com',
    name: 'ana',
    realName: 'Ana A',
    isEmailConfirmed: true,
  });
});
afterAll(() => slack.close());

const directory = () =>
  new SlackDirectory(client, undefined, { ttlMs: 60_000, maxPeople: 100, now: () => nowMs });
const reads = () => slack.callsTo('users.info').length;
const lookups = () => slack.callsTo('users.lookupByEmail').length;

describe('SlackDirectory', () => {
  it('reads a profile once a minute however often it is asked for', async () => {
    const people = directory();
    const [first] = await Promise.all([people.person('U0ANA'), people.person('U0ANA')]);
    expect(first).toEqual({ slackUserId: 'U0ANA', name: 'Ana A', email: 'ana@example.com' });
    nowMs += 59_000;
    await people.person('U0ANA');
    expect(reads()).toBe(1);

    slack.addUser({
      id: 'U0ANA',
      email: 'ana@new.example',
      name: 'ana',
      realName: 'Ana B',
      isEmailConfirmed: true,
    });
    nowMs += 2_000;
    expect(await people.person('U0ANA')).toEqual({
      slackUserId: 'U0ANA',
      name: 'Ana B',
      email: 'ana@new.example',
    });
    expect(reads()).toBe(2);
  });

  it('does not remember a failed lookup', async () => {
    const people = directory();
    slack.failNext('users.info', { error: 'fatal_error' });
    await expect(people.person('U0ANA')).rejects.toThrow(/fatal_error/);
    expect((await people.person('U0ANA')).email).toBe('ana@example.com');
    expect(reads()).toBe(2);
  });

  it('looks an email up once a minute, whatever its case, however often it is asked for', async () => {
    const people = directory();
    const ids = await Promise.all([
      people.slackUserIdFor('ana@example.com'),
      people.slackUserIdFor('ANA@example.com'),
    ]);
    expect(ids).toEqual(['U0ANA', 'U0ANA']);
    nowMs += 59_000;
    expect(await people.slackUserIdFor('Ana@Example.com')).toBe('U0ANA');
    expect(lookups()).toBe(1);

    // The email moves to another account: it is found there once the minute is up.
    slack.addUser({ id: 'U0ANA', email: 'ana@old.example', name: 'ana', isEmailConfirmed: true });
    slack.addUser({ id: 'U0BEN', email: 'ana@example.com', name: 'ben', isEmailConfirmed: true });
    nowMs += 2_000;
    expect(await people.slackUserIdFor('ana@example.com')).toBe('U0BEN');
    expect(lookups()).toBe(2);
  });

  it('takes a Slack user id as it is, without a call', async () => {
    expect(await directory().slackUserIdFor('U0ANA')).toBe('U0ANA');
    expect(lookups()).toBe(0);
  });

  it('asks again for an email Slack did not know, or could not look up', async () => {
    const people = directory();
    expect(await people.slackUserIdFor('cy@example.com')).toBeUndefined();
    slack.addUser({ id: 'U0CY', email: 'cy@example.com', name: 'cy', isEmailConfirmed: true });
    expect(await people.slackUserIdFor('cy@example.com')).toBe('U0CY');

    slack.failNext('users.lookupByEmail', { error: 'fatal_error' });
    await expect(people.slackUserIdFor('ana@example.com')).rejects.toThrow(/fatal_error/);
    expect(await people.slackUserIdFor('ana@example.com')).toBe('U0ANA');
    expect(lookups()).toBe(4);
  });
});
