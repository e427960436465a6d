import { formatMoney, isKnownCurrency } from '../../domain/money.js';

/** The console's one locale for amounts and times (per-user locales are not built yet). */
export const consoleLocale = 'en-GB';

/** "£1,250.00"; an unknown currency code is shown as the raw minor units with it. */
export function formatAmount(amountMinor: number, currency: string): string {
  return isKnownCurrency(currency) ? formatMoney({ amountMinor, currency }, consoleLocale) : `${amountMinor} ${currency} (minor units)`;
}

/** A calendar date stays a date; an instant is shown in UTC to the minute: "2 Dec 2026, 14:05 UTC". */
export function formatWhen(iso: string): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(iso)) return new Date(`${iso}T00:00:00Z`).toLocaleDateString(consoleLocale, { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  return `${at.toLocaleString(consoleLocale, { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'UTC' })} UTC`;
}

const zoned = new Map<string, Intl.DateTimeFormat>();
function zonedFormat(timeZone: string): Intl.DateTimeFormat {
  let found = zoned.get(timeZone);
  if (!found) {
    found = new Intl.DateTimeFormat(consoleLocale, { timeZone, weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false });
    zoned.set(timeZone, found);
  }
  return found;
}

/** A UTC instant in the customer's timezone: "Tue, 8 Dec 2026, 09:00 Europe/Berlin". */
export const inZone = (iso: string, timeZone: string): string => `${zonedFormat(timeZone).format(new Date(iso))} ${timeZone}`;

/** Words for identifiers like `promise_to_pay` or `written_off`. */
export const words = (identifier: string): string => identifier.replaceAll('_', ' ');
