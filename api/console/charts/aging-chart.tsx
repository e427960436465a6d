import type { AgingReport, CurrencyAging } from '../../../domain/reports/aging.js';
import { countText, dayText, moneyText, tickMoneyText } from './format.js';
import { HorizontalBars } from './horizontal-bars.js';
import { AGING_BUCKETS } from './palette.js';

/** The chart draws the total and this many of the largest customers; the table lists them all. */
export const AGING_CHART_CUSTOMERS = 10;

export interface AgingChartsProps {
  readonly report: AgingReport;
  /** Where a customer's name links to. */
  readonly customerHref: (customerId: string) => string;
}

/** The aging report: per currency, stacked bars by bucket (all customers, then the largest ones) and the full per-customer table. */
export function AgingCharts({ report, customerHref }: AgingChartsProps) {
  if (report.currencies.length === 0) return <p class="empty no-data">No open balances as of {dayText(report.asOf)}: there is nothing to age.</p>;
  return <>{report.currencies.map((aging) => <AgingFigure aging={aging} asOf={report.asOf} customerHref={customerHref} />)}</>;
}

function AgingFigure({ aging, asOf, customerHref }: { aging: CurrencyAging; asOf: string; customerHref: (customerId: string) => string }) {
  const { currency, total, customers } = aging;
  const money = (amount: number) => moneyText(amount, currency);
  const shown = customers.slice(0, AGING_CHART_CUSTOMERS);
  const rows = [{ label: 'All customers', buckets: total, emphasised: true }, ...shown.map((customer) => ({ label: customer.customerName, buckets: customer, emphasised: false }))];
  const split = AGING_BUCKETS.map((bucket) => `${bucket.label.toLowerCase()} ${money(total[bucket.key])}`).join(', ');
  const which = customers.length > shown.length ? `The ${shown.length} largest of ${customers.length} customers are drawn; the table lists all.` : `${customers.length} ${customers.length === 1 ? 'customer' : 'customers'}.`;
  const invoices = customers.reduce((sum, customer) => sum + customer.invoices, 0);
  return (
    <figure class="report-figure" data-report="aging" data-currency={currency}>
      <figcaption>
        Aging in {currency} as of {dayText(asOf)}: {money(total.totalMinor)} open
      </figcaption>
      <HorizontalBars
        id={`aging-${currency}`}
        title={`Aging in ${currency} as of ${dayText(asOf)}`}
        description={`Open balances by days past due. All customers: ${money(total.totalMinor)} (${split}). ${which}`}
        categoryAxisTitle="Customer"
        valueAxisTitle={`Open balance (${currency})`}
        tickText={(value) => tickMoneyText(value, currency)}
        legend={AGING_BUCKETS}
        data={{ chart: 'aging', currency }}
        rows={rows.map(({ label, buckets, emphasised }) => ({
          label,
          emphasised,
          valueText: money(buckets.totalMinor),
          segments: AGING_BUCKETS.map((bucket) => ({ key: bucket.key, value: buckets[bucket.key], colour: bucket.colour, tooltip: `${label}, ${bucket.label.toLowerCase()}: ${money(buckets[bucket.key])}` })),
        }))}
      />
      <table class="report-table" data-table="aging" data-currency={currency}>
        <caption>
          Aging in {currency} per customer as of {dayText(asOf)}
        </caption>
        <thead>
          <tr>
            <th scope="col">Customer</th>
            <th scope="col">Invoices</th>
            {AGING_BUCKETS.map((bucket) => (
              <th scope="col">{bucket.label}</th>
            ))}
            <th scope="col">Total</th>
          </tr>
        </thead>
        <tbody>
          {customers.map((customer) => (
            <tr data-customer-id={customer.customerId}>
              <th scope="row">
                <a href={customerHref(customer.customerId)}>{customer.customerName}</a>
              </th>
              <td class="num">{countText(customer.invoices)}</td>
              {AGING_BUCKETS.map((bucket) => (
                <td class="num" data-key={bucket.key} data-minor={String(customer[bucket.key])}>
                  {money(customer[bucket.key])}
                </td>
              ))}
              <td class="num" data-key="totalMinor" data-minor={String(customer.totalMinor)}>
                {money(customer.totalMinor)}
              </td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr data-total={currency}>
            <th scope="row">All customers</th>
            <td class="num">{countText(invoices)}</td>
            {AGING_BUCKETS.map((bucket) => (
              <td class="num" data-key={bucket.key} data-minor={String(total[bucket.key])}>
                {money(total[bucket.key])}
              </td>
            ))}
            <td class="num" data-key="totalMinor" data-minor={String(total.totalMinor)}>
              {money(total.totalMinor)}
            </td>
          </tr>
        </tfoot>
      </table>
    </figure>
  );
}
