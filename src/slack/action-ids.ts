/** Every action_id, callback_id and block_id Latch uses; never written as literals elsewhere. */
export const APPROVE_ACTION = 'latch_approve';
export const DENY_ACTION = 'latch_deny';
export const RELEASE_ACTION = 'latch_release';
export const REQUEST_MODAL = 'latch_request_modal';
export const RESOURCE_BLOCK = 'latch_resource';
export const RESOURCE_INPUT = 'latch_resource_input';
export const DURATION_BLOCK = 'latch_duration';
export const DURATION_INPUT = 'latch_duration_input';
export const JUSTIFICATION_BLOCK = 'latch_justification';
export const JUSTIFICATION_INPUT = 'latch_justification_input';
export const DENY_MODAL = 'latch_deny_modal';
export const REASON_BLOCK = 'latch_reason';
export const REASON_INPUT = 'latch_reason_input';
export const TICKET_BLOCK = 'latch_ticket';
export const TICKET_INPUT = 'latch_ticket_input';
export const CANCEL_ACTION = 'latch_cancel';
export const HOME_MORE_ACTION = 'latch_home_more';
