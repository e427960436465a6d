// One collection worker in a process of its own, so the bench reads this process's RSS alone.
// Settings come from the environment; CACHE=sdk-default keeps the SDK's heap-based cache size,
// a number sets maxCachedWorkflows. Answers "rss" messages on the IPC channel with its RSS.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { LocalSinkLegalPartner } from '../../activities/providers/legal-partner.js';
import { localSinks } from '../../activities/providers/local-sink.js';
import { encryptingDataConverter } from '../../codec/data-converter.js';
import { encryptionKeyList } from '../../config/encryption-keys.js';
import { createPrismaClient } from '../../prisma/client.js';
import { createCollectionWorker } from '../../worker/create-worker.js';

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`memory-worker needs ${name}`);
  return value;
};

Runtime.install({ logger: new DefaultLogger('ERROR') });
const sinkDir = await mkdtemp(join(tmpdir(), 'bench-sinks-'));
const cache = env('CACHE');
const connection = await NativeConnection.connect({ address: env('TEMPORAL_ADDRESS') });
const worker = await createCollectionWorker({
  connection,
  namespace: env('TEMPORAL_NAMESPACE'),
  taskQueue: env('TEMPORAL_TASK_QUEUE'),
  prisma: createPrismaClient(env('DATABASE_URL')),
  senders: localSinks(sinkDir),
  legalPartner: new LocalSinkLegalPartner(sinkDir),
  workflowBundle: { codePath: env('WORKFLOW_BUNDLE_PATH') },
  dataConverter: encryptingDataConverter(encryptionKeyList.parse(env('PAYLOAD_ENCRYPTION_KEYS'))),
  limits: { maxCachedWorkflows: cache === 'sdk-default' ? undefined : Number(cache) },
});
process.on('message', (message) => {
  if (message === 'rss') process.send?.({ rss: process.memoryUsage().rss });
});
process.on('disconnect', () => worker.shutdown());
const running = worker.run();
process.send?.('ready');
await running;
await connection.close();
