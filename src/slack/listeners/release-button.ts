import type { LatchDeps } from '../../core/ports.js';
import { releaseGrant } from '../../core/use-cases/release-grant.js';
import { type ButtonArgs, handleButton } from './button-action.js';

/** `Release now` on a grant notice or `Release` on App Home; only the grant's owner may use it. */
export function handleReleaseButton(deps: LatchDeps) {
  return (args: ButtonArgs) =>
    handleButton(deps, args, async () => {
      const grant = await releaseGrant(deps, {
        grantId: args.action.value ?? '',
        requesterId: args.body.user.id,
      });
      return `Grant \`${grant.id}\` is ${grant.status === 'revoked' ? 'released' : 'being released'}.`;
    });
}
