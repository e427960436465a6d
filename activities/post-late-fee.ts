import type { PrismaClient } from '../prisma/client.js';
import { auditRow } from './audit-row.js';
import { type ActivityMetrics, createActivityMetrics } from './metrics.js';
import type { FeeWaiverRecord, PostLateFeeRequest } from '../workflows/activity-interfaces.js';

/** Posts a late fee to the ledger and raises the invoice balance, once per key whatever the retries. */
export function makePostLateFee(prisma: PrismaClient, metrics: ActivityMetrics = createActivityMetrics()) {
  return async function postLateFee(request: PostLateFeeRequest): Promise<{ created: boolean }> {
    const result = await prisma.$transaction(async (tx) => {
      const { count } = await tx.feeLedgerEntry.createMany({
        data: [
          {
            invoiceId: request.invoiceId,
            idempotencyKey: request.idempotencyKey,
            kind: 'late_fee',
            amountMinor: BigInt(request.amountMinor),
            currency: request.currency,
            rule: request.rule,
            balanceAfterMinor: BigInt(request.balanceAfterMinor),
            actor: 'system',
          },
        ],
        skipDuplicates: true,
      });
      if (count === 1) {
        await tx.invoice.updateMany({ where: { id: request.invoiceId }, data: { balanceMinor: BigInt(request.balanceAfterMinor) } });
      }
      // The fee's audit row (new cases), in the same transaction: an earlier attempt that posted the fee wrote it too.
      if (request.event) await tx.collectionEvent.createMany({ data: [auditRow(request.event)], skipDuplicates: true });
      return { created: count === 1 };
    });
    if (result.created) {
      metrics.lateFeesPosted.inc({ currency: request.currency });
      metrics.lateFeesPostedMinor.inc({ currency: request.currency }, request.amountMinor);
    }
    return result;
  };
}

/** Posts a fee waiver (a negative ledger entry), once per key. The balance is synced with the next batch. */
export function makePostFeeWaiver(prisma: PrismaClient) {
  return async function postFeeWaiver(request: FeeWaiverRecord): Promise<{ created: boolean }> {
    const { count } = await prisma.feeLedgerEntry.createMany({
      data: [
        {
          invoiceId: request.invoiceId,
          idempotencyKey: request.idempotencyKey,
          kind: 'waiver',
          amountMinor: BigInt(-request.amountMinor),
          currency: request.currency,
          rule: { reason: request.reason },
          balanceAfterMinor: BigInt(request.balanceAfterMinor),
          actor: request.actor,
        },
      ],
      skipDuplicates: true,
    });
    return { created: count === 1 };
  };
}
