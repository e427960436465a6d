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

/** The generated client over the pg driver adapter: no native query engine is needed. */
export function createPrismaClient(databaseUrl: string): PrismaClient {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl }) });
}
