import { APPROVE_ACTION, DENY_MODAL, REASON_BLOCK, REASON_INPUT } from '../../../src/slack/action-ids.js';
import { buttonTexts, visible } from '../../support/e2e-steps.js';
import { CRASH_RESOURCES, type CrashWorld, LEAD } from './crash-world.js';

/** One `/access request` typed at Latch, and what became of it as the person saw it. */
export interface Attempt {
  round: string;
  resourceId: string;
  durationSeconds: number;
  responseUrl?: string;
  /** HTTP status of the command (0: Latch was down or died before answering). */
  status: number;
}

/**
 * People typing `/access request …` at Latch, whatever state it is in. The requests go out
 * spaced over about `spreadMs`; a request to a dead Latch fails as Slack's would (the person
 * sees a timeout and nothing is filed).
 */
export async function fileBatch(
  world: CrashWorld,
  random: () => number,
  options: { round: string; count: number; minSeconds: number; maxSeconds: number; spreadMs: number },
): Promise<Attempt[]> {
  const sends: Promise<Attempt>[] = [];
  for (let i = 0; i < options.count; i++) {
    const requester = world.requesters[Math.floor(random() * world.requesters.length)];
    const resourceId = CRASH_RESOURCES[Math.floor(random() * CRASH_RESOURCES.length)] ?? 'team-auto';
    const durationSeconds =
      options.minSeconds + Math.floor(random() * (options.maxSeconds - options.minSeconds + 1));
    const delayMs = Math.floor((options.spreadMs * i) / Math.max(1, options.count));
    sends.push(
      (async () => {
        await sleep(delayMs);
        const attempt: Attempt = { round: options.round, resourceId, durationSeconds, status: 0 };
        try {
          const sent = await world.user.command({
            userId: requester?.slackId ?? '',
            text: `request ${resourceId} ${durationSeconds}s crash test, round ${options.round}`,
          });
          attempt.responseUrl = sent.responseUrl;
          attempt.status = sent.status;
        } catch {
          // Connection refused or reset: Latch was down.
        }
        return attempt;
      })(),
    );
  }
  return Promise.all(sends);
}

/** The request id Latch gave in its answer to an attempt, if the answer ever came. */
export function requestIdOf(world: CrashWorld, attempt: Attempt): string | undefined {
  if (!attempt.responseUrl) return undefined;
  const id = attempt.responseUrl.slice(attempt.responseUrl.lastIndexOf('/') + 1);
  for (const response of world.slack.responses) {
    if (response.id !== id) continue;
    const found = /`(R[0-9A-Z]{6})`/.exec(String(response.body?.text ?? ''))?.[1];
    if (found) return found;
  }
  return undefined;
}

export interface LeadStats {
  approved: number;
  denied: number;
  ignored: number;
  clicks: number;
  failedClicks: number;
}

/**
 * The lead working through the approval cards in their DMs: most approved, some denied, some left
 * to expire. A click that did not reach Latch (it was down) is tried again while the card shows buttons.
 */
export function startLead(world: CrashWorld, random: () => number): { stop(): LeadStats } {
  const decided = new Map<string, { decision: 'approve' | 'deny' | 'ignore'; lastClickAt: number }>();
  const stats: LeadStats = { approved: 0, denied: 0, ignored: 0, clicks: 0, failedClicks: 0 };
  let busy = false;
  const pass = async () => {
    if (busy) return;
    busy = true;
    try {
      for (const card of world.slack.dmsTo(LEAD.id)) {
        if (!buttonTexts(card).includes('Approve')) continue;
        const requestId = /\bR[0-9A-Z]{6}\b/.exec(visible(card))?.[0];
        if (!requestId) continue;
        let choice = decided.get(requestId);
        if (!choice) {
          const roll = random();
          choice = { decision: roll < 0.8 ? 'approve' : roll < 0.9 ? 'deny' : 'ignore', lastClickAt: 0 };
          decided.set(requestId, choice);
          if (choice.decision === 'approve') stats.approved += 1;
          else if (choice.decision === 'deny') stats.denied += 1;
          else stats.ignored += 1;
        }
        if (choice.decision === 'ignore' || Date.now() - choice.lastClickAt < 3000) continue;
        choice.lastClickAt = Date.now();
        stats.clicks += 1;
        // Deny opens a form for the reason; its submission is what decides.
        const decision =
          choice.decision === 'approve'
            ? world.user.clickButton({
                userId: LEAD.id,
                actionId: APPROVE_ACTION,
                value: requestId,
                channelId: card.channel,
                messageTs: card.ts,
              })
            : world.user.submitView({
                userId: LEAD.id,
                callbackId: DENY_MODAL,
                privateMetadata: requestId,
                values: {
                  [REASON_BLOCK]: { [REASON_INPUT]: { type: 'plain_text_input', value: 'not now' } },
                },
              });
        const clicked = await decision.then(
          (result) => result.status === 200,
          () => false,
        );
        if (!clicked) stats.failedClicks += 1;
      }
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void pass(), 250);
  return {
    stop() {
      clearInterval(timer);
      return stats;
    },
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
