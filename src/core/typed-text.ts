import { LatchError } from './errors.js';

/** Half of a UTF-16 surrogate pair without its other half (`u` mode sees a whole pair as one code point). */
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * Checks text a person typed before Latch stores it: it is kept exactly as typed or refused with
 * a reason, never cut short in silence. PostgreSQL's text and jsonb cannot hold U+0000, and a lone
 * surrogate would come back as U+FFFD, so both are refused rather than altered.
 */
export function checkTypedText(field: string, text: string, maxLength: number): void {
  if (text.includes('\u0000') || LONE_SURROGATE.test(text)) {
    throw new LatchError('text_not_storable', { field });
  }
  const length = [...text].length;
  if (length > maxLength) throw new LatchError('text_too_long', { field, length, limit: maxLength });
}

/**
 * A short, storable excerpt of untrusted text for an audit row's detail (a forged id, a header):
 * control characters and lone surrogates become `?`, and it is cut to `maxLength` code points.
 */
export function auditExcerpt(text: string, maxLength = 40): string {
  return [...text.replace(/\p{Cc}|\p{Cs}/gu, '?')].slice(0, maxLength).join('');
}
