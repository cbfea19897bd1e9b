import type { App, BlockButtonAction } from '@slack/bolt';
import type { LatchDeps } from '../core/ports.js';
import { APPROVE_ACTION, DENY_ACTION, RELEASE_ACTION, REQUEST_MODAL } from './action-ids.js';
import { handleAccessCommand } from './listeners/access-command.js';
import { handleApprovalButton } from './listeners/approval-buttons.js';
import { handleReleaseButton } from './listeners/release-button.js';
import { handleRequestModalSubmit } from './listeners/request-modal-submit.js';

/** The one list of everything Latch answers in Slack. */
export function registerListeners(app: App, deps: LatchDeps): void {
  app.command('/access', handleAccessCommand(deps));
  app.action<BlockButtonAction>(APPROVE_ACTION, handleApprovalButton(deps, 'approve'));
  app.action<BlockButtonAction>(DENY_ACTION, handleApprovalButton(deps, 'deny'));
  app.action<BlockButtonAction>(RELEASE_ACTION, handleReleaseButton(deps));
  app.view(REQUEST_MODAL, handleRequestModalSubmit(deps));
}
