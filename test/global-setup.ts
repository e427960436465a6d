import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { bundleWorkflowCode } from '@temporalio/worker';
import type { TestProject } from 'vitest/node';
import { failureConverterPath } from '../codec/data-converter.js';
import { migrate } from '../scripts/migrator/migrator.js';
import { workflowInterceptorModules, workflowsPath } from '../worker/create-worker.js';
import { createTestDatabase } from './support/database.js';
import { startTestPostgres } from './support/test-postgres.js';
import { startTemporalDevServer } from './support/temporal-dev-server.js';

/**
 * Once per run: a Temporal dev server on free ports with a throw-away SQLite file (or the server
 * at TEMPORAL_ADDRESS), a fresh migrated PostgreSQL database (on the running server, or on an
 * embedded one when none runs), the workflow bundle built once and the run's payload encryption key.
 * The returned teardown removes all of it, also when tests failed.
 */
export default function setup(project: TestProject): Promise<() => Promise<void>> {
  return prepareRun(project, () => startTemporalDevServer());
}

/** What a run needs of its Temporal server: the dev server here, a real cluster in test/cluster/global-setup.ts. */
export interface RunTemporal {
  readonly address: string;
  readonly namespace: string;
  readonly dataDir: string | undefined;
  stop(): Promise<void>;
}

/** Everything above, with the Temporal server `startTemporal` gives. */
export async function prepareRun(project: TestProject, startTemporal: () => Promise<RunTemporal>): Promise<() => Promise<void>> {
  const cleanups: (() => Promise<void>)[] = [];
  const teardown = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch((error) => console.error('teardown:', error));
  };
  try {
    const postgres = await startTestPostgres();
    cleanups.push(postgres.stop);
    // Test files read it too (test/support/database.ts); workers inherit this process's environment.
    process.env.TEST_POSTGRES_URL = postgres.serverUrl;
    if (postgres.kind === 'embedded') console.log(`No PostgreSQL server running: tests use an embedded one (${new URL(postgres.serverUrl).host})`);
    const [temporal, database, bundleDir] = await Promise.all([
      startTemporal(),
      createTestDatabase('collections_test'),
      mkdtemp(join(tmpdir(), 'collections-bundle-')),
    ]);
    cleanups.push(temporal.stop, database.drop, () => rm(bundleDir, { recursive: true, force: true }));
    await migrate({ databaseUrl: database.url, migrationsDir: new URL('../prisma/migrations', import.meta.url).pathname });

    const bundle = await bundleWorkflowCode({ workflowsPath, workflowInterceptorModules, failureConverterPath, logger: quietBundlerLogger });
    const workflowBundlePath = join(bundleDir, 'workflow-bundle.js');
    await writeFile(workflowBundlePath, bundle.code);

    project.provide('temporalAddress', temporal.address);
    project.provide('temporalNamespace', temporal.namespace);
    project.provide('temporalDataDir', temporal.dataDir ?? '');
    project.provide('databaseUrl', database.url);
    project.provide('workflowBundlePath', workflowBundlePath);
    // Every client and worker of the run encrypts payloads with a key of its own, as in production.
    // The committed histories' key (test/histories/recording-key, a test-only key that protects
    // nothing) comes after it, so recorded histories decrypt on replay; recording puts it first.
    const runKey = `suite-${Date.now()}:${randomBytes(32).toString('base64')}`;
    const recordingKey = (await readFile(new URL('./histories/recording-key', import.meta.url), 'utf8')).trim();
    project.provide('payloadEncryptionKeys', process.env.RECORD_HISTORIES === '1' ? `${recordingKey},${runKey}` : `${runKey},${recordingKey}`);
    return teardown;
  } catch (error) {
    await teardown();
    throw error;
  }
}

const quietBundlerLogger = {
  trace: () => {},
  debug: () => {},
  info: () => {},
  log: () => {},
  warn: (message: string, meta?: unknown) => console.warn(message, meta ?? ''),
  error: (message: string, meta?: unknown) => console.error(message, meta ?? ''),
};
