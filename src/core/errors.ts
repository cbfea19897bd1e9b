/** Every known outcome a person can cause has a code; `slack/` turns codes into words. */
export type LatchErrorCode =
  | 'unknown_resource'
  | 'unclassified_resource'
  | 'unsupported_resource_kind'
  | 'bad_duration'
  | 'duration_too_short'
  | 'duration_too_long'
  | 'missing_justification'
  | 'no_confirmed_email'
  | 'email_domain_not_allowed'
  | 'no_eligible_approver'
  | 'unknown_request'
  | 'unknown_grant'
  | 'not_your_request'
  | 'not_your_grant'
  | 'request_not_pending'
  | 'grant_not_active'
  | 'not_an_approver'
  | 'self_approval'
  | 'already_decided_by_you'
  | 'extension_exhausted'
  | 'admins_only'
  | 'break_glass_not_allowed'
  | 'invalid_email'
  | 'unknown_slack_user'
  | 'unknown_tier'
  | 'not_in_catalog'
  | 'text_too_long'
  | 'text_not_storable'
  | 'no_insights_yet'
  | 'unknown_account'
  | 'unknown_recommendation'
  | 'recommendation_not_applicable'
  | 'recommendation_not_permitted'
  | 'recommendation_denied'
  | 'recommendation_failed';

export class LatchError extends Error {
  override readonly name: string = 'LatchError';
  constructor(
    readonly code: LatchErrorCode,
    readonly detail: Record<string, string | number> = {},
  ) {
    super(`${code}${Object.keys(detail).length ? ` ${JSON.stringify(detail)}` : ''}`);
  }
}

/** An AWS operation failed; `retriable` says whether trying again can help. */
export class ProvisioningError extends Error {
  override readonly name = 'ProvisioningError';
  /** Set when AWS is known to be done soon (a change still in progress): retry after this, not a backoff. */
  readonly retryAfterSeconds: number | undefined;
  constructor(
    message: string,
    readonly retriable: boolean,
    options?: { cause?: unknown; retryAfterSeconds?: number },
  ) {
    super(message, options);
    this.retryAfterSeconds = options?.retryAfterSeconds;
  }
}
