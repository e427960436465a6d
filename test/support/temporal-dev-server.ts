import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { registerSearchAttributes } from '../../scripts/temporal/search-attributes-registration.js';
import { waitForTemporal } from '../../scripts/temporal/wait-for-temporal.js';
import { freePort } from './free-port.js';

export interface TemporalDevServer {
  readonly address: string;
  readonly namespace: string;
  /** The Web UI's port, or undefined when an external server (TEMPORAL_ADDRESS) is used. */
  readonly uiPort: number | undefined;
  /** The server's scratch folder (SQLite file, log), removed by stop(). */
  readonly dataDir: string | undefined;
  stop(): Promise<void>;
}

const projectRoot = new URL('../..', import.meta.url).pathname;

async function temporalCliPath(): Promise<string> {
  const { stdout } = await promisify(execFile)('bash', ['scripts/install-temporal-cli.sh'], { cwd: projectRoot, maxBuffer: 1 << 20 });
  const path = stdout.trim().split('\n').at(-1);
  if (!path) throw new Error('scripts/install-temporal-cli.sh printed no path');
  return path;
}

/**
 * A real Temporal dev server for a test run: on free ports with a throw-away SQLite file, or the
 * server at TEMPORAL_ADDRESS when that is set. Custom search attributes are registered either way.
 * `sqlitePragmas`, like `{ synchronous: 'OFF' }`, go to `--sqlite-pragma` (benches: the SQLite
 * file's fsyncs through its one writer connection otherwise bound the server's throughput).
 */
export async function startTemporalDevServer(options: { dynamicConfig?: Record<string, unknown>; alwaysOwn?: boolean; sqlitePragmas?: Record<string, string>; /** SQLite in memory, not in a file: no disk writes (benches with tens of thousands of workflows). */ inMemory?: boolean } = {}): Promise<TemporalDevServer> {
  const namespace = process.env.TEMPORAL_NAMESPACE || 'default';
  if (process.env.TEMPORAL_ADDRESS && !options.alwaysOwn) {
    const address = process.env.TEMPORAL_ADDRESS;
    const connection = await waitForTemporal(address, namespace, 30_000);
    await registerSearchAttributes(connection, namespace).finally(() => connection.close());
    return { address, namespace, uiPort: undefined, dataDir: undefined, stop: async () => {} };
  }

  const [cli, dir, port, uiPort, httpPort, metricsPort] = await Promise.all([
    temporalCliPath(),
    mkdtemp(join(tmpdir(), 'collections-temporal-')),
    freePort(),
    freePort(),
    freePort(),
    freePort(),
  ]);
  const logPath = join(dir, 'server.log');
  const log = createWriteStream(logPath);
  await once(log, 'open');
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--ui-port', String(uiPort), '--http-port', String(httpPort)];
  args.push('--metrics-port', String(metricsPort), '--namespace', namespace, ...(options.inMemory ? [] : ['--db-filename', join(dir, 'temporal.sqlite')]), '--log-level', 'warn');
  // Task priority needs matching's new matcher, off by default in the CLI's dev server (README "Commands before backlog").
  for (const [key, value] of Object.entries({ 'matching.useNewMatcher': true, ...options.dynamicConfig })) args.push('--dynamic-config-value', `${key}=${JSON.stringify(value)}`);
  for (const [key, value] of Object.entries(options.sqlitePragmas ?? {})) args.push('--sqlite-pragma', `${key}=${value}`);
  const child = spawn(cli, args, { stdio: ['ignore', log, log] });
  const exited = once(child, 'exit');
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const stop = async () => {
    process.removeListener('exit', killOnExit);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    log.end();
    await rm(dir, { recursive: true, force: true });
  };

  const address = `127.0.0.1:${port}`;
  const exitedEarly = exited.then(([code]) => {
    throw new Error(`temporal server start-dev exited with code ${code}`);
  });
  exitedEarly.catch(() => undefined); // it also "fails" at the normal stop, when nobody listens
  try {
    const connection = await Promise.race([waitForTemporal(address, namespace, 60_000), exitedEarly]);
    await registerSearchAttributes(connection, namespace).finally(() => connection.close());
  } catch (error) {
    const tail = (await readFile(logPath, 'utf8').catch(() => '')).split('\n').slice(-20).join('\n');
    await stop();
    throw new Error(`${(error as Error).message}\n--- server log ---\n${tail}`, { cause: error });
  }
  return { address, namespace, uiPort, dataDir: dir, stop };
}

/** A dev server of a suite's own that suggests continue-as-new after 40 events (the default is thousands), for `onSuiteWorker`. */
export function earlyContinueAsNewServer(): { start(): Promise<TemporalDevServer>; stop(): Promise<void> } {
  let server: TemporalDevServer | undefined;
  return {
    async start() {
      server = await startTemporalDevServer({ alwaysOwn: true, dynamicConfig: { 'limit.historyCount.suggestContinueAsNew': 40 } });
      return server;
    },
    async stop() {
      await server?.stop();
    },
  };
}
