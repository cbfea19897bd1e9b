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
import { ActionRoutes, ViewRoutes } from './listener-routes.js';
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

/**
 * The one list of everything Latch answers in Slack: one Bolt listener per kind of request, and
 * Latch's own routes for the actions and forms (why: `listener-routes.ts`).
 */
export function registerListeners(app: App, deps: LatchDeps): void {
  const actions = new ActionRoutes()
    .on<BlockButtonAction>(APPROVE_ACTION, handleApproveButton(deps))
    .on<BlockButtonAction>(DENY_ACTION, handleDenyButton(deps))
    .on(APPROVE_FOR_ACTION, handleApproveForSelect(deps))
    .on<BlockButtonAction>(RELEASE_ACTION, handleReleaseButton(deps))
    .on<BlockButtonAction>(CANCEL_ACTION, handleCancelButton(deps))
    .on<BlockButtonAction>(ACKNOWLEDGE_ACTION, handleReviewButton(deps, 'acknowledged'))
    .on<BlockButtonAction>(FLAG_ACTION, handleReviewButton(deps, 'flagged'))
    .on<BlockButtonAction>(EXTEND_ACTION, handleExtendButton(deps))
    .on<BlockButtonAction>(new RegExp(`^${HOME_MORE_ACTION}:`), handleHomeMoreButton(deps))
    .on(RESOURCE_INPUT, handleResourceChosen(deps))
    .on(TIER_ACTION, handleTierSelect(deps))
    .on<BlockButtonAction>(new RegExp(`^${APPLY_INSIGHT_ACTION}:`), handleApplyInsightButton(deps));
  const views = new ViewRoutes()
    .on(DENY_MODAL, handleDenyModalSubmit(deps))
    .on(REQUEST_MODAL, handleRequestModalSubmit(deps))
    .on(EXTEND_MODAL, handleExtendModalSubmit(deps));

  app.command('/access', handleAccessCommand(deps));
  app.action({ type: 'block_actions' }, actions.listener(deps.log));
  app.view({ type: 'view_submission' }, views.listener(deps.log));
  app.options(RESOURCE_INPUT, handleResourceOptions(deps));
  app.event('app_home_opened', handleAppHomeOpened(deps));
}
