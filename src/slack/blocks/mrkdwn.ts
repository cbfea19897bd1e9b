/** Slack limits (docs.slack.dev "Blocks"; teleport's truncateTextObjectString uses the same 3000). */
export const MAX_SECTION_TEXT = 3000;
export const MAX_MESSAGE_BLOCKS = 50;
export const MAX_VIEW_BLOCKS = 100;

/**
 * Escapes user text for mrkdwn: `&`, `<` and `>` are the only control characters Slack parses,
 * so escaping them means a justification can never ping `<!channel>` or forge a link.
 */
export function escapeMrkdwn(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/** Cuts text to `limit` UTF-16 units, ending with an ellipsis when cut; never keeps half of an emoji. */
export function truncate(text: string, limit: number): string {
  if (text.length <= limit) return text;
  const end = isHighSurrogate(text.charCodeAt(limit - 2)) ? limit - 2 : limit - 1;
  return `${text.slice(0, end)}…`;
}

/** User text for a mrkdwn field: escaped, then cut so the escaped form fits, never inside an `&amp;`. */
export function userText(text: string, limit: number): string {
  const escaped = escapeMrkdwn(text);
  if (escaped.length <= limit) return escaped;
  return truncate(escaped, limit).replace(/&[a-z]{0,3}…$/, '…');
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/** A time Slack shows in each reader's own time zone, with UTC as the fallback text. */
export function slackTime(date: Date): string {
  const seconds = Math.floor(date.getTime() / 1000);
  const fallback = `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  return `<!date^${seconds}^{date_short_pretty} at {time}|${fallback}>`;
}

export function mention(slackUserId: string): string {
  return /^[UW][A-Z0-9]+$/.test(slackUserId) ? `<@${slackUserId}>` : escapeMrkdwn(slackUserId);
}
