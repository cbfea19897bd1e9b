import type { Inventory, InventoryFailure } from './inventory.js';
import type { GrantHistoryEntry, Recommendation } from './recommendations.js';
import type { RiskReason } from './risk-reasons.js';
import type { InventoryScores } from './score-inventory.js';
import type { ActiveGrantRef } from './standing-access.js';

/** One reading of standing access, as it is stored: what was read, its scores and recommendations. */
export interface InsightRunInput {
  readAt: Date;
  finishedAt: Date;
  trigger: string;
  actor: string;
  inventory: Inventory;
  scores: InventoryScores;
  recommendations: Recommendation[];
}

export interface StoredScore {
  subjectKind: 'policy' | 'principal' | 'account';
  subjectId: string;
  accountId?: string;
  label: string;
  score: number;
  reasons: RiskReason[];
}

export interface StoredInsightRun {
  id: number;
  readAt: Date;
  failures: InventoryFailure[];
  scores: StoredScore[];
  recommendations: Recommendation[];
}

/** What the rules need from Latch's own grants: who holds access through Latch now, and recent use. */
export interface GrantFacts {
  activeGrants: ActiveGrantRef[];
  history: GrantHistoryEntry[];
}
