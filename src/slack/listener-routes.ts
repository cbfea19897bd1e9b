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
 * and 16% (`bench/bolt-dispatch-overhead.ts`, docs/performance.md, session 16).
 */
export class ListenerRoutes<Args> {
  private readonly exact = new Map<string, Listener<Args>>();
  private readonly patterns: Array<[RegExp, Listener<Args>]> = [];

  add(id: string | RegExp, listener: Listener<Args>): this {
    if (typeof id !== 'string') this.patterns.push([id, listener]);
    else if (this.exact.has(id)) throw new Error(`two listeners for ${id}`);
    else this.exact.set(id, listener);
    return this;
  }

  find(id: string): Listener<Args> | undefined {
    return this.exact.get(id) ?? this.patterns.find(([pattern]) => pattern.test(id))?.[1];
  }
}

/** Block actions (buttons, selects) routed by `action_id`. */
export class ActionRoutes extends ListenerRoutes<ActionArgs> {
  /** `A` narrows the action as `app.action<A>` does; Slack sends that shape for the ids Latch gives it. */
  on<A extends SlackAction>(
    id: string | RegExp,
    listener: Listener<SlackActionMiddlewareArgs<A> & AllMiddlewareArgs>,
  ): this {
    return this.add(id, listener as unknown as Listener<ActionArgs>);
  }

  /**
   * The one listener Bolt runs for every block action. An id nobody handles (a button from a message
   * Latch no longer understands) is acknowledged, so Slack shows no error, and logged.
   */
  listener(log: Logger): Listener<ActionArgs> {
    return async (args) => {
      const id = (args.action as BlockAction['actions'][number]).action_id;
      const listener = this.find(id);
      if (listener) return listener(args);
      log.warn({ actionId: id }, 'no listener for this Slack action; acknowledged and ignored');
      await args.ack();
    };
  }
}

/** Modal submissions routed by the view's `callback_id`. */
export class ViewRoutes extends ListenerRoutes<ViewArgs> {
  on<V extends SlackViewAction>(
    id: string | RegExp,
    listener: Listener<SlackViewMiddlewareArgs<V> & AllMiddlewareArgs>,
  ): this {
    return this.add(id, listener as unknown as Listener<ViewArgs>);
  }

  /** The one listener Bolt runs for every modal submission; an unknown form is closed and logged. */
  listener(log: Logger): Listener<ViewArgs> {
    return async (args) => {
      const id = args.view.callback_id;
      const listener = this.find(id);
      if (listener) return listener(args);
      log.warn({ callbackId: id }, 'no listener for this Slack form; acknowledged and ignored');
      await args.ack();
    };
  }
}
