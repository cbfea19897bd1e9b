import { App, LogLevel } from '@slack/bolt';

/*
 * The floor for the ack benchmark: the same @slack/bolt in HTTP mode, as Latch configures it, with
 * listeners that only acknowledge. Latch's acks can be no faster than this on the same machine.
 */

const app = new App({
  token: process.env.SLACK_BOT_TOKEN ?? '',
  signingSecret: process.env.SLACK_SIGNING_SECRET ?? '',
  clientOptions: { slackApiUrl: process.env.SLACK_API_URL ?? '' },
  logLevel: LogLevel.ERROR,
  customRoutes: [
    {
      path: '/healthz',
      method: ['GET'],
      handler: (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"status":"ok"}');
      },
    },
  ],
});
app.command(/.*/, async ({ ack }) => ack());
app.action(/.*/, async ({ ack }) => ack());
app.options(/.*/, async ({ ack }) => ack({ options: [] }));

await app.start(Number(process.env.PORT ?? 3000));
process.once('SIGTERM', () => {
  app.stop().then(() => process.exit(0));
});
