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

/** Resources a sync found but no admin classified; nobody can request them. */
export const UNCLASSIFIED_TIER = 'unclassified';
