import fc from 'fast-check';
import { helpText } from '../../src/slack/blocks/help.js';
import { escapeMrkdwn } from '../../src/slack/blocks/mrkdwn.js';
import type { RecordedCall } from '../support/fake-slack-server.js';
import { PEOPLE } from '../support/start-latch.js';

/** Slack's control sequences: pings, mentions, links, dates, and entities already escaped once. */
export const SLACK_MARKUP = [
  '<!channel>',
  '<!here>',
  '<!everyone>',
  '<@U0MALLORY>',
  '<@W0MALLORY|boss>',
  '<#C0GENERAL|general>',
  '<!subteam^S0ADMINS|admins>',
  '<http://evil.example/login|your grant is ready>',
  '<https://evil.example>',
  '<mailto:it@evil.example|IT desk>',
  '<!date^1|forged date>',
  '&lt;!channel&gt;',
  '&amp;',
  '&',
  '<',
  '>',
];

/** Input meant for other interpreters: SQL, shells, templates, HTML, CSV formulas. */
export const INJECTION = [
  "'; DROP TABLE access_request; --",
  "' OR '1'='1",
  '"; DELETE FROM audit_event WHERE true; --',
  '$1',
  '\\',
  '%s%n',
  // A template literal's placeholder, as text: it must never be evaluated.
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the literal text is the point.
  '${process.exit()}',
  '{{7*7}}',
  '`rm -rf /`',
  '<script>alert(1)</script>',
  '=HYPERLINK("http://evil.example")',
];

/** Characters that change how text looks or is read: controls, bidi overrides, zero-width, combining. */
export const ODD_CHARACTERS = [
  '\u0000',
  '\u0007',
  '\u001b[31m',
  '\r\n',
  '\t',
  '\u202e',
  '\u200b',
  '\ufeff',
  'e\u0301',
  '🐱‍👤',
  '𝕷𝖆𝖙𝖈𝖍',
  '\u00a0',
  '\u2028',
];

/** Hostile text of up to a few hundred characters: all of the above among random code points. */
export const hostileText = fc
  .array(
    fc.oneof(
      { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 24 }) },
      { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 8 }) },
      { weight: 2, arbitrary: fc.constantFrom(...SLACK_MARKUP) },
      { weight: 1, arbitrary: fc.constantFrom(...INJECTION) },
      { weight: 1, arbitrary: fc.constantFrom(...ODD_CHARACTERS) },
    ),
    { maxLength: 10 },
  )
  .map((parts) => parts.join(''));

/** Hostile text, sometimes padded past a field's limit so both sides of it are tried. */
export function hostileTextAround(limit: number) {
  return fc
    .tuple(hostileText, fc.constantFrom(0, 0, limit - 20, limit + 1))
    .map(([text, padding]) => `${text}${'y'.repeat(Math.max(padding, 0))}`);
}

/** What Latch must do with one typed field, by the rules a person reads in its answers. */
export function expectedOutcome(
  typed: string,
  limit: number,
): { kind: 'kept'; text: string } | { kind: 'empty' } | { kind: 'not_storable' } | { kind: 'too_long' } {
  const text = typed.trim();
  if (!text) return { kind: 'empty' };
  if (text.includes('\u0000') || /\p{Cs}/u.test(text)) return { kind: 'not_storable' };
  if ([...text].length > limit) return { kind: 'too_long' };
  return { kind: 'kept', text };
}

const KNOWN_USERS = new Set<string>(Object.values(PEOPLE).map((p) => p.id));
/** `<resource-id>` and the like in Latch's own usage lines. */
const HELP_PLACEHOLDERS = new Set(helpText().match(/<[^<>]*>/g) ?? []);

/**
 * What would be live Slack markup in `text` that Latch did not write itself: every `<` or `>` left
 * once Latch's own tokens (mentions of known people, dates, usage placeholders, quote marks) are out.
 */
export function foreignMarkup(text: string): string[] {
  // A `>` opening a line is Latch quoting (a mrkdwn blockquote); typed ones arrive as &gt;.
  const rest = text.replace(/(^|\n)> /g, '$1').replace(/<[^<>]*>/g, (token) => {
    const user = /^<@([UW][A-Z0-9]+)>$/.exec(token)?.[1];
    if (user && KNOWN_USERS.has(user)) return '';
    if (/^<!date\^\d+\^[^|<>]*\|[^<>]*>$/.test(token)) return '';
    if (HELP_PLACEHOLDERS.has(token)) return '';
    return token;
  });
  return [...rest.matchAll(/.{0,20}[<>].{0,20}/gs)].map((m) => m[0]);
}

/** Every string Slack would render (a `text`, at any depth) in a Web API call's arguments or an answer. */
export function textsIn(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(textsIn);
  if (!value || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, inner]) => {
    if (key === 'text' && typeof inner === 'string') return [inner];
    // Blocks and views arrive form-encoded, as JSON in a string.
    if (typeof inner === 'string' && ['blocks', 'view', 'attachments'].includes(key)) {
      try {
        return textsIn(JSON.parse(inner));
      } catch {
        return [inner];
      }
    }
    return typeof inner === 'object' ? textsIn(inner) : [];
  });
}

/** Web API methods whose arguments people see. */
const SHOWN = new Set([
  'chat.postMessage',
  'chat.update',
  'chat.postEphemeral',
  'views.publish',
  'views.open',
]);

/** Foreign markup in everything Latch showed anyone in these calls and response_url answers. */
export function foreignMarkupShown(calls: readonly RecordedCall[], responses: readonly { body: unknown }[]) {
  return [
    ...calls.filter((c) => SHOWN.has(c.method)).flatMap((c) => textsIn(c.args)),
    ...responses.flatMap((r) => textsIn(r.body)),
  ].flatMap(foreignMarkup);
}

/** How `text` reads in a mrkdwn field, for finding it in what Latch posted. */
export const shownAs = escapeMrkdwn;
