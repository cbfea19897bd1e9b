import type { LatchDeps } from '../../core/ports.js';
import { decideApproval } from '../../core/use-cases/decide-approval.js';
import { mention } from '../blocks/mrkdwn.js';
import { type ButtonArgs, handleButton } from './button-action.js';

/** `Approve` on a card or on App Home. The button carries only the request id; the clicker is re-checked. */
export function handleApproveButton(deps: LatchDeps) {
  return (args: ButtonArgs) =>
    handleButton(deps, args, async () => {
      const result = await decideApproval(deps, {
        requestId: args.action.value ?? '',
        clickerId: args.body.user.id,
        decision: 'approve',
      });
      if (result.outcome !== 'not_pending') return undefined;
      const { id, status, decidedBy } = result.request;
      return `Request \`${id}\` was already ${status}${decidedBy && decidedBy !== 'latch' ? ` by ${mention(decidedBy)}` : ''}; nothing changed.`;
    });
}
