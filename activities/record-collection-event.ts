import type { PrismaClient } from '../prisma/client.js';
import type { CollectionEventRecord } from '../workflows/activity-interfaces.js';

/**
 * Writes one row to the audit log. The idempotency key is unique in the table, so a retried
 * activity (or a worker that crashed after the insert) finds the row and writes nothing more.
 */
export function makeRecordCollectionEvent(prisma: PrismaClient) {
  return async function recordCollectionEvent(event: CollectionEventRecord): Promise<{ created: boolean }> {
    const { count } = await prisma.collectionEvent.createMany({
      data: [
        {
          invoiceId: event.invoiceId,
          idempotencyKey: event.idempotencyKey,
          category: event.category,
          kind: event.kind,
          actor: event.actor,
          occurredAt: new Date(event.occurredAt),
          details: event.details,
        },
      ],
      skipDuplicates: true,
    });
    return { created: count === 1 };
  };
}
