import { minorUnitDigits } from '../money.js';
import type { AgingBuckets, AgingReport } from './aging.js';

/** Minor units as a decimal in major units, exactly (no floats): 123456 EUR → "1234.56", 1500 JPY → "1500". */
export function majorUnits(amountMinor: number, currency: string): string {
  const digits = minorUnitDigits(currency);
  const sign = amountMinor < 0 ? '-' : '';
  const text = String(Math.abs(amountMinor)).padStart(digits + 1, '0');
  return digits === 0 ? `${sign}${text}` : `${sign}${text.slice(0, -digits)}.${text.slice(-digits)}`;
}

/** RFC 4180 quoting, and a leading =, +, - or @ defused so a spreadsheet never runs a customer's name as a formula. */
function field(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

const BUCKETS = ['currentMinor', 'days1to30Minor', 'days31to60Minor', 'days61to90Minor', 'over90Minor', 'totalMinor'] as const satisfies readonly (keyof AgingBuckets)[];
export const AGING_CSV_HEADER = ['as_of', 'currency', 'customer_id', 'customer_name', 'invoices', 'current', 'days_1_30', 'days_31_60', 'days_61_90', 'over_90', 'total'];

/**
 * The aging report as CSV: one row per customer and currency, then a TOTAL row per currency
 * (customer_id empty). Amounts in major units of their currency, so a row never mixes currencies.
 */
export function agingCsv(report: AgingReport): string {
  const rows = [AGING_CSV_HEADER];
  for (const { currency, total, customers } of report.currencies) {
    for (const customer of customers) {
      rows.push([report.asOf, currency, customer.customerId, customer.customerName, String(customer.invoices), ...BUCKETS.map((bucket) => majorUnits(customer[bucket], currency))]);
    }
    const invoices = customers.reduce((sum, customer) => sum + customer.invoices, 0);
    rows.push([report.asOf, currency, '', 'TOTAL', String(invoices), ...BUCKETS.map((bucket) => majorUnits(total[bucket], currency))]);
  }
  return rows.map((row) => row.map(field).join(',')).join('\r\n') + '\r\n';
}
