import { agingReport } from './aging.js';
import { addDays, addTo, dayStart, type Ledger } from './ledger.js';

export interface CurrencyDso {
  readonly currency: string;
  readonly receivablesMinor: number;
  readonly creditSalesMinor: number;
  /** Receivables ÷ credit sales × days, to one decimal; null without credit sales in the period. */
  readonly dso: number | null;
}

export interface DsoReport {
  readonly asOf: string;
  readonly days: number;
  /** The first day of the period (the period is `from` through `asOf`, `days` days). */
  readonly from: string;
  readonly currencies: readonly CurrencyDso[];
}

/**
 * Days sales outstanding per currency: receivables at the end of `asOf` ÷ the invoices issued in
 * the `days` days ending with `asOf` × `days`.
 */
export function dsoReport(ledger: Ledger, asOf: string, days: number): DsoReport {
  const from = addDays(asOf, -(days - 1));
  const sales = new Map<string, number>();
  for (const invoice of ledger.invoices) {
    const issued = dayStart(invoice.issueDate);
    if (issued >= dayStart(from) && issued <= dayStart(asOf)) addTo(sales, invoice.currency, invoice.amountMinor);
  }
  const receivables = new Map(agingReport(ledger, asOf).currencies.map(({ currency, total }) => [currency, total.totalMinor]));
  const currencies = [...new Set([...sales.keys(), ...receivables.keys()])].sort().map((currency) => {
    const receivablesMinor = receivables.get(currency) ?? 0;
    const creditSalesMinor = sales.get(currency) ?? 0;
    return { currency, receivablesMinor, creditSalesMinor, dso: creditSalesMinor === 0 ? null : Math.round((receivablesMinor / creditSalesMinor) * days * 10) / 10 };
  });
  return { asOf, days, from, currencies };
}
