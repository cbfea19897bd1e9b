import { STATUS_CODES } from 'node:http';
import type { FetchFunction } from '@slack/web-api';
import { type Dispatcher, request } from 'undici';

type FetchRequestInit = NonNullable<Parameters<FetchFunction>[1]>;
type FetchResponse = Awaited<ReturnType<FetchFunction>>;

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * The `fetch` Latch gives the WebClient and Bolt's `respond()`: the same HTTP client as Node's
 * `fetch` (undici) through its plain `request` API, without the WHATWG layer of streams, abort
 * wiring and body mixins around every call. That layer cost about 200 µs of CPU per Slack call,
 * more than the rest of a call (docs/performance.md, session 12), and Latch makes several per click.
 * What the platform's `fetch` does that this does not, it is handed back to: a body that is not a
 * string (a file upload's FormData) and a redirect that is to be followed.
 */
export const slackFetch: FetchFunction = async (url, init = {}) => {
  const { body, redirect = 'follow' } = init;
  if (body !== undefined && typeof body !== 'string') return platformFetch(url, init);
  const answer = await request(url, {
    method: (init.method ?? 'GET') as Dispatcher.HttpMethod,
    ...(init.headers ? { headers: init.headers } : {}),
    ...(body !== undefined ? { body } : {}),
    ...(init.signal ? { signal: init.signal } : {}),
  });
  const bytes = await answer.body.arrayBuffer();
  const status = answer.statusCode;
  if (REDIRECTS.has(status) && redirect !== 'manual') {
    if (redirect === 'error') throw new TypeError(`fetch failed: redirect (${status}) from ${String(url)}`);
    return platformFetch(url, init);
  }
  return answerOf(String(url), status, answer.headers, bytes);
};

function answerOf(
  url: string,
  status: number,
  raw: Dispatcher.ResponseData['headers'],
  bytes: ArrayBuffer,
): FetchResponse {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) {
    if (Array.isArray(value)) for (const one of value) headers.append(name, one);
    else if (value !== undefined) headers.set(name, value);
  }
  let text: string | undefined;
  const read = () => {
    text ??= new TextDecoder().decode(bytes);
    return text;
  };
  return {
    ok: status >= 200 && status < 300,
    status,
    statusText: STATUS_CODES[status] ?? '',
    url,
    headers,
    text: async () => read(),
    json: async () => JSON.parse(read()),
    arrayBuffer: async () => bytes,
  };
}

function platformFetch(url: string | URL, init: FetchRequestInit): Promise<FetchResponse> {
  return globalThis.fetch(url, init as RequestInit);
}
