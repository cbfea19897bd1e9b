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
  // Bytes, not text: an answer may be binary (a gzip file), and the WebClient reads those as such.
  const bytes = await answer.body.arrayBuffer();
  const status = answer.statusCode;
  if (REDIRECTS.has(status) && redirect !== 'manual') {
    if (redirect === 'error') throw new TypeError(`fetch failed: redirect (${status}) from ${String(url)}`);
    return platformFetch(url, init);
  }
  const headers = new Headers();
  for (const [name, value] of Object.entries(answer.headers)) {
    if (Array.isArray(value)) for (const one of value) headers.append(name, one);
    else if (value !== undefined) headers.set(name, value);
  }
  const ok = status >= 200 && status < 300;
  return keptAnswer({ ok, status, statusText: STATUS_CODES[status] ?? '', url: String(url), headers }, bytes);
};

/** An answer whose body was read already: it can be read again, in any form. */
export function keptAnswer(
  head: Omit<FetchResponse, 'text' | 'json' | 'arrayBuffer'>,
  body: string | ArrayBuffer,
): FetchResponse {
  let text = typeof body === 'string' ? body : undefined;
  const read = () => {
    text ??= new TextDecoder().decode(body as ArrayBuffer);
    return text;
  };
  return {
    ...head,
    text: async () => read(),
    json: async () => JSON.parse(read()),
    arrayBuffer: async () => (typeof body === 'string' ? new TextEncoder().encode(body).buffer : body),
  };
}

function platformFetch(url: string | URL, init: FetchRequestInit): Promise<FetchResponse> {
  return globalThis.fetch(url, init as RequestInit);
}
