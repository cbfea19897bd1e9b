import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LogLevel, WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slackFetch } from './slack-fetch.js';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

type Handler = (request: Seen, response: ServerResponse) => void;

describe('slackFetch (a local HTTP server)', () => {
  let server: Server;
  let base: string;
  const seen: Seen[] = [];
  const routes = new Map<string, Handler>();

  beforeAll(async () => {
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const entry = {
          method: request.method ?? '',
          url: request.url ?? '',
          headers: request.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        };
        seen.push(entry);
        const route = routes.get(entry.url.split('?')[0] ?? '');
        if (route) route(entry, response);
        else response.writeHead(404).end('no route');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const json = (status: number, body: unknown, headers: Record<string, string> = {}): Handler => {
    return (_request, response) => {
      response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
      response.end(JSON.stringify(body));
    };
  };

  it('sends the method, headers and body, and answers as fetch would', async () => {
    routes.set(
      '/api/chat.postMessage',
      json(200, { ok: true, ts: '1.2', text: 'héllo ✓' }, { 'x-slack-req-id': 'r1' }),
    );
    const response = await slackFetch(`${base}/api/chat.postMessage`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: 'Bearer xoxb-1' },
      body: 'channel=D1&text=hi',
    });

    expect(seen.at(-1)).toMatchObject({
      method: 'POST',
      body: 'channel=D1&text=hi',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: 'Bearer xoxb-1' },
    });
    expect(response).toMatchObject({
      ok: true,
      status: 200,
      statusText: 'OK',
      url: `${base}/api/chat.postMessage`,
    });
    expect(response.headers.get('Content-Type')).toBe('application/json; charset=utf-8');
    expect(response.headers.get('x-slack-req-id')).toBe('r1');
    expect(Object.fromEntries(response.headers.entries())).toMatchObject({ 'x-slack-req-id': 'r1' });
    expect(await response.json()).toEqual({ ok: true, ts: '1.2', text: 'héllo ✓' });
    expect(await response.text()).toBe(JSON.stringify({ ok: true, ts: '1.2', text: 'héllo ✓' }));
    expect(new TextDecoder().decode(await response.arrayBuffer())).toContain('héllo ✓');
  });

  it('gives the WebClient what it needs: results, Slack errors and rate limits with their wait', async () => {
    routes.set('/api/chat.postMessage', json(200, { ok: true, channel: 'D1', ts: '1.2' }));
    routes.set('/api/chat.update', json(200, { ok: false, error: 'message_not_found' }));
    let limited = 0;
    routes.set('/api/views.publish', (request, response) => {
      if (limited++ === 0) {
        response.writeHead(429, { 'retry-after': '1', 'content-type': 'application/json' });
        response.end('{"ok":false,"error":"ratelimited"}');
      } else json(200, { ok: true })(request, response);
    });
    const client = new WebClient('xoxb-test', {
      slackApiUrl: `${base}/api/`,
      fetch: slackFetch,
      logLevel: LogLevel.ERROR,
      timeout: 5000,
      retryConfig: { retries: 1, factor: 1, minTimeout: 10, maxTimeout: 10 },
    });

    expect(await client.chat.postMessage({ channel: 'D1', text: 'hi' })).toMatchObject({
      ok: true,
      ts: '1.2',
    });
    await expect(client.chat.update({ channel: 'D1', ts: '1.2', text: 'x' })).rejects.toMatchObject({
      code: 'slack_webapi_platform_error',
      data: { error: 'message_not_found' },
    });
    const started = Date.now();
    expect(await client.views.publish({ user_id: 'U1', view: { type: 'home', blocks: [] } })).toMatchObject({
      ok: true,
    });
    // Retried after the second Slack asked for, as with the platform's fetch.
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(limited).toBe(2);
  });

  it('reports another status with its text, as the WebClient reads an HTTP error', async () => {
    routes.set('/api/auth.test', (_request, response) => {
      response.writeHead(503, { 'content-type': 'text/plain' });
      response.end('down for maintenance');
    });
    const response = await slackFetch(`${base}/api/auth.test`, { method: 'POST', body: '' });
    expect(response).toMatchObject({ ok: false, status: 503, statusText: 'Service Unavailable' });
    expect(await response.text()).toBe('down for maintenance');
  });

  it('refuses a redirect when told to, and otherwise follows it as fetch does', async () => {
    routes.set('/moved', (_request, response) => {
      response.writeHead(307, { location: '/api/landed' });
      response.end();
    });
    routes.set('/api/landed', json(200, { ok: true, landed: true }));

    await expect(
      slackFetch(`${base}/moved`, { method: 'POST', body: 'a=1', redirect: 'error' }),
    ).rejects.toThrow(TypeError);
    const followed = await slackFetch(`${base}/moved`, { method: 'POST', body: 'a=1' });
    expect(await followed.json()).toEqual({ ok: true, landed: true });
    expect(seen.at(-1)).toMatchObject({ url: '/api/landed', method: 'POST', body: 'a=1' });
  });

  it('hands a file upload (a FormData body) to the platform fetch, which encodes it as multipart', async () => {
    routes.set('/upload', json(200, { ok: true }));
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array([1, 2, 3])]), 'report.bin');
    form.append('channel', 'D1');

    const response = await slackFetch(`${base}/upload`, { method: 'POST', body: form });

    expect(response.status).toBe(200);
    expect(seen.at(-1)?.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(seen.at(-1)?.body).toContain('filename="report.bin"');
  });

  it('rejects when nothing answers, so the WebClient retries as it does after a network error', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));

    await expect(
      slackFetch(`http://127.0.0.1:${port}/api/auth.test`, { method: 'POST', body: '' }),
    ).rejects.toThrow();
  });

  it('gives up when its signal aborts, as the WebClient’s timeout does', async () => {
    routes.set('/slow', (_request, response) => {
      setTimeout(() => json(200, { ok: true })(_request, response), 1000);
    });
    await expect(
      slackFetch(`${base}/slow`, { method: 'POST', body: '', signal: AbortSignal.timeout(50) }),
    ).rejects.toThrow();
  });
});
