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

/** Cuts text to `limit` characters, ending with an ellipsis when cut. */
export function truncate(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit - 1)}…`;
}

/** User text for a mrkdwn field: escaped, then cut so the escaped form fits. */
export function userText(text: string, limit: number): string {
  return truncate(escapeMrkdwn(text), limit);
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
