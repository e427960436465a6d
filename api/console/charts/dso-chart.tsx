import type { DsoReport } from '../../../domain/reports/dso.js';
import { countText, dayText, daysText, moneyText } from './format.js';
import { FigureTable } from './figure-table.js';
import { HorizontalBars } from './horizontal-bars.js';
import { BAR_COLOUR } from './palette.js';

/** Days sales outstanding: one bar per currency (a number of days, so currencies share the axis but are never added). */
export function DsoChart({ report }: { report: DsoReport }) {
  const period = `${dayText(report.from)} to ${dayText(report.asOf)}`;
  if (report.currencies.length === 0) return <p class="empty no-data">No receivables and no invoices issued from {period}.</p>;
  const dsoText = (dso: number | null) => (dso === null ? 'no figure' : daysText(dso));
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
          valueText: dsoText(entry.dso),
          segments: entry.dso === null ? [] : [{ key: 'dso', value: entry.dso, colour: BAR_COLOUR, tooltip: `${entry.currency}: ${daysText(entry.dso)}` }],
        }))}
      />
      <FigureTable
        name="dso"
        caption={`Days sales outstanding per currency, ${period}`}
        rowKey="currency"
        headings={['Currency', 'Receivables', 'Invoiced in the period', 'DSO']}
        rows={report.currencies.map((entry) => ({
          key: entry.currency,
          heading: entry.currency,
          cells: [
            { text: moneyText(entry.receivablesMinor, entry.currency), minor: entry.receivablesMinor },
            { text: moneyText(entry.creditSalesMinor, entry.currency), minor: entry.creditSalesMinor },
            { text: dsoText(entry.dso) },
          ],
        }))}
      />
    </figure>
  );
}
