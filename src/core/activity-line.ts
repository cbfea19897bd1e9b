import type { ActivitySummary } from './model.js';

/** One line for the audit thread: counts, the commonest calls, and errors. */
export function activityLine(activity: ActivitySummary): string {
  if (activity.events === 0) return 'CloudTrail recorded no activity during this grant.';
  const top = activity.eventNames
    .slice(0, 5)
    .map((e) => `${e.name} ×${e.count}`)
    .join(', ');
  const errors = activity.errors.length
    ? `; errors: ${activity.errors
        .slice(0, 3)
        .map((e) => `${e.code} ×${e.count}`)
        .join(', ')}`
    : '';
  return `CloudTrail: ${activity.events} events, ${activity.writeEvents} changing something (${top})${errors}.`;
}
