import type { WebClient } from '@slack/web-api';
import { LRUCache } from 'lru-cache';
import type { Person } from '../core/model.js';
import type { Directory } from '../core/ports.js';

const SLACK_USER_ID = /^[UW][A-Z0-9]+$/;

export interface PersonCacheSettings {
  ttlMs: number;
  maxPeople: number;
  /** Milliseconds on a monotonic clock (tests pass their own). */
  now?: () => number;
}

/**
 * A profile is read again after a minute. `users.info` is Tier 4 (about 100 calls a minute), and an
 * approver clearing a queue clicks faster than that; the policy is still checked on every click.
 */
export const PERSON_CACHE: PersonCacheSettings = { ttlMs: 60_000, maxPeople: 10_000 };

/**
 * People as Slack knows them. An email is trusted only when Slack marks it confirmed and,
 * if the policy lists domains, it is in one of them (DESIGN §1): that email is the link to AWS.
 * Profiles, and the accounts the policy's emails name, are remembered briefly; lookups of one
 * person at once share a call, and a failed one is not remembered.
 */
export class SlackDirectory implements Directory {
  private readonly people: LRUCache<string, Person>;
  /**
   * Slack user ids by lower-cased email. `users.lookupByEmail` is Tier 3 (about 50 calls a minute),
   * and every filed request and admin alert resolves the policy's approvers and admins by email.
   * Only accounts found are kept: an approver who joins Slack is found on the next request.
   */
  private readonly idsByEmail: LRUCache<string, string>;

  constructor(
    private readonly client: WebClient,
    private readonly allowedEmailDomains: readonly string[] | undefined,
    cache: PersonCacheSettings = PERSON_CACHE,
  ) {
    this.people = shortLived(cache, (slackUserId) => this.readPerson(slackUserId));
    this.idsByEmail = shortLived(cache, (email) => this.lookUpByEmail(email));
  }

  async person(slackUserId: string): Promise<Person> {
    const person = await this.people.fetch(slackUserId);
    if (!person) throw new Error(`users.info gave no answer for ${slackUserId}`);
    return person;
  }

  private async readPerson(slackUserId: string): Promise<Person> {
    const { user } = await this.client.users.info({ user: slackUserId });
    const name = user?.real_name || user?.profile?.real_name || user?.name || slackUserId;
    const email = user?.profile?.email?.toLowerCase();
    const trusted = email && user?.is_email_confirmed === true && !user.deleted && this.domainAllowed(email);
    return { slackUserId, name, ...(trusted ? { email } : {}) };
  }

  async slackUserIdFor(ref: string): Promise<string | undefined> {
    if (SLACK_USER_ID.test(ref)) return ref;
    return this.idsByEmail.fetch(ref.toLowerCase());
  }

  private async lookUpByEmail(email: string): Promise<string | undefined> {
    try {
      const { user } = await this.client.users.lookupByEmail({ email });
      return user?.deleted ? undefined : user?.id;
    } catch (error) {
      if ((error as { data?: { error?: string } }).data?.error === 'users_not_found') return undefined;
      throw error;
    }
  }

  private domainAllowed(email: string): boolean {
    if (!this.allowedEmailDomains?.length) return true;
    const domain = email.slice(email.lastIndexOf('@') + 1);
    return this.allowedEmailDomains.includes(domain);
  }
}

/** Values kept for `ttlMs`; lookups of one key at once share a fetch, and a failed one is not kept. */
function shortLived<V extends {}>(
  cache: PersonCacheSettings,
  fetchMethod: (key: string) => Promise<V | undefined>,
): LRUCache<string, V> {
  return new LRUCache<string, V>({
    max: cache.maxPeople,
    ttl: cache.ttlMs,
    // Read the clock on every lookup rather than reuse a reading for up to 1 ms.
    ttlResolution: 0,
    ...(cache.now ? { perf: { now: cache.now } } : {}),
    fetchMethod,
  });
}
