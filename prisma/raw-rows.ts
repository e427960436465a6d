import pg from 'pg';
import { poolOf, type Prisma, type PrismaClient } from './client.js';

const { builtins } = pg.types;

/** What $queryRaw answers for these types, so a statement gives the same values either way. */
const asPrismaReadsThem: Partial<Record<number, (text: string) => unknown>> = {
  [builtins.INT8]: (text) => BigInt(text),
  [builtins.DATE]: (text) => new Date(`${text}T00:00:00Z`),
  // timestamp without time zone holds UTC here (Prisma writes it so); pg would read it as local time.
  [builtins.TIMESTAMP]: (text) => new Date(`${text.replace(' ', 'T')}Z`),
};

const types = {
  getTypeParser: ((oid: number, format?: string) => (format !== 'binary' && asPrismaReadsThem[oid]) || pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

/**
 * The rows of one raw statement, sent straight to the pg pool under the client when it has one
 * (`prismaOverPool`), else through `$queryRaw`. For the statements every request runs: measured
 * here, `$queryRaw` costs about three times the CPU of the same statement on the pool (README
 * "Benchmarks"), and on a machine the API shares with Temporal that CPU slows every start.
 * `preparedAs` names a statement whose text never changes (only its values): PostgreSQL then keeps
 * its plan on each connection.
 */
export async function rawRows<T>(prisma: PrismaClient, statement: Prisma.Sql, { preparedAs }: { preparedAs?: string } = {}): Promise<T[]> {
  const pool = poolOf(prisma);
  if (!pool) return prisma.$queryRaw<T[]>(statement);
  // A named statement is parsed and planned once per connection, not on every call.
  const result = await pool.query({ ...(preparedAs ? { name: preparedAs } : {}), text: statement.text, values: statement.values as unknown[], types });
  return result.rows as T[];
}
