import { condition, proxyActivities, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { applyPayment } from '../domain/payment.js';
import { money } from '../domain/money.js';
import type { CollectionActivities } from './activity-interfaces.js';
import { caseStateQuery, paymentReceivedSignal, type CaseState, type CollectionWorkflowInput, type PaymentReceivedSignal } from './definitions.js';
import { searchAttributes } from './search-attributes.js';

const { recordCollectionEvent } = proxyActivities<CollectionActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

/**
 * Skeleton of the per-invoice collection workflow: it records that the case opened, applies
 * payments as they are signalled, and ends with the balance paid. The policy ladder comes next.
 */
export async function collectionWorkflow(input: CollectionWorkflowInput): Promise<CaseState> {
  let state: CaseState = {
    invoiceId: input.invoiceId,
    stage: 'open',
    balanceMinor: input.balanceMinor,
    currency: input.currency,
    paymentIds: [],
  };
  const pendingPayments: PaymentReceivedSignal[] = [];

  setHandler(caseStateQuery, () => state);
  setHandler(paymentReceivedSignal, (payment) => {
    pendingPayments.push(payment);
  });

  upsertSearchAttributes([
    { key: searchAttributes.stage, value: state.stage },
    { key: searchAttributes.invoiceId, value: input.invoiceId },
    { key: searchAttributes.invoiceNumber, value: input.invoiceNumber },
    { key: searchAttributes.customerId, value: input.customerId },
    { key: searchAttributes.currency, value: input.currency },
    { key: searchAttributes.amountDueMinor, value: input.balanceMinor },
    { key: searchAttributes.dueDate, value: new Date(`${input.dueDate}T00:00:00Z`) },
    { key: searchAttributes.disputed, value: false },
    { key: searchAttributes.paused, value: false },
    { key: searchAttributes.inPaymentPlan, value: false },
  ]);

  await recordCollectionEvent({
    invoiceId: input.invoiceId,
    idempotencyKey: `${workflowInfo().workflowId}:opened`,
    category: 'system',
    kind: 'case_opened',
    actor: 'system',
    occurredAt: workflowInfo().startTime.toISOString(),
    details: { balanceMinor: input.balanceMinor, currency: input.currency, dueDate: input.dueDate },
  });

  while (state.stage === 'open') {
    await condition(() => pendingPayments.length > 0);
    const payment = pendingPayments.shift()!;
    const outcome = applyPayment(
      money(state.balanceMinor, state.currency),
      { paymentId: payment.paymentId, amount: { amountMinor: payment.amountMinor, currency: payment.currency }, method: payment.method, receivedAt: payment.receivedAt },
      new Set(state.paymentIds),
    );
    if (outcome.kind === 'duplicate') continue;
    if (outcome.kind === 'applied') {
      state = {
        ...state,
        balanceMinor: outcome.balance.amountMinor,
        stage: outcome.fullyPaid ? 'paid' : 'open',
        paymentIds: [...state.paymentIds, payment.paymentId],
      };
      upsertSearchAttributes([
        { key: searchAttributes.amountDueMinor, value: state.balanceMinor },
        { key: searchAttributes.stage, value: state.stage },
      ]);
    }
    await recordCollectionEvent({
      invoiceId: input.invoiceId,
      idempotencyKey: `${workflowInfo().workflowId}:payment:${payment.paymentId}`,
      category: 'signal',
      kind: outcome.kind === 'applied' ? 'payment_applied' : 'payment_rejected',
      actor: payment.actor,
      occurredAt: payment.receivedAt,
      details: { paymentId: payment.paymentId, amountMinor: payment.amountMinor, currency: payment.currency, method: payment.method, balanceAfterMinor: state.balanceMinor, ...(outcome.kind === 'rejected' ? { reason: outcome.reason } : {}) },
    });
  }
  return state;
}
