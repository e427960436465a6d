import type { Client } from '@temporalio/client';
import type { PrismaClient } from '../../prisma/client.js';
import { deliveryFailedSignal } from '../../workflows/definitions.js';
import { caseWorkflowId } from '../services/case-command.js';

export interface DeliveryFailure {
  readonly lookup: { readonly idempotencyKey?: string; readonly providerMessageId?: string };
  readonly channel: 'email' | 'sms' | 'letter' | 'call_task';
  readonly reason: string;
  readonly actor: string;
}

/**
 * Finds the case a provider's message belonged to (by our idempotency key, or the provider's id,
 * in the outbox) and tells its workflow. Messages we never sent are ignored, not errors: a
 * provider account may serve other systems too.
 */
export async function reportDeliveryFailure({ prisma, temporal }: { prisma: PrismaClient; temporal: Client }, failure: DeliveryFailure): Promise<'signalled' | 'unknown'> {
  const { idempotencyKey, providerMessageId } = failure.lookup;
  const row = idempotencyKey
    ? await prisma.outboxMessage.findUnique({ where: { idempotencyKey }, include: { invoice: { select: { workflowId: true } } } })
    : providerMessageId
      ? await prisma.outboxMessage.findFirst({ where: { providerMessageId }, include: { invoice: { select: { workflowId: true } } } })
      : null;
  if (!row) return 'unknown';
  await prisma.outboxMessage.update({ where: { id: row.id }, data: { status: 'failed', lastError: failure.reason } });
  await temporal.workflow.getHandle(caseWorkflowId({ id: row.invoiceId, workflowId: row.invoice.workflowId })).signal(deliveryFailedSignal, {
    channel: failure.channel,
    reason: failure.reason,
    providerMessageId: row.providerMessageId ?? providerMessageId ?? '',
    actor: failure.actor,
  });
  return 'signalled';
}
