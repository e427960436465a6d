// A timer storm: N cases imported at once whose one step (an email) is due at one instant; measured
// from that instant until all N are sent. Beside it, on the same server in the same run, the raw
// reference: N workflows started by the client that each open with one local activity, sleep until
// one instant and run one activity. One collection worker process (worker/main.ts, as deployed)
// and one raw worker process with the same limits; rounds interleave (ours, raw, ours, raw…).
// Each round prints where its time went (--timeline 0 skips reading the histories).
import type { BenchRun } from './support/bench.js';
import { figure } from './support/results.js';
import { sqliteNote } from './support/sqlite-pragmas.js';
import { interleavedStorms, startStormStack } from './support/storm.js';
import { buildBundles, startFleets, workerLimitsEnv } from './support/worker-processes.js';

export const run: BenchRun = async (options) => {
  const cases = options.number('cases', 200);
  const rounds = options.number('rounds', 2);
  const leadSeconds = options.number('lead', 60);
  const timeline = options.number('timeline', 1) > 0;
  const durableSqlite = options.flag('durable-sqlite');
  const limits = workerLimitsEnv(options);
  const [stack, bundles] = await Promise.all([startStormStack(durableSqlite), buildBundles()]);
  const fleets = await startFleets(stack, bundles, 1, limits).catch(async (error: unknown) => {
    await Promise.allSettled([stack.stop(), bundles.dispose()]);
    throw error;
  });
  try {
    const samples = await interleavedStorms(stack, fleets, { cases, leadSeconds, timeline }, rounds, '');
    return {
      options: { cases, rounds, leadSeconds, durableSqlite, limits },
      figures: [figure('timer storm: all due at one instant → all sent', 's', false, samples.storm.ours, samples.storm.raw), figure('creation: import begun → every case opened', 's', false, samples.creation.ours, samples.creation.raw)],
      notes: [
        ...samples.notes,
        'Ours: one bulk import, one customer per case, the email through each customer’s correspondence workflow to the local sink (no provider rate limit: SENDGRID_MAX_PER_SECOND would cap a real one), counted as outbox rows marked sent. Raw: started by the client at the import’s concurrency (32); one local activity at start, a timer, one activity that only reports to the bench.',
        `Both: one worker process each with the same limits: ${JSON.stringify(limits)} over the collection worker’s defaults (cache 50, 20 workflow tasks, 50 activities at once).`,
        sqliteNote(durableSqlite),
      ],
    };
  } finally {
    await fleets.stop();
    await Promise.allSettled([stack.stop(), bundles.dispose()]);
  }
};
