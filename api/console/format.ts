import { formatMoney } from '../../domain/money.js';

/** How the console writes money and moments: one locale for every page, amounts in their own currency. */
const CONSOLE_LOCALE = 'en-GB';

export const money = (amountMinor: number, currency: string): string => formatMoney({ amountMinor, currency }, CONSOLE_LOCALE);

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let found = formatters.get(timeZone);
  if (!found) {
    found = new Intl.DateTimeFormat(CONSOLE_LOCALE, { timeZone, weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false });
    formatters.set(timeZone, found);
  }
  return found;
}

/** A UTC instant in the customer's timezone: "Tue, 8 Dec 2026, 09:00 Europe/Berlin". */
export const inZone = (iso: string, timeZone: string): string => `${formatter(timeZone).format(new Date(iso))} ${timeZone}`;

/** The same instant in UTC: "Tue, 8 Dec 2026, 08:00 UTC". */
export const inUtc = (iso: string): string => `${formatter('UTC').format(new Date(iso))} UTC`;

/** Words for identifiers like `promise_to_pay` or `written_off`. */
export const words = (identifier: string): string => identifier.replaceAll('_', ' ');
