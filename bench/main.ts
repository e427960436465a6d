// One entry for every bench: `npm run bench -- <name> [options]`; without a name, the list.
// The benches beside a raw-Temporal reference print min / median / max of each side, the ratio of
// medians, and write bench/results/<name>-<time>.json; `--compare <file>` prints the change.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { type BenchRun, parseOptions } from './support/bench.js';
import { machineNow, printComparison, printFigure, saveResult } from './support/results.js';

interface Measured {
  readonly describe: string;
  readonly usage: string;
  readonly load: () => Promise<{ run: BenchRun }>;
}
/** The benches that were scripts of their own: run as they are, arguments passed through. */
interface Script {
  readonly describe: string;
  readonly usage: string;
  readonly script: string;
}

const benches: Record<string, Measured | Script> = {
  create: { describe: 'POST /v1/invoices (with and without Idempotency-Key) and bulk import vs client.workflow.start', usage: '[--n 200] [--concurrency 32] [--rounds 6] [--bulk 2000] [--bulk-rounds 2]', load: () => import('./create.js') },
  payment: { describe: 'a payment through the API (answer, query closed, row paid) vs executeUpdate of the same update', usage: '[--cases 20]', load: () => import('./payment.js') },
  backlog: { describe: 'payments through the API while a bulk import’s sends to a slow, refusing SendGrid are queued (answer, closed, row paid) vs a deployment with no backlog and a raw shared queue', usage: '[--sends 2000] [--payments 10] [--raw-payments 3] [--send-ms 30000] [--refuse-every 3] [--refuse-status 429] [--raw-wait 30] [--max-wait 900] [--priority-off]', load: () => import('./backlog.js') },
  'timer-storm': { describe: 'N cases imported at once whose one step is due at one instant → all sent (and where the time went), vs N raw timers each running one activity', usage: '[--cases 200] [--rounds 2] [--lead 60] [--cache N] [--workflow-tasks N] [--timeline 0] [--durable-sqlite]', load: () => import('./timer-storm.js') },
  'scale-out': { describe: 'creation and the timer storm with 1, 2, 4 worker processes on one server, vs as many raw worker processes', usage: '[--cases 100] [--rounds 2] [--lead 40] [--max-workers 4] [--cache N] [--workflow-tasks N] [--timeline 1] [--durable-sqlite]', load: () => import('./scale-out.js') },
  schedule: { describe: 'the pure schedule decision (µs per call)', usage: '', script: 'schedule.ts' },
  'worker-memory': { describe: 'worker RSS at 0 / 1k / 5k / 20k sleeping cases and wake-up of an evicted vs a cached case, vs a raw worker with the same cache', usage: '[--levels 0,1000,5000,20000] [--cache 50] [--old-space-mb 256] [--sdk-default-up-to 1000] [--concurrency 64] [--samples 5] [--temporal-on-disk]', load: () => import('./worker-memory.js') },
  'history-events': { describe: 'history events per ladder step of the default policy (by type) vs a raw timer + activity ladder', usage: '[rounds, default 3]', script: 'history-events.ts' },
  correspondence: { describe: 'request → answer through a customer’s correspondence vs a bare signal round trip (BENCH_CASES)', usage: '', script: 'correspondence.ts' },
};

const [name, ...args] = process.argv.slice(2);
const bench = name ? benches[name] : undefined;
if (!bench) {
  if (name) console.error(`no bench "${name}"`);
  console.log('npm run bench -- <name> [options] [--compare bench/results/<file>.json]\n');
  for (const [key, b] of Object.entries(benches)) console.log(`  ${key.padEnd(14)} ${b.describe}${b.usage ? `\n  ${''.padEnd(14)} ${b.usage}` : ''}`);
  process.exit(name ? 64 : 0);
}

if ('script' in bench) {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL(bench.script, import.meta.url)), ...args], { stdio: 'inherit' });
  const [code] = (await once(child, 'exit')) as [number | null];
  process.exit(code ?? 1);
} else {
  const options = parseOptions(args);
  const startedAt = new Date().toISOString();
  const before = machineNow();
  console.log(`${name}: ${bench.describe}\nnode ${process.version}; machine before: ${before.uptime}`);
  const { run } = await bench.load();
  const outcome = await run(options);
  console.log('');
  for (const f of outcome.figures) printFigure(f);
  for (const note of outcome.notes) console.log(`note: ${note}`);
  await saveResult({ bench: name!, startedAt, options: outcome.options, figures: outcome.figures, notes: outcome.notes, loadBefore: before.load });
  if (options.compare) await printComparison(outcome.figures, options.compare);
  process.exit(0);
}
