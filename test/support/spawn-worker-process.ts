import { type ChildProcess, spawn } from 'node:child_process';
import { inject } from 'vitest';
import { eventually } from './eventually.js';

const root = new URL('../..', import.meta.url).pathname;

/**
 * A collection worker in a process of its own (test/support/worker-process.ts) on the run's Temporal
 * server, database, bundle and keys, so a test can SIGKILL it mid-activity. It exits with the test
 * process (exit-with-parent). Resolves once it polls. `env` adds or overrides settings.
 */
export async function spawnWorkerProcess(env: Record<string, string>): Promise<ChildProcess> {
  // node --import tsx: one process (the tsx CLI would put a child under it that SIGKILL misses).
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/worker-process.ts'], {
    cwd: root,
    stdio: ['pipe', 'pipe', 'inherit'],
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_NAMESPACE: inject('temporalNamespace'),
      DATABASE_URL: inject('databaseUrl'),
      WORKFLOW_BUNDLE_PATH: inject('workflowBundlePath'),
      PAYLOAD_ENCRYPTION_KEYS: inject('payloadEncryptionKeys'),
      ...env,
    },
  });
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
