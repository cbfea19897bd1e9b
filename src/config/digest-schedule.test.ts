import { describe, expect, it } from 'vitest';
import { insightsDigestCron } from './digest-schedule.js';
import { parsePolicy } from './policy.js';

const file = { admins: ['admin@example.com'], resources: [] };

describe('the weekly insights digest schedule', () => {
  it('is off unless the policy file or the environment sets it', () => {
    expect(insightsDigestCron({}, parsePolicy(file))).toBe('off');
  });

  it('follows the policy file’s insights_digest', () => {
    const loaded = parsePolicy({ ...file, insights_digest: '0 0 9 * * 1' });
    expect(insightsDigestCron({}, loaded)).toBe('0 0 9 * * 1');
  });

  it('lets LATCH_INSIGHTS_DIGEST_CRON override the file, off included', () => {
    const loaded = parsePolicy({ ...file, insights_digest: '0 0 9 * * 1' });
    expect(insightsDigestCron({ insightsDigestCron: 'off' }, loaded)).toBe('off');
    expect(insightsDigestCron({ insightsDigestCron: '0 30 8 * * 5' }, loaded)).toBe('0 30 8 * * 5');
  });

  it('refuses a policy file whose insights_digest is not a cron expression, naming the key', () => {
    expect(() => parsePolicy({ ...file, insights_digest: 'every monday' })).toThrow(
      /insights_digest: is not a valid cron expression/,
    );
  });
});
