import type { ApprovalStep, Tier } from './model.js';

const HOUR = 3600;
const DAY = 86_400;

const MANAGER: ApprovalStep = { kind: 'manager', count: 1 };
const OWNER: ApprovalStep = { kind: 'owner', count: 1 };
const EXECUTIVE: ApprovalStep = { kind: 'group', group: 'executive', count: 1 };

export const DEFAULT_MIN_DURATION_SECONDS = 5 * 60;
export const DEFAULT_WARN_BEFORE_SECONDS = 15 * 60;
export const DEFAULT_BREAK_GLASS_DURATION_SECONDS = HOUR;

/** DESIGN §1 "Default tiers"; the policy file may redefine any of them. */
export const DEFAULT_TIERS: Record<string, Omit<Tier, 'name' | 'warnBeforeSeconds'>> = {
  low: tier([], 8 * HOUR, 7 * DAY),
  medium: tier([MANAGER], 8 * HOUR, 7 * DAY),
  high: tier([MANAGER, OWNER], 4 * HOUR, DAY),
  critical: tier([MANAGER, OWNER, EXECUTIVE], HOUR, 0),
};

function tier(steps: ApprovalStep[], maxDurationSeconds: number, approvalValiditySeconds: number) {
  return {
    steps,
    minDurationSeconds: DEFAULT_MIN_DURATION_SECONDS,
    maxDurationSeconds,
    approvalValiditySeconds,
    breakGlass: false,
    breakGlassDurationSeconds: DEFAULT_BREAK_GLASS_DURATION_SECONDS,
  };
}

const COMMON_DURATIONS = [
  10,
  60,
  300,
  900,
  1800,
  3600,
  7200,
  4 * 3600,
  8 * 3600,
  12 * 3600,
  86_400,
  3 * 86_400,
  7 * 86_400,
];

/** Durations to offer in a picker: the common ones inside the tier's bounds, and the maximum itself. */
export function durationChoices(tier: Pick<Tier, 'minDurationSeconds' | 'maxDurationSeconds'>): number[] {
  const inside = COMMON_DURATIONS.filter((s) => s >= tier.minDurationSeconds && s <= tier.maxDurationSeconds);
  return [...new Set([...inside, tier.maxDurationSeconds])].sort((a, b) => a - b);
}

/** Resources a sync found but no admin classified; nobody can request them. */
export const UNCLASSIFIED_TIER = 'unclassified';
