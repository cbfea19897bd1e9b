import { readEnv } from '../../config/env.js';
import { loadPolicyFile } from '../../config/load-policy-file.js';
import { type CliCommand, EXIT_FAILED, EXIT_OK, errorText } from '../cli-command.js';

export const startCommand: CliCommand = {
  name: 'start',
  summary: 'run the bot: migrate the database, answer Slack, run the scheduler',
  help: `Reads its settings from the environment (README, "Environment") and the policy file
named by LATCH_POLICY_FILE (default ./latch.policy.yml). \`npm start\` runs this.
SIGTERM or SIGINT stops taking work, finishes what is in flight, and exits 0.

exit codes: 0 stopped cleanly, 1 a bad setting (one line naming it) or a failed start or stop`,
  async run(_args, io) {
    const env = readEnv(io.env);
    const policy = await loadPolicyFile(env.policyFile);
    const [{ createLogger, logProcessWarnings }, { createLatch }] = await Promise.all([
      import('../../log.js'),
      import('../../latch.js'),
    ]);
    const log = createLogger(env.logLevel);
    logProcessWarnings(log);
    const latch = await createLatch(env, policy, log);
    const stopped = new Promise<number>((resolve) => {
      let stopping = false;
      const shutdown = (signal: string) => {
        if (stopping) return;
        stopping = true;
        log.info({ signal }, 'stopping: finishing work in flight');
        latch.stop().then(
          () => resolve(EXIT_OK),
          (error: unknown) => {
            log.error({ err: error }, 'unclean stop');
            resolve(EXIT_FAILED);
          },
        );
      };
      process.on('SIGTERM', () => shutdown('SIGTERM'));
      process.on('SIGINT', () => shutdown('SIGINT'));
    });
    try {
      await latch.start();
    } catch (error) {
      io.err(`latch: failed to start: ${errorText(error)}`);
      await latch.stop().catch(() => {});
      return EXIT_FAILED;
    }
    return stopped;
  },
};
