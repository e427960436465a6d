import type { CeiReport } from '../../../domain/reports/cei.js';
import { dayText, moneyText, percentText } from './format.js';
import { FigureTable } from './figure-table.js';
import { HorizontalBars } from './horizontal-bars.js';
import { BAR_COLOUR } from './palette.js';

/** The Collection Effectiveness Index: one bar per currency on a 0–100 % axis, the formula's terms in the table. */
export function CeiChart({ report }: { report: CeiReport }) {
  const period = `${dayText(report.from)} to ${dayText(report.to)}`;
  if (report.currencies.length === 0) return <p class="empty no-data">No receivables and no credit sales from {period}.</p>;
  const ceiText = (cei: number | null) => (cei === null ? 'no figure' : percentText(cei));
  return (
    <figure class="report-figure" data-report="cei">
      <figcaption>Collection Effectiveness Index, {period}</figcaption>
      <HorizontalBars
        id="cei"
        title={`Collection Effectiveness Index from ${period}`}
        description={report.currencies.map((entry) => `${entry.currency}: ${entry.cei === null ? 'no figure, nothing was collectible' : percentText(entry.cei)}`).join('; ') + '.'}
        categoryAxisTitle="Currency"
        valueAxisTitle="Collection Effectiveness Index (%)"
        max={100}
        tickText={(value) => percentText(value)}
        data={{ chart: 'cei' }}
        rows={report.currencies.map((entry) => ({
          label: entry.currency,
          valueText: ceiText(entry.cei),
          segments: entry.cei === null ? [] : [{ key: 'cei', value: entry.cei, colour: BAR_COLOUR, tooltip: `${entry.currency}: ${percentText(entry.cei)}` }],
        }))}
      />
      <p class="formula">(beginning receivables + credit sales − ending receivables) ÷ (beginning receivables + credit sales − ending current receivables) × 100</p>
      <FigureTable
        name="cei"
        caption={`Collection Effectiveness Index per currency, ${period}`}
        rowKey="currency"
        headings={['Currency', 'Beginning receivables', 'Credit sales', 'Ending receivables', 'Ending current receivables', 'CEI']}
        rows={report.currencies.map((entry) => ({
          key: entry.currency,
          heading: entry.currency,
          cells: [
            ...[entry.beginningReceivablesMinor, entry.creditSalesMinor, entry.endingReceivablesMinor, entry.endingCurrentReceivablesMinor].map((amount) => ({ text: moneyText(amount, entry.currency), minor: amount })),
            { text: ceiText(entry.cei) },
          ],
        }))}
      />
    </figure>
  );
}
