/**
 * The CPU Bolt spends handing one request to its listener, with Latch's listeners registered two
 * ways: one `app.action`/`app.view` per id (eighteen listeners, as until session 16), and one
 * listener per kind of request with Latch's own routes (`src/slack/listener-routes.ts`, five).
 * Bolt runs each request through every registered listener's middleware chain, so the first costs
 * more for every request, whatever its kind. The listeners only acknowledge; no HTTP, no Slack.
 * `npx tsx bench/bolt-dispatch-overhead.ts` prints one JSON document: CPU microseconds per
 * request for each layout and kind of request, the median of rounds that alternate.
 */
import { App, type Receiver } from '@slack/bolt';
import * as ids from '../src/slack/action-ids.js';
import { ActionRoutes, ViewRoutes } from '../src/slack/listener-routes.js';
import { describeMachine } from './support/machine.js';
import { round, summarize } from './support/stats.js';

const REQUESTS = 20_000;
const ROUNDS = 7;

const receiver: Receiver = { init: () => {}, start: async () => {}, stop: async () => {} };
const acknowledge = async ({ ack }: { ack: () => Promise<void> }) => ack();
const silent = { info() {}, warn() {}, error() {} };
const actionIds = [
  ids.APPROVE_ACTION,
  ids.DENY_ACTION,
  ids.APPROVE_FOR_ACTION,
  ids.RELEASE_ACTION,
  ids.CANCEL_ACTION,
  ids.ACKNOWLEDGE_ACTION,
  ids.FLAG_ACTION,
  ids.EXTEND_ACTION,
  new RegExp(`^${ids.HOME_MORE_ACTION}:`),
  ids.RESOURCE_INPUT,
  ids.TIER_ACTION,
  new RegExp(`^${ids.APPLY_INSIGHT_ACTION}:`),
];
const viewIds = [ids.DENY_MODAL, ids.REQUEST_MODAL, ids.EXTEND_MODAL];

/** A Bolt app as Latch builds one: four global middleware (Latch's request guards and logging). */
function boltApp(): App {
  const app = new App({
    receiver,
    authorize: async () => ({ botToken: 'xoxb-bench', botId: 'B0BENCH', botUserId: 'U0BOT' }),
  });
  for (let i = 0; i < 4; i++) app.use(async ({ next }) => next());
  return app;
}

function perIdApp(): App {
  const app = boltApp();
  app.command('/access', acknowledge);
  for (const id of actionIds) app.action(id, acknowledge);
  for (const id of viewIds) app.view(id, acknowledge);
  app.options(ids.RESOURCE_INPUT, acknowledge);
  app.event('app_home_opened', async () => {});
  return app;
}

function routedApp(): App {
  const app = boltApp();
  const actions = new ActionRoutes();
  for (const id of actionIds) actions.on(id, acknowledge);
  const views = new ViewRoutes();
  for (const id of viewIds) views.on(id, acknowledge);
  app.command('/access', acknowledge);
  app.action({ type: 'block_actions' }, actions.listener(silent));
  app.view({ type: 'view_submission' }, views.listener(silent));
  app.options(ids.RESOURCE_INPUT, acknowledge);
  app.event('app_home_opened', async () => {});
  return app;
}

const who = { team: { id: 'T0BENCH' }, user: { id: 'U0ANA' }, api_app_id: 'A0BENCH', token: 'legacy' };
const bodies: Record<string, Record<string, unknown>> = {
  click: {
    ...who,
    type: 'block_actions',
    trigger_id: '1.2.3',
    response_url: 'https://hooks.slack.com/actions/T0BENCH/1/x',
    channel: { id: 'D0ANA' },
    actions: [{ type: 'button', action_id: ids.APPROVE_ACTION, block_id: 'b', value: 'R1', action_ts: '1' }],
  },
  command: {
    token: 'legacy',
    team_id: 'T0BENCH',
    user_id: 'U0ANA',
    command: '/access',
    text: 'list',
    api_app_id: 'A0BENCH',
    channel_id: 'D0ANA',
    trigger_id: '1.2.3',
    response_url: 'https://hooks.slack.com/commands/T0BENCH/1/x',
  },
  options: {
    ...who,
    type: 'block_suggestion',
    action_id: ids.RESOURCE_INPUT,
    block_id: ids.RESOURCE_BLOCK,
    value: 'team',
    view: { id: 'V1', type: 'modal', callback_id: ids.REQUEST_MODAL },
  },
};

async function cpuPerRequest(app: App, body: Record<string, unknown>): Promise<number> {
  const before = process.cpuUsage();
  for (let i = 0; i < REQUESTS; i++) await app.processEvent({ body, ack: async () => {} });
  const used = process.cpuUsage(before);
  return (used.user + used.system) / REQUESTS;
}

const layouts = { per_id: perIdApp(), routed: routedApp() };
const microseconds = new Map<string, number[]>();
for (let round = -1; round < ROUNDS; round++) {
  for (const [layout, app] of Object.entries(layouts)) {
    for (const [kind, body] of Object.entries(bodies)) {
      const cpu = await cpuPerRequest(app, body);
      // Round -1 warms the JIT up and is not counted.
      if (round >= 0)
        microseconds.set(`${layout}_${kind}_cpu_us`, [
          ...(microseconds.get(`${layout}_${kind}_cpu_us`) ?? []),
          cpu,
        ]);
    }
  }
}
const figures = Object.fromEntries(
  [...microseconds].map(([name, values]) => [name, round(summarize(values).p50)]),
);
process.stdout.write(
  `${JSON.stringify({ machine: await describeMachine(), requests_per_round: REQUESTS, rounds: ROUNDS, ...figures }, null, 2)}\n`,
);
