import type { App } from '@slack/bolt';
import type { LatchDeps } from '../core/ports.js';
import { recordRefusal } from '../core/use-cases/audit-refusal.js';
import { ownWorkspaceOnly, type Workspace } from './own-workspace.js';
import { signedRecently } from './signed-recently.js';

/**
 * The checks every Slack request passes after Bolt verified its signature and before any listener:
 * signed no later than five minutes from now, and from the bot's own workspace. A refusal is audited
 * (`action.refused`), as the request was signed with Latch's secret.
 */
export function useRequestGuards(app: App, deps: LatchDeps, whoAmI: () => Promise<Workspace>): void {
  const onError = (err: unknown) => deps.log.error({ err }, 'could not check or audit a Slack request');
  app.use(
    signedRecently({
      nowMs: Date.now,
      refuse: ({ userId, attempted, timestamp }) =>
        recordRefusal(deps, {
          actor: userId ?? 'unknown',
          attempted,
          reason: 'signed_in_the_future',
          detail: { timestamp },
        }),
      onError,
    }),
  );
  app.use(
    ownWorkspaceOnly({
      whoAmI,
      refuse: ({ userId, attempted, ...workspace }) =>
        recordRefusal(deps, {
          actor: userId ?? 'unknown',
          attempted,
          reason: 'foreign_workspace',
          detail: workspace,
        }),
      onError,
    }),
  );
}
