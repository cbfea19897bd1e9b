/**
 * Bot scopes each Slack Web API method needs, from the method reference pages on docs.slack.dev
 * (summarised in PLATFORM.md A3 and A6). An empty list means no scope: the views.* methods, and
 * auth.test. A method the code calls that is missing here fails the manifest test until added.
 */
export const METHOD_SCOPES: Record<string, readonly string[]> = {
  'auth.test': [],
  'chat.delete': ['chat:write'],
  'chat.postEphemeral': ['chat:write'],
  'chat.postMessage': ['chat:write'],
  'chat.update': ['chat:write'],
  'conversations.info': ['channels:read'],
  'conversations.join': ['channels:join'],
  'conversations.members': ['channels:read'],
  'conversations.open': ['im:write'],
  'usergroups.users.list': ['usergroups:read'],
  'users.info': ['users:read'],
  'users.list': ['users:read'],
  'users.lookupByEmail': ['users:read.email'],
  'views.open': [],
  'views.publish': [],
  'views.push': [],
  'views.update': [],
};

/** Scopes that come from what the code does rather than from a Web API method it calls. */
export const USAGE_SCOPES: ReadonlyArray<{ pattern: RegExp; scope: string; why: string }> = [
  // A manifest slash command does nothing without `commands`.
  { pattern: /\bapp\.command\(/, scope: 'commands', why: 'app.command(…) answers a slash command' },
  { pattern: /\bapp\.shortcut\(/, scope: 'commands', why: 'app.shortcut(…) answers a shortcut' },
  // users.info leaves out profile.email without users:read.email (api.slack.com/scopes/users:read.email).
  { pattern: /\bprofile\??\.email\b/, scope: 'users:read.email', why: 'reads profile.email from users.info' },
];

/** `client.chat.postMessage(` → `chat.postMessage`, for every Web API call written in `source`. */
export function calledMethods(source: string): string[] {
  const calls = source.matchAll(/\bclient\.((?:[a-z]+\.)+[a-zA-Z]+)\(/g);
  return [...new Set([...calls].map((match) => match[1] ?? ''))];
}
