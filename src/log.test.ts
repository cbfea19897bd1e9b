import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, withLogFields } from './log.js';

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { log: createLogger('info', destination), lines, text: () => JSON.stringify(lines) };
}

const SLACK_TOKEN = 'xoxb-1111-2222-secretbot';
const AWS_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

describe('createLogger', () => {
  it.each([
    ['a Slack token on its own', { token: SLACK_TOKEN }],
    ['a Slack token in a request body', { body: { token: SLACK_TOKEN, user: 'U1' } }],
    [
      'the settings as Env holds them',
      { env: { slackBotToken: SLACK_TOKEN, slackSigningSecret: AWS_SECRET } },
    ],
    ['an Authorization header', { headers: { authorization: `Bearer ${SLACK_TOKEN}` } }],
    ['AWS credentials as the SDK holds them', { aws: { accessKeyId: 'AKIA1', secretAccessKey: AWS_SECRET } }],
    [
      'AWS credentials as STS returns them',
      { Credentials: { SecretAccessKey: AWS_SECRET, SessionToken: SLACK_TOKEN } },
    ],
    ['a whole credentials object', { credentials: { secretAccessKey: AWS_SECRET } }],
  ])('redacts %s', (_name, detail) => {
    const { log, text } = capture();
    log.info({ ...detail, grantId: 'G1' }, 'something happened');
    expect(text()).not.toContain(SLACK_TOKEN);
    expect(text()).not.toContain(AWS_SECRET);
    expect(text()).toContain('[redacted]');
    expect(text()).toContain('"grantId":"G1"');
  });

  it('adds fields set with withLogFields to every line inside, across awaits and child loggers', async () => {
    const { log, lines } = capture();
    await withLogFields({ slackRequestId: 'abc123' }, async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      log.child({ subsystem: 'core' }).info({ grantId: 'G1' }, 'inside');
      log.info({}, 'inside again');
    });
    log.info({}, 'outside');
    expect(lines.map((line) => [line.msg, line.slackRequestId, line.grantId])).toEqual([
      ['inside', 'abc123', 'G1'],
      ['inside again', 'abc123', undefined],
      ['outside', undefined, undefined],
    ]);
  });
});
