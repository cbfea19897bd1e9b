import type { Policy } from '../../core/model.js';
import type { HealthAnswer } from '../health-routes.js';
import type { Workspace } from '../own-workspace.js';

/** What the front thread needs to answer an ack as Latch would: kept current by the main thread. */
export interface FrontView {
  policy: Policy;
  /** Ids of the resources the provisioner can grant (`Provisioner.supports`), offered in the picker. */
  supported: ReadonlySet<string>;
  /** Unknown until `auth.test` answers; until then every request is asked of the main thread. */
  workspace?: Workspace;
}

export interface FrontStart {
  signingSecret: string;
  /** Paths of the health routes; the main thread answers them. */
  routes: string[];
}

/** Front thread → main thread. */
export type FromFront =
  | { type: 'listening' }
  | { type: 'start_failed'; message: string }
  | {
      type: 'request';
      id: number;
      body: Record<string, unknown>;
      retryNum?: number;
      retryReason?: string;
      customProperties: Record<string, unknown>;
      /** True when the front thread already sent the HTTP answer; otherwise the main thread's ack is. */
      answered: boolean;
    }
  | { type: 'route'; id: number; path: string }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string }
  /** A Node process warning raised in the front thread, logged as the main thread logs its own. */
  | { type: 'warning'; warning: { name: string; message: string; code?: string } }
  | { type: 'stopped' };

/** Main thread → front thread. */
export type ToFront =
  | { type: 'listen'; port: number }
  | { type: 'view'; view: FrontView }
  | { type: 'answer'; id: number; response?: unknown }
  | { type: 'failed'; id: number }
  | { type: 'route_answer'; id: number; answer: HealthAnswer }
  | { type: 'stop' };
