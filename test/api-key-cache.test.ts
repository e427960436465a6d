import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiKeyHolder } from '../api/auth/api-key-lookup.js';
import { generateApiKey, hashApiKey } from '../api/auth/api-keys.js';
import { BoundedExpiringMap } from '../api/auth/bounded-expiring-map.js';
import { cachedApiKeyLookup, type CachedApiKeyLookup } from '../api/auth/cached-api-key-lookup.js';
import { migrate } from '../scripts/migrator/migrator.js';
import { statementCountingPrisma } from './support/counting-prisma.js';
import { createTestDatabase, type TestDatabase } from './support/database.js';
import { eventually } from './support/eventually.js';

/**
 * The API process's key cache on a real PostgreSQL, in a database of its own. The listener logs in
 * as a role of its own, so the test can keep it from coming back (NOLOGIN) for as long as it needs
 * the listener down, without depending on how fast anything runs.
 */
const applicationName = 'api-key-cache-test-listener';
const listenerRole = `api_key_listener_${randomBytes(4).toString('hex')}`;
const listenerPassword = randomBytes(12).toString('hex');
let database: TestDatabase;
let admin: pg.Client;
let counting: ReturnType<typeof statementCountingPrisma>;
let lookup: CachedApiKeyLookup;

/** Set by a test to hold the answer of the read of one key until `release` resolves. */
let held: { keyHash: string; answered: () => void; release: Promise<void> } | undefined;

beforeAll(async () => {
  database = await createTestDatabase('api_key_cache_test');
  await migrate({ databaseUrl: database.url, migrationsDir: new URL('../prisma/migrations', import.meta.url).pathname });
  admin = new pg.Client({ connectionString: database.url });
  await admin.connect();
  await admin.query(`CREATE ROLE ${listenerRole} LOGIN PASSWORD '${listenerPassword}'`);
  counting = statementCountingPrisma(database.url);
  const query = counting.pool.query.bind(counting.pool) as (config: { values?: unknown[] }) => Promise<unknown>;
  (counting.pool as unknown as { query: typeof query }).query = async (config) => {
    const result = await query(config);
    const hold = held;
    if (hold && config.values?.includes(hold.keyHash)) {
      hold.answered();
      await hold.release;
    }
    return result;
  };
  const listenerUrl = new URL(database.url);
  listenerUrl.username = listenerRole;
  listenerUrl.password = listenerPassword;
  lookup = cachedApiKeyLookup(counting.prisma, listenerUrl.toString(), pino({ level: 'silent' }), { applicationName, firstRetryMs: 100, maxRetryMs: 500 });
});

afterAll(async () => {
  await lookup?.close();
  await counting?.prisma.$disconnect(); // ends its pool too (prismaOverPool)
  await admin?.end();
  await database?.drop();
  // After the database is gone: nothing of the role is left in it.
  const server = new pg.Client({ connectionString: process.env.TEST_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres' });
  await server.connect();
  await server.query(`DROP ROLE IF EXISTS ${listenerRole}`).finally(() => server.end());
});

async function storedKey(): Promise<{ keyHash: string; name: string }> {
  const keyHash = hashApiKey(generateApiKey());
  const name = `key-${randomUUID().slice(0, 8)}`;
  await counting.prisma.apiKey.create({ data: { name, role: 'collector', keyHash } });
  return { keyHash, name };
}

/** One lookup and the statements it sent to PostgreSQL. */
async function lookedUp(keyHash: string): Promise<{ found: ApiKeyHolder | null; statements: number }> {
  const before = counting.statements.length;
  const found = await lookup.find(keyHash);
  return { found, statements: counting.statements.length - before };
}

/** Statements of a lookup right after another one, read until none are sent (the key is served from memory) or time runs out. */
async function statementsOnceCached(keyHash: string): Promise<number> {
  const answer = await eventually(
    async () => {
      await lookup.find(keyHash);
      return lookedUp(keyHash);
    },
    (looked) => looked.statements === 0,
    20_000,
  );
  return answer.statements;
}

const revoke = (keyHash: string) => counting.prisma.apiKey.updateMany({ where: { keyHash }, data: { revokedAt: new Date() } });

describe('API keys cached in the API process', () => {
  it('serves a second lookup of a valid key from memory, without a statement', async () => {
    const { keyHash, name } = await storedKey();
    expect(await statementsOnceCached(keyHash)).toBe(0);
    expect((await lookedUp(keyHash)).found).toEqual({ name, role: 'collector' });
  });

  it('answers null for a cached key soon after it is revoked (the notification drops it; the 60 s TTL is far away)', async () => {
    const { keyHash } = await storedKey();
    expect(await statementsOnceCached(keyHash)).toBe(0);
    await revoke(keyHash);
    expect(await eventually(() => lookup.find(keyHash), (found) => found === null, 10_000)).toBeNull();
  });

  it('answers null for a cached key soon after it is deleted', async () => {
    const { keyHash } = await storedKey();
    expect(await statementsOnceCached(keyHash)).toBe(0);
    await counting.prisma.apiKey.delete({ where: { keyHash } });
    expect(await eventually(() => lookup.find(keyHash), (found) => found === null, 10_000)).toBeNull();
  });

  it('never caches an unknown key: one stored after a miss is found by the next lookup', async () => {
    const { keyHash: listening } = await storedKey();
    expect(await statementsOnceCached(listening)).toBe(0);
    const keyHash = hashApiKey(generateApiKey());
    expect(await lookedUp(keyHash)).toEqual({ found: null, statements: 1 });
    expect(await lookedUp(keyHash)).toEqual({ found: null, statements: 1 });
    await counting.prisma.apiKey.create({ data: { name: `late-${randomUUID().slice(0, 8)}`, role: 'system', keyHash } });
    expect((await lookedUp(keyHash)).found).toMatchObject({ role: 'system' });
  });

  it('does not keep the answer of a read that a revocation overtook', async () => {
    const { keyHash } = await storedKey();
    const { keyHash: witness, name: witnessName } = await storedKey();
    expect(await statementsOnceCached(witness)).toBe(0);
    let answered!: () => void;
    const readAnswered = new Promise<void>((resolve) => (answered = resolve));
    let release!: () => void;
    held = { keyHash, answered, release: new Promise<void>((resolve) => (release = resolve)) };
    const inFlight = lookup.find(keyHash);
    await readAnswered;
    // Both rows in one commit: once the witness is dropped, the key's notification has been handled too.
    await counting.prisma.$transaction([
      counting.prisma.apiKey.updateMany({ where: { keyHash }, data: { revokedAt: new Date() } }),
      counting.prisma.apiKey.updateMany({ where: { keyHash: witness }, data: { name: witnessName } }),
    ]);
    expect((await eventually(() => lookedUp(witness), (looked) => looked.statements > 0, 10_000)).statements).toBeGreaterThan(0);
    release();
    held = undefined;
    expect(await inFlight).toMatchObject({ role: 'collector' });
    expect(await lookedUp(keyHash)).toEqual({ found: null, statements: 1 });
  });

  it('reads the database while the listener is down, sees a revocation made meanwhile, and caches again once it is back', async () => {
    const { keyHash: revokedWhileDown } = await storedKey();
    const { keyHash: other } = await storedKey();
    expect(await statementsOnceCached(revokedWhileDown)).toBe(0);
    expect(await statementsOnceCached(other)).toBe(0);

    await admin.query(`ALTER ROLE ${listenerRole} NOLOGIN`);
    try {
      const terminated = await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND datname = $2', [applicationName, database.name]);
      expect(terminated.rowCount).toBe(1);
      // Once the listener has noticed, every lookup is a read.
      expect((await eventually(() => lookedUp(other), (looked) => looked.statements > 0, 10_000)).statements).toBe(1);
      for (let i = 0; i < 3; i++) expect(await lookedUp(other)).toMatchObject({ statements: 1 });
      await revoke(revokedWhileDown);
      await revoke(other);
      expect(await lookedUp(other)).toEqual({ found: null, statements: 1 });
    } finally {
      await admin.query(`ALTER ROLE ${listenerRole} LOGIN`);
    }

    const { keyHash: fresh } = await storedKey();
    expect(await statementsOnceCached(fresh)).toBe(0);
    // Cached before the listener went down and never read since: not served from before.
    expect(await lookedUp(revokedWhileDown)).toEqual({ found: null, statements: 1 });
  });

  it('drops every key when api_keys is truncated', async () => {
    const { keyHash } = await storedKey();
    expect(await statementsOnceCached(keyHash)).toBe(0);
    await admin.query('TRUNCATE api_keys');
    expect(await eventually(() => lookup.find(keyHash), (found) => found === null, 10_000)).toBeNull();
  });
});

describe('the bounded, expiring map behind the cache', () => {
  it('forgets the oldest entry beyond its bound', () => {
    const map = new BoundedExpiringMap<string, number>(2, 60_000);
    map.set('a', 1);
    map.set('b', 2);
    map.set('c', 3);
    expect([map.get('a'), map.get('b'), map.get('c')]).toEqual([undefined, 2, 3]);
  });

  it('forgets an entry once its time to live has passed', () => {
    let now = 1_000;
    const map = new BoundedExpiringMap<string, number>(10, 60_000, () => now);
    map.set('a', 1);
    now += 59_999;
    expect(map.get('a')).toBe(1);
    now += 1;
    expect(map.get('a')).toBeUndefined();
  });
});
