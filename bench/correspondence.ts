// Request → answer latency through a customer's correspondence workflow with 500 open cases of that
// customer, beside a bare signal round trip between two trivial workflows on the same server in the
// same run; then a second wave (BENCH_SECOND_WAVE, default 20) to the correspondence that now runs,
// one request at a time, interleaved with one raw round trip at a time to the answerer that runs.
// It prints numbers; it asserts nothing.
// Run: npm run bench:correspondence (starts its own Temporal dev server and PostgreSQL database).
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import type { temporal } from '@temporalio/proto';
import { LocalSinkLegalPartner } from '../activities/providers/legal-partner.js';
import { localSinks } from '../activities/providers/local-sink.js';
import { encryptingDataConverter } from '../codec/data-converter.js';
import { encryptionKeyList } from '../config/encryption-keys.js';
import { createPrismaClient } from '../prisma/client.js';
import { migrate } from '../scripts/migrator/migrator.js';
import { caseInput, createOverdueInvoice, secondScalePolicy } from '../test/support/fixtures.js';
import { createTestDatabase } from '../test/support/database.js';
import { startTemporalDevServer } from '../test/support/temporal-dev-server.js';
import { localActivityType } from '../test/support/history-events.js';
import { startTestPostgres } from '../test/support/test-postgres.js';
import { createCollectionWorker } from '../worker/create-worker.js';
import { correspondenceWorkflowId } from '../workflows/correspondence-definitions.js';
import { collectionWorkflowId, collectionWorkflowType } from '../workflows/definitions.js';
import { stopBenchParts } from './support/stack.js';

const CASES = Number(process.env.BENCH_CASES ?? 500);
const SECOND_WAVE = Number(process.env.BENCH_SECOND_WAVE ?? 20);
// The correspondence of 500 cases writes thousands of events: a low limit makes it continue as new during the run.
const SUGGEST_CONTINUE_AS_NEW = 1_000;

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
const millisOf = (event: HistoryEvent) => Number(event.eventTime?.seconds ?? 0) * 1_000 + Math.floor((event.eventTime?.nanos ?? 0) / 1e6);

/** From the first event `from` matches to the first later event `to` matches, in one workflow's history (ms). */
async function latency(handle: WorkflowHandle, from: (e: HistoryEvent) => boolean, to: (e: HistoryEvent) => boolean): Promise<number> {
  const events = (await handle.fetchHistory()).events ?? [];
  const start = events.find(from);
  const end = start ? events.find((e) => Number(e.eventId) > Number(start.eventId) && to(e)) : undefined;
  if (!start || !end) throw new Error(`${handle.workflowId}: no request/answer pair in its history`);
  return millisOf(end) - millisOf(start);
}

/** From a case's request (a scheduled activity before patch fewer-history-events, since then a local activity's marker, written once it has run, so a little later) to the correspondence's answer. */
const requestToAnswer = (handle: WorkflowHandle) =>
  latency(handle, (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'requestDelivery' || localActivityType(e) === 'requestDelivery', (e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'deliveryOutcome');

/** From an asker's signal to the answerer to the answer signalled back. */
const roundTrip = (handle: WorkflowHandle) => latency(handle, (e) => e.signalExternalWorkflowExecutionInitiatedEventAttributes != null, (e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'answer');

async function inBatches<T, R>(items: readonly T[], size: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += size) results.push(...(await Promise.all(items.slice(i, i + size).map(work))));
  return results;
}

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

function summary(values: readonly number[]): { min: number; median: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  return { min: sorted[0]!, median: sorted[Math.floor(sorted.length / 2)]!, max: sorted.at(-1)! };
}

const format = ({ min, median, max }: ReturnType<typeof summary>) => `min ${min} ms, median ${median} ms, max ${max} ms`;

Runtime.install({ logger: new DefaultLogger('WARN') });
const postgres = await startTestPostgres();
process.env.TEST_POSTGRES_URL = postgres.serverUrl;
const [server, database, sinkDir] = await Promise.all([
  startTemporalDevServer({ alwaysOwn: true, dynamicConfig: { 'limit.historyCount.suggestContinueAsNew': SUGGEST_CONTINUE_AS_NEW } }),
  createTestDatabase('collections_bench'),
  mkdtemp(join(tmpdir(), 'collections-bench-sinks-')),
]);
const prisma = createPrismaClient(database.url);
try {
  await migrate({ databaseUrl: database.url, migrationsDir: fileURLToPath(new URL('../prisma/migrations', import.meta.url)) });
  const dataConverter = encryptingDataConverter(encryptionKeyList.parse(`bench:${randomBytes(32).toString('base64')}`));
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection, namespace: server.namespace, dataConverter });
  const nativeConnection = await NativeConnection.connect({ address: server.address });
  const taskQueue = `bench-${randomUUID()}`;
  const referenceQueue = `${taskQueue}-reference`;
  const worker = await createCollectionWorker({ connection: nativeConnection, namespace: server.namespace, taskQueue, prisma, senders: localSinks(sinkDir), legalPartner: new LocalSinkLegalPartner(sinkDir), dataConverter });
  const referenceWorker = await Worker.create({ connection: nativeConnection, namespace: server.namespace, taskQueue: referenceQueue, workflowsPath: fileURLToPath(new URL('./raw-signal-workflows.ts', import.meta.url)), dataConverter });
  const running = Promise.all([worker.run(), referenceWorker.run()]);
  try {
    console.log(`node ${process.version}, ${CASES} cases of one customer, Temporal dev server suggesting continue-as-new at ${SUGGEST_CONTINUE_AS_NEW} events`);

    // Through the correspondence: every case asks for its first email (one customer, no window, no caps, no consolidation wait).
    const policy = secondScalePolicy({ steps: [{ id: 'reminder', offset: 'PT1S', actions: [{ type: 'email', template: 'overdue_notice' }] }, { id: 'later', offset: 'P30D', actions: [{ type: 'email' }] }] });
    const first = await createOverdueInvoice(prisma);
    const made = [first, ...(await inBatches(Array.from({ length: CASES - 1 }), 25, () => createOverdueInvoice(prisma, { sameCustomerAs: first.customer })))];
    const started = Date.now();
    const cases = await inBatches(made, 50, (m) => client.workflow.start(collectionWorkflowType, { workflowId: collectionWorkflowId(m.invoice.id), taskQueue, args: [caseInput(m, policy)] }));
    // Every case recorded its answer (read from the database: queries to 500 busy workflows would time out).
    const invoiceIds = made.map((m) => m.invoice.id);
    await until(() => prisma.collectionEvent.count({ where: { invoiceId: { in: invoiceIds }, kind: { in: ['step_sent', 'step_failed'] } } }), (count) => count >= CASES, 600_000);
    const allAnsweredAfter = Date.now() - started;
    const throughCorrespondence = await inBatches(cases, 25, requestToAnswer);
    const correspondenceId = correspondenceWorkflowId(first.customer.id);
    let runs = 0;
    for await (const _ of client.workflow.list({ query: `WorkflowId = '${correspondenceId}'` })) runs += 1;
    const messages = await prisma.outboxMessage.count({ where: { invoice: { customerId: first.customer.id } } });

    // The reference: as many askers, each signalling one answerer that signals back.
    const answererId = `bench-answerer-${randomUUID()}`;
    const answerer = await client.workflow.start('answererWorkflow', { workflowId: answererId, taskQueue: referenceQueue, args: [] });
    const askers = await inBatches(Array.from({ length: CASES }, (_, i) => `bench-asker-${i}-${randomUUID()}`), 50, (id) => client.workflow.start('askerWorkflow', { workflowId: id, taskQueue: referenceQueue, args: [answererId, id] }));
    await inBatches(askers, 50, (h) => h.result());
    const raw = await inBatches(askers, 25, roundTrip);

    // Second wave: the correspondence and the answerer already run; one request at a time on each side, interleaved.
    const secondThrough: number[] = [];
    const secondRaw: number[] = [];
    for (let i = 0; i < SECOND_WAVE; i++) {
      const m = await createOverdueInvoice(prisma, { sameCustomerAs: first.customer });
      const handle = await client.workflow.start(collectionWorkflowType, { workflowId: collectionWorkflowId(m.invoice.id), taskQueue, args: [caseInput(m, policy)] });
      cases.push(handle);
      await until(() => prisma.collectionEvent.count({ where: { invoiceId: m.invoice.id, kind: { in: ['step_sent', 'step_failed'] } } }), (count) => count >= 1, 120_000);
      secondThrough.push(await requestToAnswer(handle));
      const askerId = `bench-asker-second-${i}-${randomUUID()}`;
      const asker = await client.workflow.start('askerWorkflow', { workflowId: askerId, taskQueue: referenceQueue, args: [answererId, askerId] });
      await asker.result();
      secondRaw.push(await roundTrip(asker));
    }
    await answerer.terminate('bench done');
    await Promise.all(cases.map((h) => h.terminate('bench done')));

    const through = summary(throughCorrespondence);
    const reference = summary(raw);
    console.log(`request → answer through the correspondence: ${format(through)} (all ${CASES} answered ${allAnsweredAfter} ms after the first start; ${messages} message(s) sent, ${runs} run(s) of the correspondence)`);
    console.log(`bare signal round trip (raw Temporal):        ${format(reference)}`);
    console.log(`ratio correspondence / raw: median ${(through.median / Math.max(1, reference.median)).toFixed(1)}×, max ${(through.max / Math.max(1, reference.max)).toFixed(1)}×`);
    if (SECOND_WAVE > 0) {
      const second = summary(secondThrough);
      const secondReference = summary(secondRaw);
      console.log(`second wave, ${SECOND_WAVE} requests one at a time to the running correspondence: ${format(second)}   [${secondThrough.join(', ')}]`);
      console.log(`second wave, raw round trips one at a time to the running answerer:   ${format(secondReference)}   [${secondRaw.join(', ')}]`);
      console.log(`second wave ratio correspondence / raw: median ${(second.median / Math.max(1, secondReference.median)).toFixed(1)}×, max ${(second.max / Math.max(1, secondReference.max)).toFixed(1)}×`);
    }
  } finally {
    await stopBenchParts({ workers: [worker, referenceWorker], running, connections: [nativeConnection, connection] });
  }
} finally {
  await stopBenchParts({ prisma, temporal: server, database, sinkDir, postgres });
}
