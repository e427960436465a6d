import type { CollectionsWeeklyReport, CurrencyCollections } from '../../../domain/reports/collections-weekly.js';
import { countText, dayText, moneyText, shortDayText, tickMoneyText } from './format.js';
import { VerticalBars } from './vertical-bars.js';

/** Money collected per ISO week: one column chart and table per currency. */
export function CollectionsWeeklyCharts({ report }: { report: CollectionsWeeklyReport }) {
  if (report.currencies.length === 0) return <p class="empty no-data">No payments received from {dayText(report.from)} to {dayText(report.asOf)}.</p>;
  return <>{report.currencies.map((collections) => <CollectionsFigure collections={collections} report={report} />)}</>;
}

function CollectionsFigure({ collections, report }: { collections: CurrencyCollections; report: CollectionsWeeklyReport }) {
  const { currency, weeks, totalMinor } = collections;
  const money = (amount: number) => moneyText(amount, currency);
  const payments = weeks.reduce((sum, week) => sum + week.payments, 0);
  const best = weeks.reduce((top, week) => (week.collectedMinor > top.collectedMinor ? week : top), weeks[0]!);
  return (
    <figure class="report-figure" data-report="collections-weekly" data-currency={currency}>
      <figcaption>
        Collected in {currency} per week, {dayText(report.from)} to {dayText(report.asOf)}: {money(totalMinor)}
      </figcaption>
      <VerticalBars
        id={`collected-${currency}`}
        title={`Collected in ${currency} per week from ${dayText(report.from)} to ${dayText(report.asOf)}`}
        description={`${money(totalMinor)} in ${countText(payments)} ${payments === 1 ? 'payment' : 'payments'} over ${weeks.length} weeks; the most in the week of ${dayText(best.weekStart)}: ${money(best.collectedMinor)}.`}
        categoryAxisTitle="Week starting (Monday, UTC)"
        valueAxisTitle={`Collected (${currency})`}
        tickText={(value) => tickMoneyText(value, currency)}
        data={{ chart: 'collections-weekly', currency }}
        columns={weeks.map((week) => ({ label: shortDayText(week.weekStart), value: week.collectedMinor, tooltip: `Week of ${dayText(week.weekStart)}: ${money(week.collectedMinor)}` }))}
      />
      <table class="report-table" data-table="collections-weekly" data-currency={currency}>
        <caption>Collected in {currency} per week</caption>
        <thead>
          <tr>
            <th scope="col">Week starting</th>
            <th scope="col">Payments</th>
            <th scope="col">Collected</th>
          </tr>
        </thead>
        <tbody>
          {weeks.map((week) => (
            <tr>
              <th scope="row">{dayText(week.weekStart)}</th>
              <td class="num">{countText(week.payments)}</td>
              <td class="num" data-minor={String(week.collectedMinor)}>
                {money(week.collectedMinor)}
              </td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">Total</th>
            <td class="num">{countText(payments)}</td>
            <td class="num" data-minor={String(totalMinor)}>
              {money(totalMinor)}
            </td>
          </tr>
        </tfoot>
      </table>
    </figure>
  );
}
