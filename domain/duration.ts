import { Duration } from 'luxon';

/**
 * An ISO 8601 duration (`P15D`, `PT2S`, `P1M`), optionally negative (`-P3D`: three days before).
 * Calendar units (days, months) are applied in the customer's timezone by the schedule, so a
 * day stays a calendar day across daylight-saving changes.
 */
export interface SignedDuration {
  readonly sign: 1 | -1;
  readonly duration: Duration;
}

export function parseDuration(text: string): SignedDuration | undefined {
  const negative = text.startsWith('-');
  const duration = Duration.fromISO(negative ? text.slice(1) : text);
  if (!duration.isValid) return undefined;
  const units = Object.values(duration.toObject());
  if (units.some((value) => value !== undefined && value < 0)) return undefined;
  return { sign: negative ? -1 : 1, duration };
}

export function isDuration(text: string): boolean {
  return parseDuration(text) !== undefined;
}

/** Milliseconds, for ordering offsets (months count as 30 days, years as 365: ordering only). */
export function approximateMillis(text: string): number {
  const parsed = parseDuration(text);
  if (!parsed) throw new Error(`not an ISO 8601 duration: ${text}`);
  return parsed.sign * parsed.duration.shiftTo('milliseconds').milliseconds;
}
