import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAccessCommand } from './parse-access-command.js';

const KINDS = [
  'open_modal',
  'help',
  'request',
  'list',
  'resources',
  'cancel',
  'release',
  'extend',
  'admin_revoke',
  'admin_sync',
  'admin_insights',
  'admin_pin',
  'admin_unpin',
  'admin_tier',
  'breakglass',
  'usage_error',
];
/** One word as Slack would pass it: no whitespace, anything else (markup, quotes, emoji, controls). */
const word = fc
  .string({ unit: 'binary', minLength: 1, maxLength: 12 })
  .map((w) => w.replace(/\s/g, ''))
  .filter(Boolean);
/** Free text: anything, Slack markup and SQL included, with spacing and line breaks that must survive. */
const freeText = fc
  .array(
    fc.oneof(
      fc.string({ unit: 'binary', maxLength: 30 }),
      fc.constantFrom(
        '<!channel>',
        '<@U0MALLORY>',
        '<http://evil.example|x>',
        "'; drop table audit_event; --",
        '  ',
        '\n',
      ),
    ),
    { maxLength: 8 },
  )
  .map((parts) => parts.join(''));

describe('parseAccessCommand', () => {
  it.each([
    ['', { kind: 'open_modal' }],
    ['   ', { kind: 'open_modal' }],
    ['help', { kind: 'help' }],
    ['list', { kind: 'list' }],
    ['resources prod', { kind: 'resources', query: 'prod' }],
    ['cancel R1', { kind: 'cancel', requestId: 'R1' }],
    ['release G1', { kind: 'release', grantId: 'G1' }],
    ['extend G1 1h', { kind: 'extend', grantId: 'G1', durationText: '1h', justification: '' }],
    [
      'extend G1 1h still debugging',
      { kind: 'extend', grantId: 'G1', durationText: '1h', justification: 'still debugging' },
    ],
    ['admin revoke G1 left the team', { kind: 'admin_revoke', grantId: 'G1', reason: 'left the team' }],
    ['admin sync', { kind: 'admin_sync' }],
    ['admin insights', { kind: 'admin_insights' }],
    ['admin INSIGHTS 111111111111', { kind: 'admin_insights', accountId: '111111111111' }],
    [
      'admin pin <@U0BOB|bob> bob@corp.example',
      { kind: 'admin_pin', userId: 'U0BOB', email: 'bob@corp.example' },
    ],
    [
      'admin pin bob@example.com b@example.com',
      { kind: 'admin_pin', userId: 'bob@example.com', email: 'b@example.com' },
    ],
    ['admin unpin U0BOB', { kind: 'admin_unpin', userId: 'U0BOB' }],
    [
      'admin tier readonly-222222222222 low',
      { kind: 'admin_tier', resourceId: 'readonly-222222222222', tier: 'low' },
    ],
    ['breakglass prod db is down', { kind: 'breakglass', resourceId: 'prod', justification: 'db is down' }],
    [
      'REQUEST oncall 2h x',
      { kind: 'request', resourceId: 'oncall', durationText: '2h', justification: 'x' },
    ],
  ])('reads %j', (text, want) => {
    expect(parseAccessCommand(text)).toEqual(want);
  });

  it('keeps the justification exactly as typed', () => {
    const got = parseAccessCommand('request oncall 2h fixing  the <!channel> pager\nline two');
    expect(got).toEqual({
      kind: 'request',
      resourceId: 'oncall',
      durationText: '2h',
      justification: 'fixing  the <!channel> pager\nline two',
    });
  });

  it('reads any text without throwing, as one of its known commands', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => {
        expect(KINDS).toContain(parseAccessCommand(text).kind);
      }),
      { numRuns: 3000 },
    );
  });

  it.each([
    ['request r d', (r: ReturnType<typeof parseAccessCommand>) => r.kind === 'request' && r.justification],
    [
      'breakglass r',
      (r: ReturnType<typeof parseAccessCommand>) => r.kind === 'breakglass' && r.justification,
    ],
    ['extend G1 1h', (r: ReturnType<typeof parseAccessCommand>) => r.kind === 'extend' && r.justification],
    ['admin revoke G1', (r: ReturnType<typeof parseAccessCommand>) => r.kind === 'admin_revoke' && r.reason],
  ])('keeps the free text after `%s` exactly as typed, whatever it holds', (prefix, freeTextOf) => {
    fc.assert(
      fc.property(
        freeText.filter((t) => t.trim() !== ''),
        (text) => {
          expect(freeTextOf(parseAccessCommand(`${prefix} ${text}`))).toBe(text.trim());
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('never echoes an unknown command as live Slack markup', () => {
    fc.assert(
      fc.property(word, (first) => {
        const got = parseAccessCommand(`${first}<!channel> rest`);
        if (got.kind !== 'usage_error') return;
        expect(got.message).not.toContain('<');
      }),
      { numRuns: 2000 },
    );
  });

  it.each([
    ['request', 'Say which resource'],
    ['request oncall', 'Say which resource'],
    ['request oncall 2h', 'justification is required'],
    ['cancel', 'Say which request'],
    ['release a b', 'Say which grant'],
    ['list all', 'takes no arguments'],
    ['extend G1', 'Say which grant and for how much longer'],
    ['admin revoke', 'Say which grant to revoke'],
    ['breakglass prod', 'a justification is required'],
    ['admin tier readonly-222222222222', 'Say which resource and which tier'],
    ['admin tier r low now', 'Say which resource and which tier'],
    ['admin frob', 'Say what to do: sync, insights, revoke, tier, pin or unpin'],
    ['admin insights 111111111111 extra', '`admin insights` takes at most one account id'],
    ['frobnicate', '`frobnicate` is not an /access command'],
  ])('answers %j with what was wrong and the usage', (text, want) => {
    const got = parseAccessCommand(text);
    expect(got.kind).toBe('usage_error');
    expect(got.kind === 'usage_error' && got.message).toContain(want);
  });
});
