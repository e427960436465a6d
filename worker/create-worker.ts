import { fileURLToPath } from 'node:url';
import { type NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities } from '../activities/index.js';
import { requestIdActivityInterceptor } from './activity-interceptors.js';
import type { LegalPartner } from '../activities/providers/legal-partner.js';
import type { Senders } from '../activities/providers/types.js';
import type { PrismaClient } from '../prisma/client.js';

export const workflowsPath = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));
/** Bundled with the workflows (pass the same list to bundleWorkflowCode). */
export const workflowInterceptorModules = [fileURLToPath(new URL('../workflows/interceptors.ts', import.meta.url))];

export interface CollectionWorkerOptions {
  readonly connection: NativeConnection;
  readonly namespace: string;
  readonly taskQueue: string;
  readonly prisma: PrismaClient;
  readonly senders: Senders;
  readonly legalPartner: LegalPartner;
  /** A pre-built bundle (tests build it once); otherwise the worker bundles workflows/ at start. */
  readonly workflowBundle?: WorkerOptions['workflowBundle'];
  readonly identity?: string;
}

export async function createCollectionWorker(options: CollectionWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath }),
    interceptors: { workflowModules: workflowInterceptorModules, activity: [requestIdActivityInterceptor] },
    activities: createActivities({ prisma: options.prisma, senders: options.senders, legalPartner: options.legalPartner }),
    ...(options.identity ? { identity: options.identity } : {}),
  });
}
