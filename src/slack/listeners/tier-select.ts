import type { LatchDeps } from '../../core/ports.js';
import { setResourceTier } from '../../core/use-cases/set-resource-tier.js';
import { TIER_ACTION } from '../action-ids.js';
import { handleButton, type SelectArgs } from './button-action.js';

/** The tier selector on an admin's App Home; the use case re-checks that the clicker is an admin. */
export function handleTierSelect(deps: LatchDeps) {
  return (args: SelectArgs) => {
    // The row's block_id names the resource (`latch_tier:<id>`); option values stay short (Slack: 75).
    const resourceId = args.action.block_id.slice(TIER_ACTION.length + 1);
    return handleButton(deps, args, async () => {
      await setResourceTier(deps, {
        adminId: args.body.user.id,
        resourceId,
        tier: args.action.selected_option?.value ?? '',
      });
      // The redrawn Home shows the new tier; only a refusal needs words.
      return undefined;
    });
  };
}
