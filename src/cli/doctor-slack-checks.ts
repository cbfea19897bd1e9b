import { type AuthTestResponse, WebClient, type WebClientOptions } from '@slack/web-api';
import { errorText } from './cli-command.js';
import { type CheckResult, compareScopes, fail, ok, skip, warn } from './doctor-check.js';
import { manifestBotScopes } from './manifest-scopes.js';

type Source = Record<string, string | undefined>;
type Logger = NonNullable<WebClientOptions['logger']>;

const BAD_TOKEN = new Set([
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'token_expired',
]);

/** `auth.test` with the bot token, then the scopes Slack reports for it against manifest.yml. */
export async function checkSlackToken(env: Source): Promise<CheckResult[]> {
  const token = env.SLACK_BOT_TOKEN?.trim();
  if (!token) return [fail('slack token', 'SLACK_BOT_TOKEN is not set'), skip('slack scopes', 'no token')];
  const apiUrl = withSlash(env.SLACK_API_URL?.trim() || 'https://slack.com/api/');
  const client = new WebClient(token, {
    slackApiUrl: apiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    logger: silentLogger(),
  });
  let result: AuthTestResponse;
  try {
    result = await client.auth.test();
  } catch (error) {
    const code = (error as { data?: { error?: string } }).data?.error;
    const why = code
      ? BAD_TOKEN.has(code)
        ? `Slack says ${code}: SLACK_BOT_TOKEN is wrong or revoked; copy the Bot User OAuth Token (xoxb-…) from the Slack app again`
        : `Slack says ${code}`
      : `cannot reach Slack at ${apiUrl}: ${errorText(error)}`;
    return [fail('slack token', why), skip('slack scopes', 'the token did not work')];
  }
  const wanted = await manifestBotScopes();
  const scopes = wanted
    ? compareScopes(result.response_metadata?.scopes, wanted)
    : warn('slack scopes', 'manifest.yml not found next to package.json, so nothing to compare with');
  return [ok('slack token', `workspace ${result.team ?? '?'}, bot ${result.user ?? '?'}`), scopes];
}

/** HTTP mode needs the signing secret; Socket Mode needs the app-level token instead. */
export function checkSlackMode(env: Source): CheckResult {
  const appToken = env.SLACK_APP_TOKEN?.trim();
  if (appToken) {
    return appToken.startsWith('xapp-')
      ? ok('slack mode', 'Socket Mode, app-level token set')
      : fail('slack mode', 'SLACK_APP_TOKEN must be an app-level token (xapp-…) with connections:write');
  }
  return env.SLACK_SIGNING_SECRET?.trim()
    ? ok('slack mode', 'HTTP, signing secret set')
    : fail(
        'slack mode',
        'SLACK_SIGNING_SECRET is not set: HTTP mode needs it (Basic Information → Signing Secret), or set SLACK_APP_TOKEN for Socket Mode',
      );
}

function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

// WebClient logs to the console by default; doctor's output is its own lines only.
function silentLogger(): Logger {
  const level = 'error' as ReturnType<Logger['getLevel']>;
  return {
    debug() {},
    info() {},
    warn() {},
    error() {},
    setLevel() {},
    getLevel: () => level,
    setName() {},
  };
}
