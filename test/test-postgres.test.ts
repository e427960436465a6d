import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { portAnswers } from '../scripts/doctor/port-holder.js';
import { freePort } from './support/free-port.js';
import { startTestPostgres } from './support/test-postgres.js';

const saved = { TEST_POSTGRES_URL: process.env.TEST_POSTGRES_URL, PGPORT: process.env.PGPORT };
afterEach(() => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

async function serverVersion(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<{ server_version: string }>('SHOW server_version')).rows[0]!.server_version;
  } finally {
    await client.end();
  }
}

/** The server npm test uses: the running one when there is one, else an embedded one. */
describe('the test run PostgreSQL', () => {
  it('is the running server on 127.0.0.1:$PGPORT when one answers, and starts nothing', async () => {
    delete process.env.TEST_POSTGRES_URL;
    process.env.PGPORT = '5432';
    const postgres = await startTestPostgres();
    expect(postgres.kind).toBe('real');
    expect(postgres.serverUrl).toBe('postgresql://postgres@127.0.0.1:5432/postgres');
    await postgres.stop();
    expect(await serverVersion(postgres.serverUrl)).toMatch(/^\d+/); // stop() left it running
  });

  it('is an embedded PostgreSQL when nothing answers on $PGPORT, removed again by stop()', async () => {
    delete process.env.TEST_POSTGRES_URL;
    process.env.PGPORT = String(await freePort());
    const postgres = await startTestPostgres();
    expect(postgres.kind).toBe('embedded');
    expect(await serverVersion(postgres.serverUrl)).toMatch(/^18\./);
    const port = Number(new URL(postgres.serverUrl).port);
    await postgres.stop();
    expect(await portAnswers(port)).toBe(false);
  });
});
