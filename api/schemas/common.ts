import { z } from '@hono/zod-openapi';
import { IANAZone } from 'luxon';
import { isKnownCurrency } from '../../domain/money.js';

/** Zones found valid: luxon asks Intl afresh on every check, and every create checks one. Capped, since Intl also takes any spelling's case. */
const validZones = new Set<string>();
const MAX_REMEMBERED_ZONES = 2_000;
function isIanaZone(zone: string): boolean {
  if (validZones.has(zone)) return true;
  const valid = IANAZone.isValidZone(zone);
  if (valid && validZones.size < MAX_REMEMBERED_ZONES) validZones.add(zone);
  return valid;
}

/** YYYY-MM-DD that names a real day (no 2026-02-30): the day it names, read back, is the same text. */
function isRealCalendarDate(text: string): boolean {
  const day = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(day.getTime()) && day.toISOString().startsWith(text);
}

export const minorUnits = z
  .number({ message: 'must be a number of minor units (cents), like 125000 for 1,250.00' })
  .int('must be a whole number of minor units (cents), not a fraction')
  .positive('must be positive')
  .max(Number.MAX_SAFE_INTEGER, 'is too large')
  .openapi({ example: 125000, description: 'Integer minor units of the currency (cents, pence, yen).' });

export const currencyCode = z
  .string()
  .refine(isKnownCurrency, 'must be an ISO 4217 currency code in capitals, like EUR')
  .openapi({ example: 'EUR' });

export const calendarDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date, YYYY-MM-DD')
  .refine(isRealCalendarDate, 'must be a real calendar date')
  .openapi({ example: '2026-10-31' });

export const instant = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 instant with a time zone, like 2026-11-20T09:30:00Z' }).openapi({ example: '2026-11-20T09:30:00Z' });

/**
 * Well-formed is not enough: a due date a century away or money received next millennium is a
 * typo or an attack, never a real invoice. Dates people give us must fall within this many years
 * of today (checked when the request arrives).
 */
export const MAX_YEARS_FROM_TODAY = 10;
/** How far in the future a payment may say it was received (clock skew between systems). */
export const MAX_RECEIVED_AHEAD_MS = 5 * 60_000;

const YEAR_MS = 365.25 * 86_400_000;
export const withinYearsOfNow = (text: string) => Math.abs(Date.parse(text.length === 10 ? `${text}T00:00:00Z` : text) - Date.now()) <= MAX_YEARS_FROM_TODAY * YEAR_MS;
export const yearsMessage = `must be within ${MAX_YEARS_FROM_TODAY} years of today`;

/** A calendar date within ten years of today, either way. */
export const plausibleDate = calendarDate.refine(withinYearsOfNow, yearsMessage);
/** An instant within ten years of now, either way. */
export const plausibleInstant = instant.refine(withinYearsOfNow, yearsMessage);
/** When money arrived: not in the future (beyond a few minutes of clock skew), not ages ago. */
export const receivedAt = instant
  .refine((text) => Date.parse(text) <= Date.now() + MAX_RECEIVED_AHEAD_MS, `must not be in the future (more than ${MAX_RECEIVED_AHEAD_MS / 60_000} minutes ahead of our clock)`)
  .refine(withinYearsOfNow, yearsMessage)
  .openapi({ example: '2026-11-20T09:30:00Z' });

export const timezone = z
  .string()
  .refine(isIanaZone, 'must be an IANA timezone, like Europe/Berlin')
  .openapi({ example: 'Europe/Berlin' });

export const locale = z
  .string()
  .refine((tag) => {
    try {
      return Intl.getCanonicalLocales(tag).length === 1;
    } catch {
      return false;
    }
  }, 'must be a BCP 47 language tag, like de-DE')
  .openapi({ example: 'de-DE' });

/** Free text that reaches people and the database: bounded, no control characters. */
export const text = (max: number) =>
  z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    // eslint-disable-next-line no-control-regex
    .refine((value) => !/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/.test(value), 'must not contain control characters');

export const identifier = (max: number) =>
  z.string().regex(/^[A-Za-z0-9._:\-/]+$/, 'may contain only letters, digits and . _ : - /').min(1).max(max, `must be at most ${max} characters`);
