// Worker processes for the benches that scale out: collection workers started as deployed
// (worker/main.ts with the deployment's settings and a workflow bundle built once ahead) and raw
// reference workers (bench/support/raw-worker.ts) reporting over IPC. Each is killed when the bench
// process exits, however it exits.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode } from '@temporalio/worker';
import { failureConverterPath } from '../../codec/data-converter.js';
import { workflowInterceptorModules, workflowsPath } from '../../worker/create-worker.js';
import type { Stack } from './stack.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const quiet = { trace() {}, debug() {}, info() {}, log() {}, warn() {}, error: console.error };
const readyWithin = 120_000;

export interface Bundles {
  /** The collection workflows, as `npm run build` bundles them. */
  readonly collection: string;
  /** bench/raw-timer-workflows.ts. */
  readonly raw: string;
  dispose(): Promise<void>;
}

/** Both bundles, built once, so a worker process starts in seconds instead of bundling for itself. */
export async function buildBundles(): Promise<Bundles> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-bundles-'));
  const [collection, raw] = await Promise.all([
    bundleWorkflowCode({ workflowsPath, workflowInterceptorModules, failureConverterPath, logger: quiet }),
    bundleWorkflowCode({ workflowsPath: fileURLToPath(new URL('../raw-timer-workflows.ts', import.meta.url)), failureConverterPath, logger: quiet }),
  ]);
  const paths = { collection: join(dir, 'collection-bundle.js'), raw: join(dir, 'raw-bundle.js') };
  await Promise.all([writeFile(paths.collection, collection.code), writeFile(paths.raw, raw.code)]);
  return { ...paths, dispose: () => rm(dir, { recursive: true, force: true }) };
}

/** A worker process of the bench; `stop()` ends it and waits for its exit. */
export interface WorkerProcess {
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

/** Killed when the bench process exits; one listener for all of them (eight workers would pass Node's warning limit). */
const running = new Set<ChildProcess>();
process.once('exit', () => running.forEach((child) => child.kill('SIGKILL')));

function supervised(child: ChildProcess): WorkerProcess {
  running.add(child);
  return {
    child,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = once(child, 'exit');
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(timer);
      }
      running.delete(child);
    },
  };
}

/** Resolves once `ready(output so far)` holds; rejects if the process exits first or takes too long. */
async function untilReady(worker: WorkerProcess, name: string, ready: () => boolean, output: () => string): Promise<WorkerProcess> {
  const deadline = Date.now() + readyWithin;
  while (!ready()) {
    if (worker.child.exitCode !== null) throw new Error(`${name} exited (${worker.child.exitCode}) before it polled:\n${output().slice(-2_000)}`);
    if (Date.now() > deadline) {
      await worker.stop();
      throw new Error(`${name} did not poll within ${readyWithin / 1000} s:\n${output().slice(-2_000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return worker;
}

/**
 * A collection worker as deployed: `node worker/main.ts` with the deployment's settings, its
 * default limits and `env` on top. Ready once it logs that it polls its task queue.
 */
export async function spawnCollectionWorker(stack: Stack, bundles: Bundles, env: Record<string, string> = {}): Promise<WorkerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'worker/main.ts')], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...stack.deploymentEnv, LOG_LEVEL: 'info', WORKFLOW_BUNDLE_PATH: bundles.collection, ...env },
  });
  let output = '';
  // Kept short: after "ready" only its warnings and errors matter, and only if it dies.
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  return untilReady(supervised(child), 'a collection worker', () => output.includes('worker polling task queue'), () => output);
}

/** A raw reference worker on `taskQueue`; `onEvent` hears each "opened" and "fired" it reports. */
export async function spawnRawWorker(stack: Stack, bundles: Bundles, taskQueue: string, onEvent: (event: 'opened' | 'fired') => void, env: Record<string, string> = {}): Promise<WorkerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./raw-worker.ts', import.meta.url))], {
    cwd: root,
    stdio: ['pipe', 'pipe', 'pipe', 'ipc'],
    env: { ...process.env, ...stack.deploymentEnv, TEMPORAL_TASK_QUEUE: taskQueue, WORKFLOW_BUNDLE_PATH: bundles.raw, ...env },
  });
  let output = '';
  let ready = false;
  child.stdout!.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)));
  child.stderr!.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)));
  child.on('message', (message) => {
    if (message === 'ready') ready = true;
    else if (message === 'opened' || message === 'fired') onEvent(message);
  });
  return untilReady(supervised(child), 'a raw worker', () => ready, () => output);
}

/** `count` collection workers and `count` raw workers, side by side on one server. */
export interface Fleets {
  readonly rawTaskQueue: string;
  /** What the raw workers reported, summed. */
  readonly rawCounter: { opened: number; fired: number };
  /** Process ids of each fleet (their CPU time is read from /proc). */
  readonly pids: { readonly ours: number[]; readonly raw: number[] };
  stop(): Promise<void>;
}

/** The same worker limits for both fleets, as WORKER_MAX_* settings (README "Worker memory and limits"). */
export function workerLimitsEnv(options: { number(name: string, fallback: number): number }): Record<string, string> {
  const cache = options.number('cache', 0);
  const workflowTasks = options.number('workflow-tasks', 0);
  return { ...(cache ? { WORKER_MAX_CACHED_WORKFLOWS: String(cache) } : {}), ...(workflowTasks ? { WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: String(workflowTasks) } : {}) };
}

/** Starts both fleets (one process at a time: starting is CPU-heavy on a small machine); `env`: limits for both. */
export async function startFleets(stack: Stack, bundles: Bundles, count: number, env: Record<string, string> = {}): Promise<Fleets> {
  const rawTaskQueue = `${stack.taskQueue}-raw-${count}`;
  const rawCounter = { opened: 0, fired: 0 };
  const ours: WorkerProcess[] = [];
  const raw: WorkerProcess[] = [];
  const stop = async () => void (await Promise.allSettled([...ours, ...raw].map((worker) => worker.stop())));
  try {
    for (let i = 0; i < count; i++) {
      // Four workers, the API and other runs share one PostgreSQL (max_connections 100): 5 each, not the default 20.
      ours.push(await spawnCollectionWorker(stack, bundles, { DATABASE_POOL_SIZE: '5', ...env }));
      raw.push(await spawnRawWorker(stack, bundles, rawTaskQueue, (event) => (rawCounter[event] += 1), env));
    }
  } catch (error) {
    await stop();
    throw error;
  }
  const pidsOf = (workers: WorkerProcess[]) => workers.map((worker) => worker.child.pid!);
  return { rawTaskQueue, rawCounter, pids: { ours: pidsOf(ours), raw: pidsOf(raw) }, stop };
}
