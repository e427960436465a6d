/**
 * Dates for tests that run against the real clock (the API, the worker, the Temporal server).
 * A calendar date written into such a test is a claim that expires: compute it from now instead.
 */
const DAY_MS = 86_400_000;

/** The UTC calendar day `days` from now, as YYYY-MM-DD (negative for the past). */
export function isoDay(days: number, from: number = Date.now()): string {
  return new Date(from + days * DAY_MS).toISOString().slice(0, 10);
}

/** The instant `days` from now, as an ISO 8601 string. */
export function isoInstant(days: number, from: number = Date.now()): string {
  return new Date(from + days * DAY_MS).toISOString();
}

/** Midnight UTC of the day `days` from now, as a Date (how date-only columns come back from the database). */
export function utcMidnight(days: number, from: number = Date.now()): Date {
  return new Date(`${isoDay(days, from)}T00:00:00Z`);
}
