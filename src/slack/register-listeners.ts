import type { App, BlockButtonAction } from '@slack/bolt';
import type { LatchDeps } from '../core/ports.js';
import {
  ACKNOWLEDGE_ACTION,
  APPLY_INSIGHT_ACTION,
  APPROVE_ACTION,
  APPROVE_FOR_ACTION,
  CANCEL_ACTION,
  DENY_ACTION,
  DENY_MODAL,
  EXTEND_ACTION,
  EXTEND_MODAL,
  FLAG_ACTION,
  HOME_MORE_ACTION,
  RELEASE_ACTION,
  REQUEST_MODAL,
  RESOURCE_INPUT,
  TIER_ACTION,
} from './action-ids.js';
import { handleAccessCommand } from './listeners/access-command.js';
import { handleAppHomeOpened } from './listeners/app-home-opened.js';
import { handleApplyInsightButton } from './listeners/apply-insight-button.js';
import { handleApproveButton } from './listeners/approve-button.js';
import { handleApproveForSelect } from './listeners/approve-for-select.js';
import { handleCancelButton } from './listeners/cancel-button.js';
import { handleDenyButton } from './listeners/deny-button.js';
import { handleDenyModalSubmit } from './listeners/deny-modal-submit.js';
import { handleExtendButton } from './listeners/extend-button.js';
import { handleExtendModalSubmit } from './listeners/extend-modal-submit.js';
import { handleHomeMoreButton } from './listeners/home-more-button.js';
import { handleReleaseButton } from './listeners/release-button.js';
import { handleRequestModalSubmit } from './listeners/request-modal-submit.js';
import { handleResourceChosen } from './listeners/resource-chosen.js';
import { handleResourceOptions } from './listeners/resource-options.js';
import { handleReviewButton } from './listeners/review-buttons.js';
import { handleTierSelect } from './listeners/tier-select.js';

/** The one list of everything Latch answers in Slack. */
export function registerListeners(app: App, deps: LatchDeps): void {
  app.command('/access', handleAccessCommand(deps));
  app.action<BlockButtonAction>(APPROVE_ACTION, handleApproveButton(deps));
  app.action<BlockButtonAction>(DENY_ACTION, handleDenyButton(deps));
  app.action(APPROVE_FOR_ACTION, handleApproveForSelect(deps));
  app.view(DENY_MODAL, handleDenyModalSubmit(deps));
  app.action<BlockButtonAction>(RELEASE_ACTION, handleReleaseButton(deps));
  app.view(REQUEST_MODAL, handleRequestModalSubmit(deps));
  app.options(RESOURCE_INPUT, handleResourceOptions(deps));
  app.action<BlockButtonAction>(CANCEL_ACTION, handleCancelButton(deps));
  app.action<BlockButtonAction>(ACKNOWLEDGE_ACTION, handleReviewButton(deps, 'acknowledged'));
  app.action<BlockButtonAction>(FLAG_ACTION, handleReviewButton(deps, 'flagged'));
  app.action<BlockButtonAction>(EXTEND_ACTION, handleExtendButton(deps));
  app.view(EXTEND_MODAL, handleExtendModalSubmit(deps));
  app.action<BlockButtonAction>(new RegExp(`^${HOME_MORE_ACTION}:`), handleHomeMoreButton(deps));
  app.event('app_home_opened', handleAppHomeOpened(deps));
  app.action(RESOURCE_INPUT, handleResourceChosen(deps));
  app.action(TIER_ACTION, handleTierSelect(deps));
  app.action<BlockButtonAction>(new RegExp(`^${APPLY_INSIGHT_ACTION}:`), handleApplyInsightButton(deps));
}
