// One round of a timer storm, ours or raw, as the timer-storm and scale-out benches run it:
// N cases imported at once whose one step falls on one instant `lead` seconds ahead. Measured:
// creation (from the import's start until every case has run its opening task) and the storm
// (from the due instant until every case's message is sent), and, on request, where the storm's
// time went (storm-timeline.ts).
import { randomUUID } from 'node:crypto';
import { dueDateAnchor, stepDueAt } from '../../domain/schedule.js';
import { isoDay } from '../../test/support/clock.js';
import { secondScalePolicy } from '../../test/support/fixtures.js';
import { correspondenceWorkflowId, deliveryOutcomeSignal } from '../../workflows/correspondence-definitions.js';
import { collectionWorkflowId } from '../../workflows/definitions.js';
import { inParallel, invoiceBody } from './invoices.js';
import { cpuSeconds } from './process-cpu.js';
import { interleaved } from './results.js';
import { benchSqlitePragmas } from './sqlite-pragmas.js';
import { type Stack, startStack } from './stack.js';
import { byLocalActivity, bySignal, formatTimeline, type Stage, type StageSummary, stormTimeline } from './storm-timeline.js';

export interface StormRound {
  /** Seconds from the import's (or the first start's) beginning until every case ran its opening task. */
  readonly creation: number;
  /** Seconds from the due instant until every message was sent (ours) or every activity ran (raw). */
  readonly storm: number;
  /** Set when creation outlasted the lead: the storm then began before every case existed. */
  readonly lateBy?: number;
  /** CPU seconds this side's worker processes used during the storm (Linux). */
  readonly workerCpu?: number;
  readonly timeline?: StageSummary[];
}

export interface StormOptions {
  readonly cases: number;
  /** CPU seconds this side's worker processes have used so far (process-cpu.ts). */
  readonly workerCpu?: () => number | undefined;
  readonly leadSeconds: number;
  /** Also read the histories and summarise where the storm's time went. */
  readonly timeline: boolean;
}

const sleepFor = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** At most the poll period is added to a side measured by polling: small next to the storms' seconds. */
const pollMs = 200;
/** Raw starts at once: the bulk import's default BULK_IMPORT_CONCURRENCY. */
const startConcurrency = 32;

/** Polls `count` until it reaches `target`; answers when (performance.now()) it did. */
async function whenReached(count: () => Promise<number> | number, target: number, timeoutMs: number, what: string): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if ((await count()) >= target) return performance.now();
    if (Date.now() > deadline) throw new Error(`${what}: only ${await count()} of ${target} within ${timeoutMs / 1000} s`);
    await sleepFor(pollMs);
  }
}

const timeoutMs = 900_000;

/** A round's figures from its moments (performance.now() ms; `lateBy` in Date ms). */
function measured(began: number, opened: number, dueAt: number, done: number, lateBy: number, cpuBefore: number | undefined, options: StormOptions): StormRound {
  const cpuAfter = options.workerCpu?.();
  return {
    creation: (opened - began) / 1000,
    storm: (done - dueAt) / 1000,
    ...(lateBy > 0 ? { lateBy: lateBy / 1000 } : {}),
    ...(cpuBefore !== undefined && cpuAfter !== undefined ? { workerCpu: cpuAfter - cpuBefore } : {}),
  };
}

const caseStages: Stage[] = [
  { label: 'case: step timer fired', eventType: 'TIMER_FIRED' },
  { label: 'case: its workflow task started', eventType: 'WORKFLOW_TASK_STARTED' },
  { label: 'case: request handed to the correspondence', eventType: 'MARKER_RECORDED', where: byLocalActivity('requestDelivery') },
];
const correspondenceStages: Stage[] = [
  { label: 'correspondence: started (signal-with-start)', eventType: 'WORKFLOW_EXECUTION_STARTED' },
  { label: 'correspondence: its workflow task started', eventType: 'WORKFLOW_TASK_STARTED' },
  { label: 'correspondence: delivery scheduled', eventType: 'ACTIVITY_TASK_SCHEDULED' },
  { label: 'correspondence: delivery started', eventType: 'ACTIVITY_TASK_STARTED' },
  { label: 'correspondence: delivery completed (sent)', eventType: 'ACTIVITY_TASK_COMPLETED' },
  { label: 'correspondence: answer signalled', eventType: 'SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED' },
];
const answeredStages: Stage[] = [
  { label: 'case: answer received', eventType: 'WORKFLOW_EXECUTION_SIGNALED', where: bySignal(deliveryOutcomeSignal.name) },
  // The delivery wrote the step's audit row (audit-with-the-action): the case only sets its next timer.
  { label: 'case: answer taken, next timer set', eventType: 'WORKFLOW_TASK_COMPLETED' },
];
const rawStages: Stage[] = [
  { label: 'raw: timer fired', eventType: 'TIMER_FIRED' },
  { label: 'raw: its workflow task started', eventType: 'WORKFLOW_TASK_STARTED' },
  { label: 'raw: activity scheduled', eventType: 'ACTIVITY_TASK_SCHEDULED' },
  { label: 'raw: activity started', eventType: 'ACTIVITY_TASK_STARTED' },
  { label: 'raw: activity completed', eventType: 'ACTIVITY_TASK_COMPLETED' },
];

/**
 * Ours: a policy whose one step (an email) falls `lead` seconds from now for invoices due
 * yesterday in London, no consolidation wait; N invoices of N customers in one bulk import; the
 * cases' `case_opened` rows, then their outbox rows marked sent, counted in the database.
 */
export async function oursStormRound(stack: Stack, options: StormOptions, round: number): Promise<StormRound> {
  const dueDate = isoDay(-1);
  const timezone = 'Europe/London';
  const anchor = dueDateAnchor(dueDate, timezone);
  const offsetSeconds = Math.ceil((Date.now() + options.leadSeconds * 1000 - anchor) / 1000);
  const policy = { ...secondScalePolicy({ steps: [{ id: 'storm', offset: `PT${offsetSeconds}S`, actions: [{ type: 'email', template: 'overdue_notice' }] }], consolidation: { window: 'PT0S' } }), name: `storm-${round}-${randomUUID().slice(0, 8)}`, version: 1 };
  const dueAt = stepDueAt({ policy, timezone, anchorMillis: anchor, shiftMillis: 0 }, 0);
  const stored = await stack.api('POST', '/v1/policies', { policy });
  if (stored.status !== 201) throw new Error(`storing the policy answered ${stored.status}: ${JSON.stringify(stored.body)}`);
  // One customer per case: the storm is many cases, not one customer's correspondence.
  const bodies = Array.from({ length: options.cases }, () => invoiceBody({ dueDate, issueDate: isoDay(-31), policy: { name: policy.name, version: 1 } }));
  const began = performance.now();
  const invoiceIds = await bulkImport(stack, bodies);
  const opened = await whenReached(() => stack.prisma.collectionEvent.count({ where: { kind: 'case_opened', invoiceId: { in: invoiceIds } } }), invoiceIds.length, timeoutMs, 'cases opened');
  const lateBy = Date.now() - dueAt;
  await sleepFor(Math.max(0, -lateBy));
  const dueAtPerf = performance.now() + Math.min(0, -lateBy);
  const cpuBefore = options.workerCpu?.();
  const sent = await whenReached(() => stack.prisma.outboxMessage.count({ where: { status: 'sent', invoiceId: { in: invoiceIds } } }), invoiceIds.length, timeoutMs, 'emails sent');
  const result = measured(began, opened, dueAtPerf, sent, lateBy, cpuBefore, options);
  if (!options.timeline) return result;
  const customers = await stack.prisma.invoice.findMany({ where: { id: { in: invoiceIds } }, select: { id: true, customerId: true } });
  const paths = customers.map(({ id, customerId }) => ({ workflowIds: [collectionWorkflowId(id), correspondenceWorkflowId(customerId), collectionWorkflowId(id)] }));
  return { ...result, timeline: await stormTimeline(stack.client, paths, [caseStages, correspondenceStages, answeredStages], dueAt) };
}

async function bulkImport(stack: Stack, bodies: readonly unknown[]): Promise<string[]> {
  const maxPerCall = 5_000; // the bulk schema's limit
  const ids: string[] = [];
  for (let i = 0; i < bodies.length; i += maxPerCall) {
    const { status, body } = await stack.api('POST', '/v1/invoices/bulk', { invoices: bodies.slice(i, i + maxPerCall) });
    const { summary, results } = body as { summary?: Record<string, number>; results?: { invoiceId?: string }[] };
    if (status !== 200 || summary?.created !== Math.min(maxPerCall, bodies.length - i)) throw new Error(`bulk import answered ${status}: ${JSON.stringify(summary ?? body)}`);
    ids.push(...(results ?? []).map((row) => row.invoiceId!));
  }
  return ids;
}

/**
 * The stack of the storm benches: SQLite without fsync unless `durableSqlite`, and the API's pool at
 * 10 (with the worker processes' 5 each it leaves room in a PostgreSQL other runs share).
 */
export function startStormStack(durableSqlite: boolean): ReturnType<typeof startStack> {
  return startStack({ apiEnv: { DATABASE_POOL_SIZE: '10' }, ...(durableSqlite ? {} : { sqlitePragmas: benchSqlitePragmas }) });
}

/** What the raw workers have reported, summed over all of them. */
export interface RawCounter {
  opened: number;
  fired: number;
}

/** Raw: N storm workflows started by the client at the bulk import's concurrency; counted as the raw workers report. */
export async function rawStormRound(stack: Stack, taskQueue: string, counter: RawCounter, options: StormOptions, round: number): Promise<StormRound> {
  const dueAt = Date.now() + options.leadSeconds * 1000;
  const before = { ...counter };
  const ids = Array.from({ length: options.cases }, (_, i) => `bench-storm-${round}-${i}-${randomUUID()}`);
  const began = performance.now();
  await inParallel(ids, startConcurrency, (id) => stack.client.workflow.start('stormWorkflow', { workflowId: id, taskQueue, args: [dueAt, id] }));
  const opened = await whenReached(() => counter.opened - before.opened, ids.length, timeoutMs, 'raw workflows opened');
  const lateBy = Date.now() - dueAt;
  await sleepFor(Math.max(0, -lateBy));
  const dueAtPerf = performance.now() + Math.min(0, -lateBy);
  const cpuBefore = options.workerCpu?.();
  const fired = await whenReached(() => counter.fired - before.fired, ids.length, timeoutMs, 'raw activities run');
  const result = measured(began, opened, dueAtPerf, fired, lateBy, cpuBefore, options);
  if (!options.timeline) return result;
  return { ...result, timeline: await stormTimeline(stack.client, ids.map((id) => ({ workflowIds: [id] })), [rawStages], dueAt) };
}

/** Samples of interleaved rounds (ours, raw, ours, raw…) of both measures, in seconds. */
export interface StormSamples {
  readonly creation: { ours: number[]; raw: number[] };
  readonly storm: { ours: number[]; raw: number[] };
  /** Rounds whose creation outlasted the lead. */
  readonly notes: string[];
}

/** Runs `rounds` interleaved rounds on `fleets`, printing each round (and its timeline) as it ends; `label` prefixes the lines. */
export async function interleavedStorms(stack: Stack, fleets: { rawTaskQueue: string; rawCounter: RawCounter; pids: { ours: number[]; raw: number[] } }, options: StormOptions, rounds: number, label: string): Promise<StormSamples> {
  const creation = { ours: [] as number[], raw: [] as number[] };
  const notes: string[] = [];
  const report = (side: 'ours' | 'raw', round: number, result: StormRound): number => {
    creation[side].push(result.creation);
    const cpu = result.workerCpu === undefined ? '' : `; its worker processes used ${result.workerCpu.toFixed(1)} CPU s meanwhile (${((result.workerCpu / options.cases) * 1000).toFixed(0)} ms a case)`;
    console.log(`${label}round ${round} ${side}: ${options.cases} opened ${result.creation.toFixed(1)} s after the import began; all sent ${result.storm.toFixed(1)} s after the instant${cpu}`);
    if (result.lateBy) notes.push(`${label}round ${round} (${side}): creation outlasted the lead by ${result.lateBy.toFixed(0)} s; raise --lead`);
    if (result.timeline) console.log(formatTimeline(`${label}round ${round} ${side}`, result.timeline));
    return result.storm;
  };
  const storm = await interleaved(
    rounds,
    async (round) => report('ours', round, await oursStormRound(stack, { ...options, workerCpu: () => cpuSeconds(fleets.pids.ours) }, round)),
    async (round) => report('raw', round, await rawStormRound(stack, fleets.rawTaskQueue, fleets.rawCounter, { ...options, workerCpu: () => cpuSeconds(fleets.pids.raw) }, round)),
  );
  return { creation, storm, notes };
}
