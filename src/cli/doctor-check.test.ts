import { describe, expect, it } from 'vitest';
import { checkLine, compareScopes, doctorSummary, fail, ok, skip, warn } from './doctor-check.js';

describe('checkLine', () => {
  it.each([
    [ok('database'), 'database: ok'],
    [ok('database', 'PostgreSQL'), 'database: ok (PostgreSQL)'],
    [fail('slack token', 'Slack says invalid_auth'), 'slack token: FAIL: Slack says invalid_auth'],
    [warn('slack scopes', 'could not read'), 'slack scopes: warning: could not read'],
    [skip('cross-account roles', 'issue 3'), 'cross-account roles: skipped: issue 3'],
  ])('writes %j as one line', (result, want) => {
    expect(checkLine(result)).toBe(want);
  });
});

describe('doctorSummary', () => {
  it('counts failures, warnings and skips', () => {
    expect(doctorSummary([ok('a'), warn('b', 'x'), skip('c', 'y')])).toBe(
      'doctor: all checks passed (1 warning(s), 1 skipped)',
    );
    expect(doctorSummary([ok('a'), fail('b', 'x')])).toBe('doctor: 1 of 2 checks failed');
  });
});

describe('compareScopes', () => {
  const wanted = ['commands', 'chat:write'];

  it('warns when Slack did not report the scopes', () => {
    expect(compareScopes(undefined, wanted)).toEqual(
      warn('slack scopes', 'could not read (no x-oauth-scopes header)'),
    );
  });

  it('fails naming the scopes the token lacks', () => {
    expect(compareScopes(['commands'], wanted)).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining('the token lacks chat:write'),
    });
  });

  it('passes, noting scopes the manifest does not ask for', () => {
    expect(compareScopes(['chat:write', 'commands'], wanted)).toEqual(ok('slack scopes'));
    expect(compareScopes([...wanted, 'im:write'], wanted).detail).toContain('also has im:write');
  });
});
