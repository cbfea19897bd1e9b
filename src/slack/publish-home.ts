import type { WebClient } from '@slack/web-api';
import { MemoryCallRate } from '../aws/call-limits.js';
import type { LatchDeps } from '../core/ports.js';
import { homeData } from '../core/use-cases/home-data.js';
import { appHomeView } from './blocks/app-home.js';
import { HomeRedraws } from './home-redraws.js';

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

/** One set of redraws per running Latch (tests run several in one process). */
const redrawsOf = new WeakMap<LatchDeps, HomeRedraws>();

/** A running Latch's redraws, paced by the limits its replicas share (`src/latch.ts`). */
export function useHomeRedraws(deps: LatchDeps, redraws: HomeRedraws): void {
  redrawsOf.set(deps, redraws);
}

function redrawsFor(deps: LatchDeps, client: WebClient): HomeRedraws {
  let redraws = redrawsOf.get(deps);
  if (!redraws) {
    redraws = new HomeRedraws((id) => publishHome(deps, client, id), new MemoryCallRate(), deps.log);
    redrawsOf.set(deps, redraws);
  }
  return redraws;
}

/**
 * Redraws the Home of someone looking at it (sections collapsed), now. Changes that arrive while
 * it is being drawn share the next redraw, which begins after the last of them.
 */
export function redrawHome(deps: LatchDeps, client: WebClient, userId: string): Promise<void> {
  return redrawsFor(deps, client).now(userId);
}

/** Redraws, at Slack's pace, the Home of someone who may not be looking; returns at once. */
export function redrawHomeLater(deps: LatchDeps, client: WebClient, userId: string): void {
  redrawsFor(deps, client).later(userId);
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
