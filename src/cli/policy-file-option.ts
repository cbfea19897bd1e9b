import type { ParseArgsConfig } from 'node:util';

export const POLICY_OPTION: NonNullable<ParseArgsConfig['options']> = { policy: { type: 'string' } };

/** `--policy`, else LATCH_POLICY_FILE, else the default the bot uses. */
export function policyFileFrom(
  values: Record<string, string | boolean | undefined>,
  env: Record<string, string | undefined>,
): string {
  const given = values.policy;
  return (typeof given === 'string' && given) || env.LATCH_POLICY_FILE?.trim() || './latch.policy.yml';
}
