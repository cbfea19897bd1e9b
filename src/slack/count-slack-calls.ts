import type { FetchFunction } from '@slack/web-api';
import { keptAnswer } from './slack-fetch.js';

/** One HTTP request Latch sent to Slack: the Web API method (or `response_url`), and its error if it failed. */
export type SlackCallListener = (method: string, error?: string) => void;

type FetchResponse = Awaited<ReturnType<FetchFunction>>;

/**
 * A `fetch` for WebClientOptions that reports every request to Slack. Bolt hands its clientOptions to
 * each WebClient it makes (app.client, the listeners' clients, Socket Mode's) and uses the same fetch
 * for `respond()`, so nothing goes around it. A call the WebClient retries counts once per attempt.
 * The error is Slack's own code from an `ok: false` answer (`channel_not_found`), `ratelimited` for
 * a 429, `http_<status>` for another status, or `request_failed` when no answer came.
 */
export function countSlackCalls(
  apiUrl: string,
  onCall: SlackCallListener,
  fetchFn: FetchFunction = globalThis.fetch,
): FetchFunction {
  const base = apiUrl.endsWith('/') ? apiUrl : `${apiUrl}/`;
  return async (url, init) => {
    const method = methodOf(String(url), base);
    let response: FetchResponse;
    try {
      response = await fetchFn(url, init);
    } catch (error) {
      onCall(method, 'request_failed');
      throw error;
    }
    if (response.status === 429) onCall(method, 'ratelimited');
    else if (response.status !== 200) onCall(method, `http_${response.status}`);
    else if (!response.headers.get('content-type')?.includes('application/json')) onCall(method);
    else return readOnce(response, (error) => onCall(method, error));
    return response;
  };
}

/** The Web API method a URL calls; anything outside the API (a response_url) is `response_url`. */
function methodOf(url: string, base: string): string {
  if (!url.startsWith(base)) return 'response_url';
  const method = url.slice(base.length).split(/[?#]/)[0] ?? '';
  // Method names come from the code, but a label must never take arbitrary text.
  return /^[A-Za-z]+(\.[A-Za-z]+)+$/.test(method) ? method : 'other';
}

/**
 * Reads a JSON answer's body once and hands the WebClient the same answer with the text kept, to
 * read again. Cheaper than `clone()`, whose split of the body stream in two cost about 50 µs of CPU
 * per call (docs/performance.md, session 11).
 */
async function readOnce(response: FetchResponse, report: (error?: string) => void): Promise<FetchResponse> {
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    report('request_failed');
    throw error;
  }
  report(errorIn(text));
  const { ok, status, statusText, url, headers } = response;
  return keptAnswer({ ok, status, statusText, url, headers }, text);
}

/** Slack's error code in an `ok: false` answer; parsed only when the text says `"ok": false` somewhere. */
function errorIn(text: string): string | undefined {
  if (!/"ok"\s*:\s*false/.test(text)) return undefined;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!body || typeof body !== 'object' || (body as { ok?: unknown }).ok !== false) return undefined;
  const code = (body as { error?: unknown }).error;
  return typeof code === 'string' && /^[a-z0-9_]{1,64}$/.test(code) ? code : 'unknown_error';
}
