import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy in front of a server (PostgreSQL), to take it away from a client and give it back
 * as a restart would, without touching the real server that other tests share.
 */
export interface TcpProxy {
  readonly port: number;
  /** `url` with its host and port replaced by the proxy's. */
  through(url: string): string;
  /** Connections proxied so far. */
  readonly accepted: number;
  /** As a server going down: every open connection is dropped, and new ones are refused until `restore`. */
  cut(): Promise<void>;
  /** The server is back: connections are accepted again, on the same port. */
  restore(): Promise<void>;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const open = new Set<Socket>();
  let accepted = 0;
  let server: Server | undefined;

  const listen = (port: number) =>
    new Promise<Server>((resolve, reject) => {
      const next = createServer((client) => {
        accepted += 1;
        const upstream = connect(target.port, target.host);
        for (const [from, to] of [
          [client, upstream],
          [upstream, client],
        ] as const) {
          open.add(from);
          from.pipe(to);
          from.on('error', () => to.destroy());
          from.on('close', () => {
            open.delete(from);
            to.destroy();
          });
        }
      });
      next.once('error', reject);
      next.listen(port, '127.0.0.1', () => resolve(next));
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      const current = server;
      server = undefined;
      for (const socket of open) socket.destroy();
      if (!current) return resolve();
      current.close(() => resolve());
    });

  server = await listen(0);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    through(url) {
      const proxied = new URL(url);
      proxied.hostname = '127.0.0.1';
      proxied.port = String(port);
      return proxied.toString();
    },
    get accepted() {
      return accepted;
    },
    cut: stop,
    async restore() {
      server ??= await listen(port);
    },
    close: stop,
  };
}
