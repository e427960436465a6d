import type { PrismaClient } from '../prisma/client.js';
import type { CaseRecordBatch } from '../workflows/activity-interfaces.js';

/**
 * Writes a batch of audit events and payments and brings the invoice row in line with the
 * workflow, in one transaction. Events and payments are unique on their keys, so a retried
 * batch writes nothing twice.
 */
export function makeRecordCaseEvents(prisma: PrismaClient) {
  return async function recordCaseEvents(batch: CaseRecordBatch): Promise<{ created: number }> {
    const [events] = await prisma.$transaction([
      prisma.collectionEvent.createMany({
        data: batch.events.map((event) => ({
          invoiceId: event.invoiceId,
          idempotencyKey: event.idempotencyKey,
          category: event.category,
          kind: event.kind,
          action: event.action ?? null,
          provider: event.provider ?? null,
          providerMessageId: event.providerMessageId ?? null,
          actor: event.actor,
          occurredAt: new Date(event.occurredAt),
          details: event.details,
        })),
        skipDuplicates: true,
      }),
      prisma.payment.createMany({
        data: batch.payments.map((payment) => ({
          invoiceId: batch.invoiceId,
          externalPaymentId: payment.externalPaymentId,
          amountMinor: BigInt(payment.amountMinor),
          currency: payment.currency,
          method: payment.method,
          actor: payment.actor,
          receivedAt: new Date(payment.receivedAt),
        })),
        skipDuplicates: true,
      }),
      prisma.invoice.updateMany({
        where: { id: batch.invoiceId },
        data: { balanceMinor: BigInt(batch.invoice.balanceMinor), status: batch.invoice.status },
      }),
    ]);
    return { created: events.count };
  };
}
