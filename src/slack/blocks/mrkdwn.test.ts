import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeMrkdwn, truncate, userText } from './mrkdwn.js';

/** Text a person might type to make Latch ping, link or format: Slack's control sequences among noise. */
const hostile = fc
  .array(
    fc.oneof(
      fc.string({ unit: 'binary', maxLength: 20 }),
      fc.constantFrom(
        '<!channel>',
        '<!here>',
        '<!everyone>',
        '<@U0MALLORY>',
        '<#C0GENERAL>',
        '<!subteam^S0ADMINS>',
        '<http://evil.example|your grant>',
        '<mailto:a@evil.example|admin>',
        '&lt;!channel&gt;',
        '&amp;',
        '&',
        '<',
        '>',
        '🐱',
      ),
    ),
    { maxLength: 12 },
  )
  .map((parts) => parts.join(''));

/** True when every `&` starts one of the three entities Slack knows: nothing half-escaped. */
const entitiesWhole = (text: string) => text.replace(/&(amp|lt|gt);/g, '').indexOf('&') === -1;
const hasLoneSurrogate = (text: string) => /\p{Cs}/u.test(text);
const unescapeMrkdwn = (text: string) =>
  text.replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&');

describe('escapeMrkdwn', () => {
  it.each([
    ['<!channel>', '&lt;!channel&gt;'],
    ['<@U0BOB>', '&lt;@U0BOB&gt;'],
    ['<http://evil.example|click>', '&lt;http://evil.example|click&gt;'],
    ['&lt;', '&amp;lt;'],
  ])('escapes %s as %s', (text, want) => {
    expect(escapeMrkdwn(text)).toBe(want);
  });

  it('leaves no < or > for Slack to parse, and loses nothing', () => {
    fc.assert(
      fc.property(hostile, (text) => {
        const escaped = escapeMrkdwn(text);
        expect(escaped).not.toMatch(/[<>]/);
        expect(entitiesWhole(escaped)).toBe(true);
        expect(unescapeMrkdwn(escaped)).toBe(text);
      }),
      { numRuns: 5000 },
    );
  });
});

describe('userText', () => {
  it('fits the limit, escaped, never cut inside an entity or an emoji', () => {
    fc.assert(
      fc.property(hostile, fc.integer({ min: 2, max: 60 }), (text, limit) => {
        const shown = userText(text, limit);
        expect(shown.length).toBeLessThanOrEqual(limit);
        expect(shown).not.toMatch(/[<>]/);
        expect(entitiesWhole(shown)).toBe(true);
        expect(hasLoneSurrogate(shown)).toBe(false);
        const escaped = escapeMrkdwn(text);
        if (escaped.length <= limit) expect(shown).toBe(escaped);
        else expect(escaped.startsWith(shown.slice(0, -1))).toBe(true);
      }),
      { numRuns: 5000 },
    );
  });
});

describe('truncate', () => {
  it('keeps emoji whole when it cuts', () => {
    expect(truncate('ab🐱cd', 4)).toBe('ab…');
    expect(truncate('abc🐱d', 4)).toBe('abc…');
  });
});
