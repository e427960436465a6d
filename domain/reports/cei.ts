import { receivablesAt } from './aging.js';
import { addDays, addTo, dayEnd, dayStart, type Ledger } from './ledger.js';

export interface CurrencyCei {
  readonly currency: string;
  readonly beginningReceivablesMinor: number;
  /** Invoices issued in the period plus late fees posted in it, net of fees waived in it. */
  readonly creditSalesMinor: number;
  readonly endingReceivablesMinor: number;
  readonly endingCurrentReceivablesMinor: number;
  /** Percent to one decimal; null when nothing was collectible (the denominator is zero). */
  readonly cei: number | null;
}

export interface CeiReport {
  readonly from: string;
  readonly to: string;
  readonly currencies: readonly CurrencyCei[];
}

/**
 * Collection Effectiveness Index per currency over the days `from` through `to` (inclusive, UTC):
 * (beginning receivables + credit sales − ending total receivables) ÷ (beginning receivables +
 * credit sales − ending current receivables) × 100. Beginning is the end of the day before `from`;
 * ending is the end of `to`.
 */
export function ceiReport(ledger: Ledger, from: string, to: string): CeiReport {
  const beginning = receivablesAt(ledger, addDays(from, -1));
  const ending = receivablesAt(ledger, to);
  const start = dayStart(from);
  const end = dayEnd(to);
  const sales = new Map<string, number>();
  const currencyOf = new Map(ledger.invoices.map((invoice) => [invoice.id, invoice.currency]));
  for (const invoice of ledger.invoices) {
    const issued = dayStart(invoice.issueDate);
    if (issued >= start && issued < end) addTo(sales, invoice.currency, invoice.amountMinor);
  }
  for (const movement of ledger.movements) {
    const at = Date.parse(movement.at);
    const currency = currencyOf.get(movement.invoiceId);
    if (!currency || at < start || at >= end) continue;
    if (movement.kind === 'fee') addTo(sales, currency, movement.amountMinor);
    if (movement.kind === 'waiver') addTo(sales, currency, -movement.amountMinor);
  }
  const currencies = [...new Set([...beginning.keys(), ...sales.keys(), ...ending.keys()])].sort().map((currency) => {
    const beginningReceivablesMinor = beginning.get(currency)?.totalMinor ?? 0;
    const creditSalesMinor = sales.get(currency) ?? 0;
    const endingReceivablesMinor = ending.get(currency)?.totalMinor ?? 0;
    const endingCurrentReceivablesMinor = ending.get(currency)?.currentMinor ?? 0;
    const collectible = beginningReceivablesMinor + creditSalesMinor - endingCurrentReceivablesMinor;
    const collected = beginningReceivablesMinor + creditSalesMinor - endingReceivablesMinor;
    return { currency, beginningReceivablesMinor, creditSalesMinor, endingReceivablesMinor, endingCurrentReceivablesMinor, cei: collectible === 0 ? null : Math.round((collected / collectible) * 1000) / 10 };
  });
  return { from, to, currencies };
}
