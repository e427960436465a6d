import type { Client } from '@temporalio/client';
import type { LegalPartner, LegalPaymentNotice } from '../../activities/providers/legal-partner.js';
import type { PrismaClient } from '../../prisma/client.js';
import type { PaymentCommand } from '../../workflows/definitions.js';
import { caseWorkflowId } from './case-command.js';
import { awaitCaseEnd, type ClosedStatus, isClosedStatus } from './closed-case.js';

/** What the API answers for a payment on a case that has ended. Amounts in minor units of `currency`. */
export interface PaymentAfterClose {
  /** False only for a replay of a payment the case applied while it still ran. */
  readonly recordedAfterClose: boolean;
  /** The payment id had been recorded before: nothing changed this time (the amounts are those of the first recording). */
  readonly duplicate: boolean;
  readonly invoiceId: string;
  readonly paymentId: string;
  /** How the case ended: the invoice's status, which the payment does not change. */
  readonly caseClosed: ClosedStatus;
  readonly currency: string;
  readonly appliedMinor: number;
  /** Paid beyond the balance (the balance never goes below zero); to be refunded or credited. */
  readonly overpaidMinor: number;
  /** The invoice's balance now. */
  readonly balanceMinor: number;
  /** True when the case was with the legal partner and the partner has the payment notice. */
  readonly legalPartnerNotified: boolean;
}

export type PaymentAfterCloseOutcome =
  | { readonly kind: 'recorded'; readonly answer: PaymentAfterClose }
  /** Recorded, but the legal partner could not be told: the same request again retries the notice. */
  | { readonly kind: 'partner_unreachable'; readonly answer: PaymentAfterClose; readonly reason: string }
  | { readonly kind: 'refused' | 'conflict'; readonly field: string; readonly reason: string };

interface Dependencies {
  readonly prisma: PrismaClient;
  readonly temporal: Client;
  readonly legalPartner: LegalPartner;
}

type Transaction = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

const auditKey = (invoiceId: string, paymentId: string) => `${invoiceId}:payment-after-close:${paymentId}`;
const noticeKey = (invoiceId: string, paymentId: string) => `${invoiceId}:legal:payment-received:${paymentId}`;

interface AuditDetails {
  readonly appliedMinor: number;
  readonly overpaidMinor: number;
}

/**
 * Records a payment that reached a case after it ended (paid, cancelled, written off, handed to
 * legal). There is no workflow to apply it any more, so the API does, in one transaction: the
 * payment row (unique on its id: a replay records nothing twice), the invoice's balance lowered
 * (never below zero; the excess is noted as overpaid) and a `payment_after_close` audit event.
 * The invoice keeps its status: it says how collection ended, the balance says what is still owed.
 * A case with the legal partner also gets a payment notice for the partner, recorded in the
 * outbox in the same transaction and then sent with an idempotency key from the payment id, so a
 * replay after a failed send retries it and never notifies twice.
 */
export async function recordPaymentAfterClose(deps: Dependencies, invoiceId: string, payment: PaymentCommand): Promise<PaymentAfterCloseOutcome> {
  const { prisma, temporal, legalPartner } = deps;
  const invoice = await prisma.invoice.findUniqueOrThrow({ where: { id: invoiceId }, include: { legalHandoff: true } });
  if (!isClosedStatus(invoice.status)) throw new Error(`invoice ${invoiceId} is ${invoice.status}, not closed`);
  if (payment.currency !== invoice.currency) return { kind: 'refused', field: 'currency', reason: `the invoice is in ${invoice.currency}, the payment in ${payment.currency}` };
  await awaitCaseEnd(temporal, caseWorkflowId(invoice));

  const record = () =>
    prisma.$transaction(async (tx) => {
      // One late payment at a time per invoice: the balance is read and lowered under this lock.
      const [locked] = await tx.$queryRaw<{ balance_minor: bigint }[]>`SELECT balance_minor FROM invoices WHERE id = ${invoiceId}::uuid FOR UPDATE`;
      const earlier = await tx.payment.findUnique({ where: { externalPaymentId: payment.paymentId } });
      if (earlier) return earlier.invoiceId === invoiceId ? ('duplicate' as const) : ('elsewhere' as const);
      await recordInTransaction(tx, locked!.balance_minor);
      return 'recorded' as const;
    });

  async function recordInTransaction(tx: Transaction, balanceBefore: bigint): Promise<void> {
    const amount = BigInt(payment.amountMinor);
    const applied = amount < balanceBefore ? amount : balanceBefore;
    const balanceAfter = balanceBefore - applied;
    const details = {
      paymentId: payment.paymentId,
      amountMinor: payment.amountMinor,
      currency: payment.currency,
      method: payment.method,
      receivedAt: payment.receivedAt,
      caseClosed: invoice.status,
      balanceBeforeMinor: Number(balanceBefore),
      appliedMinor: Number(applied),
      overpaidMinor: Number(amount - applied),
      balanceAfterMinor: Number(balanceAfter),
      settled: balanceAfter === 0n,
    };
    await tx.payment.create({
      data: { invoiceId, externalPaymentId: payment.paymentId, amountMinor: amount, currency: payment.currency, method: payment.method, actor: payment.actor, receivedAt: new Date(payment.receivedAt) },
    });
    await tx.invoice.update({ where: { id: invoiceId }, data: { balanceMinor: balanceAfter } });
    await tx.collectionEvent.create({
      data: { invoiceId, category: 'signal', kind: 'payment_after_close', actor: payment.actor, idempotencyKey: auditKey(invoiceId, payment.paymentId), occurredAt: new Date(), details },
    });
    if (invoice.status === 'legal') {
      const notice: LegalPaymentNotice = {
        type: 'payment_received',
        invoiceId,
        invoiceNumber: invoice.number,
        handoffReference: (invoice.legalHandoff?.packet as { reference?: string } | null)?.reference ?? null,
        payment: { paymentId: payment.paymentId, amountMinor: payment.amountMinor, method: payment.method, receivedAt: payment.receivedAt },
        currency: payment.currency,
        appliedMinor: details.appliedMinor,
        overpaidMinor: details.overpaidMinor,
        balanceMinor: details.balanceAfterMinor,
      };
      await tx.outboxMessage.create({
        data: { idempotencyKey: noticeKey(invoiceId, payment.paymentId), invoiceId, action: 'legal_handoff', provider: legalPartner.name, recipient: 'legal partner', payload: { ...notice } },
      });
    }
  }

  let result: Awaited<ReturnType<typeof record>>;
  try {
    result = await record();
  } catch (error) {
    // The same payment id recorded at this moment by another request (maybe for another invoice).
    if ((error as { code?: string }).code !== 'P2002') throw error;
    result = await record();
  }
  if (result === 'elsewhere') return { kind: 'conflict', field: 'paymentId', reason: 'this payment id was recorded for another invoice' };

  const audit = await prisma.collectionEvent.findUnique({ where: { idempotencyKey: auditKey(invoiceId, payment.paymentId) } });
  // No audit event for a known payment id: the case applied it while it ran, before it ended.
  const recorded = (audit?.details ?? { appliedMinor: 0, overpaidMinor: 0 }) as unknown as AuditDetails;
  const { balanceMinor } = await prisma.invoice.findUniqueOrThrow({ where: { id: invoiceId }, select: { balanceMinor: true } });
  const answer = (legalPartnerNotified: boolean): PaymentAfterClose => ({
    recordedAfterClose: audit !== null,
    duplicate: result === 'duplicate',
    invoiceId,
    paymentId: payment.paymentId,
    caseClosed: invoice.status as ClosedStatus,
    currency: invoice.currency,
    appliedMinor: recorded.appliedMinor,
    overpaidMinor: recorded.overpaidMinor,
    balanceMinor: Number(balanceMinor),
    legalPartnerNotified,
  });
  if (invoice.status !== 'legal' || !audit) return { kind: 'recorded', answer: answer(false) };
  const notified = await sendLegalNotice(deps, invoiceId, payment);
  return notified.ok ? { kind: 'recorded', answer: answer(true) } : { kind: 'partner_unreachable', answer: answer(false), reason: notified.reason };
}

/** Sends the recorded notice unless it went before; marks it sent and writes the send to the audit log. */
async function sendLegalNotice({ prisma, legalPartner }: Dependencies, invoiceId: string, payment: PaymentCommand): Promise<{ ok: true } | { ok: false; reason: string }> {
  const key = noticeKey(invoiceId, payment.paymentId);
  const row = await prisma.outboxMessage.findUnique({ where: { idempotencyKey: key } });
  if (!row) return { ok: false, reason: 'no payment notice was recorded' };
  if (row.status === 'sent') return { ok: true };
  try {
    const { reference } = await legalPartner.notifyPayment(row.payload as unknown as LegalPaymentNotice, key);
    await prisma.$transaction([
      prisma.outboxMessage.update({ where: { id: row.id }, data: { status: 'sent', providerMessageId: reference, sentAt: new Date(), attempts: { increment: 1 }, lastError: null } }),
      prisma.collectionEvent.createMany({
        data: [{ invoiceId, category: 'action', kind: 'legal_payment_notice_sent', action: 'legal_handoff', provider: legalPartner.name, providerMessageId: reference, idempotencyKey: key, actor: 'system', occurredAt: new Date(), details: { paymentId: payment.paymentId } }],
        skipDuplicates: true,
      }),
    ]);
    return { ok: true };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    await prisma.outboxMessage.update({ where: { id: row.id }, data: { attempts: { increment: 1 }, lastError: reason } });
    return { ok: false, reason };
  }
}
