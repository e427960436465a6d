import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError } from '@temporalio/client';
import { correspondenceCaseClosedSignal, correspondenceWorkflowId } from '../workflows/correspondence-definitions.js';
import type { PrismaClient } from '../prisma/client.js';
import type { CaseRecord, CaseRecordBatch, InvoiceStatus } from '../workflows/activity-interfaces.js';
import { auditRow } from './audit-row.js';
import { type ActivityMetrics, createActivityMetrics } from './metrics.js';

type Transaction = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

async function writeRecord(tx: Transaction, invoiceId: string, record: CaseRecord): Promise<void> {
  switch (record.type) {
    case 'dispute_opened':
      await tx.dispute.createMany({ data: [{ id: record.id, invoiceId, reason: record.reason, openedBy: record.openedBy, openedAt: new Date(record.openedAt) }], skipDuplicates: true });
      return;
    case 'dispute_resolved':
      await tx.dispute.updateMany({
        where: { id: record.id },
        data: { resolution: record.resolution, creditAmountMinor: record.creditMinor === null ? null : BigInt(record.creditMinor), resolvedBy: record.resolvedBy, resolvedAt: new Date(record.resolvedAt) },
      });
      return;
    case 'plan': {
      const plan = { status: record.status, endedAt: record.endedAt ? new Date(record.endedAt) : null };
      await tx.paymentPlan.upsert({
        where: { id: record.id },
        create: { id: record.id, invoiceId, agreedBy: record.agreedBy, agreedAt: new Date(record.agreedAt), totalMinor: BigInt(record.totalMinor), currency: record.currency, ...plan },
        update: plan,
      });
      for (const installment of record.installments) {
        const values = { amountMinor: BigInt(installment.amountMinor), paidAmountMinor: BigInt(installment.paidMinor), status: installment.status };
        await tx.paymentPlanInstallment.upsert({
          where: { planId_sequence: { planId: record.id, sequence: installment.sequence } },
          create: { planId: record.id, sequence: installment.sequence, dueDate: new Date(installment.dueDate.length === 10 ? `${installment.dueDate}T00:00:00Z` : installment.dueDate), ...values },
          update: values,
        });
      }
      return;
    }
  }
}

/**
 * Writes a batch of audit events, payments, disputes and plans and brings the invoice row in
 * line with the workflow, in one transaction. Every row is keyed by the workflow, so a retried
 * batch writes nothing twice.
 */
const closedStatuses = new Set<InvoiceStatus>(['paid', 'cancelled', 'written_off', 'legal']);

/**
 * The customer's correspondence counts the invoices it speaks for (`OpenInvoices`): the write that
 * closes the invoice tells it, here rather than from the workflow, so a case's history gains no
 * events for it. A customer none of whose cases ever asked has no correspondence: nothing to tell.
 * A retried batch tells again, which is harmless (removing an invoice twice removes it once).
 */
async function tellCorrespondenceClosed(prisma: PrismaClient, invoiceId: string): Promise<void> {
  const invoice = await prisma.invoice.findUnique({ where: { id: invoiceId }, select: { customerId: true } });
  if (!invoice) return;
  try {
    await Context.current().client.workflow.getHandle(correspondenceWorkflowId(invoice.customerId)).signal(correspondenceCaseClosedSignal, { invoiceId });
  } catch (error) {
    if (!(error instanceof WorkflowNotFoundError)) throw error;
  }
}

export function makeRecordCaseEvents(prisma: PrismaClient, metrics: ActivityMetrics = createActivityMetrics()) {
  return async function recordCaseEvents(batch: CaseRecordBatch): Promise<{ created: number }> {
    const { created, paymentsApplied } = await prisma.$transaction(async (tx) => {
      const events = await tx.collectionEvent.createMany({
        data: batch.events.map(auditRow),
        skipDuplicates: true,
      });
      // Only the rows this batch created: a retried batch applies no payment twice, so counts none twice.
      const paymentsApplied = await tx.payment.createManyAndReturn({
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
        select: { amountMinor: true, currency: true },
      });
      for (const record of batch.records ?? []) await writeRecord(tx, batch.invoiceId, record);
      await tx.invoice.updateMany({ where: { id: batch.invoiceId }, data: { balanceMinor: BigInt(batch.invoice.balanceMinor), status: batch.invoice.status } });
      return { created: events.count, paymentsApplied };
    });
    if (closedStatuses.has(batch.invoice.status)) await tellCorrespondenceClosed(prisma, batch.invoiceId);
    for (const payment of paymentsApplied) {
      metrics.paymentsApplied.inc({ currency: payment.currency });
      metrics.paymentsAppliedMinor.inc({ currency: payment.currency }, Number(payment.amountMinor));
    }
    return { created };
  };
}
