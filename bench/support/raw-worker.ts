// A raw-Temporal worker in a process of its own, the reference beside a collection worker process:
// the raw storm workflow (bench/raw-timer-workflows.ts, bundled ahead) with the collection
// worker's limits (its defaults, or the same WORKER_MAX_* settings) and the same payload codec. Reports each `opened` and `fired` to the
// bench over IPC; says "ready" once it polls; stops when the bench disconnects.
import '../../test/support/exit-with-parent.js';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { encryptingDataConverter } from '../../codec/data-converter.js';
import { encryptionKeyList } from '../../config/encryption-keys.js';
import { defaultWorkerLimits } from '../../worker/create-worker.js';
import type { StormActivities } from '../raw-timer-workflows.js';

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`raw-worker needs ${name}`);
  return value;
};

/** A WORKER_MAX_* setting as the collection worker reads it, else its default. */
const limit = (name: string, fallback: number) => (process.env[name] ? Number(process.env[name]) : fallback);

Runtime.install({ logger: new DefaultLogger('ERROR') });
const connection = await NativeConnection.connect({ address: env('TEMPORAL_ADDRESS') });
const activities: StormActivities = {
  opened: async () => void process.send?.('opened'),
  fired: async () => void process.send?.('fired'),
};
const worker = await Worker.create({
  connection,
  namespace: env('TEMPORAL_NAMESPACE'),
  taskQueue: env('TEMPORAL_TASK_QUEUE'),
  workflowBundle: { codePath: env('WORKFLOW_BUNDLE_PATH') },
  activities,
  dataConverter: encryptingDataConverter(encryptionKeyList.parse(env('PAYLOAD_ENCRYPTION_KEYS'))),
  maxCachedWorkflows: limit('WORKER_MAX_CACHED_WORKFLOWS', defaultWorkerLimits.maxCachedWorkflows),
  maxConcurrentWorkflowTaskExecutions: limit('WORKER_MAX_CONCURRENT_WORKFLOW_TASKS', defaultWorkerLimits.maxConcurrentWorkflowTasks),
  maxConcurrentActivityTaskExecutions: limit('WORKER_MAX_CONCURRENT_ACTIVITIES', defaultWorkerLimits.maxConcurrentActivities),
});
process.on('disconnect', () => worker.shutdown());
const running = worker.run();
process.send?.('ready');
await running;
await connection.close();
