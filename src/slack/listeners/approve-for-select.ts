import type { LatchDeps } from '../../core/ports.js';
import { decideApproval } from '../../core/use-cases/decide-approval.js';
import { handleButton, type SelectArgs } from './button-action.js';

/** "Approve for less…" on a card: the option names the request and the duration; both are checked in the use case. */
export function handleApproveForSelect(deps: LatchDeps) {
  return (args: SelectArgs) => {
    const [requestId = '', durationText = ''] = (args.action.selected_option?.value ?? '').split('|');
    return handleButton(deps, args, async () => {
      const result = await decideApproval(deps, {
        requestId,
        clickerId: args.body.user.id,
        decision: 'approve',
        durationText,
      });
      return result.outcome === 'not_pending'
        ? `Request \`${requestId}\` was already ${result.request.status}; nothing changed.`
        : undefined;
    });
  };
}
