import type { FetchFunction } from '@slack/web-api';
import { describe, expect, it } from 'vitest';
import { countSlackCalls } from './count-slack-calls.js';

const API = 'http://slack.test/api/';

function answering(
  status: number,
  body: unknown,
  contentType = 'application/json; charset=utf-8',
): FetchFunction {
  return async () =>
    new Response(typeof body === 'string' ? body : JSON.stringify(body), {
      status,
      headers: { 'content-type': contentType },
    });
}

async function callThrough(url: string, fetchFn: FetchFunction) {
  const seen: Array<[string, string | undefined]> = [];
  const response = await countSlackCalls(
    API,
    (method, error) => seen.push([method, error]),
    fetchFn,
  )(url, {
    method: 'POST',
  });
  return { seen, response };
}

describe('countSlackCalls', () => {
  it.each([
    ['an ok answer', answering(200, { ok: true }), undefined],
    ["Slack's error code", answering(200, { ok: false, error: 'channel_not_found' }), 'channel_not_found'],
    ['a rate limit', answering(429, { ok: false, error: 'ratelimited' }), 'ratelimited'],
    ['another HTTP status', answering(503, 'down', 'text/plain'), 'http_503'],
    [
      'an ok answer that quotes "ok": false in a message as ok',
      answering(200, { ok: true, message: { text: '{"ok": false, "error": "x"}' } }),
      undefined,
    ],
    [
      'an odd error code as unknown_error',
      answering(200, { ok: false, error: 'Not A Code!' }),
      'unknown_error',
    ],
  ])('reports %s', async (_name, fetchFn, error) => {
    const { seen } = await callThrough(`${API}chat.postMessage`, fetchFn);
    expect(seen).toEqual([['chat.postMessage', error]]);
  });

  it('leaves the body, status and headers for the WebClient to read', async () => {
    const { response } = await callThrough(`${API}chat.update`, answering(200, { ok: false, error: 'x' }));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await response.json()).toEqual({ ok: false, error: 'x' });
  });

  it('names calls outside the Web API response_url, and never puts free text in a label', async () => {
    const ok = answering(200, { ok: true });
    expect((await callThrough('http://hooks.slack.test/actions/T1/123/abc', ok)).seen).toEqual([
      ['response_url', undefined],
    ]);
    expect((await callThrough(`${API}../../etc?x=1`, ok)).seen).toEqual([['other', undefined]]);
  });

  it('reports a request that got no answer, and still throws', async () => {
    const refused: FetchFunction = async () => {
      throw new TypeError('fetch failed');
    };
    const seen: string[] = [];
    const fetchFn = countSlackCalls(API, (method, error) => seen.push(`${method} ${error}`), refused);
    await expect(fetchFn(`${API}users.info`)).rejects.toThrow('fetch failed');
    expect(seen).toEqual(['users.info request_failed']);
  });
});
