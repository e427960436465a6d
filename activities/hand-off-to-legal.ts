import { Prisma, type PrismaClient } from '../prisma/client.js';
import type { LegalHandoffRequest } from '../workflows/activity-interfaces.js';
import { whileHeartbeating } from './heartbeats.js';
import { recordedAttempt, settleEarlierAttempt } from './earlier-attempt.js';
import type { LegalPartner } from './providers/legal-partner.js';
import { RefusedError } from './providers/types.js';

/**
 * Builds the case packet (invoice, customer, every event, payments, fees, disputes), records it,
 * sends it to the partner, and marks it sent. One hand-off per invoice, whatever the retries: a
 * retry after an unknown outcome re-sends under the same key (the webhook partner's
 * Idempotency-Key, the local sink) or, by email through SendGrid, cancels the earlier attempt's
 * scheduled send first (README "Exactly once, channel by channel").
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
    const { reference } = (await earlierDelivery(existing, stored, request.idempotencyKey)) ?? (await sendNow(stored, request));
    await prisma.legalHandoff.update({
      where: { invoiceId: request.invoiceId },
      data: { status: 'sent', sentAt: new Date(), packet: { ...stored, reference } },
    });
    return { partner: partner.name, reference };
  }

  /** A pending row: an earlier attempt recorded the hand-off and may have sent it before its worker died. */
  async function earlierDelivery(existing: { createdAt: Date; providerAttempt: unknown; invoiceId: string } | null, stored: unknown, key: string): Promise<{ reference: string } | undefined> {
    if (!existing) return undefined;
    const earlier = recordedAttempt(existing.providerAttempt);
    if (partner.revocable && earlier) {
      const settled = await settleEarlierAttempt(partner.revocable, earlier, async () => (await partner.findSent?.(stored, key, existing.createdAt))?.reference);
      if (!settled.revoked && settled.messageId) return { reference: settled.messageId };
      await prisma.legalHandoff.update({ where: { invoiceId: existing.invoiceId }, data: { providerAttempt: Prisma.DbNull } });
      return undefined;
    }
    // Without a recorded attempt a revocable partner never sent; others are asked (or deduplicate the key themselves).
    if (partner.revocable || !partner.findSent) return undefined;
    return partner.findSent(stored, key, existing.createdAt);
  }

  /** A scheduled send (SendGrid) is recorded before it goes, so a retry after a crash can cancel it. */
  async function sendNow(stored: unknown, request: LegalHandoffRequest): Promise<{ reference: string }> {
    const attempt = partner.revocable ? await partner.revocable.open() : undefined;
    if (attempt) await prisma.legalHandoff.update({ where: { invoiceId: request.invoiceId }, data: { providerAttempt: { ...attempt } } });
    try {
      return await partner.send(stored, request.idempotencyKey, attempt);
    } catch (error) {
      if (error instanceof RefusedError && attempt) await prisma.legalHandoff.update({ where: { invoiceId: request.invoiceId }, data: { providerAttempt: { ...attempt, refused: true } } });
      throw error;
    }
  }
}
