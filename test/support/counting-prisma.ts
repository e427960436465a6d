import pg from 'pg';
import { prismaOverPool } from '../../prisma/client.js';

/**
 * A Prisma client over a pg pool that records every statement its connections send: each is one
 * round trip to PostgreSQL (BEGIN and COMMIT included). The pool is returned for tests that hook it further.
 */
export function statementCountingPrisma(databaseUrl: string) {
  const pool = new pg.Pool({ connectionString: databaseUrl });
  const statements: string[] = [];
  pool.on('connect', (client) => {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
      const first = args[0];
      statements.push(typeof first === 'string' ? first : String((first as { text?: string }).text));
      return query(...args);
    };
  });
  return { prisma: prismaOverPool(pool), statements, pool };
}
