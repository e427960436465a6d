import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { TestProject } from 'vitest/node';
import { prepareRun } from '../global-setup.js';
import { type TemporalCluster, startTemporalCluster } from '../support/temporal-cluster.js';

const projectRoot = new URL('../..', import.meta.url).pathname;

/**
 * The `cluster` project's run: a real Temporal server (built from Go modules, PostgreSQL persistence
 * and SQL visibility, scripts/temporal/start-cluster.sh) instead of the dev server, and the rest as
 * in test/global-setup.ts. When the server cannot be built here, the project's tests are skipped
 * with the reason printed (and carried in `temporalClusterUnavailable` for the tests' skip titles).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const unavailable = await serverUnavailable();
  project.provide('temporalClusterUnavailable', unavailable ?? '');
  project.provide('temporalClusterDir', '');
  if (unavailable) {
    console.warn(`\n*** cluster tests SKIPPED: the Temporal server could not be built here ***\n${unavailable}\n`);
    return async () => {};
  }
  let cluster: TemporalCluster | undefined;
  return prepareRun(project, async () => {
    cluster = await startTemporalCluster();
    project.provide('temporalClusterDir', cluster.dir);
    return { address: cluster.address, namespace: cluster.namespace, dataDir: undefined, stop: cluster.stop };
  });
}

/** Why the server cannot be built (the install script's own words), or undefined when it is there. */
async function serverUnavailable(): Promise<string | undefined> {
  const install = promisify(execFile)('bash', ['scripts/install-temporal-server.sh'], { cwd: projectRoot, maxBuffer: 16 << 20 });
  // A first build takes minutes: show its progress lines as they come.
  install.child.stderr?.on('data', (chunk: Buffer) => process.stderr.write(chunk));
  try {
    await install;
    return undefined;
  } catch (error) {
    const stderr = String((error as { stderr?: string }).stderr ?? error);
    const lines = stderr.split('\n').filter((line) => line.trim() && !/^\s*go: downloading /.test(line));
    const errors = lines.filter((line) => /error|requires go|cannot|not found/i.test(line));
    return (errors.length > 0 ? errors : lines).slice(-4).join('\n') || 'scripts/install-temporal-server.sh failed without a message';
  }
}
