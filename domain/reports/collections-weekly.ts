import { addDays, DAY_MS, dayEnd, dayStart, type Ledger } from './ledger.js';

export interface WeekCollected {
  /** The Monday (UTC) that starts the week. */
  readonly weekStart: string;
  readonly collectedMinor: number;
  readonly payments: number;
}

export interface CurrencyCollections {
  readonly currency: string;
  readonly totalMinor: number;
  /** Every week of the range, oldest first, weeks without payments included as zero. */
  readonly weeks: readonly WeekCollected[];
}

export interface CollectionsWeeklyReport {
  readonly asOf: string;
  readonly from: string;
  readonly currencies: readonly CurrencyCollections[];
}

/** The Monday of the ISO week that holds `day`. */
export function mondayOf(day: string): string {
  const weekday = new Date(dayStart(day)).getUTCDay();
  return addDays(day, -((weekday + 6) % 7));
}

/**
 * Money received per ISO week (Monday to Sunday, UTC) and currency, for the `weeks` weeks that end
 * with the week holding `asOf`; payments after the end of `asOf` are not counted yet.
 */
export function collectionsWeekly(ledger: Ledger, asOf: string, weeks: number): CollectionsWeeklyReport {
  const from = addDays(mondayOf(asOf), -7 * (weeks - 1));
  const start = dayStart(from);
  const end = dayEnd(asOf);
  const currencyOf = new Map(ledger.invoices.map((invoice) => [invoice.id, invoice.currency]));
  const perCurrency = new Map<string, { collectedMinor: number; payments: number }[]>();
  for (const movement of ledger.movements) {
    const at = Date.parse(movement.at);
    const currency = currencyOf.get(movement.invoiceId);
    if (movement.kind !== 'payment' || !currency || at < start || at >= end) continue;
    const week = Math.floor((at - start) / (7 * DAY_MS));
    const list = perCurrency.get(currency) ?? Array.from({ length: weeks }, () => ({ collectedMinor: 0, payments: 0 }));
    perCurrency.set(currency, list);
    list[week]!.collectedMinor += movement.amountMinor;
    list[week]!.payments += 1;
  }
  return {
    asOf,
    from,
    currencies: [...perCurrency]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([currency, list]) => ({
        currency,
        totalMinor: list.reduce((sum, week) => sum + week.collectedMinor, 0),
        weeks: list.map((week, index) => ({ weekStart: addDays(from, 7 * index), ...week })),
      })),
  };
}
