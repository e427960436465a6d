import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Server } from 'node:net';
import { promisify } from 'node:util';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time.js';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { migrate } from '../scripts/migrator/migrator.js';
import { createTestDatabase, type TestDatabase } from './support/database.js';
import { freePort } from './support/free-port.js';

const root = new URL('..', import.meta.url).pathname;
const migrationsDir = new URL('../prisma/migrations', import.meta.url).pathname;

interface DoctorRun {
  readonly exitCode: number;
  readonly output: string;
}

async function doctor(env: Record<string, string>): Promise<DoctorRun> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  return promisify(execFile)('node_modules/.bin/tsx', ['scripts/doctor.ts'], { cwd: root, env: childEnv, timeout: 60_000 }).then(
    ({ stdout }) => ({ exitCode: 0, output: stdout }),
    (error: { code: number; stdout: string }) => ({ exitCode: error.code, output: error.stdout }),
  );
}

/** The report's line for a problem and the remedy line under it. */
function problem(output: string, text: string): { line: string; remedy: string } {
  const lines = output.split('\n');
  const index = lines.findIndex((line) => line.startsWith('ERROR') && line.includes(text));
  return { line: lines[index] ?? '', remedy: lines[index + 1] ?? '' };
}

describe('npm run doctor', () => {
  let database: TestDatabase;
  let bareNamespace: string;
  let portHolder: Server;
  let takenPort: number;
  let healthy: Record<string, string>;

  beforeAll(async () => {
    database = await createTestDatabase('doctor');
    await migrate({ databaseUrl: database.url, migrationsDir });

    // A namespace without the project's search attributes, visible once the server has cached it.
    bareNamespace = `doctor-${Date.now()}`;
    const connection = await Connection.connect({ address: inject('temporalAddress') });
    try {
      await connection.workflowService.registerNamespace({ namespace: bareNamespace, workflowExecutionRetentionPeriod: msToTs('1 day') });
      for (let tries = 0; ; tries += 1) {
        const found = await connection.workflowService.describeNamespace({ namespace: bareNamespace }).then(() => true, () => false);
        if (found || tries > 60) break;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    } finally {
      await connection.close();
    }

    portHolder = createServer().listen(0, '127.0.0.1');
    await once(portHolder, 'listening');
    takenPort = (portHolder.address() as { port: number }).port;
    healthy = {
      DATABASE_URL: database.url,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_NAMESPACE: inject('temporalNamespace'),
      API_PORT: String(await freePort()),
    };
  }, 60_000);

  afterAll(async () => {
    portHolder?.close();
    await database?.drop();
  });

  it('passes on a migrated database, a namespace with its search attributes and free ports', async () => {
    const { exitCode, output } = await doctor(healthy);
    expect(output).toContain('doctor: no problems');
    expect(output).toMatch(/search attributes: all \d+ registered/);
    expect(output).toMatch(/migrations: all \d+ applied/);
    expect(exitCode).toBe(0);
  });

  it('reports a missing search attribute, with how to register it', async () => {
    const { exitCode, output } = await doctor({ ...healthy, TEMPORAL_NAMESPACE: bareNamespace });
    const missing = problem(output, `is missing in namespace ${bareNamespace}`);
    expect(missing.line).toMatch(/search attributes: CollectionStage \(KEYWORD\) is missing/i);
    expect(missing.remedy).toContain('npm run temporal:start registers them');
    expect(exitCode).toBe(1);
  });

  it('reports a pending migration by name, with the command that applies it', async () => {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    const { rows } = await client.query('DELETE FROM _prisma_migrations WHERE migration_name = (SELECT max(migration_name) FROM _prisma_migrations) RETURNING *');
    const unapplied: string = rows[0].migration_name;
    try {
      const { exitCode, output } = await doctor(healthy);
      const pending = problem(output, `${unapplied} is pending`);
      expect(pending.line).toBe(`ERROR migrations: ${unapplied} is pending`);
      expect(pending.remedy).toContain('npm run db:migrate');
      expect(exitCode).toBe(1);
    } finally {
      // Its tables are still there: put the record back rather than apply it again.
      await client.query('INSERT INTO _prisma_migrations SELECT * FROM json_populate_record(null::_prisma_migrations, $1)', [JSON.stringify(rows[0])]);
      await client.end();
    }
  });

  it('reports a taken port, naming the process holding it, with what to do', async () => {
    const { exitCode, output } = await doctor({ ...healthy, API_PORT: String(takenPort) });
    const taken = problem(output, `port ${takenPort} (API_PORT)`);
    expect(taken.line).toContain(`taken by node (pid ${process.pid})`);
    expect(taken.remedy).toContain(`kill ${process.pid}`);
    expect(taken.remedy).toContain('set API_PORT to a free port');
    expect(exitCode).toBe(1);
  });
});
