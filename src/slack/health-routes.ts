import type { CustomRoute } from '@slack/bolt';

export interface HealthChecks {
  pingDatabase(): Promise<void>;
  isReady(): boolean;
  metrics: { contentType: string; render(): Promise<string> };
}

/** One answer of a health route, as plain data so the front thread can write it too. */
export interface HealthAnswer {
  status: number;
  contentType: string;
  body: string;
}

const JSON_TYPE = 'application/json';
const json = (status: number, body: unknown): HealthAnswer => ({
  status,
  contentType: JSON_TYPE,
  body: JSON.stringify(body),
});

/** `GET /healthz` (the database answers), `GET /readyz` (migrated, scheduler running) and `GET /metrics`: DESIGN §3. */
export function healthAnswers(checks: HealthChecks): Record<string, () => Promise<HealthAnswer>> {
  return {
    '/healthz': () =>
      checks.pingDatabase().then(
        () => json(200, { status: 'ok', database: 'ok' }),
        () => json(503, { status: 'unavailable', database: 'unreachable' }),
      ),
    '/readyz': async () =>
      checks.isReady() ? json(200, { status: 'ready' }) : json(503, { status: 'starting' }),
    '/metrics': () =>
      checks.metrics.render().then(
        (text) => ({ status: 200, contentType: checks.metrics.contentType, body: text }),
        () => json(503, { status: 'unavailable', database: 'unreachable' }),
      ),
  };
}

/** The same answers as Bolt custom routes, for a receiver that serves them itself. */
export function healthRoutes(answers: Record<string, () => Promise<HealthAnswer>>): CustomRoute[] {
  return Object.entries(answers).map(([path, answer]) => ({
    path,
    method: ['GET'],
    handler: (_req, res) => {
      answer().then(({ status, contentType, body }) => {
        res.writeHead(status, { 'content-type': contentType });
        res.end(body);
      });
    },
  }));
}
