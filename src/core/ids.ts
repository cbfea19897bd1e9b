/** Crockford's base32 without I, L, O, U: easy to read aloud and to type. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** Short ids people can type: `R7K2MQ4` for requests, `G9X3M1P` for grants. */
export function shortId(kind: 'request' | 'grant', randomBytes: (size: number) => Uint8Array): string {
  const bytes = randomBytes(6);
  let id = kind === 'request' ? 'R' : 'G';
  for (const byte of bytes) id += ALPHABET[byte % 32];
  return id;
}

export function normalizeId(text: string): string {
  return text.trim().toUpperCase();
}

/** Whether typed text could name a request or grant at all; anything else is answered without a lookup. */
export function isPlausibleId(text: string): boolean {
  return /^[0-9A-Z]{1,32}$/.test(text);
}
