import type { WebClient } from '@slack/web-api';
import type { LatchDeps } from '../core/ports.js';
import { homeData } from '../core/use-cases/home-data.js';
import { appHomeView } from './blocks/app-home.js';
import { CoalescedRedraws } from './coalesced-redraws.js';

/** Draws someone's App Home from the database; which sections are expanded rides in the view's private_metadata. */
export async function publishHome(
  deps: LatchDeps,
  client: WebClient,
  userId: string,
  expanded: readonly string[] = [],
): Promise<void> {
  const view = appHomeView(await homeData(deps, userId), new Set(expanded));
  await client.views.publish({ user_id: userId, view });
}

/** One set of coalesced redraws per running Latch (tests run several in one process). */
const redrawsOf = new WeakMap<LatchDeps, CoalescedRedraws>();

/**
 * Redraws someone's Home after a change they can see (sections collapsed). Changes that arrive
 * while their Home is being drawn share the next redraw, which begins after the last of them.
 */
export function redrawHome(deps: LatchDeps, client: WebClient, userId: string): Promise<void> {
  let redraws = redrawsOf.get(deps);
  if (!redraws) {
    redraws = new CoalescedRedraws((id) => publishHome(deps, client, id));
    redrawsOf.set(deps, redraws);
  }
  return redraws.redraw(userId);
}

/** The expanded sections stored in a published Home view, ignoring anything malformed. */
export function expandedSections(privateMetadata: string | undefined): string[] {
  try {
    const parsed: unknown = JSON.parse(privateMetadata ?? '[]');
    return Array.isArray(parsed) ? parsed.filter((s): s is string => typeof s === 'string') : [];
  } catch {
    return [];
  }
}
