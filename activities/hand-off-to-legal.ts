import type { PrismaClient } from '../prisma/client.js';
import type { LegalHandoffRequest } from '../workflows/activity-interfaces.js';
import { whileHeartbeating } from './heartbeats.js';
import type { LegalPartner } from './providers/legal-partner.js';

/**
 * Builds the case packet (invoice, customer, every event, payments, fees, disputes), records it,
 * sends it to the partner, and marks it sent. One hand-off per invoice, whatever the retries: a
 * retry after an unknown outcome re-sends under the same key (the webhook partner's
 * Idempotency-Key, the local sink) or first asks whether the packet arrived (by email).
 */
export function makeHandOffToLegal(prisma: PrismaClient, partner: LegalPartner) {
  return function handOffToLegal(request: LegalHandoffRequest): Promise<{ partner: string; reference: string }> {
    return whileHeartbeating(() => handOffOnce(request));
  };

  async function handOffOnce(request: LegalHandoffRequest): Promise<{ partner: string; reference: string }> {
    const existing = await prisma.legalHandoff.findUnique({ where: { invoiceId: request.invoiceId } });
    if (existing?.status === 'sent') return { partner: existing.partner, reference: (existing.packet as { reference?: string }).reference ?? existing.idempotencyKey };

    const invoice = await prisma.invoice.findUniqueOrThrow({
      where: { id: request.invoiceId },
      include: { customer: true, events: { orderBy: [{ sequence: { sort: 'asc', nulls: 'last' } }, { occurredAt: 'asc' }] }, payments: true, feeEntries: true, disputes: true, paymentPlans: { include: { installments: true } } },
    });
    const packet = { reason: request.reason, preparedAt: new Date().toISOString(), invoice };
    const stored = JSON.parse(JSON.stringify(packet, (_, value: unknown) => (typeof value === 'bigint' ? value.toString() : value)));
    await prisma.legalHandoff.createMany({
      data: [{ invoiceId: request.invoiceId, partner: partner.name, packet: stored, idempotencyKey: request.idempotencyKey }],
      skipDuplicates: true,
    });
    // A pending row: an earlier attempt recorded the hand-off and may have sent it before its worker died.
    const earlier = existing && partner.findSent ? await partner.findSent(stored, request.idempotencyKey, existing.createdAt) : undefined;
    const { reference } = earlier ?? (await partner.send(stored, request.idempotencyKey));
    await prisma.legalHandoff.update({
      where: { invoiceId: request.invoiceId },
      data: { status: 'sent', sentAt: new Date(), packet: { ...stored, reference } },
    });
    return { partner: partner.name, reference };
  }
}
