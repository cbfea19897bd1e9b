import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LatchError } from './errors.js';
import { auditExcerpt, checkTypedText } from './typed-text.js';

function refusal(text: string, limit = 10): string | undefined {
  try {
    checkTypedText('justification', text, limit);
    return undefined;
  } catch (error) {
    if (error instanceof LatchError) return error.code;
    throw error;
  }
}

describe('checkTypedText', () => {
  it.each([
    ['plain words', 'fixing it', undefined],
    ['exactly the limit', '0123456789', undefined],
    ['one over the limit', '0123456789x', 'text_too_long'],
    ['ten emoji, counted as ten characters', '🐱'.repeat(10), undefined],
    ['a NUL, which PostgreSQL cannot store', 'a\u0000b', 'text_not_storable'],
    ['half of a surrogate pair', 'a\ud83d', 'text_not_storable'],
    ['the other half alone', '\udc31b', 'text_not_storable'],
    ['Slack markup and SQL, which are only text', "<!here>'--", undefined],
  ])('%s', (_name, text, want) => {
    expect(refusal(text)).toBe(want);
  });

  it('accepts any storable text up to the limit and refuses any longer, whatever it holds', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (text) => {
        const storable = !text.includes('\u0000');
        const want = !storable ? 'text_not_storable' : [...text].length > 20 ? 'text_too_long' : undefined;
        expect(refusal(text, 20)).toBe(want);
      }),
      { numRuns: 2000 },
    );
  });

  it('makes an excerpt of untrusted text that PostgreSQL can store', () => {
    expect(auditExcerpt('R\u0000\ud83d1')).toBe('R??1');
    expect(auditExcerpt('x'.repeat(10_000))).toBe('x'.repeat(40));
    expect(auditExcerpt('🐱'.repeat(50), 3)).toBe('🐱🐱🐱');
  });
});
