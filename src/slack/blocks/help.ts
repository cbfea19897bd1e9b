/** `/access help`, and the usage line for each subcommand shown after a mistake. */
export const USAGE: Record<string, string> = {
  request:
    '`/access request <resource-id> <duration> <justification…>`, e.g. `/access request oncall 2h fixing the pager`',
  list: '`/access list` shows your pending requests and active grants',
  resources: '`/access resources [query]` searches what you can request',
  extend: '`/access extend <grant-id> <duration> [why…]` asks for more time on your grant',
  release: '`/access release <grant-id>` ends your grant now',
  cancel: '`/access cancel <request-id>` withdraws your pending request',
  breakglass: '`/access breakglass <resource-id> <justification…>`',
  admin:
    '`/access admin sync` · `/access admin insights [account-id]` · `/access admin revoke <grant-id> [reason]` · `/access admin tier <resource-id> <tier>` · `/access admin pin <slack-user-id|slack-email> <aws-email>` · `/access admin unpin <slack-user-id|slack-email>`',
  help: '`/access help` shows this',
};

export function helpText(): string {
  return [
    '*Latch gives you short, approved access to AWS.*',
    '`/access` opens the request form. Or type:',
    ...Object.values(USAGE).map((line) => `• ${line}`),
    'Durations are written 90s, 30m, 2h or 1d, within your resource tier’s limits.',
  ].join('\n');
}
