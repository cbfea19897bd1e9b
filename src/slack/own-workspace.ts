import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import { acknowledge, attemptedIn, printable, type RefusedRequest } from './refused-request.js';

/** The workspace (or, for an org-wide install, the Enterprise Grid org) the bot token belongs to. */
export interface Workspace {
  teamId?: string;
  enterpriseId?: string;
  isEnterpriseInstall: boolean;
}

/** Who sent a request from another workspace, and what they tried; every field as the payload said. */
export interface ForeignRequest extends RefusedRequest {
  teamId?: string;
  enterpriseId?: string;
}

export interface OwnWorkspaceOptions {
  /** The bot's own workspace, from `auth.test`; called per request, so it should cache. */
  whoAmI(): Promise<Workspace>;
  /** Audits and logs a refused request; its failure is the caller's to log. */
  refuse(request: ForeignRequest): Promise<void>;
  onError(error: unknown): void;
}

/**
 * Bolt global middleware: Latch serves the one workspace its bot token belongs to. A request from
 * any other, even one signed with the right secret, is acknowledged, audited and dropped before any
 * listener runs. If Latch cannot learn its own workspace it drops the request (fails closed).
 */
export function ownWorkspaceOnly(options: OwnWorkspaceOptions): Middleware<AnyMiddlewareArgs> {
  return async (args) => {
    const { context, next, body } = args;
    let own: Workspace;
    try {
      own = await options.whoAmI();
    } catch (error) {
      options.onError(error);
      await acknowledge(args, 'Latch cannot reach Slack to check this request; nothing was done. Try again.');
      return;
    }
    if (isOwnWorkspace(own, context)) return next();
    await options
      .refuse({
        ...(context.userId ? { userId: printable(context.userId) } : {}),
        ...(context.teamId ? { teamId: printable(context.teamId) } : {}),
        ...(context.enterpriseId ? { enterpriseId: printable(context.enterpriseId) } : {}),
        attempted: printable(attemptedIn(body)),
      })
      .catch(options.onError);
    await acknowledge(args, 'This Latch serves another Slack workspace; nothing was done.');
  };
}

/** Pure: whether a request (Bolt's context of it) comes from the bot's own workspace or org. */
export function isOwnWorkspace(own: Workspace, context: { teamId?: string; enterpriseId?: string }): boolean {
  return own.isEnterpriseInstall
    ? own.enterpriseId !== undefined && context.enterpriseId === own.enterpriseId
    : own.teamId !== undefined && context.teamId === own.teamId;
}

/** Caches the first successful `auth.test`, told to `learned`; a failed one is tried again on the next request. */
export function cachedWorkspace(
  authTest: () => Promise<{ team_id?: string; enterprise_id?: string; is_enterprise_install?: boolean }>,
  learned?: (workspace: Workspace) => void,
): () => Promise<Workspace> {
  let known: Promise<Workspace> | undefined;
  return () => {
    known ??= authTest().then(
      (result) => {
        const workspace: Workspace = {
          ...(result.team_id ? { teamId: result.team_id } : {}),
          ...(result.enterprise_id ? { enterpriseId: result.enterprise_id } : {}),
          isEnterpriseInstall: result.is_enterprise_install === true,
        };
        learned?.(workspace);
        return workspace;
      },
      (error: unknown) => {
        known = undefined;
        throw error;
      },
    );
    return known;
  };
}
