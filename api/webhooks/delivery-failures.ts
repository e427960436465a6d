import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import type { PrismaClient } from '../../prisma/client.js';
import { deliveryFailedSignal } from '../../workflows/definitions.js';
import { caseWorkflowId } from '../services/case-command.js';
import { isClosedStatus } from '../services/closed-case.js';

export interface DeliveryFailure {
  readonly lookup: { readonly idempotencyKey?: string; readonly providerMessageId?: string };
  readonly channel: 'email' | 'sms' | 'letter' | 'call_task';
  readonly reason: string;
  readonly actor: string;
}

/** The invoices a message concerned: a merged message lists them in its payload, any other is its row's one invoice. */
function invoicesOf(row: { invoiceId: string; payload: unknown }): string[] {
  const listed = (row.payload as { invoiceIds?: unknown } | null)?.invoiceIds;
  return Array.isArray(listed) && listed.length > 0 && listed.every((id) => typeof id === 'string') ? [...new Set(listed as string[])] : [row.invoiceId];
}

/**
 * Finds the cases a provider's message belonged to (by our idempotency key, or the provider's id,
 * in the outbox) and tells each case's workflow: a merged message tells every invoice it listed.
 * Messages we never sent are ignored, not errors: a provider account may serve other systems too.
 * A case that has ended (by its invoice row, or because its workflow is gone) has no one to tell:
 * the failure is written to its audit log as `delivery_failed_after_close` and acknowledged, so
 * the provider stops retrying. `signalled` when at least one running case was told.
 */
export async function reportDeliveryFailure({ prisma, temporal }: { prisma: PrismaClient; temporal: Client }, failure: DeliveryFailure): Promise<'signalled' | 'recorded' | 'unknown'> {
  const { idempotencyKey, providerMessageId } = failure.lookup;
  const row = idempotencyKey
    ? await prisma.outboxMessage.findUnique({ where: { idempotencyKey } })
    : providerMessageId
      ? await prisma.outboxMessage.findFirst({ where: { providerMessageId } })
      : null;
  if (!row) return 'unknown';
  await prisma.outboxMessage.update({ where: { id: row.id }, data: { status: 'failed', lastError: failure.reason } });
  const messageId = row.providerMessageId ?? providerMessageId ?? '';
  const invoiceIds = invoicesOf(row);
  const merged = invoiceIds.length > 1;
  const invoices = await prisma.invoice.findMany({ where: { id: { in: invoiceIds } }, select: { id: true, workflowId: true, status: true } });
  let signalled = false;
  for (const invoice of invoices) {
    if (!isClosedStatus(invoice.status)) {
      try {
        await temporal.workflow.getHandle(caseWorkflowId({ id: invoice.id, workflowId: invoice.workflowId })).signal(deliveryFailedSignal, {
          channel: failure.channel,
          reason: failure.reason,
          providerMessageId: messageId,
          actor: failure.actor,
        });
        signalled = true;
        continue;
      } catch (error) {
        if (!(error instanceof WorkflowNotFoundError)) throw error;
      }
    }
    await prisma.collectionEvent.createMany({
      data: [
        {
          invoiceId: invoice.id,
          category: 'signal',
          kind: 'delivery_failed_after_close',
          action: row.action,
          provider: row.provider,
          providerMessageId: messageId || null,
          // One record per message and invoice: a provider's repeated delivery of the event adds nothing.
          idempotencyKey: merged ? `${row.idempotencyKey}:${invoice.id}:delivery-failed-after-close` : `${row.idempotencyKey}:delivery-failed-after-close`,
          actor: failure.actor,
          occurredAt: new Date(),
          details: { channel: failure.channel, reason: failure.reason, invoiceStatus: invoice.status, ...(merged ? { messageInvoices: invoiceIds.length } : {}) },
        },
      ],
      skipDuplicates: true,
    });
  }
  return signalled ? 'signalled' : 'recorded';
}
