import { DateTime } from 'luxon';

/**
 * A deadline given by a person: a calendar date (YYYY-MM-DD, meaning "by the end of that day" in
 * the customer's timezone) or an exact UTC instant (ISO 8601 with a time and offset).
 */
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

export function isDeadline(text: string, timezone: string): boolean {
  if (DATE_ONLY.test(text)) return DateTime.fromISO(text, { zone: timezone }).isValid;
  return INSTANT.test(text) && !Number.isNaN(Date.parse(text));
}

/** The moment the deadline passes: the end of the local day, or the instant itself. */
export function deadlineEnds(text: string, timezone: string): number {
  if (DATE_ONLY.test(text)) return DateTime.fromISO(text, { zone: timezone }).startOf('day').plus({ days: 1 }).toMillis();
  return Date.parse(text);
}

/** The moment the deadline's day begins (for reminders "three days before"), or the instant itself. */
export function deadlineDay(text: string, timezone: string): number {
  if (DATE_ONLY.test(text)) return DateTime.fromISO(text, { zone: timezone }).startOf('day').toMillis();
  return Date.parse(text);
}
