import type { LatchDeps } from '../../core/ports.js';
import { extensionChoices } from '../../core/use-cases/extend-grant.js';
import { extendModal } from '../blocks/extend-modal.js';
import { type ButtonArgs, handleButton } from './button-action.js';

/** `Extend` on a grant notice or the expiry warning: opens the form, or says why it can't. */
export function handleExtendButton(deps: LatchDeps) {
  return (args: ButtonArgs) =>
    handleButton(deps, args, async () => {
      const { grant, choices } = await extensionChoices(deps, {
        grantId: args.action.value ?? '',
        requesterId: args.body.user.id,
      });
      await args.client.views.open({ trigger_id: args.body.trigger_id, view: extendModal(grant, choices) });
      return undefined;
    });
}
