import type {
  AllMiddlewareArgs,
  BlockAction,
  SlackAction,
  SlackActionMiddlewareArgs,
  SlackViewAction,
  SlackViewMiddlewareArgs,
} from '@slack/bolt';
import type { Logger } from '../core/ports.js';

type ActionArgs = SlackActionMiddlewareArgs<SlackAction> & AllMiddlewareArgs;
type ViewArgs = SlackViewMiddlewareArgs<SlackViewAction> & AllMiddlewareArgs;
type Listener<Args> = (args: Args) => Promise<void>;

/**
 * Handlers by id: an exact id, else the first pattern that matches, as Bolt's own constraints
 * would pick them.
 *
 * Why not one `app.action` per id: Bolt runs every request through every registered listener's
 * middleware chain (a copy of the arguments, closures and promises each) before the one that
 * matches. With Latch's eighteen listeners that cost 180–300 µs of CPU a request, and 28% of what
 * Latch allocated under the ack benchmark's load; with one listener per kind of request, 90–120 µs
 * and about 15% (`bench/bolt-dispatch-overhead.ts`, docs/performance.md, session 16).
 */
export class ListenerRoutes<Args extends { ack: () => Promise<void> }> {
  private readonly exact = new Map<string, Listener<Args>>();
  private readonly patterns: Array<[RegExp, Listener<Args>]> = [];

  /** `idOf` reads a request's id; `idField` names it in the log line of a request nobody handles. */
  protected constructor(
    private readonly idOf: (args: Args) => string,
    private readonly idField: string,
  ) {}

  protected add(id: string | RegExp, listener: Listener<Args>): this {
    if (typeof id !== 'string') this.patterns.push([id, listener]);
    else if (this.exact.has(id)) throw new Error(`two listeners for ${id}`);
    else this.exact.set(id, listener);
    return this;
  }

  /**
   * The one listener Bolt runs for every request of this kind. An id nobody handles (a button or
   * form from a message Latch no longer understands) is acknowledged, so Slack shows no error, and
   * logged.
   */
  listener(log: Logger): Listener<Args> {
    return async (args) => {
      const id = this.idOf(args);
      const listener = this.exact.get(id) ?? this.patterns.find(([pattern]) => pattern.test(id))?.[1];
      if (listener) return listener(args);
      log.warn({ [this.idField]: id }, 'no listener for this Slack request; acknowledged and ignored');
      await args.ack();
    };
  }
}

/** Block actions (buttons, selects) routed by `action_id`. */
export class ActionRoutes extends ListenerRoutes<ActionArgs> {
  constructor() {
    super((args) => (args.action as BlockAction['actions'][number]).action_id, 'actionId');
  }

  /** `A` narrows the action as `app.action<A>` does; Slack sends that shape for the ids Latch gives it. */
  on<A extends SlackAction>(
    id: string | RegExp,
    listener: Listener<SlackActionMiddlewareArgs<A> & AllMiddlewareArgs>,
  ): this {
    return this.add(id, listener as unknown as Listener<ActionArgs>);
  }
}

/** Modal submissions routed by the view's `callback_id`; an unknown form is closed. */
export class ViewRoutes extends ListenerRoutes<ViewArgs> {
  constructor() {
    super((args) => args.view.callback_id, 'callbackId');
  }

  on<V extends SlackViewAction>(
    id: string | RegExp,
    listener: Listener<SlackViewMiddlewareArgs<V> & AllMiddlewareArgs>,
  ): this {
    return this.add(id, listener as unknown as Listener<ViewArgs>);
  }
}
