import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedPostgres } from '../../scripts/embedded-postgres/embedded-postgres.js';
import { portAnswers } from '../../scripts/doctor/port-holder.js';
import { freePort } from './free-port.js';

export interface TestPostgres {
  /** The maintenance URL (database `postgres`) test databases are created from. */
  readonly serverUrl: string;
  /** 'real' for a server that was already running, 'embedded' for one started here. */
  readonly kind: 'real' | 'embedded';
  stop(): Promise<void>;
}

/**
 * The PostgreSQL server a test run uses: TEST_POSTGRES_URL when set; else a real server that
 * answers on 127.0.0.1:$PGPORT (5432); else an embedded one on a free port, in a scratch folder
 * that stop() removes.
 */
export async function startTestPostgres(): Promise<TestPostgres> {
  if (process.env.TEST_POSTGRES_URL) return { serverUrl: process.env.TEST_POSTGRES_URL, kind: 'real', stop: async () => {} };
  const port = Number(process.env.PGPORT || 5432);
  if (await portAnswers(port)) return { serverUrl: `postgresql://postgres@127.0.0.1:${port}/postgres`, kind: 'real', stop: async () => {} };

  const scratch = await mkdtemp(join(tmpdir(), 'collections-test-postgres-'));
  await chmod(scratch, 0o755); // run as root, the server runs as the postgres user, which must reach its folder
  const log: string[] = [];
  try {
    const server = await startEmbeddedPostgres({ dataDir: join(scratch, 'data'), port: await freePort(), log: (line) => log.push(line) });
    return {
      serverUrl: server.url('postgres'),
      kind: 'embedded',
      stop: async () => {
        await server.stop();
        await rm(scratch, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(scratch, { recursive: true, force: true });
    throw new Error(`no PostgreSQL on 127.0.0.1:${port}, and the embedded one did not start: ${(error as Error).message}\n${log.slice(-20).join('\n')}`, { cause: error });
  }
}
