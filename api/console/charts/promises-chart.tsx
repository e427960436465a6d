import type { PromisesReport } from '../../../domain/reports/promises.js';
import { countText, dayText, ratioText } from './format.js';
import { HorizontalBars } from './horizontal-bars.js';

const OUTCOMES = [
  { key: 'kept', label: 'Kept', colour: '#0f766e' },
  { key: 'broken', label: 'Broken', colour: '#991b1b' },
  { key: 'unresolved', label: 'Not decided', colour: '#57606a' },
] as const;

/** Promises to pay made in the period by how they ended, and the kept ratio (kept ÷ (kept + broken)). */
export function PromisesChart({ report }: { report: PromisesReport }) {
  const period = `${dayText(report.from)} to ${dayText(report.to)}`;
  if (report.made === 0) return <p class="empty no-data">No promises to pay recorded from {period}.</p>;
  const ratio = report.keptRatio === null ? 'no kept ratio yet (none kept or broken)' : `${ratioText(report.keptRatio)} kept`;
  return (
    <figure class="report-figure" data-report="promises">
      <figcaption>
        Promises to pay made from {period}: {ratio}
      </figcaption>
      <HorizontalBars
        id="promises"
        title={`Promises to pay made from ${period}`}
        description={`${countText(report.made)} made: ${countText(report.kept)} kept, ${countText(report.broken)} broken, ${countText(report.unresolved)} not decided; ${ratio}.`}
        categoryAxisTitle="Outcome"
        valueAxisTitle="Promises"
        tickText={(value) => countText(value)}
        data={{ chart: 'promises' }}
        rows={OUTCOMES.map((outcome) => ({
          label: outcome.label,
          valueText: countText(report[outcome.key]),
          segments: [{ key: outcome.key, value: report[outcome.key], colour: outcome.colour, tooltip: `${outcome.label}: ${countText(report[outcome.key])}` }],
        }))}
      />
      <table class="report-table" data-table="promises">
        <caption>Promises to pay made from {period}</caption>
        <thead>
          <tr>
            <th scope="col">Made</th>
            <th scope="col">Kept</th>
            <th scope="col">Broken</th>
            <th scope="col">Not decided</th>
            <th scope="col">Kept ratio</th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <td class="num">{countText(report.made)}</td>
            <td class="num">{countText(report.kept)}</td>
            <td class="num">{countText(report.broken)}</td>
            <td class="num">{countText(report.unresolved)}</td>
            <td class="num">{report.keptRatio === null ? 'no figure' : ratioText(report.keptRatio)}</td>
          </tr>
        </tbody>
      </table>
    </figure>
  );
}
