// One worker in a process of its own, so the bench reads this process's memory alone: ours (the
// collection worker, WORKER_KIND=ours) or the raw reference (bench/raw-sleep-workflows.ts,
// WORKER_KIND=raw) with the same cache and task limits. CACHE=sdk-default keeps the SDK's
// heap-based cache size, a number sets maxCachedWorkflows. Answers on the IPC channel:
// "usage" → process.memoryUsage() (and the heap after a full GC when run with --expose-gc),
// "opened" → how many raw workflows ran their first task.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { LocalSinkLegalPartner } from '../../activities/providers/legal-partner.js';
import { localSinks } from '../../activities/providers/local-sink.js';
import { encryptingDataConverter } from '../../codec/data-converter.js';
import { encryptionKeyList } from '../../config/encryption-keys.js';
import { createPrismaClient } from '../../prisma/client.js';
import { createCollectionWorker, defaultWorkerLimits } from '../../worker/create-worker.js';

/** What the worker answers to "usage", in bytes. */
export interface WorkerMemory extends NodeJS.MemoryUsage {
  /** The heap still in use after a full garbage collection (only with --expose-gc). */
  readonly heapUsedAfterGc?: number;
}

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`memory-worker needs ${name}`);
  return value;
};

Runtime.install({ logger: new DefaultLogger('ERROR') });
const cache = env('CACHE');
const maxCachedWorkflows = cache === 'sdk-default' ? undefined : Number(cache);
const connection = await NativeConnection.connect({ address: env('TEMPORAL_ADDRESS') });
const dataConverter = encryptingDataConverter(encryptionKeyList.parse(env('PAYLOAD_ENCRYPTION_KEYS')));
const common = { connection, namespace: env('TEMPORAL_NAMESPACE'), taskQueue: env('TEMPORAL_TASK_QUEUE'), workflowBundle: { codePath: env('WORKFLOW_BUNDLE_PATH') }, dataConverter };
let opened = 0;

const worker = env('WORKER_KIND') === 'raw'
  ? await Worker.create({
    ...common,
    activities: { opened: async () => void (opened += 1) },
    ...(maxCachedWorkflows === undefined ? {} : { maxCachedWorkflows }),
    maxConcurrentWorkflowTaskExecutions: defaultWorkerLimits.maxConcurrentWorkflowTasks,
  })
  : await (async () => {
    const sinkDir = await mkdtemp(join(tmpdir(), 'bench-sinks-'));
    return createCollectionWorker({ ...common, prisma: createPrismaClient(env('DATABASE_URL')), senders: localSinks(sinkDir), legalPartner: new LocalSinkLegalPartner(sinkDir), limits: { maxCachedWorkflows } });
  })();

const collect = (globalThis as { gc?: () => void }).gc;
process.on('message', (message) => {
  if (message === 'opened') process.send?.({ opened });
  if (message === 'usage') {
    const usage = process.memoryUsage();
    collect?.();
    const answer: WorkerMemory = { ...usage, ...(collect ? { heapUsedAfterGc: process.memoryUsage().heapUsed } : {}) };
    process.send?.(answer);
  }
});
process.on('disconnect', () => worker.shutdown());
const running = worker.run();
process.send?.('ready');
await running;
await connection.close();
