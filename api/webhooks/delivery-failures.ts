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

/**
 * Finds the case a provider's message belonged to (by our idempotency key, or the provider's id,
 * in the outbox) and tells its workflow. Messages we never sent are ignored, not errors: a
 * provider account may serve other systems too. A case that has ended (by its invoice row, or
 * because its workflow is gone) has no one to tell: the failure is written to its audit log as
 * `delivery_failed_after_close` and acknowledged, so the provider stops retrying.
 */
export async function reportDeliveryFailure({ prisma, temporal }: { prisma: PrismaClient; temporal: Client }, failure: DeliveryFailure): Promise<'signalled' | 'recorded' | 'unknown'> {
  const { idempotencyKey, providerMessageId } = failure.lookup;
  const include = { invoice: { select: { workflowId: true, status: true } } };
  const row = idempotencyKey
    ? await prisma.outboxMessage.findUnique({ where: { idempotencyKey }, include })
    : providerMessageId
      ? await prisma.outboxMessage.findFirst({ where: { providerMessageId }, include })
      : null;
  if (!row) return 'unknown';
  await prisma.outboxMessage.update({ where: { id: row.id }, data: { status: 'failed', lastError: failure.reason } });
  const messageId = row.providerMessageId ?? providerMessageId ?? '';
  if (!isClosedStatus(row.invoice.status)) {
    try {
      await temporal.workflow.getHandle(caseWorkflowId({ id: row.invoiceId, workflowId: row.invoice.workflowId })).signal(deliveryFailedSignal, {
        channel: failure.channel,
        reason: failure.reason,
        providerMessageId: messageId,
        actor: failure.actor,
      });
      return 'signalled';
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError)) throw error;
    }
  }
  await prisma.collectionEvent.createMany({
    data: [
      {
        invoiceId: row.invoiceId,
        category: 'signal',
        kind: 'delivery_failed_after_close',
        action: row.action,
        provider: row.provider,
        providerMessageId: messageId || null,
        // One record per message: a provider's repeated delivery of the event adds nothing.
        idempotencyKey: `${row.idempotencyKey}:delivery-failed-after-close`,
        actor: failure.actor,
        occurredAt: new Date(),
        details: { channel: failure.channel, reason: failure.reason, invoiceStatus: row.invoice.status },
      },
    ],
    skipDuplicates: true,
  });
  return 'recorded';
}
