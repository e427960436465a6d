import type { DataConverter } from '@temporalio/common';
import { type NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities } from '../activities/index.js';
import { requestIdActivityInterceptor } from './activity-interceptors.js';
import { tracingActivityInterceptors, tracingClientInterceptors, tracingWorkflowInterceptorModule, workflowSpanSinks } from '../telemetry/temporal-tracing.js';
import type { Tracing } from '../telemetry/tracing.js';
import type { ActivityMetrics } from '../activities/metrics.js';
import type { LegalPartner } from '../activities/providers/legal-partner.js';
import type { Senders } from '../activities/providers/types.js';
import type { PrismaClient } from '../prisma/client.js';
import type { MessageChannel } from '../workflows/activity-interfaces.js';
import { commandTaskQueue, deliveryTaskQueue } from '../workflows/definitions.js';
import { modulePath } from '../config/module-path.js';

export const workflowsPath = modulePath('../workflows/index.ts', import.meta.url);
/** Bundled with the workflows (pass the same list to bundleWorkflowCode). */
export const workflowInterceptorModules = [tracingWorkflowInterceptorModule, modulePath('../workflows/interceptors.ts', import.meta.url)];

const channels: readonly MessageChannel[] = ['email', 'sms', 'letter', 'call_task'];

/** Requests per second each channel's provider accepts; a channel not named is not limited (the local sinks). */
export type DeliveryRateLimits = Partial<Record<MessageChannel, number>>;

/** How much one worker process holds and runs at once (config WORKER_*; README "Worker memory and limits"). */
export interface WorkerLimits {
  /** Workflows kept in memory between tasks; an evicted case replays its history on its next task. */
  readonly maxCachedWorkflows: number;
  readonly maxConcurrentWorkflowTasks: number;
  /** Slots of the case queue (scheduled records, fees, hand-offs, correspondence requests). */
  readonly maxConcurrentActivities: number;
  /** Slots of the commands queue, kept apart so a command's write never waits for the case queue's. */
  readonly maxConcurrentCommandActivities: number;
  /** Slots of each channel's delivery queue. */
  readonly maxConcurrentDeliveries: number;
}

/** The configuration defaults (config/schema.ts), for callers without a configuration. */
export const defaultWorkerLimits: WorkerLimits = { maxCachedWorkflows: 50, maxConcurrentWorkflowTasks: 20, maxConcurrentActivities: 50, maxConcurrentCommandActivities: 20, maxConcurrentDeliveries: 20 };

/**
 * Node's --max-old-space-size (MiB) that every start command of the worker passes (package.json,
 * docker-compose.yml, scripts/dev.sh). Node applies it to the SDK's workflow thread too, whose heap
 * otherwise keeps the garbage of every workflow it creates and grows by hundreds of MB before V8
 * collects it (README "Worker memory and limits"). Raise it with WORKER_MAX_CACHED_WORKFLOWS.
 */
export const workerHeapLimitMb = 256;

/** Reads the limits from a loaded configuration. */
export function workerLimitsFromConfig(config: { WORKER_MAX_CACHED_WORKFLOWS: number; WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: number; WORKER_MAX_CONCURRENT_ACTIVITIES: number; WORKER_MAX_CONCURRENT_COMMAND_ACTIVITIES: number; WORKER_MAX_CONCURRENT_DELIVERIES: number }): WorkerLimits {
  return {
    maxCachedWorkflows: config.WORKER_MAX_CACHED_WORKFLOWS,
    maxConcurrentWorkflowTasks: config.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS,
    maxConcurrentActivities: config.WORKER_MAX_CONCURRENT_ACTIVITIES,
    maxConcurrentCommandActivities: config.WORKER_MAX_CONCURRENT_COMMAND_ACTIVITIES,
    maxConcurrentDeliveries: config.WORKER_MAX_CONCURRENT_DELIVERIES,
  };
}

export interface CollectionWorkerOptions {
  readonly connection: NativeConnection;
  readonly namespace: string;
  readonly taskQueue: string;
  readonly prisma: PrismaClient;
  readonly senders: Senders;
  readonly legalPartner: LegalPartner;
  readonly rateLimits?: DeliveryRateLimits;
  /** Where activities count business metrics (the worker's /metrics serves their registry). */
  readonly metrics?: ActivityMetrics;
  /** Defaults to `defaultWorkerLimits`; `maxCachedWorkflows: undefined` keeps the SDK's heap-based default (the bench compares). */
  readonly limits?: Partial<WorkerLimits>;
  /** A pre-built bundle (tests build it once); otherwise the worker bundles workflows/ at start. */
  readonly workflowBundle?: WorkerOptions['workflowBundle'];
  readonly identity?: string;
  /**
   * After SIGTERM (or shutdown()), how long in-flight activities may finish before they are
   * cancelled (WORKER_SHUTDOWN_GRACE_SECONDS); unset: the SDK's 0, cancelled at once (tests).
   */
  readonly shutdownGraceSeconds?: number;
  /** The payload codec and failure converter (codec/data-converter.ts); a bundle built ahead must use its failureConverterPath. */
  readonly dataConverter: DataConverter;
  /** Activity and workflow spans (telemetry/tracing.ts); without it workflow spans are dropped at the sink. */
  readonly tracing?: Tracing;
}

/** The case worker, the commands worker and one delivery worker per channel, run and stopped together. */
export interface CollectionWorker {
  run(): Promise<void>;
  runUntil<T>(fn: () => Promise<T>): Promise<T>;
  shutdown(): void;
}

/**
 * Provider rate limits are Temporal task-queue rate limits, not a token bucket in this process:
 * every delivery runs on its channel's own task queue, and the workers polling it ask the server
 * to dispatch at most `maxTaskQueueActivitiesPerSecond` from it. The server enforces that across
 * all workers, so scaling out never multiplies a provider's rate (a bucket per process would),
 * and a delivery waiting for its turn waits in the queue (schedule-to-start), not inside a
 * running activity that holds a slot and burns its start-to-close timeout. Every worker must be
 * given the same limits: the server keeps the last poller's value.
 */
export async function createCollectionWorker(options: CollectionWorkerOptions): Promise<CollectionWorker> {
  const activities = createActivities({ prisma: options.prisma, senders: options.senders, legalPartner: options.legalPartner, ...(options.metrics ? { metrics: options.metrics } : {}) });
  const limits = { ...defaultWorkerLimits, ...options.limits };
  const activityInterceptors = [...tracingActivityInterceptors(options.tracing), requestIdActivityInterceptor];
  // The client activities get from their context (requestDelivery's signal-with-start) carries the trace on to the correspondence workflow.
  const client = { workflow: tracingClientInterceptors(options.tracing) };
  const common = {
    connection: options.connection,
    namespace: options.namespace,
    dataConverter: options.dataConverter,
    interceptors: { activity: activityInterceptors, client },
    ...(options.identity ? { identity: options.identity } : {}),
    ...(options.shutdownGraceSeconds ? { shutdownGraceTime: `${options.shutdownGraceSeconds}s` } : {}),
  };
  const caseWorker = await Worker.create({
    ...common,
    taskQueue: options.taskQueue,
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath }),
    interceptors: { workflowModules: workflowInterceptorModules, activity: activityInterceptors, client },
    sinks: workflowSpanSinks(options.tracing),
    // deliverMessage too: deliveries scheduled on this queue before it had delivery queues still finish.
    // Commands' writes too: ones scheduled here before the commands queue existed still finish.
    activities,
    ...(limits.maxCachedWorkflows === undefined ? {} : { maxCachedWorkflows: limits.maxCachedWorkflows }),
    maxConcurrentWorkflowTaskExecutions: limits.maxConcurrentWorkflowTasks,
    maxConcurrentActivityTaskExecutions: limits.maxConcurrentActivities,
  });
  const commandWorker = await Worker.create({
    ...common,
    taskQueue: commandTaskQueue(options.taskQueue),
    activities: { recordCaseEvents: activities.recordCaseEvents, postFeeWaiver: activities.postFeeWaiver },
    maxConcurrentActivityTaskExecutions: limits.maxConcurrentCommandActivities,
  });
  const deliveryWorkers = await Promise.all(
    channels.map((channel) => {
      const limit = options.rateLimits?.[channel];
      return Worker.create({ ...common, taskQueue: deliveryTaskQueue(options.taskQueue, channel), activities: { deliverMessage: activities.deliverMessage }, maxConcurrentActivityTaskExecutions: limits.maxConcurrentDeliveries, ...(limit ? { maxTaskQueueActivitiesPerSecond: limit } : {}) });
    }),
  );
  const workers = [caseWorker, commandWorker, ...deliveryWorkers];
  const shutdown = () => workers.filter((worker) => worker.getState() === 'RUNNING').forEach((worker) => worker.shutdown());
  const run = async () => {
    const runs = workers.map((worker) => worker.run());
    // One failing worker stops the others, so the process never runs half a worker.
    await Promise.all(runs).catch(async (error: unknown) => {
      shutdown();
      await Promise.allSettled(runs);
      throw error;
    });
  };
  return {
    run,
    shutdown,
    async runUntil(fn) {
      const running = run();
      try {
        return await fn();
      } finally {
        shutdown();
        await running;
      }
    },
  };
}
