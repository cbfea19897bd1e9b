import type { WebClient } from '@slack/web-api';
import type { Person } from '../core/model.js';
import type { Directory } from '../core/ports.js';

const SLACK_USER_ID = /^[UW][A-Z0-9]+$/;

/**
 * People as Slack knows them. An email is trusted only when Slack marks it confirmed and,
 * if the policy lists domains, it is in one of them (DESIGN §1): that email is the link to AWS.
 */
export class SlackDirectory implements Directory {
  constructor(
    private readonly client: WebClient,
    private readonly allowedEmailDomains: readonly string[] | undefined,
  ) {}

  async person(slackUserId: string): Promise<Person> {
    const { user } = await this.client.users.info({ user: slackUserId });
    const name = user?.real_name || user?.profile?.real_name || user?.name || slackUserId;
    const email = user?.profile?.email?.toLowerCase();
    const trusted = email && user?.is_email_confirmed === true && !user.deleted && this.domainAllowed(email);
    return { slackUserId, name, ...(trusted ? { email } : {}) };
  }

  async slackUserIdFor(ref: string): Promise<string | undefined> {
    if (SLACK_USER_ID.test(ref)) return ref;
    try {
      const { user } = await this.client.users.lookupByEmail({ email: ref });
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
