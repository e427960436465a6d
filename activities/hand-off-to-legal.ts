import type { PrismaClient } from '../prisma/client.js';
import type { LegalHandoffRequest } from '../workflows/activity-interfaces.js';
import type { LegalPartner } from './providers/legal-partner.js';

/**
 * Builds the case packet (invoice, customer, every event, payments, fees, disputes), records it,
 * sends it to the partner, and marks it sent. One hand-off per invoice, whatever the retries.
 */
export function makeHandOffToLegal(prisma: PrismaClient, partner: LegalPartner) {
  return async function handOffToLegal(request: LegalHandoffRequest): Promise<{ partner: string; reference: string }> {
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
    const { reference } = await partner.send(stored, request.idempotencyKey);
    await prisma.legalHandoff.update({
      where: { invoiceId: request.invoiceId },
      data: { status: 'sent', sentAt: new Date(), packet: { ...stored, reference } },
    });
    return { partner: partner.name, reference };
  };
}
