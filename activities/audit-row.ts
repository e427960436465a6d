import type { CollectionEventRecord } from '../workflows/activity-interfaces.js';

/** The `collection_events` row of an audit event a case made (written by its batch or by the action's own activity). */
export function auditRow(event: CollectionEventRecord) {
  return {
    invoiceId: event.invoiceId,
    idempotencyKey: event.idempotencyKey,
    sequence: event.sequence ?? null,
    category: event.category,
    kind: event.kind,
    action: event.action ?? null,
    provider: event.provider ?? null,
    providerMessageId: event.providerMessageId ?? null,
    actor: event.actor,
    occurredAt: new Date(event.occurredAt),
    details: event.details,
  };
}
