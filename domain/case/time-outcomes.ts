import type { CommandResult } from './commands.js';
import type { CaseState } from './state.js';

/** What the passing of time does to a case: holds that end, plans that default, promises that break. */

export function pauseEnds(state: CaseState): CommandResult {
  if (!state.pause) return { ok: true, state, kind: 'noop', details: {} };
  const { pause, ...rest } = state;
  return { ok: true, state: rest, kind: 'case_resumed', details: { pausedBy: pause.by, by: 'system', automatic: true } };
}

export function partialHoldEnds(state: CaseState): CommandResult {
  const { partialHoldUntil: _ended, ...rest } = state;
  return { ok: true, state: rest, kind: 'partial_payment_hold_ended', details: {} };
}

/** An installment not paid in full by its due date plus grace defaults the plan; escalation resumes. */
export function installmentCheck(state: CaseState, sequence: number): CommandResult {
  const plan = state.plan;
  const installment = plan?.installments.find((i) => i.sequence === sequence);
  if (!plan || !installment || installment.status === 'paid') return { ok: true, state, kind: 'noop', details: {} };
  const { plan: _defaulted, ...rest } = state;
  return {
    ok: true,
    state: { ...rest, ladderAttempt: state.ladderAttempt + 1 },
    kind: 'payment_plan_defaulted',
    details: { sequence, dueDate: installment.dueDate, amountMinor: installment.amountMinor, paidMinor: installment.paidMinor },
  };
}

/** The promised day has ended without the promised amount: the promise is broken, escalation resumes at once. */
export function promiseCheck(state: CaseState): CommandResult {
  const promise = state.promise;
  if (!promise) return { ok: true, state, kind: 'noop', details: {} };
  const { promise: _broken, ...rest } = state;
  const paidSince = promise.balanceAtPromise - state.balanceMinor;
  return {
    ok: true,
    state: rest,
    kind: 'promise_broken',
    details: { promiseDate: promise.date, promisedAmountMinor: promise.amountMinor, paidSinceMinor: paidSince },
  };
}

export function markInstallmentReminded(state: CaseState, sequence: number): CaseState {
  if (!state.plan) return state;
  return { ...state, plan: { ...state.plan, installments: state.plan.installments.map((i) => (i.sequence === sequence ? { ...i, reminded: true } : i)) } };
}
