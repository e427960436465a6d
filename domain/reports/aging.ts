import { balanceBefore, byCurrency, dayEnd, daysBetween, type Ledger, movementsByInvoice } from './ledger.js';

/** Open balances by days past due: "current" is not yet due or due that very day. */
export interface AgingBuckets {
  readonly currentMinor: number;
  readonly days1to30Minor: number;
  readonly days31to60Minor: number;
  readonly days61to90Minor: number;
  readonly over90Minor: number;
  readonly totalMinor: number;
}

export interface CustomerAging extends AgingBuckets {
  readonly customerId: string;
  readonly customerName: string;
  readonly invoices: number;
}

export interface CurrencyAging {
  readonly currency: string;
  readonly total: AgingBuckets;
  readonly customers: readonly CustomerAging[];
}

export interface AgingReport {
  readonly asOf: string;
  readonly currencies: readonly CurrencyAging[];
}

type BucketKey = Exclude<keyof AgingBuckets, 'totalMinor'>;

export function bucketOf(daysPastDue: number): BucketKey {
  if (daysPastDue <= 0) return 'currentMinor';
  if (daysPastDue <= 30) return 'days1to30Minor';
  if (daysPastDue <= 60) return 'days31to60Minor';
  if (daysPastDue <= 90) return 'days61to90Minor';
  return 'over90Minor';
}

const emptyBuckets = (): Record<keyof AgingBuckets, number> => ({ currentMinor: 0, days1to30Minor: 0, days31to60Minor: 0, days61to90Minor: 0, over90Minor: 0, totalMinor: 0 });

/**
 * What was owed at the end of the day `asOf` (YYYY-MM-DD, UTC), bucketed by how many days past
 * its due date each invoice then was, per customer and in total, each currency on its own.
 */
export function agingReport(ledger: Ledger, asOf: string): AgingReport {
  const movements = movementsByInvoice(ledger.movements);
  const end = dayEnd(asOf);
  const currencies = new Map<string, { total: Record<keyof AgingBuckets, number>; customers: Map<string, { name: string; invoices: number; buckets: Record<keyof AgingBuckets, number> }> }>();
  for (const invoice of ledger.invoices) {
    const balance = balanceBefore(invoice, movements.get(invoice.id) ?? [], end);
    if (balance === 0) continue;
    const bucket = bucketOf(daysBetween(invoice.dueDate, asOf));
    const currency = currencies.get(invoice.currency) ?? { total: emptyBuckets(), customers: new Map() };
    currencies.set(invoice.currency, currency);
    const customer = currency.customers.get(invoice.customerId) ?? { name: invoice.customerName, invoices: 0, buckets: emptyBuckets() };
    currency.customers.set(invoice.customerId, customer);
    customer.invoices += 1;
    for (const buckets of [currency.total, customer.buckets]) {
      buckets[bucket] += balance;
      buckets.totalMinor += balance;
    }
  }
  return {
    asOf,
    currencies: [...currencies]
      .map(([currency, { total, customers }]) => ({
        currency,
        total,
        customers: [...customers]
          .map(([customerId, { name, invoices, buckets }]) => ({ customerId, customerName: name, invoices, ...buckets }))
          .sort((a, b) => b.totalMinor - a.totalMinor || a.customerName.localeCompare(b.customerName) || a.customerId.localeCompare(b.customerId)),
      }))
      .sort(byCurrency),
  };
}

/** Receivables at the end of `asOf` per currency: the total and the part not yet past due. */
export function receivablesAt(ledger: Ledger, asOf: string): Map<string, { totalMinor: number; currentMinor: number }> {
  const totals = new Map<string, { totalMinor: number; currentMinor: number }>();
  for (const { currency, total } of agingReport(ledger, asOf).currencies) totals.set(currency, { totalMinor: total.totalMinor, currentMinor: total.currentMinor });
  return totals;
}
