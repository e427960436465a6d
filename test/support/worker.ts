import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@temporalio/client';
import { LazyNativeConnection } from '../../api/temporal-connection.js';
import type { DataConverter } from '@temporalio/common';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { afterAll, beforeAll, inject } from 'vitest';
import type { ActivityMetrics } from '../../activities/metrics.js';
import { type LegalPartner, LocalSinkLegalPartner } from '../../activities/providers/legal-partner.js';
import { localSinks } from '../../activities/providers/local-sink.js';
import type { Senders } from '../../activities/providers/types.js';
import { requestIdClientInterceptor } from '../../api/request-context.js';
import { createPrismaClient, type PrismaClient } from '../../prisma/client.js';
import { type CollectionWorker, createCollectionWorker, type DeliveryRateLimits, type WorkerLimits } from '../../worker/create-worker.js';
import { runtimeTelemetry } from '../../worker/runtime-telemetry.js';
import { tracingClientInterceptors } from '../../telemetry/temporal-tracing.js';
import type { Tracing } from '../../telemetry/tracing.js';
import { suiteDataConverter } from './payload-encryption.js';

// Workers log every state change at INFO; tests want warnings and errors only. Installed once per
// test process, before the first worker or native connection creates the default runtime.
let runtimeInstalled = false;
// `temporalMetricsAddress` serves the SDK's metrics there, as TEMPORAL_METRICS_ADDRESS does in worker/main.ts.
function installQuietRuntime(temporalMetricsAddress?: string): void {
  if (runtimeInstalled) return;
  Runtime.install({ logger: new DefaultLogger('WARN'), ...runtimeTelemetry(temporalMetricsAddress) });
  runtimeInstalled = true;
}

export interface WorkerHarness {
  readonly client: Client;
  readonly prisma: PrismaClient;
  readonly taskQueue: string;
  /** Where the local sinks write what would have been sent. */
  readonly sinkDir: string;
  /** What the local sink of a channel received, in order. */
  sent(channel: 'email' | 'sms' | 'letter' | 'call_task' | 'legal'): Promise<SinkEntry[]>;
  /** Runs `fn` while a real worker polls the harness's own task queue, then shuts the worker down. */
  withWorker<T>(fn: () => Promise<T>): Promise<T>;
  /** Starts a worker that runs until the returned function is called (one worker for a whole suite). */
  startWorker(): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export interface SinkEntry {
  readonly idempotencyKey: string;
  readonly messageId?: string;
  readonly subject?: string;
  readonly text?: string;
  readonly template?: string;
  readonly customer?: { email?: string; phone?: string };
  readonly packet?: unknown;
  /** A legal partner's payment notice (`notifyPayment`). */
  readonly notice?: unknown;
}

/**
 * A client, a database handle and a worker on a task queue of its own, against the run's real
 * servers. Providers are the local sinks unless `senders` are given (the provider-server tests);
 * `wrapSinks` and `wrapLegalPartner` let a test hold or observe the local sinks; `limits` sets the worker's slots; `tracing` traces client and worker. Client and worker encrypt payloads with
 * the run's key unless `dataConverter` gives other keys; `taskQueue` shares another harness's queue
 * (the key rotation tests).
 */
export async function createWorkerHarness(options: { senders?: Senders; wrapSinks?: (sinks: Senders) => Senders; wrapLegalPartner?: (partner: LegalPartner) => LegalPartner; limits?: Partial<WorkerLimits>; rateLimits?: DeliveryRateLimits; temporalAddress?: string; dataConverter?: DataConverter; taskQueue?: string; metrics?: ActivityMetrics; temporalMetricsAddress?: string; tracing?: Tracing } = {}): Promise<WorkerHarness> {
  installQuietRuntime(options.temporalMetricsAddress);
  const address = options.temporalAddress ?? inject('temporalAddress');
  const namespace = inject('temporalNamespace');
  const taskQueue = options.taskQueue ?? `test-${randomUUID()}`;
  const prisma = createPrismaClient(inject('databaseUrl'));
  // The API's own connection kind (api/temporal-connection.ts): the API's tests run over what it runs over.
  const connection = new LazyNativeConnection({ address });
  const dataConverter = options.dataConverter ?? suiteDataConverter();
  const client = new Client({ connection, namespace, dataConverter, interceptors: { workflow: [...tracingClientInterceptors(options.tracing), requestIdClientInterceptor] } });
  const nativeConnection = await NativeConnection.connect({ address });
  const sinkDir = await mkdtemp(join(tmpdir(), 'collections-sinks-'));

  const startWorker = (): Promise<CollectionWorker> =>
    createCollectionWorker({
      connection: nativeConnection,
      namespace,
      taskQueue,
      prisma,
      senders: options.senders ?? (options.wrapSinks ?? ((sinks) => sinks))(localSinks(sinkDir)),
      legalPartner: (options.wrapLegalPartner ?? ((partner) => partner))(new LocalSinkLegalPartner(sinkDir)),
      ...(options.limits ? { limits: options.limits } : {}),
      ...(options.rateLimits ? { rateLimits: options.rateLimits } : {}),
      ...(options.metrics ? { metrics: options.metrics } : {}),
      ...(options.tracing ? { tracing: options.tracing } : {}),
      workflowBundle: { codePath: inject('workflowBundlePath') },
      dataConverter,
    });

  return {
    client,
    prisma,
    taskQueue,
    sinkDir,
    async sent(channel) {
      const text = await readFile(join(sinkDir, `${channel}.jsonl`), 'utf8').catch(() => '');
      return text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as SinkEntry);
    },
    async withWorker(fn) {
      const worker = await startWorker();
      return worker.runUntil(fn);
    },
    async startWorker() {
      const worker = await startWorker();
      const running = worker.run();
      return async () => {
        worker.shutdown();
        await running;
      };
    },
    async close() {
      await Promise.allSettled([connection.close(), nativeConnection.close(), prisma.$disconnect(), rm(sinkDir, { recursive: true, force: true })]);
    },
  };
}

/**
 * A harness with its worker running for the enclosing file or describe block: created before its
 * tests, shut down after; `use` receives it (`onSuiteWorker((h) => (harness = h))`). With `server`,
 * on a Temporal server of the suite's own, started first and stopped last.
 */
export function onSuiteWorker(use: (harness: WorkerHarness) => void, options: Parameters<typeof createWorkerHarness>[0] = {}, server?: { start(): Promise<{ address: string }>; stop(): Promise<void> }): void {
  let harness: WorkerHarness | undefined;
  let stopWorker: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const own = server ? await server.start() : undefined;
    harness = await createWorkerHarness({ ...options, ...(own ? { temporalAddress: own.address } : {}) });
    stopWorker = await harness.startWorker();
    use(harness);
  });
  afterAll(async () => {
    await stopWorker?.();
    await harness?.close();
    await server?.stop();
  });
}
