import type { DsoReport } from '../../../domain/reports/dso.js';
import { countText, dayText, daysText, moneyText } from './format.js';
import { HorizontalBars } from './horizontal-bars.js';
import { BAR_COLOUR } from './palette.js';

/** Days sales outstanding: one bar per currency (a number of days, so currencies share the axis but are never added). */
export function DsoChart({ report }: { report: DsoReport }) {
  const period = `${dayText(report.from)} to ${dayText(report.asOf)}`;
  if (report.currencies.length === 0) return <p class="empty no-data">No receivables and no invoices issued from {period}.</p>;
  return (
    <figure class="report-figure" data-report="dso">
      <figcaption>
        Days sales outstanding as of {dayText(report.asOf)} ({countText(report.days)}-day period)
      </figcaption>
      <HorizontalBars
        id="dso"
        title={`Days sales outstanding as of ${dayText(report.asOf)}`}
        description={report.currencies.map((entry) => `${entry.currency}: ${entry.dso === null ? 'no figure, nothing invoiced in the period' : daysText(entry.dso)}`).join('; ') + '.'}
        categoryAxisTitle="Currency"
        valueAxisTitle="Days sales outstanding (days)"
        tickText={(value) => countText(value)}
        data={{ chart: 'dso' }}
        rows={report.currencies.map((entry) => ({
          label: entry.currency,
          valueText: entry.dso === null ? 'no figure' : daysText(entry.dso),
          segments: entry.dso === null ? [] : [{ key: 'dso', value: entry.dso, colour: BAR_COLOUR, tooltip: `${entry.currency}: ${daysText(entry.dso)}` }],
        }))}
      />
      <table class="report-table" data-table="dso">
        <caption>Days sales outstanding per currency, {period}</caption>
        <thead>
          <tr>
            <th scope="col">Currency</th>
            <th scope="col">Receivables</th>
            <th scope="col">Invoiced in the period</th>
            <th scope="col">DSO</th>
          </tr>
        </thead>
        <tbody>
          {report.currencies.map((entry) => (
            <tr data-currency={entry.currency}>
              <th scope="row">{entry.currency}</th>
              <td class="num" data-minor={String(entry.receivablesMinor)}>
                {moneyText(entry.receivablesMinor, entry.currency)}
              </td>
              <td class="num" data-minor={String(entry.creditSalesMinor)}>
                {moneyText(entry.creditSalesMinor, entry.currency)}
              </td>
              <td class="num">{entry.dso === null ? 'no figure' : daysText(entry.dso)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
