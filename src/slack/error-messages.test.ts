import { describe, expect, it } from 'vitest';
import { LatchError, type LatchErrorCode } from '../core/errors.js';
import { errorMessage } from './error-messages.js';

// A Record, so a new code fails to compile here until it is listed.
const EVERY_CODE: Record<LatchErrorCode, true> = {
  unknown_resource: true,
  unclassified_resource: true,
  unsupported_resource_kind: true,
  bad_duration: true,
  duration_too_short: true,
  duration_too_long: true,
  missing_justification: true,
  no_confirmed_email: true,
  email_domain_not_allowed: true,
  no_eligible_approver: true,
  unknown_request: true,
  unknown_grant: true,
  not_your_request: true,
  not_your_grant: true,
  request_not_pending: true,
  grant_not_active: true,
  not_an_approver: true,
  self_approval: true,
  already_decided_by_you: true,
  extension_exhausted: true,
  admins_only: true,
  break_glass_not_allowed: true,
  invalid_email: true,
  unknown_slack_user: true,
  unknown_tier: true,
  not_in_catalog: true,
  text_too_long: true,
  text_not_storable: true,
  no_insights_yet: true,
  unknown_account: true,
  unknown_recommendation: true,
  recommendation_not_applicable: true,
  recommendation_not_permitted: true,
  recommendation_denied: true,
  recommendation_failed: true,
};
const CODES = Object.keys(EVERY_CODE) as LatchErrorCode[];

// Whatever a person typed may come back in a refusal: as text, never as a ping or a link.
const TYPED = '<!channel> <http://evil.example|click> <@U0MALLORY>';
const detail = Object.fromEntries(
  [
    'resourceId',
    'duration',
    'requestId',
    'grantId',
    'email',
    'user',
    'tier',
    'field',
    'kind',
    'status',
    'account',
    'action',
    'error',
  ].map((key) => [key, TYPED]),
);

describe('errorMessage', () => {
  it.each(CODES)('%s echoes what was typed escaped', (code) => {
    const text = errorMessage(new LatchError(code, detail));
    expect(text).not.toContain('<!channel>');
    expect(text).not.toContain('<http');
    expect(text).not.toContain('<@U0MALLORY>');
  });

  it('echoes typed line breaks and control characters as spaces, so the first line says what was wrong', () => {
    const text = errorMessage(new LatchError('bad_duration', { duration: '1\r\nh\u0007' }));
    expect(text.split('\n')[0]).toBe(
      '`1 h ` is not a duration: write a number and a unit, like 90s, 30m, 2h or 1d.',
    );
  });

  it('cuts a long echo short', () => {
    const text = errorMessage(new LatchError('unknown_resource', { resourceId: 'x'.repeat(10_000) }));
    expect(text.length).toBeLessThan(400);
  });
});
