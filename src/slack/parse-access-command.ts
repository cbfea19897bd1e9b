import { USAGE } from './blocks/help.js';
import { userText } from './blocks/mrkdwn.js';

export type AccessCommand =
  | { kind: 'open_modal' }
  | { kind: 'help' }
  | { kind: 'request'; resourceId: string; durationText: string; justification: string }
  | { kind: 'list' }
  | { kind: 'resources'; query: string }
  | { kind: 'cancel'; requestId: string }
  | { kind: 'release'; grantId: string }
  | { kind: 'extend'; grantId: string; durationText: string; justification: string }
  | { kind: 'admin_revoke'; grantId: string; reason: string }
  | { kind: 'admin_sync' }
  | { kind: 'admin_insights'; accountId?: string }
  | { kind: 'admin_pin'; userId: string; email: string }
  | { kind: 'admin_unpin'; userId: string }
  | { kind: 'admin_tier'; resourceId: string; tier: string }
  | { kind: 'breakglass'; resourceId: string; justification: string }
  | { kind: 'usage_error'; message: string };

/** `/access …` text → what to do. Pure; every mistake comes back with the right usage line. */
export function parseAccessCommand(text: string): AccessCommand {
  const words = text.trim().split(/\s+/).filter(Boolean);
  const [subcommand, ...args] = words;
  if (!subcommand) return { kind: 'open_modal' };
  const name = subcommand.toLowerCase();
  const usage = (message: string) => ({
    kind: 'usage_error' as const,
    message: `${message}\nUsage: ${USAGE[name]}`,
  });
  switch (name) {
    case 'help':
      return { kind: 'help' };
    case 'request': {
      const [resourceId, durationText, ...reason] = args;
      if (!resourceId || !durationText) return usage('Say which resource and for how long.');
      if (reason.length === 0) return usage('Say why you need it: a justification is required.');
      return { kind: 'request', resourceId, durationText, justification: asTypedAfter(text, 3) };
    }
    case 'list':
      return args.length ? usage('`list` takes no arguments.') : { kind: 'list' };
    case 'resources':
      return { kind: 'resources', query: args.join(' ') };
    case 'cancel':
      return args.length === 1 && args[0]
        ? { kind: 'cancel', requestId: args[0] }
        : usage('Say which request to cancel.');
    case 'release':
      return args.length === 1 && args[0]
        ? { kind: 'release', grantId: args[0] }
        : usage('Say which grant to release.');
    case 'extend': {
      const [grantId, durationText, ...reason] = args;
      if (!grantId || !durationText) return usage('Say which grant and for how much longer.');
      const justification = reason.length ? asTypedAfter(text, 3) : '';
      return { kind: 'extend', grantId, durationText, justification };
    }
    case 'admin': {
      const [action, grantId, ...reason] = args;
      if (action?.toLowerCase() === 'revoke') {
        return grantId
          ? { kind: 'admin_revoke', grantId, reason: reason.length ? asTypedAfter(text, 3) : '' }
          : usage('Say which grant to revoke.');
      }
      if (action?.toLowerCase() === 'sync') {
        return grantId ? usage('`admin sync` takes no arguments.') : { kind: 'admin_sync' };
      }
      if (action?.toLowerCase() === 'insights') {
        if (reason.length) return usage('`admin insights` takes at most one account id.');
        return { kind: 'admin_insights', ...(grantId ? { accountId: grantId } : {}) };
      }
      if (action?.toLowerCase() === 'pin' || action?.toLowerCase() === 'unpin') {
        const userId = slackUserRef(grantId);
        const pin = action.toLowerCase() === 'pin';
        if (!userId) return usage('Say whom: their Slack user id (U…) or Slack email.');
        if (pin && reason.length !== 1) return usage('Say the one email Latch should match in AWS.');
        if (!pin && reason.length) return usage('`admin unpin` takes only the person.');
        return pin ? { kind: 'admin_pin', userId, email: reason[0] ?? '' } : { kind: 'admin_unpin', userId };
      }
      if (action?.toLowerCase() === 'tier') {
        const [tier, ...extra] = reason;
        if (!grantId || !tier || extra.length) return usage('Say which resource and which tier.');
        return { kind: 'admin_tier', resourceId: grantId, tier };
      }
      return usage('Say what to do: sync, insights, revoke, tier, pin or unpin.');
    }
    case 'breakglass': {
      const [resourceId, ...reason] = args;
      if (!resourceId) return usage('Say which resource.');
      if (reason.length === 0) return usage('Say why: a justification is required.');
      return { kind: 'breakglass', resourceId, justification: asTypedAfter(text, 2) };
    }
    default:
      return {
        kind: 'usage_error',
        message: `\`${userText(subcommand, 40)}\` is not an /access command. Try \`/access help\`.`,
      };
  }
}

/** What follows the first `words` words, exactly as typed (line breaks and spacing kept), trimmed. */
function asTypedAfter(text: string, words: number): string {
  return text.trim().replace(new RegExp(`^(?:\\S+\\s+){${words}}`), '');
}

/** A Slack user id, a mention as Slack escapes it (`<@U123|alice>`), or a Slack email. */
function slackUserRef(text: string | undefined): string | undefined {
  const mention = /^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$/.exec(text ?? '')?.[1];
  if (mention) return mention;
  return text && (/^[UW][A-Z0-9]+$/.test(text) || /^[^\s@]+@[^\s@]+$/.test(text)) ? text : undefined;
}
