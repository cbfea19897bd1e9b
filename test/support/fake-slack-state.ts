import { randomBytes } from 'node:crypto';
import type { RuleFailure } from './fake-slack-rules.js';

export interface SlackUserFixture {
  id: string;
  email?: string;
  isEmailConfirmed?: boolean;
  name?: string;
  realName?: string;
  teamId?: string;
  deleted?: boolean;
}

export interface StoredMessage {
  channel: string;
  ts: string;
  text?: string;
  blocks?: unknown[];
  /** For ephemeral messages: the user who sees it. */
  user?: string;
  /** For a reply in a thread: the ts of the thread's parent message. */
  threadTs?: string;
  updatedAt?: number;
}

export interface MessageRecord extends StoredMessage {
  author: string;
}

export type Args = Record<string, unknown>;
export type ApiResult = Record<string, unknown> & { ok: boolean };
export type View = Record<string, unknown>;

export const BOT_USER_ID = 'U0BOT';
export const BOT_ID = 'B0BOT';
export const APP_ID = 'A0LATCH';
// Slack: trigger_ids expire three seconds after they are issued and can be exchanged once.
export const TRIGGER_TTL_MS = 3000;

export class FakeSlackState {
  readonly users = new Map<string, SlackUserFixture>();
  readonly channels = new Map<string, { isMember: boolean; isArchived: boolean }>();
  readonly messages = new Map<string, MessageRecord[]>();
  readonly ephemerals: MessageRecord[] = [];
  readonly views = new Map<string, View>();
  readonly homeViewIds = new Map<string, string>();
  readonly triggers = new Map<string, { issuedAt: number; used: boolean }>();
  private lastMicros = 0;
  private counter = 0;

  constructor(
    readonly teamId: string,
    readonly url: string,
  ) {}

  /** Message ts values look like '1732212345.000100' and are unique and increasing. */
  nextTs(): string {
    this.lastMicros = Math.max(Date.now() * 1000, this.lastMicros + 100);
    return `${Math.floor(this.lastMicros / 1e6)}.${String(this.lastMicros % 1e6).padStart(6, '0')}`;
  }

  nextId(prefix: string): string {
    this.counter += 1;
    return `${prefix}${String(this.counter).padStart(6, '0')}${randomBytes(2).toString('hex').toUpperCase()}`;
  }

  newTriggerId(): string {
    const id = `${++this.counter}.${Date.now()}.${randomBytes(16).toString('hex')}`;
    this.triggers.set(id, { issuedAt: Date.now(), used: false });
    return id;
  }

  resetActivity(): void {
    this.messages.clear();
    this.ephemerals.length = 0;
    this.views.clear();
    this.homeViewIds.clear();
  }

  channelMessages(channel: string): MessageRecord[] {
    let list = this.messages.get(channel);
    if (!list) {
      list = [];
      this.messages.set(channel, list);
    }
    return list;
  }

  /** Stores a message as if `author` posted it (no validation). */
  store(channel: string, author: string, content: Args): MessageRecord {
    const threadTs = str(content.thread_ts);
    const message: MessageRecord = {
      channel,
      ts: this.nextTs(),
      author,
      ...pickContent(content),
      ...(threadTs ? { threadTs } : {}),
    };
    this.channelMessages(channel).push(message);
    return message;
  }
}

export const fail = (error: string, extra: Args = {}): ApiResult => ({ ok: false, error, ...extra });
export const failWith = (f: RuleFailure): ApiResult =>
  fail(f.error, f.messages.length ? { response_metadata: { messages: f.messages } } : {});
export const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

export function dmChannelOf(userId: string): string {
  return `D${userId}`;
}

/** User ids (U…/W…) stand for the bot's DM with that user. */
export function channelKey(channel: string): string {
  return /^[UW]/.test(channel) ? dmChannelOf(channel) : channel;
}

export function pickContent(args: Args): { text?: string; blocks?: unknown[] } {
  const out: { text?: string; blocks?: unknown[] } = {};
  if (typeof args.text === 'string') out.text = args.text;
  if (Array.isArray(args.blocks)) out.blocks = args.blocks;
  return out;
}

export type MethodHandler = (state: FakeSlackState, args: Args) => ApiResult;
