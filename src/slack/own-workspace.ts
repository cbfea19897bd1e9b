import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';

/** The workspace (or, for an org-wide install, the Enterprise Grid org) the bot token belongs to. */
export interface Workspace {
  teamId?: string;
  enterpriseId?: string;
  isEnterpriseInstall: boolean;
}

/** Who sent a request from another workspace, and what they tried; every field as the payload said. */
export interface ForeignRequest {
  userId?: string;
  teamId?: string;
  enterpriseId?: string;
  attempted: string;
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
    const isOwn = own.isEnterpriseInstall
      ? own.enterpriseId !== undefined && context.enterpriseId === own.enterpriseId
      : own.teamId !== undefined && context.teamId === own.teamId;
    if (isOwn) return next();
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

/** Caches the first successful `auth.test`; a failed one is tried again on the next request. */
export function cachedWorkspace(
  authTest: () => Promise<{ team_id?: string; enterprise_id?: string; is_enterprise_install?: boolean }>,
): () => Promise<Workspace> {
  let known: Promise<Workspace> | undefined;
  return () => {
    known ??= authTest().then(
      (result) => ({
        ...(result.team_id ? { teamId: result.team_id } : {}),
        ...(result.enterprise_id ? { enterpriseId: result.enterprise_id } : {}),
        isEnterpriseInstall: result.is_enterprise_install === true,
      }),
      (error: unknown) => {
        known = undefined;
        throw error;
      },
    );
    return known;
  };
}

/** Slack waits for an ack of everything but events (Bolt acks those itself); a command gets the words. */
async function acknowledge(args: AnyMiddlewareArgs, text: string): Promise<void> {
  if (!('ack' in args) || typeof args.ack !== 'function') return;
  const ack = args.ack as (response?: unknown) => Promise<void>;
  await ack('command' in args ? { response_type: 'ephemeral', text } : undefined);
}

/** What the request tried, from the payload: the command, action, view or event. */
function attemptedIn(body: unknown): string {
  const b = body as {
    command?: string;
    type?: string;
    actions?: Array<{ action_id?: string }>;
    action_id?: string;
    view?: { callback_id?: string };
    event?: { type?: string };
  };
  if (b.command) return b.command;
  if (b.type === 'block_actions') return `block_actions ${b.actions?.[0]?.action_id ?? ''}`;
  if (b.type === 'block_suggestion') return `block_suggestion ${b.action_id ?? ''}`;
  if (b.type === 'view_submission' || b.type === 'view_closed')
    return `${b.type} ${b.view?.callback_id ?? ''}`;
  if (b.event?.type) return `event ${b.event.type}`;
  return b.type ?? 'unknown';
}

/** Payload text bound for the audit log: printable ASCII only, and short. */
function printable(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, '?').slice(0, 80);
}
