import { type ChildProcess, spawn, type StdioOptions } from 'node:child_process';
import { inject } from 'vitest';
import { eventually } from './eventually.js';

const root = new URL('../..', import.meta.url).pathname;

/** One of the project's Node entry points on the run's Temporal server, database and keys; `env` adds or overrides settings. */
function spawnOnRun(entry: string, env: Record<string, string>, stdio: StdioOptions): ChildProcess {
  // node --import tsx: one process (the tsx CLI would put a child under it that SIGKILL misses).
  return spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: root,
    stdio,
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_NAMESPACE: inject('temporalNamespace'),
      DATABASE_URL: inject('databaseUrl'),
      PAYLOAD_ENCRYPTION_KEYS: inject('payloadEncryptionKeys'),
      ...env,
    },
  });
}

/**
 * `npm run api` or `npm run worker` as deployed (api/main.ts, worker/main.ts, configured only by
 * the environment), in a process of its own on the run's server, database and keys, its output
 * dropped (LOG_LEVEL=warn). It returns at once: the caller waits for what it needs (health,
 * metrics, spans) and SIGKILLs it when done.
 */
export function spawnMainProcess(main: 'api/main.ts' | 'worker/main.ts', env: Record<string, string>): ChildProcess {
  return spawnOnRun(main, { LOG_LEVEL: 'warn', ...env }, 'ignore');
}

/**
 * A collection worker in a process of its own (test/support/worker-process.ts) on the run's Temporal
 * server, database, bundle and keys, so a test can SIGKILL it mid-activity. It exits with the test
 * process (exit-with-parent). Resolves once it polls. `env` adds or overrides settings.
 */
export async function spawnWorkerProcess(env: Record<string, string>): Promise<ChildProcess> {
  // stdin: the worker exits when this test process goes away (exit-with-parent).
  const child = spawnOnRun('test/support/worker-process.ts', { WORKFLOW_BUNDLE_PATH: inject('workflowBundlePath'), ...env }, ['pipe', 'pipe', 'inherit']);
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<never>((_, reject) => child.once('exit', (code, signal) => reject(new Error(`worker process exited (${signal ?? code}) before it was ready`))));
  exited.catch(() => undefined);
  const printed = await Promise.race([eventually(async () => output, (text) => text.includes('ready'), 90_000), exited]);
  if (!printed.includes('ready')) {
    child.kill('SIGKILL');
    throw new Error(`worker process did not poll within 90 s; it printed: ${printed}`);
  }
  return child;
}
