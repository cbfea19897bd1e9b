import { describe, expect, it } from 'vitest';
import type { SlackMessageRef } from '../core/model.js';
import type { ApprovalCardData, AuditNotice, Notifier, RequesterNotice } from '../core/ports.js';
import { BackgroundNotifier } from './background-notifier.js';

const notice = (kind: string) => ({ kind }) as unknown as RequesterNotice;
const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

/** A Slack that delivers when told to: each send waits for `release(recipient)`. */
function slowSlack() {
  const delivered: string[] = [];
  const gates = new Map<string, Array<() => void>>();
  const wait = (key: string) =>
    new Promise<void>((resolve) => gates.set(key, [...(gates.get(key) ?? []), resolve]));
  const inner = {
    async tellRequester(requesterId: string, n: RequesterNotice) {
      await wait(requesterId);
      delivered.push(`${requesterId}:${n.kind}`);
    },
    async sendApprovalCard(approverId: string) {
      await wait(approverId);
      delivered.push(`${approverId}:card`);
      return { requestId: 'R1', step: 0, recipientId: approverId, channel: `D${approverId}`, ts: '1.2' };
    },
    async postAudit(event: AuditNotice) {
      delivered.push(`audit:${event.action}`);
      return '9.9';
    },
    async alertAdmins() {
      throw new Error('channel_not_found');
    },
  } as unknown as Notifier;
  const release = (key: string) => gates.get(key)?.shift()?.();
  return { inner, delivered, release };
}

const quietLog = () => {
  const errors: Array<Record<string, unknown>> = [];
  return {
    errors,
    log: { info() {}, warn() {}, error: (fields: Record<string, unknown>) => errors.push(fields) },
  };
};

describe('BackgroundNotifier', () => {
  it('returns at once, and keeps each person’s messages in order while another’s wait', async () => {
    const slack = slowSlack();
    const { log } = quietLog();
    const notifier = new BackgroundNotifier(
      slack.inner,
      { rememberMessage: async () => {}, rememberAuditThread: async () => {} },
      log,
    );
    await notifier.tellRequester('U1', notice('grant_active'));
    await notifier.tellRequester('U1', notice('grant_ended'));
    await notifier.tellRequester('U2', notice('grant_ended'));
    expect(notifier.backlog).toBe(3);

    slack.release('U2');
    await tick();
    slack.release('U1');
    await tick();
    slack.release('U1');
    expect(await notifier.drain(1000)).toBe(true);
    expect(slack.delivered).toEqual(['U2:grant_ended', 'U1:grant_active', 'U1:grant_ended']);
  });

  it('remembers a card once Slack took it, and an audit post as the request’s thread', async () => {
    const slack = slowSlack();
    const remembered: SlackMessageRef[] = [];
    const threads: string[] = [];
    const { log } = quietLog();
    const notifier = new BackgroundNotifier(
      slack.inner,
      {
        rememberMessage: async (ref) => void remembered.push(ref),
        rememberAuditThread: async (requestId, ts) => void threads.push(`${requestId}@${ts}`),
      },
      log,
    );
    expect(await notifier.sendApprovalCard('U3', {} as ApprovalCardData)).toBeUndefined();
    await notifier.postAudit({ action: 'grant.revoked', requestId: 'R1' } as AuditNotice);
    await notifier.postAudit({ action: 'grant.revoked', requestId: 'R2' } as AuditNotice, '1.0');
    expect(remembered).toEqual([]);
    slack.release('U3');
    await notifier.drain();
    expect(remembered).toEqual([expect.objectContaining({ recipientId: 'U3', ts: '1.2' })]);
    expect(threads).toEqual(['R1@9.9']);
  });

  it('logs a message Slack never takes, and says when a drain runs out of time', async () => {
    const slack = slowSlack();
    const { log, errors } = quietLog();
    const notifier = new BackgroundNotifier(
      slack.inner,
      { rememberMessage: async () => {}, rememberAuditThread: async () => {} },
      log,
    );
    await notifier.alertAdmins('revocation failing');
    await notifier.tellRequester('U4', notice('grant_ended'));
    expect(await notifier.drain(30)).toBe(false);
    expect(errors).toEqual([expect.objectContaining({ what: 'alert admins' })]);
    slack.release('U4');
    expect(await notifier.drain(1000)).toBe(true);
  });
});
