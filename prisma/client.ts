import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from '../generated/prisma/client.js';

export { PrismaClient };
export { Prisma } from '../generated/prisma/client.js';
export type {
  ApiKey,
  CollectionEvent,
  CollectionPolicy,
  Customer,
  CustomerPause,
  CustomerPauseCase,
  Dispute,
  FeeLedgerEntry,
  IdempotencyRecord,
  Invoice,
  LegalHandoff,
  OutboxMessage,
  Payment,
  PaymentPlan,
  PaymentPlanInstallment,
} from '../generated/prisma/client.js';
export * from '../generated/prisma/enums.js';

/** Connections a process keeps to PostgreSQL unless told otherwise (config DATABASE_POOL_SIZE; README "Configuration"). */
export const DEFAULT_DATABASE_POOL_SIZE = 20;

const poolsOfClients = new WeakMap<PrismaClient, pg.Pool>();

/** The generated client over the pg driver adapter: no native query engine is needed. */
export function createPrismaClient(databaseUrl: string, { poolSize = DEFAULT_DATABASE_POOL_SIZE }: { poolSize?: number } = {}): PrismaClient {
  return prismaOverPool(new pg.Pool({ connectionString: databaseUrl, max: poolSize }));
}

/** A client over a pool of ours, which `$disconnect` ends; hot statements can use the pool directly (`rawRows`). */
export function prismaOverPool(pool: pg.Pool): PrismaClient {
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
  poolsOfClients.set(prisma, pool);
  return prisma;
}

/** The pool under a client made by `prismaOverPool`, if it was. */
export function poolOf(prisma: PrismaClient): pg.Pool | undefined {
  return poolsOfClients.get(prisma);
}
