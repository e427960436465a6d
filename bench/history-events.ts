// History events per ladder step: the default policy's ladder (second-scale copy, step n at n s)
// run to legal hand-off, counted by event type from the case's history, beside what the customer's
// correspondence adds per message and a raw-Temporal reference (a timer and one activity per step)
// on the same server, in interleaved rounds. It prints numbers and writes them as JSON under
// bench/results/; it asserts nothing.
// Run: npx tsx bench/history-events.ts [rounds] (BENCH_PRINT_HISTORY=1 also prints each case's history in order) (starts its own Temporal dev server and PostgreSQL database).
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { LocalSinkLegalPartner } from '../activities/providers/legal-partner.js';
import { localSinks } from '../activities/providers/local-sink.js';
import { encryptingDataConverter } from '../codec/data-converter.js';
import { encryptionKeyList } from '../config/encryption-keys.js';
import { createPrismaClient, type PrismaClient } from '../prisma/client.js';
import { migrate } from '../scripts/migrator/migrator.js';
import { createTestDatabase } from '../test/support/database.js';
import { secondScaleDefaultPolicy } from '../test/support/default-ladder.js';
import { caseInput, createOverdueInvoice } from '../test/support/fixtures.js';
import { historyEventCounts, historyEventSequence } from '../test/support/history-events.js';
import { startTemporalDevServer } from '../test/support/temporal-dev-server.js';
import { startTestPostgres } from '../test/support/test-postgres.js';
import { createCollectionWorker } from '../worker/create-worker.js';
import { correspondenceWorkflowId } from '../workflows/correspondence-definitions.js';
import { collectionWorkflowId, collectionWorkflowType } from '../workflows/definitions.js';
import { stopBenchParts } from './support/stack.js';
import { identityAttributes } from '../workflows/case-attributes.js';

interface Counts {
  readonly total: number;
  readonly byType: Record<string, number>;
}

interface Round {
  readonly case: Counts & { readonly steps: number; readonly perStep: number };
  readonly correspondence: Counts & { readonly messages: number; readonly perMessage: number };
  readonly raw: Counts & { readonly steps: number; readonly perStep: number };
}

function summary(values: readonly number[]): { min: number; median: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  return { min: sorted[0]!, median: sorted[Math.floor(sorted.length / 2)]!, max: sorted.at(-1)! };
}

const fixed = (n: number) => n.toFixed(1);
const format = ({ min, median, max }: ReturnType<typeof summary>) => `min ${fixed(min)}, median ${fixed(median)}, max ${fixed(max)}`;

/** One table: each event type, its count and its count per unit (step or message), beside the reference's. */
function table(label: string, counts: Counts, per: number, reference?: { counts: Counts; per: number }): string {
  const types = [...new Set([...Object.keys(counts.byType), ...Object.keys(reference?.counts.byType ?? {})])];
  const rows = types.map((type) => {
    const ours = counts.byType[type] ?? 0;
    const theirs = reference ? `   ${String(reference.counts.byType[type] ?? 0).padStart(4)} ${fixed((reference.counts.byType[type] ?? 0) / reference.per).padStart(6)}` : '';
    return `  ${type.padEnd(44)} ${String(ours).padStart(4)} ${fixed(ours / per).padStart(6)}${theirs}`;
  });
  const header = `  ${label.padEnd(44)} ${'n'.padStart(4)} ${'per'.padStart(6)}${reference ? `   ${'raw'.padStart(4)} ${'per'.padStart(6)}` : ''}`;
  const total = `  ${'total'.padEnd(44)} ${String(counts.total).padStart(4)} ${fixed(counts.total / per).padStart(6)}${reference ? `   ${String(reference.counts.total).padStart(4)} ${fixed(reference.counts.total / reference.per).padStart(6)}` : ''}`;
  return [header, ...rows, total].join('\n');
}

async function ladderRound(client: Client, prisma: PrismaClient, taskQueue: string): Promise<Pick<Round, 'case' | 'correspondence'>> {
  const policy = secondScaleDefaultPolicy();
  const made = await createOverdueInvoice(prisma);
  // Started as the API starts a case: with the search attributes it would publish first.
  const input = caseInput(made, policy);
  const handle = await client.workflow.start(collectionWorkflowType, { workflowId: collectionWorkflowId(made.invoice.id), taskQueue, args: [input], typedSearchAttributes: identityAttributes(input) });
  const view = (await handle.result()) as { closed?: { reason?: string } | null };
  if (view.closed?.reason !== 'legal_handoff') throw new Error(`the ladder ended with ${JSON.stringify(view.closed)}, not a legal hand-off`);
  const counts = await historyEventCounts(handle);
  if (process.env.BENCH_PRINT_HISTORY === '1') console.log((await historyEventSequence(handle)).join('\n'));
  const correspondence = client.workflow.getHandle(correspondenceWorkflowId(made.customer.id));
  const correspondenceCounts = await historyEventCounts(correspondence);
  const messages = await prisma.outboxMessage.count({ where: { invoiceId: made.invoice.id } });
  await correspondence.terminate('bench done').catch(() => undefined);
  return {
    case: { ...counts, steps: policy.steps.length, perStep: counts.total / policy.steps.length },
    correspondence: { ...correspondenceCounts, messages, perMessage: correspondenceCounts.total / Math.max(1, messages) },
  };
}

async function rawRound(client: Client, taskQueue: string, steps: number): Promise<Round['raw']> {
  const handle = await client.workflow.start('rawLadderWorkflow', { workflowId: `bench-raw-ladder-${randomUUID()}`, taskQueue, args: [steps] });
  await handle.result();
  const counts = await historyEventCounts(handle);
  return { ...counts, steps, perStep: counts.total / steps };
}

/** Runs the bench; `rounds` ladders (and as many raw ones), interleaved. */
export async function main(rounds = 3): Promise<Round[]> {
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`rounds must be a positive integer, not ${rounds}`);
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const postgres = await startTestPostgres();
  process.env.TEST_POSTGRES_URL = postgres.serverUrl;
  const [server, database, sinkDir] = await Promise.all([startTemporalDevServer({ alwaysOwn: true }), createTestDatabase('collections_bench'), mkdtemp(join(tmpdir(), 'collections-bench-sinks-'))]);
  const prisma = createPrismaClient(database.url);
  const results: Round[] = [];
  try {
    await migrate({ databaseUrl: database.url, migrationsDir: fileURLToPath(new URL('../prisma/migrations', import.meta.url)) });
    const dataConverter = encryptingDataConverter(encryptionKeyList.parse(`bench:${randomBytes(32).toString('base64')}`));
    const connection = await Connection.connect({ address: server.address });
    const client = new Client({ connection, namespace: server.namespace, dataConverter });
    const nativeConnection = await NativeConnection.connect({ address: server.address });
    const taskQueue = `bench-${randomUUID()}`;
    const referenceQueue = `${taskQueue}-reference`;
    const worker = await createCollectionWorker({ connection: nativeConnection, namespace: server.namespace, taskQueue, prisma, senders: localSinks(sinkDir), legalPartner: new LocalSinkLegalPartner(sinkDir), dataConverter });
    const referenceWorker = await Worker.create({
      connection: nativeConnection,
      namespace: server.namespace,
      taskQueue: referenceQueue,
      workflowsPath: fileURLToPath(new URL('./raw-ladder-workflows.ts', import.meta.url)),
      activities: { act: async () => {} },
      dataConverter,
    });
    const running = Promise.all([worker.run(), referenceWorker.run()]);
    try {
      const steps = secondScaleDefaultPolicy().steps.length;
      console.log(`node ${process.version}, the default ladder (${steps} steps, second-scale) to legal hand-off, ${rounds} round(s), interleaved with a raw ladder of ${steps} timer + activity steps`);
      for (let round = 0; round < rounds; round += 1) {
        const ladder = await ladderRound(client, prisma, taskQueue);
        const raw = await rawRound(client, referenceQueue, steps);
        results.push({ ...ladder, raw });
      }
    } finally {
      await stopBenchParts({ workers: [worker, referenceWorker], running, connections: [nativeConnection, connection] });
    }
  } finally {
    await stopBenchParts({ prisma, temporal: server, database, sinkDir, postgres });
  }

  const last = results.at(-1)!;
  console.log(`\ncase workflow, last round, by event type (per = per ladder step; raw = the reference ladder):\n${table('event type', last.case, last.case.steps, { counts: last.raw, per: last.raw.steps })}`);
  console.log(`\ncorrespondence workflow, last round, by event type (per = per message, ${last.correspondence.messages} messages):\n${table('event type', last.correspondence, Math.max(1, last.correspondence.messages))}`);
  const ours = summary(results.map((r) => r.case.perStep));
  const raw = summary(results.map((r) => r.raw.perStep));
  const perMessage = summary(results.map((r) => r.correspondence.perMessage));
  console.log(`\nevents per step, case workflow:         ${format(ours)}`);
  console.log(`events per step, raw reference:         ${format(raw)}`);
  console.log(`ratio case / raw (median):              ${(ours.median / raw.median).toFixed(2)}×`);
  console.log(`events per message, correspondence:     ${format(perMessage)}`);
  const resultsDir = fileURLToPath(new URL('./results/', import.meta.url));
  await mkdir(resultsDir, { recursive: true });
  const file = join(resultsDir, `history-events-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  await writeFile(file, `${JSON.stringify({ bench: 'history-events', at: new Date().toISOString(), node: process.version, rounds: results, summary: { casePerStep: ours, rawPerStep: raw, correspondencePerMessage: perMessage } }, null, 2)}\n`);
  console.log(`written to ${file}`);
  return results;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main(process.argv[2] ? Number(process.argv[2]) : undefined);
