import type { WebClient } from '@slack/web-api';
import { REVIEW_STEP, type SlackMessageRef } from '../core/model.js';
import type {
  ApprovalCardData,
  AuditNotice,
  Directory,
  Logger,
  Notifier,
  RequesterNotice,
  ReviewCardData,
} from '../core/ports.js';
import type { InsightsDigest } from '../insights/insights-digest.js';
import { approvalCard } from './blocks/approval-card.js';
import { auditPost } from './blocks/audit-post.js';
import { insightsDigestText } from './blocks/insights-digest-text.js';
import { requesterNotice } from './blocks/requester-notice.js';
import { reviewCard } from './blocks/review-card.js';

function slackError(error: unknown): string | undefined {
  return (error as { data?: { error?: string } }).data?.error;
}

/** The Notifier port over Slack's Web API. Delivery failures are logged, never thrown. */
export class SlackNotifier implements Notifier {
  constructor(
    private readonly client: WebClient,
    private readonly directory: Directory,
    private readonly options: {
      auditChannel?: string;
      admins: readonly string[];
      log: Logger;
      /** Redraws someone's App Home (at Slack's pace); called whenever a DM tells them something changed. */
      refreshHome?: (userId: string) => void;
    },
  ) {}

  /** What changed in a DM changed on their Home too. */
  private homeChanged(userId: string): void {
    this.options.refreshHome?.(userId);
  }

  async sendApprovalCard(approverId: string, card: ApprovalCardData): Promise<SlackMessageRef | undefined> {
    const posted = await this.client.chat.postMessage({ channel: approverId, ...approvalCard(card) });
    this.homeChanged(approverId);
    if (!posted.channel || !posted.ts) return undefined;
    return {
      requestId: card.request.id,
      step: card.step,
      recipientId: approverId,
      channel: posted.channel,
      ts: posted.ts,
    };
  }

  async updateApprovalCard(ref: SlackMessageRef, card: ApprovalCardData): Promise<void> {
    await this.client.chat.update({ channel: ref.channel, ts: ref.ts, ...approvalCard(card) });
    this.homeChanged(ref.recipientId);
  }

  async sendReviewCard(reviewerId: string, card: ReviewCardData): Promise<SlackMessageRef | undefined> {
    const posted = await this.client.chat.postMessage({ channel: reviewerId, ...reviewCard(card) });
    if (!posted.channel || !posted.ts) return undefined;
    return {
      requestId: card.request.id,
      step: REVIEW_STEP,
      recipientId: reviewerId,
      channel: posted.channel,
      ts: posted.ts,
    };
  }

  async updateReviewCard(ref: SlackMessageRef, card: ReviewCardData): Promise<void> {
    await this.client.chat.update({ channel: ref.channel, ts: ref.ts, ...reviewCard(card) });
  }

  async tellRequester(requesterId: string, notice: RequesterNotice): Promise<void> {
    await this.client.chat.postMessage({ channel: requesterId, ...requesterNotice(notice) });
    this.homeChanged(requesterId);
  }

  /** Posts to the audit channel, joining it first if Slack says Latch is not in it. */
  async postAudit(event: AuditNotice, threadTs?: string): Promise<string | undefined> {
    return this.postInAuditChannel({ ...auditPost(event), ...(threadTs ? { thread_ts: threadTs } : {}) });
  }

  async postInsightsDigest(digest: InsightsDigest): Promise<string | undefined> {
    return this.postInAuditChannel({ text: insightsDigestText(digest) });
  }

  /** Posts to the audit channel, joining it once if Latch is not in it yet; admins are told if it cannot. */
  private async postInAuditChannel(
    content: { text: string } & Record<string, unknown>,
  ): Promise<string | undefined> {
    const channel = this.options.auditChannel;
    if (!channel) return undefined;
    const message = { channel, ...content } as Parameters<WebClient['chat']['postMessage']>[0];
    try {
      return (await this.client.chat.postMessage(message)).ts;
    } catch (error) {
      if (slackError(error) !== 'not_in_channel') return this.auditChannelFailed(channel, error);
      try {
        await this.client.conversations.join({ channel });
        return (await this.client.chat.postMessage(message)).ts;
      } catch (retryError) {
        return this.auditChannelFailed(channel, retryError);
      }
    }
  }

  async alertAdmins(text: string): Promise<void> {
    for (const admin of this.options.admins) {
      try {
        const id = await this.directory.slackUserIdFor(admin);
        if (id) await this.client.chat.postMessage({ channel: id, text: `:rotating_light: ${text}` });
        else this.options.log.warn({ admin }, 'admin named in the policy has no Slack account');
      } catch (error) {
        this.options.log.error({ err: error, admin }, 'could not alert an admin');
      }
    }
  }

  private async auditChannelFailed(channel: string, error: unknown): Promise<undefined> {
    this.options.log.error({ err: error, channel }, 'cannot post to the audit channel');
    await this.alertAdmins(
      `Latch cannot post to the audit channel <#${channel}> (${slackError(error) ?? 'error'}). Invite Latch to it.`,
    );
    return undefined;
  }
}
