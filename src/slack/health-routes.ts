import type { ServerResponse } from 'node:http';
import type { CustomRoute } from '@slack/bolt';

export interface HealthChecks {
  pingDatabase(): Promise<void>;
  isReady(): boolean;
  metrics: { contentType: string; render(): Promise<string> };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** `GET /healthz` (the database answers), `GET /readyz` (migrated, scheduler running) and `GET /metrics`: DESIGN §3. */
export function healthRoutes(checks: HealthChecks): CustomRoute[] {
  return [
    {
      path: '/healthz',
      method: ['GET'],
      handler: (_req, res) => {
        checks.pingDatabase().then(
          () => json(res, 200, { status: 'ok', database: 'ok' }),
          () => json(res, 503, { status: 'unavailable', database: 'unreachable' }),
        );
      },
    },
    {
      path: '/readyz',
      method: ['GET'],
      handler: (_req, res) => {
        if (checks.isReady()) json(res, 200, { status: 'ready' });
        else json(res, 503, { status: 'starting' });
      },
    },
    {
      path: '/metrics',
      method: ['GET'],
      handler: (_req, res) => {
        checks.metrics.render().then(
          (text) => {
            res.writeHead(200, { 'content-type': checks.metrics.contentType });
            res.end(text);
          },
          () => json(res, 503, { status: 'unavailable', database: 'unreachable' }),
        );
      },
    },
  ];
}
