import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import { inject } from 'vitest';
import { createPrismaClient, type PrismaClient } from '../../prisma/client.js';
import { createCollectionWorker } from '../../worker/create-worker.js';

// Workers log every state change at INFO; tests want warnings and errors only. Installed once per
// test process, before the first worker or native connection creates the default runtime.
let runtimeInstalled = false;
function installQuietRuntime(): void {
  if (runtimeInstalled) return;
  Runtime.install({ logger: new DefaultLogger('WARN') });
  runtimeInstalled = true;
}

export interface WorkerHarness {
  readonly client: Client;
  readonly prisma: PrismaClient;
  readonly taskQueue: string;
  /** Runs `fn` while a real worker polls the harness's own task queue, then shuts the worker down. */
  withWorker<T>(fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** A client, a database handle and a worker on a task queue of its own, against the run's real servers. */
export async function createWorkerHarness(): Promise<WorkerHarness> {
  installQuietRuntime();
  const address = inject('temporalAddress');
  const namespace = inject('temporalNamespace');
  const taskQueue = `test-${randomUUID()}`;
  const prisma = createPrismaClient(inject('databaseUrl'));
  const connection = await Connection.connect({ address });
  const client = new Client({ connection, namespace });
  const nativeConnection = await NativeConnection.connect({ address });

  const startWorker = (): Promise<Worker> =>
    createCollectionWorker({ connection: nativeConnection, namespace, taskQueue, prisma, workflowBundle: { codePath: inject('workflowBundlePath') } });

  return {
    client,
    prisma,
    taskQueue,
    async withWorker(fn) {
      const worker = await startWorker();
      return worker.runUntil(fn);
    },
    async close() {
      await Promise.allSettled([connection.close(), nativeConnection.close(), prisma.$disconnect()]);
    },
  };
}
