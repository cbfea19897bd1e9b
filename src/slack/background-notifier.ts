import type { SlackMessageRef } from '../core/model.js';
import type {
  ApprovalCardData,
  AuditNotice,
  Logger,
  Notifier,
  RequesterNotice,
  ReviewCardData,
} from '../core/ports.js';
import type { InsightsDigest } from '../insights/insights-digest.js';
import { settledWithin } from './settled-within.js';

/** What the background sends still owe the database once Slack has taken them. */
export interface SentMessages {
  /** A card was posted: keep its ref so a decision updates it (core stores it when sending inline). */
  rememberMessage(ref: SlackMessageRef): Promise<void>;
  /** An audit post went out unthreaded: make it the request's thread if it has none. */
  rememberAuditThread(requestId: string, ts: string): Promise<void>;
}

/** Past this many messages waiting, Slack has been down long: new ones are logged and dropped. */
const MAX_WAITING = 1000;

/**
 * The Notifier the scheduler's sweep uses. Every message is queued and the sweep goes straight on,
 * so a slow or failing Slack (which the WebClient retries for up to half an hour) never holds up
 * the next grant's revocation. Messages to one person or channel keep their order; a message Slack
 * never takes is logged. `drain` waits for the queue (a stop, and tests' sweeps).
 */
export class BackgroundNotifier implements Notifier {
  private readonly chains = new Map<string, Promise<void>>();
  private readonly waiting = new Set<Promise<void>>();

  constructor(
    private readonly inner: Notifier,
    private readonly sent: SentMessages,
    private readonly log: Logger,
  ) {}

  async sendApprovalCard(approverId: string, card: ApprovalCardData): Promise<undefined> {
    this.enqueue(approverId, 'send approval card', async () => {
      const ref = await this.inner.sendApprovalCard(approverId, card);
      if (ref) await this.sent.rememberMessage(ref);
    });
    return undefined;
  }

  async updateApprovalCard(ref: SlackMessageRef, card: ApprovalCardData): Promise<void> {
    this.enqueue(ref.recipientId, 'update approval card', () => this.inner.updateApprovalCard(ref, card));
  }

  async tellRequester(requesterId: string, notice: RequesterNotice): Promise<void> {
    this.enqueue(requesterId, `tell requester ${notice.kind}`, () =>
      this.inner.tellRequester(requesterId, notice),
    );
  }

  async sendReviewCard(reviewerId: string, card: ReviewCardData): Promise<undefined> {
    this.enqueue(reviewerId, 'send review card', async () => {
      const ref = await this.inner.sendReviewCard(reviewerId, card);
      if (ref) await this.sent.rememberMessage(ref);
    });
    return undefined;
  }

  async updateReviewCard(ref: SlackMessageRef, card: ReviewCardData): Promise<void> {
    this.enqueue(ref.recipientId, 'update review card', () => this.inner.updateReviewCard(ref, card));
  }

  async postAudit(event: AuditNotice, threadTs?: string): Promise<undefined> {
    this.enqueue('audit channel', `audit post ${event.action}`, async () => {
      const ts = await this.inner.postAudit(event, threadTs);
      if (!threadTs && ts) await this.sent.rememberAuditThread(event.requestId, ts);
    });
    return undefined;
  }

  async alertAdmins(text: string): Promise<void> {
    this.enqueue('admins', 'alert admins', () => this.inner.alertAdmins(text));
  }

  /** Not the sweep's: the digest has its own schedule, which waits for Slack's answer (its ts). */
  postInsightsDigest(digest: InsightsDigest): Promise<string | undefined> {
    return this.inner.postInsightsDigest(digest);
  }

  /** Messages queued or being sent. */
  get backlog(): number {
    return this.waiting.size;
  }

  /** Resolves true once nothing waits (including what is queued meanwhile), false if `timeoutMs` passes first. */
  drain(timeoutMs = Number.POSITIVE_INFINITY): Promise<boolean> {
    return settledWithin(this.waiting, timeoutMs);
  }

  private enqueue(key: string, what: string, send: () => Promise<unknown>): void {
    if (this.waiting.size >= MAX_WAITING) {
      this.log.error(
        { what, waiting: this.waiting.size },
        'Slack message dropped: too many waiting for Slack',
      );
      return;
    }
    const previous = this.chains.get(key) ?? Promise.resolve();
    const next = previous.then(send).then(
      () => undefined,
      (error: unknown) => this.log.error({ err: error, what }, 'side effect after commit failed'),
    );
    this.chains.set(key, next);
    this.waiting.add(next);
    void next.finally(() => {
      this.waiting.delete(next);
      if (this.chains.get(key) === next) this.chains.delete(key);
    });
  }
}
