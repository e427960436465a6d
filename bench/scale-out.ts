// Scale-out: one dev server, 1, 2 and 4 collection worker processes (worker/main.ts, as deployed),
// beside as many raw reference worker processes. For each count, interleaved rounds of (a) creation:
// a bulk import of N cases until every case has run its opening task, beside N raw workflows started
// by the client until each ran its first task; and (b) the timer storm: the same N cases' one step
// due at one instant until all sent, beside the raw workflows' timers + one activity. Prints per
// count ours, raw, their ratio and the speed-up over one worker.
import type { BenchRun } from './support/bench.js';
import { type Figure, figure } from './support/results.js';
import { sqliteNote } from './support/sqlite-pragmas.js';
import { interleavedStorms, startStormStack } from './support/storm.js';
import { buildBundles, startFleets, workerLimitsEnv } from './support/worker-processes.js';

/** 1, 2, 4… up to `max`. */
function workerCounts(max: number): number[] {
  const counts: number[] = [];
  for (let count = 1; count <= max; count *= 2) counts.push(count);
  return counts;
}

function speedUpTable(counts: readonly number[], figures: readonly Figure[], what: string): string[] {
  const of = (count: number) => figures.find((f) => f.label === `${what}, ${count} worker${count > 1 ? 's' : ''}`)!;
  const one = of(1);
  return [
    `${what} (s, medians; speed-up = the median with 1 worker / this one):`,
    '  workers   ours     raw   ours/raw   ours speed-up   raw speed-up',
    ...counts.map((count) => {
      const f = of(count);
      return `  ${String(count).padStart(7)} ${f.ours.median.toFixed(1).padStart(6)} ${f.raw.median.toFixed(1).padStart(7)} ${f.ratio.toFixed(2).padStart(9)}× ${(one.ours.median / f.ours.median).toFixed(2).padStart(14)}× ${(one.raw.median / f.raw.median).toFixed(2).padStart(13)}×`;
    }),
  ];
}

export const run: BenchRun = async (options) => {
  const cases = options.number('cases', 100);
  const rounds = options.number('rounds', 2);
  const leadSeconds = options.number('lead', 40);
  const counts = workerCounts(options.number('max-workers', 4));
  const timeline = options.number('timeline', 0) > 0;
  const durableSqlite = options.flag('durable-sqlite');
  const limits = workerLimitsEnv(options);
  const storm = { cases, leadSeconds, timeline };
  const [stack, bundles] = await Promise.all([startStormStack(durableSqlite), buildBundles()]);
  const figures: Figure[] = [];
  const notes: string[] = [];
  try {
    for (const count of counts) {
      const fleets = await startFleets(stack, bundles, count, limits);
      try {
        const samples = await interleavedStorms(stack, fleets, storm, rounds, `${count} worker(s), `);
        notes.push(...samples.notes);
        const workers = `${count} worker${count > 1 ? 's' : ''}`;
        figures.push(figure(`creation, ${workers}`, 's', false, samples.creation.ours, samples.creation.raw), figure(`timer storm, ${workers}`, 's', false, samples.storm.ours, samples.storm.raw));
      } finally {
        await fleets.stop();
      }
    }
    const tables = [...speedUpTable(counts, figures, 'creation'), ...speedUpTable(counts, figures, 'timer storm')];
    console.log(`\n${tables.join('\n')}`);
    notes.push(`Each count: that many collection worker processes (worker/main.ts, DATABASE_POOL_SIZE=5 (the API 10), limits ${JSON.stringify(limits)} over the defaults) and as many raw worker processes (same limits), all on one dev server, one API process, one PostgreSQL; ${cases} cases of ${cases} customers per round.`);
    notes.push(sqliteNote(durableSqlite));
    return { options: { cases, rounds, leadSeconds, counts, durableSqlite, limits }, figures, notes };
  } finally {
    await Promise.allSettled([stack.stop(), bundles.dispose()]);
  }
};
