import { AgingCharts } from '../charts/aging-chart.js';
import { CeiChart } from '../charts/cei-chart.js';
import { ChannelEffectivenessChart } from '../charts/channel-chart.js';
import { CollectionsWeeklyCharts } from '../charts/collections-chart.js';
import { DsoChart } from '../charts/dso-chart.js';
import { dayText } from '../charts/format.js';
import { PromisesChart } from '../charts/promises-chart.js';
import type { FieldError } from '../../validation.js';
import { COLLECTED_WEEKS, type ConsoleReports, DSO_DAYS } from './data.js';
import type { ReportsForm } from './query.js';

export const FIELD_LABELS: Record<keyof ReportsForm, string> = { asOf: 'As of', from: 'Period from', to: 'Period to' };

const HINTS: Record<keyof ReportsForm, string> = {
  asOf: 'Aging, DSO and collected per week, at the end of this day (UTC). Empty: today.',
  from: 'CEI, promises and channels: first day. Empty: 89 days before “Period to”.',
  to: 'Last day, included. Empty: today.',
};

const customerHref = (customerId: string) => `/console/customers/${encodeURIComponent(customerId)}`;

/** The period form (GET, so no CSRF token): each field with its hint and, when refused, its error. */
export function ReportsPeriodForm({ form, errors }: { form: ReportsForm; errors: readonly FieldError[] }) {
  const errorOf = (field: keyof ReportsForm) => errors.find((error) => error.field === field);
  return (
    <>
      {errors.length > 0 && (
        <div class="errors" role="alert" id="report-errors">
          <p>The reports could not be read for these days:</p>
          <ul>
            {errors.map((error) => (
              <li>
                <a href={`#${error.field}`}>
                  {FIELD_LABELS[error.field as keyof ReportsForm] ?? error.field} ({error.field}): {error.message}
                </a>
              </li>
            ))}
          </ul>
        </div>
      )}
      <form method="get" action="/console/reports" class="report-period" aria-label="Report days">
        {(['asOf', 'from', 'to'] as const).map((field) => {
          const error = errorOf(field);
          return (
            <div class="field">
              <label for={field}>{FIELD_LABELS[field]}</label>
              <input id={field} name={field} type="date" value={form[field]} aria-invalid={error ? 'true' : undefined} aria-describedby={error ? `${field}-error ${field}-hint` : `${field}-hint`} />
              <p class="hint" id={`${field}-hint`}>
                {HINTS[field]}
              </p>
              {error && (
                <p class="field-error" id={`${field}-error`} data-field={field}>
                  {FIELD_LABELS[field]} ({field}): {error.message}
                </p>
              )}
            </div>
          );
        })}
        <div class="actions">
          <button type="submit">Show reports</button>
        </div>
      </form>
    </>
  );
}

/** Every report of the page, each in its section with what it means. */
export function ReportsSections({ reports }: { reports: ConsoleReports }) {
  const { aging, dso, cei, collected, promises, channels } = reports;
  const period = `${dayText(cei.from)} to ${dayText(cei.to)}`;
  return (
    <>
      <section class="report-section" aria-labelledby="aging-heading">
        <h2 id="aging-heading">Aging</h2>
        <p>
          What was owed at the end of {dayText(aging.asOf)}, by days past due, per customer and in total. Each currency has its own chart and table: amounts in different currencies are
          never added.
        </p>
        <p>
          <a class="download" href={`/console/reports/aging.csv?asOf=${aging.asOf}`} download={`aging-${aging.asOf}.csv`}>
            Download the aging as CSV
          </a>
        </p>
        <AgingCharts report={aging} customerHref={customerHref} />
      </section>
      <section class="report-section" aria-labelledby="dso-heading">
        <h2 id="dso-heading">Days sales outstanding</h2>
        <p>
          Receivables at the end of {dayText(dso.asOf)} ÷ what was invoiced in the {DSO_DAYS} days ending that day × {DSO_DAYS}, per currency.
        </p>
        <DsoChart report={dso} />
      </section>
      <section class="report-section" aria-labelledby="cei-heading">
        <h2 id="cei-heading">Collection Effectiveness Index</h2>
        <p>How much of what could be collected from {period} was, per currency.</p>
        <CeiChart report={cei} />
      </section>
      <section class="report-section" aria-labelledby="collected-heading">
        <h2 id="collected-heading">Collected per week</h2>
        <p>
          Payments received per week (Monday to Sunday, UTC), the {COLLECTED_WEEKS} weeks up to {dayText(collected.asOf)}.
        </p>
        <CollectionsWeeklyCharts report={collected} />
      </section>
      <section class="report-section" aria-labelledby="promises-heading">
        <h2 id="promises-heading">Promises to pay</h2>
        <p>Promises recorded from {period} and how each had ended by its last day; the kept ratio is kept ÷ (kept + broken).</p>
        <PromisesChart report={promises} />
      </section>
      <section class="report-section" aria-labelledby="channels-heading">
        <h2 id="channels-heading">Which channel is followed by payment</h2>
        <p>
          Messages sent from {period}, and how many were followed by a payment on the same invoice within {channels.windowDays} days. It shows what came before a payment, not what
          caused it.
        </p>
        <ChannelEffectivenessChart report={channels} />
      </section>
    </>
  );
}
