import { describe, expect, it } from 'vitest';
import { ActionRoutes, ViewRoutes } from './listener-routes.js';

function recordingLog() {
  const warnings: Array<Record<string, unknown>> = [];
  return {
    warnings,
    log: { info() {}, error() {}, warn: (detail: Record<string, unknown>) => warnings.push(detail) },
  };
}

/** What the routers read of Bolt's arguments: the action's id or the form's callback id, and `ack`. */
function actionArgs(actionId: string) {
  const acks: unknown[] = [];
  const args = { action: { action_id: actionId }, ack: async (answer?: unknown) => void acks.push(answer) };
  return { acks, args: args as unknown as Parameters<ReturnType<ActionRoutes['listener']>>[0] };
}

describe('ActionRoutes', () => {
  const ran: string[] = [];
  const routes = new ActionRoutes()
    .on('latch_approve', async () => void ran.push('approve'))
    .on(/^latch_more:/, async () => void ran.push('more'))
    .on('latch_more:exact', async () => void ran.push('exact'));

  it.each([
    ['latch_approve', 'approve'],
    ['latch_more:2', 'more'],
    ['latch_more:exact', 'exact'],
  ])('hands %s to its listener', async (actionId, listener) => {
    ran.length = 0;
    const { log, warnings } = recordingLog();
    const { args, acks } = actionArgs(actionId);
    await routes.listener(log)(args);
    expect(ran).toEqual([listener]);
    expect(acks).toEqual([]);
    expect(warnings).toEqual([]);
  });

  it('acknowledges and logs an action nobody handles, and runs no listener', async () => {
    ran.length = 0;
    const { log, warnings } = recordingLog();
    const { args, acks } = actionArgs('latch_gone');
    await routes.listener(log)(args);
    expect(ran).toEqual([]);
    expect(acks).toHaveLength(1);
    expect(warnings).toEqual([{ actionId: 'latch_gone' }]);
  });

  it('refuses two listeners for one id', () => {
    expect(() => new ActionRoutes().on('a', async () => {}).on('a', async () => {})).toThrow(
      /two listeners for a/,
    );
  });
});

describe('ViewRoutes', () => {
  it('hands a form to the listener of its callback id, and closes an unknown one', async () => {
    const ran: string[] = [];
    const routes = new ViewRoutes().on('latch_deny_modal', async () => void ran.push('deny'));
    const { log, warnings } = recordingLog();
    const submit = (callbackId: string) => {
      const acks: unknown[] = [];
      const args = { view: { callback_id: callbackId }, ack: async () => void acks.push(true) };
      return {
        acks,
        run: routes.listener(log)(args as unknown as Parameters<ReturnType<ViewRoutes['listener']>>[0]),
      };
    };
    const known = submit('latch_deny_modal');
    await known.run;
    expect(ran).toEqual(['deny']);
    expect(known.acks).toEqual([]);

    const unknown = submit('latch_old_modal');
    await unknown.run;
    expect(ran).toEqual(['deny']);
    expect(unknown.acks).toEqual([true]);
    expect(warnings).toEqual([{ callbackId: 'latch_old_modal' }]);
  });
});
