import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../log.js';
import { slackRequestLog } from './slack-request-log.js';

async function handle(body: Record<string, unknown>) {
  const lines: Array<Record<string, unknown>> = [];
  const log = createLogger(
    'info',
    new Writable({
      write(chunk, _encoding, done) {
        lines.push(JSON.parse(String(chunk)));
        done();
      },
    }),
  );
  const context: Record<string, unknown> = {};
  const args = {
    body,
    context,
    next: async () => {
      await Promise.resolve();
      log.info({ grantId: 'G1' }, 'listener line');
    },
  } as unknown as Parameters<typeof slackRequestLog>[0];
  await slackRequestLog(args);
  return { line: lines[0], context };
}

describe('slackRequestLog', () => {
  it("uses Slack's event id, so retries of one event share it", async () => {
    const { line, context } = await handle({ type: 'event_callback', event_id: 'Ev0ABC123' });
    expect(line).toMatchObject({ slackRequestId: 'Ev0ABC123', grantId: 'G1', msg: 'listener line' });
    expect(context.slackRequestId).toBe('Ev0ABC123');
  });

  it('gives a command or a click a fresh id of its own', async () => {
    const first = await handle({ command: '/access', trigger_id: '1.2.abc' });
    const second = await handle({ command: '/access', trigger_id: '1.2.abc' });
    expect(first.line?.slackRequestId).toMatch(/^[0-9a-f]{12}$/);
    expect(first.line?.slackRequestId).not.toBe(second.line?.slackRequestId);
  });
});
