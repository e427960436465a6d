import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from './support/free-port.js';

const run = promisify(execFile);
const root = new URL('..', import.meta.url).pathname;
const maintenanceUrl = process.env.TEST_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

/**
 * The README's dev command, run as written (detached) on ports and a data folder of its own:
 * it must leave the Temporal UI and the API answering, with the database created and migrated.
 */
describe('npm run dev -- --detach', () => {
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  let databaseName: string;
  let output = '';

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'collections-dev-'));
    databaseName = `collections_dev_${Date.now()}`;
    const [temporalPort, uiPort, apiPort] = [await freePort(), await freePort(), await freePort()];
    env = {
      ...process.env,
      DATA_DIR: dataDir,
      TEMPORAL_ADDRESS: '',
      TEMPORAL_PORT: String(temporalPort),
      TEMPORAL_UI_PORT: String(uiPort),
      API_PORT: String(apiPort),
      DATABASE_URL: `postgresql://postgres@127.0.0.1:5432/${databaseName}`,
      TEMPORAL_TASK_QUEUE: `dev-command-test`,
    };
    delete env.TEMPORAL_ADDRESS;
    const result = await run('npm', ['run', 'dev', '--', '--detach'], { cwd: root, env, timeout: 150_000 });
    output = result.stdout + result.stderr;
  }, 180_000);

  afterAll(async () => {
    await run('bash', ['scripts/dev-stop.sh'], { cwd: root, env }).catch(() => undefined);
    const client = new pg.Client({ connectionString: maintenanceUrl });
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS "${databaseName}" WITH (FORCE)`);
    await client.end();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('prints where the API and the Temporal UI are', () => {
    expect(output).toContain(`API:          http://127.0.0.1:${env.API_PORT}`);
    expect(output).toContain(`Temporal UI:  http://127.0.0.1:${env.TEMPORAL_UI_PORT}`);
  });

  it('leaves the API answering its health route', async () => {
    const response = await fetch(`http://127.0.0.1:${env.API_PORT}/health`);
    expect(response.status).toBe(200);
  });

  it('leaves the API ready: PostgreSQL and Temporal both reachable', async () => {
    const response = await fetch(`http://127.0.0.1:${env.API_PORT}/ready`);
    expect(response.status, await response.clone().text()).toBe(200);
  });

  it('leaves the Temporal Web UI answering on its port', async () => {
    const response = await fetch(`http://127.0.0.1:${env.TEMPORAL_UI_PORT}/`);
    expect(response.status).toBe(200);
    expect(await response.text()).toMatch(/<html/i);
  });

  it('creates and migrates the database', async () => {
    const client = new pg.Client({ connectionString: env.DATABASE_URL });
    await client.connect();
    try {
      const { rows } = await client.query('SELECT count(*)::int AS applied FROM _prisma_migrations WHERE finished_at IS NOT NULL');
      expect(rows[0].applied).toBeGreaterThan(0);
    } finally {
      await client.end();
    }
  });

  it('creates a development encryption key and codec token readable by their owner only, and points the Web UI at the codec server', async () => {
    const keyFile = join(dataDir, 'payload-encryption-keys');
    expect(await readFile(keyFile, 'utf8')).toMatch(/^dev-\d{14}:[A-Za-z0-9+/]{43}=$/m);
    expect((await stat(keyFile)).mode & 0o077).toBe(0);
    const token = (await readFile(join(dataDir, 'codec-server-token'), 'utf8')).trim();
    expect((await stat(join(dataDir, 'codec-server-token'))).mode & 0o077).toBe(0);
    const endpoint = `http://127.0.0.1:${env.API_PORT}/codec/${token}`;
    const settings = (await (await fetch(`http://127.0.0.1:${env.TEMPORAL_UI_PORT}/api/v1/settings`)).json()) as { Codec?: { Endpoint?: string } };
    expect(settings.Codec?.Endpoint).toBe(endpoint);
    // What the UI does from its page: a preflight from its origin, then a decode through that endpoint.
    const origin = `http://127.0.0.1:${env.TEMPORAL_UI_PORT}`;
    const preflight = await fetch(`${endpoint}/decode`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-namespace' } });
    expect(preflight.headers.get('access-control-allow-origin')).toBe(origin);
    const plain = { metadata: { encoding: Buffer.from('json/plain').toString('base64') }, data: Buffer.from('"hello"').toString('base64') };
    const encoded = await fetch(`${endpoint}/encode`, { method: 'POST', headers: { origin, 'content-type': 'application/json' }, body: JSON.stringify({ payloads: [plain] }) });
    expect(encoded.status).toBe(200);
    const decoded = await fetch(`${endpoint}/decode`, { method: 'POST', headers: { origin, 'content-type': 'application/json' }, body: await encoded.text() });
    expect(await decoded.json()).toEqual({ payloads: [plain] });
    expect((await fetch(`http://127.0.0.1:${env.API_PORT}/codec/decode`, { method: 'POST', body: JSON.stringify({ payloads: [] }) })).status).toBe(401);
    expect(await readFile(join(dataDir, 'logs', 'api.log'), 'utf8')).not.toContain(token);
  });

  it('starts the worker, which bundles the workflows and polls its task queue', async () => {
    const logPath = join(dataDir, 'logs', 'worker.log');
    const polling = 'worker polling task queue dev-command-test';
    // The API answers before the worker has finished bundling; give the bundle time.
    for (let waited = 0; waited < 60_000; waited += 500) {
      if ((await readFile(logPath, 'utf8').catch(() => '')).includes(polling)) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(await readFile(logPath, 'utf8')).toContain(polling);
  }, 70_000);
});
