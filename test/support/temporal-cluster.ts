import { execFile } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const projectRoot = new URL('../..', import.meta.url).pathname;

export interface TemporalCluster {
  /** The cluster's folder (config, log, pid file); the databases are named in its cluster.env. */
  readonly dir: string;
  readonly address: string;
  readonly namespace: string;
  /** Stops the server and drops its databases. */
  stop(): Promise<void>;
}

/** Runs scripts/temporal/start-cluster.sh on DIR and reads the settings it prints last. */
async function startCluster(dir: string): Promise<{ address: string; namespace: string }> {
  const started = run('bash', ['scripts/temporal/start-cluster.sh', dir], { cwd: projectRoot, maxBuffer: 16 << 20 });
  try {
    const { stdout } = await started;
    const printed = Object.fromEntries(stdout.split('\n').filter((line) => /^TEMPORAL_\w+=/.test(line)).map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
    if (!printed.TEMPORAL_ADDRESS || !printed.TEMPORAL_NAMESPACE) throw new Error(`start-cluster.sh printed no address:\n${stdout}`);
    return { address: printed.TEMPORAL_ADDRESS, namespace: printed.TEMPORAL_NAMESPACE };
  } catch (error) {
    throw new Error(`start-cluster.sh failed:\n${String((error as { stderr?: string }).stderr ?? error)}`, { cause: error });
  }
}

/** A real Temporal server on the local PostgreSQL, in a fresh folder with databases of its own. */
export async function startTemporalCluster(): Promise<TemporalCluster> {
  const dir = await mkdtemp(join(tmpdir(), 'collections-cluster-'));
  // If this process dies without its teardown, the server (started detached) goes with it.
  const killOnExit = () => {
    try {
      process.kill(Number(readFileSync(join(dir, 'server.pid'), 'utf8')), 'SIGKILL');
    } catch {
      // not running
    }
  };
  process.once('exit', killOnExit);
  const stop = async () => {
    process.removeListener('exit', killOnExit);
    await run('bash', ['scripts/temporal/stop-cluster.sh', dir], { cwd: projectRoot });
  };
  try {
    return { dir, ...(await startCluster(dir)), stop };
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
}

/** The server's pid, from the cluster folder. */
export async function clusterServerPid(dir: string): Promise<number> {
  return Number((await readFile(join(dir, 'server.pid'), 'utf8')).trim());
}

/** Starts the server of the cluster in DIR again (after it was stopped), on the same databases and ports. */
export async function restartClusterServer(dir: string): Promise<void> {
  await startCluster(dir);
}
