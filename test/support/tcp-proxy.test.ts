import { connect, createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.js';

/** An echo server stands in for PostgreSQL. */
let echo: Server;
let proxy: TcpProxy;

beforeAll(async () => {
  echo = createServer((socket) => socket.pipe(socket));
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
  const address = echo.address();
  proxy = await startTcpProxy({
    host: '127.0.0.1',
    port: typeof address === 'object' && address ? address.port : 0,
  });
});
afterAll(async () => {
  await proxy.close();
  await new Promise((resolve) => echo.close(resolve));
});

/** Connects through the proxy and sends `text`; resolves with the echo, or the connection's error code. */
function roundTrip(text: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(proxy.port, '127.0.0.1', () => socket.write(text));
    socket.once('data', (data) => {
      resolve(data.toString());
      socket.destroy();
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
  });
}

describe('the TCP proxy', () => {
  it('passes bytes both ways, drops open connections when cut, refuses new ones, and accepts again on restore', async () => {
    expect(await roundTrip('hello')).toBe('hello');

    const held = connect(proxy.port, '127.0.0.1');
    await new Promise((resolve) => held.once('connect', resolve));
    const dropped = new Promise((resolve) => held.once('close', resolve));
    await proxy.cut();
    await dropped;
    expect(await roundTrip('anyone?')).toBe('ECONNREFUSED');

    await proxy.restore();
    expect(await roundTrip('back')).toBe('back');
    expect(proxy.through('postgres://postgres@db.example:5432/test?x=1')).toBe(
      `postgres://postgres@127.0.0.1:${proxy.port}/test?x=1`,
    );
  });
});
