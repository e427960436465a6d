import { PrismaPg } from '@prisma/adapter-pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createPrismaClient, poolOf, Prisma, PrismaClient } from '../prisma/client.js';
import { rawRows } from '../prisma/raw-rows.js';

const databaseUrl = inject('databaseUrl');
const overPool = createPrismaClient(databaseUrl, { poolSize: 1 });
// A client of Prisma's own making has no pool of ours: rawRows falls back to $queryRaw.
const plain = new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl, max: 2 }) });
afterAll(() => Promise.all([overPool.$disconnect(), plain.$disconnect()]));

// Today and a moment of it, from the clock: the values only travel, nothing here depends on when.
const today = new Date().toISOString().slice(0, 10);
const moment = new Date(`${today}T12:34:56.789Z`);
const statement = Prisma.sql`
  SELECT ${BigInt('9007199254740993')}::bigint AS big, ${12}::int AS small, ${today}::date AS day,
         ${moment}::timestamptz AS instant, ${`${today} 12:34:56.789`}::timestamp AS utc_wall,
         gen_random_uuid()::text IS NOT NULL AS has_id, '{"a":[1,"b"]}'::jsonb AS doc, NULL::text AS nothing, ${'ünïcode'}::text AS name`;

describe('rawRows: a statement sent straight to the pool answers what $queryRaw answers', () => {
  it('uses the pool under a client made by createPrismaClient, and $queryRaw for any other client', () => {
    expect(poolOf(overPool)).toBeDefined();
    expect(poolOf(plain)).toBeUndefined();
  });

  it('gives bigint as BigInt (beyond 2^53), date as UTC midnight, timestamps as the same instant, jsonb parsed and NULL as null, like $queryRaw', async () => {
    const [direct] = await rawRows<Record<string, unknown>>(overPool, statement);
    const [throughPrisma] = await plain.$queryRaw<Record<string, unknown>[]>(statement);
    expect(direct).toEqual({
      big: 9007199254740993n,
      small: 12,
      day: new Date(`${today}T00:00:00.000Z`),
      instant: moment,
      utc_wall: moment,
      has_id: true,
      doc: { a: [1, 'b'] },
      nothing: null,
      name: 'ünïcode',
    });
    expect(direct).toEqual(throughPrisma);
  });
});

describe('rawRows preparedAs: a named statement PostgreSQL keeps on the connection', () => {
  it('is prepared once on the connection and answers each call with that call\'s values', async () => {
    const lookup = (n: number) => rawRows<{ doubled: number }>(overPool, Prisma.sql`SELECT ${n}::int * 2 AS doubled`, { preparedAs: 'raw-rows-test-double' });
    expect(await lookup(2)).toEqual([{ doubled: 4 }]);
    expect(await lookup(21)).toEqual([{ doubled: 42 }]);
    // One connection in the pool: the statements it has prepared are the ones these calls named.
    const prepared = await rawRows<{ name: string }>(overPool, Prisma.sql`SELECT name FROM pg_prepared_statements WHERE name = ${'raw-rows-test-double'}`);
    expect(prepared).toEqual([{ name: 'raw-rows-test-double' }]);
  });
});
