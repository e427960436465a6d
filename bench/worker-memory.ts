// Worker memory with sleeping cases: the RSS of our worker process with the configured cache
// beside a raw-Temporal worker process with the same cache and task limits (bench/raw-sleep-
// workflows.ts), at each number of sleeping workflows (--levels, default 0,1000,5000,20000), and the
// wake-up latency (update sent → answered) of an evicted and of a cached workflow on each side.
// And our worker with the SDK's heap-sized default cache, up to --sdk-default-up-to (1,000)
// cases (3 GB there; beyond, it swamps the machine). Numbers are printed, never asserted.
import { type ChildProcess, fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode } from '@temporalio/worker';
import { failureConverterPath } from '../codec/data-converter.js';
import { defaultWorkerLimits, workerHeapLimitMb, workflowInterceptorModules, workflowsPath } from '../worker/create-worker.js';
import { collectionWorkflowId, collectionWorkflowType, recordPaymentUpdate } from '../workflows/definitions.js';
import { caseInput, secondScalePolicy } from '../test/support/fixtures.js';
import type { BenchRun } from './support/bench.js';
import { inParallel } from './support/invoices.js';
import type { WorkerMemory } from './support/memory-worker.js';
import { type Figure, figure, machineNow } from './support/results.js';
import { startStack, type Stack } from './support/stack.js';
import { pokeUpdate } from './raw-sleep-workflows.js';

const MiB = 1024 * 1024;
const sleepFor = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
// Cases that sleep: the first step is a month away, so each case runs its opening task and waits.
const sleepingPolicy = secondScalePolicy({ steps: [{ id: 'reminder', offset: 'P30D', actions: [{ type: 'email', template: 'overdue_notice' }] }] });
const silentLogger = { trace() {}, debug() {}, info() {}, log() {}, warn() {}, error: console.error };

/** A worker process of bench/support/memory-worker.ts and the workflows it was given. */
interface Side {
  readonly name: string;
  readonly process: ChildProcess;
  readonly taskQueue: string;
  /** Workflow ids, oldest first. */
  readonly started: string[];
  /** How many of them ran their first task. */
  openedCount(): Promise<number>;
  /** Starts `count` more sleeping workflows. */
  open(count: number): Promise<void>;
  /** Sends an update to a workflow and waits for its answer. */
  wake(workflowId: string): Promise<void>;
}

/** Asks a worker process one question on its IPC channel; questions to one process never overlap. */
async function ask<T>(child: ChildProcess, question: string): Promise<T> {
  child.send(question);
  const [answer] = (await once(child, 'message')) as [T];
  return answer;
}

/** How a worker process is started: the same on both sides. */
interface WorkerProcess {
  readonly bundlePath: string;
  /** Node's --max-old-space-size for the process, which also caps its workflow thread's heap; 0: Node's default. */
  readonly oldSpaceMb: number;
}

async function forkWorker(stack: Stack, kind: 'ours' | 'raw', cache: string, taskQueue: string, { bundlePath, oldSpaceMb }: WorkerProcess): Promise<ChildProcess> {
  const child = fork(fileURLToPath(new URL('./support/memory-worker.ts', import.meta.url)), {
    execArgv: ['--import', 'tsx', '--expose-gc', ...(oldSpaceMb ? [`--max-old-space-size=${oldSpaceMb}`] : [])],
    env: { ...process.env, WORKER_KIND: kind, CACHE: cache, TEMPORAL_ADDRESS: stack.temporalAddress, TEMPORAL_NAMESPACE: stack.namespace, TEMPORAL_TASK_QUEUE: taskQueue, DATABASE_URL: stack.databaseUrl, WORKFLOW_BUNDLE_PATH: bundlePath, PAYLOAD_ENCRYPTION_KEYS: stack.payloadEncryptionKeys },
  });
  const [message] = (await once(child, 'message')) as [unknown];
  if (message !== 'ready') throw new Error(`the ${kind} worker said ${JSON.stringify(message)}`);
  return child;
}

async function stopWorker(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.disconnect();
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  await exited;
  clearTimeout(timer);
}

/** Our side: real collection workflows, their invoice rows inserted in one statement per level. */
async function oursSide(stack: Stack, name: string, cache: string, worker: WorkerProcess, concurrency: number): Promise<Side> {
  const taskQueue = `bench-memory-${randomUUID()}`;
  const customer = await stack.prisma.customer.create({
    data: { source: 'bench-erp', externalId: `MEM-${randomUUID()}`, name: 'Müller Großhandel GmbH', billingEmail: 'ap@mueller-grosshandel.example', phone: '+4930123456', addressLine1: 'Hauptstraße 1', city: 'Berlin', postalCode: '10115', country: 'DE', timezone: 'Europe/Berlin', locale: 'de-DE' },
  });
  const child = await forkWorker(stack, 'ours', cache, taskQueue, worker);
  const started: string[] = [];
  return {
    name,
    process: child,
    taskQueue,
    started,
    async openedCount() {
      const [row] = await stack.prisma.$queryRaw<{ opened: bigint }[]>`
        SELECT count(*) AS opened FROM collection_events e JOIN invoices i ON i.id = e.invoice_id
        WHERE e.kind = 'case_opened' AND i.customer_id = ${customer.id}::uuid`;
      return Number(row!.opened);
    },
    async open(count) {
      if (count === 0) return;
      const batch = randomUUID().slice(0, 8);
      const invoices = await stack.prisma.$queryRaw<{ id: string; number: string; amountMinor: bigint; balanceMinor: bigint; currency: string; dueDate: Date; paymentLink: string }[]>`
        INSERT INTO invoices (source, external_id, number, customer_id, issue_date, due_date, amount_minor, balance_minor, currency, payment_link)
        SELECT 'bench-erp', 'MEM-' || ${batch} || '-' || g, 'N-' || ${batch} || '-' || g, ${customer.id}::uuid, current_date - 60, current_date - 30, 125000, 125000, 'EUR', 'https://pay.example/' || ${batch} || '-' || g
        FROM generate_series(1, ${count}::int) g
        RETURNING id, number, amount_minor AS "amountMinor", balance_minor AS "balanceMinor", currency, due_date AS "dueDate", payment_link AS "paymentLink"`;
      await inParallel(invoices, concurrency, async (invoice) => {
        const workflowId = collectionWorkflowId(invoice.id);
        await stack.client.workflow.start(collectionWorkflowType, { workflowId, taskQueue, args: [caseInput({ customer, invoice }, sleepingPolicy)] });
        started.push(workflowId);
      });
    },
    async wake(workflowId) {
      await stack.client.workflow.getHandle(workflowId).executeUpdate(recordPaymentUpdate, {
        args: [{ paymentId: `bench-${randomUUID()}`, amountMinor: 1, currency: 'EUR', method: 'bank_transfer', receivedAt: new Date().toISOString(), actor: 'bench' }],
      });
    },
  };
}

/** The raw side: trivial workflows that run one local activity and sleep a month. */
async function rawSide(stack: Stack, cache: string, worker: WorkerProcess, concurrency: number): Promise<Side> {
  const taskQueue = `bench-memory-raw-${randomUUID()}`;
  const child = await forkWorker(stack, 'raw', cache, taskQueue, worker);
  const started: string[] = [];
  return {
    name: 'raw',
    process: child,
    taskQueue,
    started,
    openedCount: async () => (await ask<{ opened: number }>(child, 'opened')).opened,
    async open(count) {
      await inParallel(Array.from({ length: count }, () => `bench-sleep-${randomUUID()}`), concurrency, async (workflowId) => {
        await stack.client.workflow.start('sleepingWorkflow', { workflowId, taskQueue });
        started.push(workflowId);
      });
    },
    async wake(workflowId) {
      await stack.client.workflow.getHandle(workflowId).executeUpdate(pokeUpdate, { args: [1] });
    },
  };
}

async function untilAllOpened(side: Side, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await side.openedCount()) < side.started.length) {
    if (Date.now() > deadline) throw new Error(`${side.name}: only ${await side.openedCount()} of ${side.started.length} workflows ran their first task within ${timeoutMs / 1000} s`);
    await sleepFor(2_000);
  }
}

const mib = (bytes: number | undefined) => (bytes === undefined ? '-' : `${(bytes / MiB).toFixed(0)}`);
const describeUsage = (u: WorkerMemory) => `RSS ${mib(u.rss)} MiB (heap ${mib(u.heapUsed)} of ${mib(u.heapTotal)}, after GC ${mib(u.heapUsedAfterGc)}; external ${mib(u.external)}, array buffers ${mib(u.arrayBuffers)})`;

/** RSS readings a few seconds apart (before any forced GC), then one reading with the heap after a full GC. */
async function memoryOf(side: Side, readings: number): Promise<{ rss: number[]; breakdown: WorkerMemory }> {
  const rss: number[] = [];
  for (let i = 0; i < readings; i++) {
    if (i > 0) await sleepFor(2_000);
    rss.push(process.platform === 'linux' ? await rssFromProc(side.process.pid!) : (await ask<WorkerMemory>(side.process, 'usage')).rss);
  }
  return { rss, breakdown: await ask<WorkerMemory>(side.process, 'usage') };
}

/** Read from outside, so asking does not itself run a GC in the worker. */
async function rssFromProc(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kib = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
  if (!kib) throw new Error(`no VmRSS for process ${pid}`);
  return Number(kib) * 1024;
}

async function timed(work: () => Promise<void>): Promise<number> {
  const began = performance.now();
  await work();
  return performance.now() - began;
}

export const run: BenchRun = async (options) => {
  const levels = options.numbers('levels', [0, 1_000, 5_000, 20_000]);
  const cache = options.number('cache', defaultWorkerLimits.maxCachedWorkflows);
  const sdkDefaultUpTo = options.number('sdk-default-up-to', 1_000);
  const concurrency = options.number('concurrency', 64);
  const samples = options.number('samples', 5);
  const readings = options.number('readings', 3);
  const oldSpaceMb = options.number('old-space-mb', workerHeapLimitMb);
  const stack = await startStack({ temporalInMemory: !options.flag('temporal-on-disk') });
  const bundleDir = await mkdtemp(join(tmpdir(), 'bench-bundle-'));
  const sides: Side[] = [];
  const figures: Figure[] = [];
  const notes: string[] = [];
  try {
    const [ours, raw] = await Promise.all([
      bundleWorkflowCode({ workflowsPath, workflowInterceptorModules, failureConverterPath, logger: silentLogger }),
      bundleWorkflowCode({ workflowsPath: fileURLToPath(new URL('./raw-sleep-workflows.ts', import.meta.url)), failureConverterPath, logger: silentLogger }),
    ]);
    const oursBundle = join(bundleDir, 'ours.js');
    const rawBundle = join(bundleDir, 'raw.js');
    await Promise.all([writeFile(oursBundle, ours.code), writeFile(rawBundle, raw.code)]);
    const oursCache = await oursSide(stack, `ours (cache ${cache})`, String(cache), { bundlePath: oursBundle, oldSpaceMb }, concurrency);
    const rawCache = await rawSide(stack, String(cache), { bundlePath: rawBundle, oldSpaceMb }, concurrency);
    sides.push(oursCache, rawCache);
    let sdkDefault = sdkDefaultUpTo > 0 ? await oursSide(stack, 'ours (SDK default cache)', 'sdk-default', { bundlePath: oursBundle, oldSpaceMb: 0 }, concurrency) : undefined;
    if (sdkDefault) sides.push(sdkDefault);
    console.log(`levels ${levels.join(' / ')}; cache ${cache}${oldSpaceMb ? ` and --max-old-space-size=${oldSpaceMb}` : ''} on both sides${sdkDefault ? `; ours with the SDK default cache up to ${sdkDefaultUpTo} cases` : ''}; starts at concurrency ${concurrency}`);

    let wokenOldest = 0;
    for (const level of levels) {
      const opening = [oursCache, rawCache, ...(sdkDefault && level <= sdkDefaultUpTo ? [sdkDefault] : [])];
      const began = performance.now();
      // All sides open at once, so each sees the same server load.
      await Promise.all(opening.map(async (side) => {
        await side.open(Math.max(0, level - side.started.length));
        const startedIn = (performance.now() - began) / 1000;
        await untilAllOpened(side, 3_600_000);
        console.log(`${String(level).padStart(6)} sleeping  ${side.name.padEnd(26)} started in ${startedIn.toFixed(0)} s, all opened in ${((performance.now() - began) / 1000).toFixed(0)} s`);
      }));
      const openedIn = (performance.now() - began) / 1000;
      await sleepFor(5_000);
      const memory = new Map<Side, Awaited<ReturnType<typeof memoryOf>>>();
      for (const side of opening) memory.set(side, await memoryOf(side, readings));
      const load = machineNow().uptime;
      for (const side of opening) console.log(`${String(level).padStart(6)} sleeping  ${side.name.padEnd(26)} ${describeUsage(memory.get(side)!.breakdown)}`);
      console.log(`        opened in ${openedIn.toFixed(0)} s; ${load}`);
      notes.push(`${level} cases (opened in ${openedIn.toFixed(0)} s; ${load}): ${opening.map((side) => `${side.name} ${describeUsage(memory.get(side)!.breakdown)}`).join('; ')}`);
      figures.push(figure(`worker RSS at ${level} sleeping cases (cache ${cache})`, 'MiB', false, memory.get(oursCache)!.rss.map((b) => b / MiB), memory.get(rawCache)!.rss.map((b) => b / MiB)));

      if (sdkDefault && level >= Math.max(...levels.filter((l) => l <= sdkDefaultUpTo))) {
        await stopWorker(sdkDefault.process);
        sdkDefault = undefined;
      }
      // Evicted: the oldest cases not woken yet (a cache of `cache` dropped them long ago); cached: the newest.
      if (level < cache + 2 * samples + wokenOldest) continue;
      const wake = { oursEvicted: [] as number[], rawEvicted: [] as number[], oursCached: [] as number[], rawCached: [] as number[] };
      for (let i = 0; i < samples; i++) {
        wake.oursEvicted.push(await timed(() => oursCache.wake(oursCache.started[wokenOldest + i]!)));
        wake.rawEvicted.push(await timed(() => rawCache.wake(rawCache.started[wokenOldest + i]!)));
        wake.oursCached.push(await timed(() => oursCache.wake(oursCache.started.at(-1 - i)!)));
        wake.rawCached.push(await timed(() => rawCache.wake(rawCache.started.at(-1 - i)!)));
      }
      wokenOldest += samples;
      figures.push(figure(`wake-up of an evicted case at ${level} cases (update sent → answered)`, 'ms', false, wake.oursEvicted, wake.rawEvicted));
      figures.push(figure(`wake-up of a cached case at ${level} cases (update sent → answered)`, 'ms', false, wake.oursCached, wake.rawCached));
    }
    notes.push(`Ours: collection workflows (first step a month away) on one worker process with the configured limits (cache ${cache}, ${defaultWorkerLimits.maxConcurrentWorkflowTasks} workflow tasks) and the case, commands and delivery workers; each ran its opening task (case_opened in PostgreSQL). Raw: a workflow that runs one local activity and sleeps a month, on a worker process with the same cache and workflow-task limits. Wake-up: ours a payment update (recordPayment), raw a trivial update. RSS read from /proc, ${readings} readings 2 s apart.`);
    return { options: { levels, cache, oldSpaceMb, sdkDefaultUpTo, concurrency, samples, readings, temporalInMemory: !options.flag('temporal-on-disk') }, figures, notes };
  } finally {
    await Promise.allSettled(sides.map((side) => stopWorker(side.process)));
    await rm(bundleDir, { recursive: true, force: true });
    await stack.stop();
  }
};
