import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { APPROVE_ACTION } from '../../src/slack/action-ids.js';
import { approvalCard, dmContaining, fileRequest } from '../support/e2e-steps.js';
import { slackClientForBot } from '../support/sign-slack-request.js';
import { type LatchWorld, PEOPLE, SIGNING_SECRET, startLatchWorld } from '../support/start-latch.js';

const { alice, bob } = PEOPLE;
/** How long the main thread is kept busy while Slack's request is in flight. */
const BUSY_MS = 1500;

/**
 * Sends each request with curl, in a process of its own, and keeps this thread (Latch's main
 * thread: the test runs Latch in-process) busy for BUSY_MS right after; curl times the answer.
 */
function busyMainThreadClient(world: LatchWorld) {
  const answeredInSeconds: number[] = [];
  const send = async (endpoint: string, init: { headers: Record<string, string>; body: string }) => {
    const bodyFile = join(tmpdir(), `latch-ack-${randomBytes(6).toString('hex')}`);
    writeFileSync(bodyFile, init.body);
    const headers = Object.entries(init.headers).flatMap(([name, value]) => ['-H', `${name}: ${value}`]);
    const curl = spawn('curl', [
      ...['-s', '-X', 'POST', '--data-binary', `@${bodyFile}`, ...headers],
      ...['-w', '\n%{http_code} %{time_total} %{content_type}', endpoint],
    ]);
    const busyUntil = Date.now() + BUSY_MS;
    while (Date.now() < busyUntil) {
      // Latch's main thread can run nothing now: no listener, no timer, no database result.
    }
    let output = '';
    curl.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    await new Promise((resolve) => curl.once('close', resolve));
    rmSync(bodyFile);
    const cut = output.lastIndexOf('\n');
    const [status, seconds, contentType] = output.slice(cut + 1).split(' ');
    answeredInSeconds.push(Number(seconds));
    return new Response(output.slice(0, cut) || null, {
      status: Number(status),
      headers: contentType ? { 'content-type': contentType } : {},
    });
  };
  const user = slackClientForBot({
    botUrl: world.botUrl,
    signingSecret: SIGNING_SECRET,
    fake: world.slack,
    send,
  });
  return { user, answeredInSeconds };
}

describe("Slack's answers while Latch's main thread is busy", () => {
  let world: LatchWorld;
  afterEach(async () => {
    await world.stop();
  });

  it('answers a click and a command at once from the front thread, then does the work', async () => {
    world = await startLatchWorld({ ackThread: 'on' });
    const requestId = await fileRequest(world, alice.id, 'request oncall 2h fixing the pager');
    const card = await approvalCard(world, bob.id, requestId);
    const { user, answeredInSeconds } = busyMainThreadClient(world);

    const click = await user.clickButton({
      userId: bob.id,
      actionId: APPROVE_ACTION,
      value: requestId,
      channelId: card.channel,
      messageTs: card.ts,
    });
    const help = await user.command({ userId: alice.id, text: 'help' });

    expect(click.status).toBe(200);
    expect(help.status).toBe(200);
    expect(help.body).toMatchObject({
      response_type: 'ephemeral',
      text: expect.stringContaining('/access request'),
    });
    // Both answered while the main thread was still busy.
    for (const seconds of answeredInSeconds) expect(seconds).toBeLessThan(BUSY_MS / 2 / 1000);
    // The click was handed to Latch's listeners: Bob's approval provisions Alice's access.
    await dmContaining(world, alice.id, 'is active until');
    expect(world.aws.isMember(world.groups.oncall, world.awsUsers.alice)).toBe(true);
  });

  it('with LATCH_ACK_THREAD=off, answers only when the main thread is free again', async () => {
    world = await startLatchWorld({ ackThread: 'off' });
    const { user, answeredInSeconds } = busyMainThreadClient(world);

    const help = await user.command({ userId: alice.id, text: 'help' });

    expect(help.status).toBe(200);
    expect(answeredInSeconds[0]).toBeGreaterThanOrEqual((BUSY_MS * 0.9) / 1000);
  });
});
