// What every server-side bench runs on: its own PostgreSQL database and Temporal dev server, the
// API as a process of its own (api/main.ts, as deployed) and a client in this process for the raw
// reference. Optionally a collection worker in this process writing to local sinks.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { request as httpRequest } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { generateApiKey, hashApiKey } from '../../api/auth/api-keys.js';
import { LocalSinkLegalPartner } from '../../activities/providers/legal-partner.js';
import { localSinks } from '../../activities/providers/local-sink.js';
import type { Senders } from '../../activities/providers/types.js';
import { encryptingDataConverter } from '../../codec/data-converter.js';
import { encryptionKeyList } from '../../config/encryption-keys.js';
import { createPrismaClient, type PrismaClient } from '../../prisma/client.js';
import { migrate } from '../../scripts/migrator/migrator.js';
import { createTestDatabase } from '../../test/support/database.js';
import { freePort } from '../../test/support/free-port.js';
import { startTemporalDevServer } from '../../test/support/temporal-dev-server.js';
import { startTestPostgres } from '../../test/support/test-postgres.js';
import { createCollectionWorker, type CollectionWorker } from '../../worker/create-worker.js';

export interface Stack {
  readonly temporalAddress: string;
  readonly namespace: string;
  readonly taskQueue: string;
  readonly databaseUrl: string;
  readonly prisma: PrismaClient;
  /** Encrypts payloads with the same key as the API: the raw reference pays for the codec too. */
  readonly client: Client;
  readonly nativeConnection: NativeConnection;
  readonly dataConverter: DataConverter;
  /** The PAYLOAD_ENCRYPTION_KEYS behind `dataConverter`, for worker processes the bench starts. */
  readonly payloadEncryptionKeys: string;
  readonly sinkDir: string;
  /** http://127.0.0.1:<port> of the API process. */
  readonly apiUrl: string;
  /** The API process's pid (to read its CPU time). */
  readonly apiPid: number;
  /** The settings every process of this deployment is started with (the API's; worker processes add their own). */
  readonly deploymentEnv: Readonly<Record<string, string>>;
  /** An admin API key (admin may call every route). */
  readonly apiKey: string;
  /** POST/GET with the key; JSON in and out. */
  api(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: unknown }>;
  stop(): Promise<void>;
}

const root = fileURLToPath(new URL('../..', import.meta.url));

/** What a bench stops at its end; a part it never set up (or another `finally` stops) is left out. */
export interface BenchParts {
  readonly workers?: readonly { shutdown(): void }[];
  /** The workers' `run()`, awaited after their shutdown so in-flight tasks finish. */
  readonly running?: Promise<unknown>;
  readonly connections?: readonly { close(): Promise<void> }[];
  readonly prisma?: PrismaClient;
  readonly temporal?: { stop(): Promise<void> };
  readonly database?: { drop(): Promise<void> };
  readonly sinkDir?: string;
  /** Stopped last: the bench's database lives in it. */
  readonly postgres?: { stop(): Promise<void> };
}

/**
 * The one teardown of every bench: workers first (they use the connections), then the connections
 * and Prisma, then the Temporal server, the database and the sink folder, then PostgreSQL. A part
 * that fails to stop does not keep the others running.
 */
export async function stopBenchParts(parts: BenchParts): Promise<void> {
  for (const worker of parts.workers ?? []) worker.shutdown();
  await parts.running?.catch(() => undefined);
  await Promise.allSettled([...(parts.connections ?? []).map((connection) => connection.close()), parts.prisma?.$disconnect()]);
  await Promise.allSettled([parts.temporal?.stop(), parts.database?.drop(), parts.sinkDir === undefined ? undefined : rm(parts.sinkDir, { recursive: true, force: true })]);
  await parts.postgres?.stop();
}

async function untilHealthy(url: string, api: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (api.exitCode !== null) throw new Error(`the API exited with code ${api.exitCode}`);
    const ok = await fetch(`${url}/health`).then((r) => r.ok).catch(() => false);
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the API did not answer /health within ${timeoutMs} ms`);
}

/**
 * `apiNodeArgs`: more arguments for the API's node, like --cpu-prof to see where its time goes.
 * `wrapSinks`: the worker's senders made from the local sinks (a provider stand-in for one channel).
 * `sqlitePragmas`: for the dev server's SQLite file (README "Benchmarks": what fsync costs).
 * `temporalInMemory`: the dev server's SQLite in memory (benches with tens of thousands of workflows).
 * `temporalDynamicConfig`: dynamic config values for the dev server (say, task priority off).
 */
export async function startStack(options: { worker?: boolean; wrapSinks?: (sinks: Senders) => Senders; apiEnv?: Record<string, string>; apiNodeArgs?: string[]; sqlitePragmas?: Record<string, string>; temporalInMemory?: boolean; temporalDynamicConfig?: Record<string, unknown> } = {}): Promise<Stack & { worker?: CollectionWorker }> {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const postgres = await startTestPostgres();
  process.env.TEST_POSTGRES_URL = postgres.serverUrl;
  const [temporal, database, sinkDir, apiPort] = await Promise.all([
    startTemporalDevServer({ alwaysOwn: true, inMemory: options.temporalInMemory ?? false, ...(options.sqlitePragmas ? { sqlitePragmas: options.sqlitePragmas } : {}), ...(options.temporalDynamicConfig ? { dynamicConfig: options.temporalDynamicConfig } : {}) }),
    createTestDatabase('collections_bench'),
    mkdtemp(join(tmpdir(), 'bench-sinks-')),
    freePort(),
  ]);
  await migrate({ databaseUrl: database.url, migrationsDir: join(root, 'prisma/migrations') });
  const keys = `bench:${randomBytes(32).toString('base64')}`;
  const dataConverter = encryptingDataConverter(encryptionKeyList.parse(keys));
  const prisma = createPrismaClient(database.url);
  const connection = await Connection.connect({ address: temporal.address });
  const client = new Client({ connection, namespace: temporal.namespace, dataConverter });
  const nativeConnection = await NativeConnection.connect({ address: temporal.address });
  const taskQueue = `bench-${randomUUID()}`;
  const apiKey = generateApiKey();
  await prisma.apiKey.create({ data: { name: 'bench', role: 'admin', keyHash: hashApiKey(apiKey) } });

  const deploymentEnv = {
    DATABASE_URL: database.url,
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_NAMESPACE: temporal.namespace,
    TEMPORAL_TASK_QUEUE: taskQueue,
    LOG_LEVEL: 'warn',
    PAYLOAD_ENCRYPTION_KEYS: keys,
    PAYLOAD_ENCRYPTION_KEY_FILE: '',
    SINK_DIR: sinkDir,
  };
  const api = spawn(process.execPath, [...(options.apiNodeArgs ?? []), '--import', 'tsx', join(root, 'api/main.ts')], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit'], // LOG_LEVEL=warn: only its warnings and errors
    env: { ...process.env, ...deploymentEnv, API_HOST: '127.0.0.1', API_PORT: String(apiPort), ...options.apiEnv },
  });
  const killApi = () => api.kill('SIGKILL');
  process.once('exit', killApi);
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  await untilHealthy(apiUrl, api, 60_000);

  let worker: CollectionWorker | undefined;
  let running: Promise<void> | undefined;
  if (options.worker) {
    worker = await createCollectionWorker({ connection: nativeConnection, namespace: temporal.namespace, taskQueue, prisma, senders: (options.wrapSinks ?? ((sinks) => sinks))(localSinks(sinkDir)), legalPartner: new LocalSinkLegalPartner(sinkDir), dataConverter });
    running = worker.run();
  }

  return {
    temporalAddress: temporal.address,
    namespace: temporal.namespace,
    taskQueue,
    databaseUrl: database.url,
    prisma,
    client,
    nativeConnection,
    dataConverter,
    payloadEncryptionKeys: keys,
    sinkDir,
    apiUrl,
    apiPid: api.pid!,
    deploymentEnv,
    apiKey,
    ...(worker ? { worker } : {}),
    async api(method, path, body, headers = {}) {
      // node:http rather than fetch: fetch gives up waiting for headers after 300 s, and a bulk
      // import of thousands of rows on a loaded machine can take longer than that.
      const payload = body === undefined ? undefined : JSON.stringify(body);
      return new Promise((resolve, reject) => {
        const request = httpRequest(`${apiUrl}${path}`, { method, headers: { authorization: `Bearer ${apiKey}`, ...(payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }), ...headers } }, (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            resolve({ status: response.statusCode ?? 0, body: text ? (JSON.parse(text) as unknown) : null });
          });
          response.on('error', reject);
        });
        request.on('error', reject);
        request.end(payload);
      });
    },
    async stop() {
      process.removeListener('exit', killApi);
      api.kill('SIGTERM');
      if (api.exitCode === null) await once(api, 'exit');
      await stopBenchParts({ workers: worker ? [worker] : [], running, connections: [connection, nativeConnection], prisma, temporal, database, sinkDir, postgres });
    },
  };
}
