import { PrismaPg } from '@prisma/adapter-pg';
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

/** The generated client over the pg driver adapter: no native query engine is needed. */
export function createPrismaClient(databaseUrl: string, { poolSize = DEFAULT_DATABASE_POOL_SIZE }: { poolSize?: number } = {}): PrismaClient {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl, max: poolSize }) });
}
