import type { Env } from './env.js';
import type { LoadedPolicy } from './policy.js';

/** `LATCH_INSIGHTS_DIGEST_CRON` if set, else the policy file's `insights_digest`, else off. */
export function insightsDigestCron(env: Pick<Env, 'insightsDigestCron'>, loaded: LoadedPolicy): string {
  return env.insightsDigestCron ?? loaded.insightsDigest ?? 'off';
}
