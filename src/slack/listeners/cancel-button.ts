import type { LatchDeps } from '../../core/ports.js';
import { cancelRequest } from '../../core/use-cases/cancel-request.js';
import { type ButtonArgs, handleButton } from './button-action.js';

/** `Cancel` on App Home; only the requester may withdraw their request. */
export function handleCancelButton(deps: LatchDeps) {
  return (args: ButtonArgs) =>
    handleButton(deps, args, async () => {
      const request = await cancelRequest(deps, {
        requestId: args.action.value ?? '',
        requesterId: args.body.user.id,
      });
      return `Request \`${request.id}\` is cancelled.`;
    });
}
