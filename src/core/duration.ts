/** Durations as people type them: `90s`, `30m`, `2h`, `1d` (one number, one unit). */
const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86_400 } as const;
const DURATION_PATTERN = /^(\d{1,6})([smhd])$/;

export const DURATION_FORMAT_HINT = 'write a number and a unit, like 90s, 30m, 2h or 1d';

/** Seconds in a duration string, or undefined when it is not one. */
export function parseDuration(text: string): number | undefined {
  const match = DURATION_PATTERN.exec(text.trim().toLowerCase());
  if (!match) return undefined;
  const [, amount, unit] = match;
  const seconds = Number(amount) * UNIT_SECONDS[unit as keyof typeof UNIT_SECONDS];
  return seconds > 0 ? seconds : undefined;
}

/** The shortest exact spelling: 5400 → `90m`, 7200 → `2h`, 90 → `90s`. */
export function formatDuration(seconds: number): string {
  for (const unit of ['d', 'h', 'm'] as const) {
    const size = UNIT_SECONDS[unit];
    if (seconds >= size && seconds % size === 0) return `${seconds / size}${unit}`;
  }
  return `${seconds}s`;
}

export type DurationCheck =
  | { ok: true; seconds: number }
  | { ok: false; reason: 'malformed' | 'too_short' | 'too_long'; limitSeconds?: number };

/** Parses `text` and checks it against a tier's bounds. */
export function checkDuration(
  text: string,
  bounds: { minSeconds: number; maxSeconds: number },
): DurationCheck {
  const seconds = parseDuration(text);
  if (seconds === undefined) return { ok: false, reason: 'malformed' };
  if (seconds < bounds.minSeconds) return { ok: false, reason: 'too_short', limitSeconds: bounds.minSeconds };
  if (seconds > bounds.maxSeconds) return { ok: false, reason: 'too_long', limitSeconds: bounds.maxSeconds };
  return { ok: true, seconds };
}
