import type { Migration } from 'kysely';
import * as createCoreTables from './20261121T200000Z-create-core-tables.js';
import * as addTicketAndDecisionReason from './20261121T202854Z-add-ticket-and-decision-reason.js';
import * as addRemindedAndEscalated from './20261121T210138Z-add-reminded-and-escalated.js';
import * as addApprovedDuration from './20261121T212714Z-add-approved-duration.js';
import * as addCatalogSync from './20261121T222159Z-add-catalog-sync.js';
import * as addIdentityPins from './20261121T223303Z-add-identity-pins.js';
import * as addTierOverrides from './20261122T000430Z-add-tier-overrides.js';
import * as addDriftFindings from './20261122T000811Z-add-drift-findings.js';
import * as addGrantActivity from './20261122T001102Z-add-grant-activity.js';
import * as addSharedCallLimits from './20261122T001802Z-add-shared-call-limits.js';
import * as addGrantAwsRef from './20261122T013842Z-add-grant-aws-ref.js';
import * as addInsights from './20261122T021930Z-add-insights.js';
import * as insightRunDigested from './20261122T023248Z-insight-run-digested.js';
import * as addRequestPrincipal from './20261207T013000Z-add-request-principal.js';

/** Every migration, in order. A static list survives compilation (no directory scan). */
export const migrations: Record<string, Migration> = {
  '20261121T200000Z-create-core-tables': createCoreTables,
  '20261121T202854Z-add-ticket-and-decision-reason': addTicketAndDecisionReason,
  '20261121T210138Z-add-reminded-and-escalated': addRemindedAndEscalated,
  '20261121T212714Z-add-approved-duration': addApprovedDuration,
  '20261121T222159Z-add-catalog-sync': addCatalogSync,
  '20261121T223303Z-add-identity-pins': addIdentityPins,
  '20261122T000430Z-add-tier-overrides': addTierOverrides,
  '20261122T000811Z-add-drift-findings': addDriftFindings,
  '20261122T001102Z-add-grant-activity': addGrantActivity,
  '20261122T001802Z-add-shared-call-limits': addSharedCallLimits,
  '20261122T013842Z-add-grant-aws-ref': addGrantAwsRef,
  '20261122T021930Z-add-insights': addInsights,
  '20261122T023248Z-insight-run-digested': insightRunDigested,
  '20261207T013000Z-add-request-principal': addRequestPrincipal,
};
