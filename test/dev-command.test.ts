import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { portAnswers } from '../scripts/doctor/port-holder.js';
import { freePort } from './support/free-port.js';

const run = promisify(execFile);
const root = new URL('..', import.meta.url).pathname;
const realServerPort = 5432;
const maintenanceUrl = `postgresql://postgres@127.0.0.1:${realServerPort}/postgres`;
/** PATH without Go: the Temporal CLI must come from the cache, not from a build. */
const pathWithoutGo = (process.env.PATH ?? '').split(delimiter).filter((dir) => !existsSync(join(dir, 'go'))).join(delimiter);

interface DevRun {
  dataDir: string;
  env: NodeJS.ProcessEnv;
  output: string;
}

/**
 * The README's dev command, run as written (detached) on ports and a data folder of its own, with
 * no DATABASE_URL and no TEMPORAL_ADDRESS: the database is chosen by what answers on PGPORT.
 */
async function startDev(pgPort: number, database: string): Promise<DevRun> {
  const dataDir = await mkdtemp(join(tmpdir(), 'collections-dev-'));
  await chmod(dataDir, 0o755); // run as root, the embedded server runs as the postgres user and must reach it
  const [temporalPort, uiPort, apiPort] = [await freePort(), await freePort(), await freePort()];
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: pathWithoutGo,
    DATA_DIR: dataDir,
    PGPORT: String(pgPort),
    PGDATABASE: database,
    TEMPORAL_PORT: String(temporalPort),
    TEMPORAL_UI_PORT: String(uiPort),
    API_PORT: String(apiPort),
    TEMPORAL_TASK_QUEUE: `dev-command-test`,
  };
  delete env.DATABASE_URL;
  delete env.TEMPORAL_ADDRESS;
  const result = await run('npm', ['run', 'dev', '--', '--detach'], { cwd: root, env, timeout: 150_000 });
  return { dataDir, env, output: result.stdout + result.stderr };
}

async function stopDev(dev: DevRun | undefined): Promise<void> {
  if (!dev) return;
  await run('bash', ['scripts/dev-stop.sh'], { cwd: root, env: dev.env }).catch(() => undefined);
  await rm(dev.dataDir, { recursive: true, force: true });
}

async function appliedMigrations(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query('SELECT count(*)::int AS applied FROM _prisma_migrations WHERE finished_at IS NOT NULL');
    return rows[0].applied;
  } finally {
    await client.end();
  }
}

describe('npm run dev -- --detach, with a PostgreSQL running on the default port', () => {
  let dev: DevRun;
  const database = `collections_dev_${Date.now()}`;

  beforeAll(async () => {
    dev = await startDev(realServerPort, database);
  }, 180_000);

  afterAll(async () => {
    await stopDev(dev);
    const client = new pg.Client({ connectionString: maintenanceUrl });
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await client.end();
  });

  it('prints where the API and the Temporal UI are', () => {
    expect(dev.output).toContain(`API:          http://127.0.0.1:${dev.env.API_PORT}`);
    expect(dev.output).toContain(`Temporal UI:  http://127.0.0.1:${dev.env.TEMPORAL_UI_PORT}`);
  });

  it('runs the doctor first', () => {
    expect(dev.output).toContain('doctor: no problems');
  });

  it('uses that server and creates nothing embedded', () => {
    expect(dev.output).toContain(`Using the PostgreSQL server on 127.0.0.1:${realServerPort}`);
    expect(existsSync(join(dev.dataDir, 'postgres'))).toBe(false);
    expect(existsSync(join(dev.dataDir, 'run', 'postgres.pid'))).toBe(false);
  });

  it('leaves the API answering its health route', async () => {
    const response = await fetch(`http://127.0.0.1:${dev.env.API_PORT}/health`);
    expect(response.status).toBe(200);
  });

  it('leaves the API ready: PostgreSQL and Temporal both reachable', async () => {
    const response = await fetch(`http://127.0.0.1:${dev.env.API_PORT}/ready`);
    expect(response.status, await response.clone().text()).toBe(200);
  });

  it('leaves the Temporal Web UI answering on its port', async () => {
    const response = await fetch(`http://127.0.0.1:${dev.env.TEMPORAL_UI_PORT}/`);
    expect(response.status).toBe(200);
    expect(await response.text()).toMatch(/<html/i);
  });

  it('creates and migrates the database on that server', async () => {
    expect(await appliedMigrations(`postgresql://postgres@127.0.0.1:${realServerPort}/${database}`)).toBeGreaterThan(0);
  });

  it('creates a development encryption key and codec token readable by their owner only, and points the Web UI at the codec server', async () => {
    const keyFile = join(dev.dataDir, 'payload-encryption-keys');
    expect(await readFile(keyFile, 'utf8')).toMatch(/^dev-\d{14}:[A-Za-z0-9+/]{43}=$/m);
    expect((await stat(keyFile)).mode & 0o077).toBe(0);
    const token = (await readFile(join(dev.dataDir, 'codec-server-token'), 'utf8')).trim();
    expect((await stat(join(dev.dataDir, 'codec-server-token'))).mode & 0o077).toBe(0);
    const endpoint = `http://127.0.0.1:${dev.env.API_PORT}/codec/${token}`;
    const settings = (await (await fetch(`http://127.0.0.1:${dev.env.TEMPORAL_UI_PORT}/api/v1/settings`)).json()) as { Codec?: { Endpoint?: string } };
    expect(settings.Codec?.Endpoint).toBe(endpoint);
    // What the UI does from its page: a preflight from its origin, then a decode through that endpoint.
    const origin = `http://127.0.0.1:${dev.env.TEMPORAL_UI_PORT}`;
    const preflight = await fetch(`${endpoint}/decode`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-namespace' } });
    expect(preflight.headers.get('access-control-allow-origin')).toBe(origin);
    const plain = { metadata: { encoding: Buffer.from('json/plain').toString('base64') }, data: Buffer.from('"hello"').toString('base64') };
    const encoded = await fetch(`${endpoint}/encode`, { method: 'POST', headers: { origin, 'content-type': 'application/json' }, body: JSON.stringify({ payloads: [plain] }) });
    expect(encoded.status).toBe(200);
    const decoded = await fetch(`${endpoint}/decode`, { method: 'POST', headers: { origin, 'content-type': 'application/json' }, body: await encoded.text() });
    expect(await decoded.json()).toEqual({ payloads: [plain] });
    expect((await fetch(`http://127.0.0.1:${dev.env.API_PORT}/codec/decode`, { method: 'POST', body: JSON.stringify({ payloads: [] }) })).status).toBe(401);
    expect(await readFile(join(dev.dataDir, 'logs', 'api.log'), 'utf8')).not.toContain(token);
  });

  it('starts the worker, which bundles the workflows and polls its task queue', async () => {
    const logPath = join(dev.dataDir, 'logs', 'worker.log');
    const polling = 'worker polling task queue dev-command-test';
    // The API answers before the worker has finished bundling; give the bundle time.
    for (let waited = 0; waited < 60_000; waited += 500) {
      if ((await readFile(logPath, 'utf8').catch(() => '')).includes(polling)) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(await readFile(logPath, 'utf8')).toContain(polling);
  }, 70_000);
});

describe('npm run dev -- --detach, with nothing on the PostgreSQL port and no DATABASE_URL', () => {
  let dev: DevRun | undefined;
  let pgPort: number;

  beforeAll(async () => {
    pgPort = await freePort();
    dev = await startDev(pgPort, 'collections');
  }, 180_000);

  afterAll(() => stopDev(dev));

  it('starts the embedded PostgreSQL on that port, with its cluster under the data folder', () => {
    expect(dev!.output).toContain(`Starting the embedded PostgreSQL on 127.0.0.1:${pgPort}`);
    expect(existsSync(join(dev!.dataDir, 'postgres', 'PG_VERSION'))).toBe(true);
  });

  it('leaves the API ready on the embedded database', async () => {
    const response = await fetch(`http://127.0.0.1:${dev!.env.API_PORT}/ready`);
    expect(response.status, await response.clone().text()).toBe(200);
    expect(await appliedMigrations(`postgresql://postgres:postgres@127.0.0.1:${pgPort}/collections`)).toBeGreaterThan(0);
  });

  it('runs a whole ladder on it: npm run demo pays a case after its letter, and the balances agree', async () => {
    const demo = await run('bash', ['scripts/demo.sh'], {
      cwd: root,
      env: { ...dev!.env, DATABASE_URL: `postgresql://postgres:postgres@127.0.0.1:${pgPort}/collections`, TEMPORAL_ADDRESS: `127.0.0.1:${dev!.env.TEMPORAL_PORT}` },
      timeout: 90_000,
    });
    expect(demo.stdout).toContain('letter sent; paying in full...');
    expect(demo.stdout).toMatch(/case closed \d+ ms after the payment/);
  }, 100_000);

  it('stops the embedded PostgreSQL with scripts/dev-stop.sh', async () => {
    await run('bash', ['scripts/dev-stop.sh'], { cwd: root, env: dev!.env });
    expect(await portAnswers(pgPort)).toBe(false);
    expect(await portAnswers(Number(dev!.env.API_PORT))).toBe(false);
  }, 60_000);
});
