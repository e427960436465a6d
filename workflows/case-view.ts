import { type CaseState, stageOf } from '../domain/case/state.js';
import type { TimedEvent } from '../domain/case/timed-events.js';
import type { CollectionPolicy } from '../domain/policy.js';
import type { CaseView, CollectionWorkflowInput } from './definitions.js';

const iso = (millis: number) => new Date(millis).toISOString();

export function describeTimedEvent(event: TimedEvent, policy: CollectionPolicy): string {
  switch (event.kind) {
    case 'step': {
      const step = policy.steps[event.stepIndex]!;
      const waits = event.afterNotice ? ` (${event.afterNotice.minimum} after the notice "${event.afterNotice.template}")` : '';
      return `step ${step.id}: ${step.actions.map((a) => a.type).join(' + ')}${waits}`;
    }
    case 'recurring_fee':
      return `recurring late fee #${event.occurrence}`;
    case 'pause_ends':
      return 'pause ends, escalation resumes';
    case 'partial_hold_ends':
      return 'hold after a partial payment ends';
    case 'installment_reminder':
      return `reminder for installment ${event.sequence}`;
    case 'installment_check':
      return `check installment ${event.sequence} was paid (else the plan defaults)`;
    case 'promise_check':
      return 'check the promise to pay was kept (else escalation resumes)';
  }
}

export function caseView(input: CollectionWorkflowInput, state: CaseState, next: TimedEvent | undefined, now: number, dueAt: number): CaseView {
  return {
    invoiceId: input.invoiceId,
    invoiceNumber: input.invoiceNumber,
    customerName: input.customer.name,
    stage: stageOf(state, now, dueAt),
    currency: state.currency,
    amountMinor: state.amountMinor,
    balanceMinor: state.balanceMinor,
    feesMinor: state.feesMinor,
    paidMinor: state.paidMinor,
    creditedMinor: state.creditedMinor,
    paid: state.closed?.reason === 'paid' || state.closed?.reason === 'credited',
    closed: state.closed ? { reason: state.closed.reason, at: iso(state.closed.at) } : null,
    disputed: state.dispute ? { reason: state.dispute.reason, openedBy: state.dispute.openedBy, openedAt: iso(state.dispute.openedAt) } : null,
    paused: state.pause ? { reason: state.pause.reason, by: state.pause.by, since: iso(state.pause.since), until: state.pause.until ? iso(state.pause.until) : null } : null,
    paymentPlan: state.plan
      ? { agreedBy: state.plan.agreedBy, agreedAt: iso(state.plan.agreedAt), installments: state.plan.installments, clockHeldSince: state.plan.heldSince !== undefined ? iso(state.plan.heldSince) : null, clockShiftMillis: state.plan.shiftMillis ?? 0 }
      : null,
    promiseToPay: state.promise ? { date: state.promise.date, amountMinor: state.promise.amountMinor, recordedBy: state.promise.recordedBy } : null,
    nextAction: next ? { kind: next.kind, at: iso(next.at), description: describeTimedEvent(next, input.policy) } : null,
    policy: { name: input.policy.name, version: input.policy.version },
    nextStep: input.policy.steps[state.nextStepIndex]?.id ?? null,
    paymentIds: state.paymentIds,
    unreachableContacts: state.unreachable,
    recentActions: state.actions.map((action) => ({ ...action, at: iso(action.at) })),
  };
}
