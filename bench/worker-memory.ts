// Worker memory with sleeping cases: the RSS of a worker process with the SDK's default workflow
// cache beside one with the configured cache (defaultWorkerLimits), at each number of open cases,
// and the wake-up latency of an evicted case beside a cached one (payment update sent → answered).
// Numbers are printed, never asserted. Run: npx tsx bench/worker-memory.ts [levels, like 0,500,1500] [caches, like sdk-default,250]
// Starts its own Temporal dev server (or uses TEMPORAL_ADDRESS) and a scratch database.
import { type ChildProcess, fork } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode } from '@temporalio/worker';
import { failureConverterPath, encryptingDataConverter } from '../codec/data-converter.js';
import { encryptionKeyList } from '../config/encryption-keys.js';
import { createPrismaClient } from '../prisma/client.js';
import { migrate } from '../scripts/migrator/migrator.js';
import { defaultWorkerLimits, workflowInterceptorModules, workflowsPath } from '../worker/create-worker.js';
import type { collectionWorkflow } from '../workflows/index.js';
import { collectionWorkflowId, collectionWorkflowType, recordPaymentUpdate } from '../workflows/definitions.js';
import { createTestDatabase } from '../test/support/database.js';
import { caseInput, createOverdueInvoice, secondScalePolicy } from '../test/support/fixtures.js';
import { startTemporalDevServer } from '../test/support/temporal-dev-server.js';
import { startTestPostgres } from '../test/support/test-postgres.js';

const levels = (process.argv[2] ?? '0,500,1500').split(',').map(Number);
const caches = (process.argv[3] ?? `sdk-default,${defaultWorkerLimits.maxCachedWorkflows}`).split(',');
const startConcurrency = 32;
const latencySamples = 5;
// Cases that sleep: the first step is a month away, so each case runs its opening task and waits.
const sleepingPolicy = secondScalePolicy({ steps: [{ id: 'reminder', offset: 'P30D', actions: [{ type: 'email', template: 'overdue_notice' }] }] });

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function inParallel<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: limit }, async () => {
    while (next < items.length) await work(items[next++]!);
  }));
}

const postgres = await startTestPostgres();
process.env.TEST_POSTGRES_URL = postgres.serverUrl;
const [temporal, database, bundleDir] = await Promise.all([startTemporalDevServer(), createTestDatabase('collections_bench'), mkdtemp(join(tmpdir(), 'bench-bundle-'))]);
const keys = `bench:${randomBytes(32).toString('base64')}`;
const prisma = createPrismaClient(database.url);
const connection = await Connection.connect({ address: temporal.address });
const client = new Client({ connection, namespace: temporal.namespace, dataConverter: encryptingDataConverter(encryptionKeyList.parse(keys)) });

async function startWorker(cache: string, taskQueue: string, bundlePath: string): Promise<ChildProcess> {
  const child = fork(new URL('./support/memory-worker.ts', import.meta.url).pathname, {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, CACHE: cache, TEMPORAL_ADDRESS: temporal.address, TEMPORAL_NAMESPACE: temporal.namespace, TEMPORAL_TASK_QUEUE: taskQueue, DATABASE_URL: database.url, WORKFLOW_BUNDLE_PATH: bundlePath, PAYLOAD_ENCRYPTION_KEYS: keys },
  });
  const [message] = (await once(child, 'message')) as [unknown];
  if (message !== 'ready') throw new Error(`worker said ${JSON.stringify(message)}`);
  return child;
}

async function rssOf(child: ChildProcess): Promise<number> {
  child.send('rss');
  const [message] = (await once(child, 'message')) as [{ rss: number }];
  return message.rss;
}

async function openedCount(invoiceIds: string[]): Promise<number> {
  return prisma.collectionEvent.count({ where: { kind: 'case_opened', invoiceId: { in: invoiceIds } } });
}

async function wakeUpMillis(invoiceId: string): Promise<number> {
  const started = performance.now();
  await client.workflow.getHandle(collectionWorkflowId(invoiceId)).executeUpdate(recordPaymentUpdate, {
    args: [{ paymentId: `bench-${randomUUID()}`, amountMinor: 1, currency: 'EUR', method: 'bank_transfer', receivedAt: new Date().toISOString(), actor: 'bench' }],
  });
  return performance.now() - started;
}

async function runConfiguration(cache: string, bundlePath: string): Promise<void> {
  const taskQueue = `bench-memory-${randomUUID()}`;
  const worker = await startWorker(cache, taskQueue, bundlePath);
  const opened: string[] = [];
  const customer = (await createOverdueInvoice(prisma)).customer;
  try {
    for (const level of levels) {
      const began = performance.now();
      const more = Array.from({ length: Math.max(0, level - opened.length) }, (_, i) => i);
      await inParallel(more, startConcurrency, async () => {
        const made = await createOverdueInvoice(prisma, { sameCustomerAs: customer });
        await client.workflow.start<typeof collectionWorkflow>(collectionWorkflowType, { workflowId: collectionWorkflowId(made.invoice.id), taskQueue, args: [caseInput(made, sleepingPolicy)] });
        opened.push(made.invoice.id);
      });
      while ((await openedCount(opened)) < opened.length) await new Promise((resolve) => setTimeout(resolve, 1_000));
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      console.log(`cache ${cache.padEnd(11)} ${String(opened.length).padStart(6)} sleeping cases  worker RSS ${mib(await rssOf(worker)).padStart(9)}  (opened in ${((performance.now() - began) / 1000).toFixed(0)} s)`);
    }
    if (opened.length >= 2 * latencySamples) {
      // Interleaved: the oldest cases (evicted first by a small cache) and the newest (still cached).
      const evicted: number[] = [];
      const cached: number[] = [];
      for (let i = 0; i < latencySamples; i++) {
        evicted.push(await wakeUpMillis(opened[i]!));
        cached.push(await wakeUpMillis(opened[opened.length - 1 - i]!));
      }
      const line = (values: number[]) => `min ${Math.min(...values).toFixed(0)} / median ${median(values).toFixed(0)} / max ${Math.max(...values).toFixed(0)} ms`;
      console.log(`cache ${cache.padEnd(11)} wake-up (payment update answered): oldest case ${line(evicted)}; newest case ${line(cached)}`);
    }
  } finally {
    worker.disconnect();
    await once(worker, 'exit');
  }
}

try {
  await migrate({ databaseUrl: database.url, migrationsDir: new URL('../prisma/migrations', import.meta.url).pathname });
  const bundle = await bundleWorkflowCode({ workflowsPath, workflowInterceptorModules, failureConverterPath, logger: { trace() {}, debug() {}, info() {}, log() {}, warn() {}, error: console.error } });
  const bundlePath = join(bundleDir, 'workflow-bundle.js');
  await writeFile(bundlePath, bundle.code);
  console.log(`node ${process.version}, levels ${levels.join(' / ')}, caches ${caches.join(' / ')}`);
  // Both side by side, each in a worker process of its own on a task queue of its own: they see the same load.
  await Promise.all(caches.map((cache) => runConfiguration(cache, bundlePath)));
} finally {
  await connection.close();
  await prisma.$disconnect();
  await Promise.allSettled([temporal.stop(), database.drop().then(postgres.stop), rm(bundleDir, { recursive: true, force: true })]);
}
