import type { CollectionPolicy } from '../policy.js';
import { deadlineEnds, isDeadline } from '../deadline.js';
import { applyOffset } from '../schedule.js';
import { contactPointOf } from '../channels.js';
import { type CaseState, holdsPlanClock, type Installment, isHeld, withUnreachable } from './state.js';

/**
 * What collectors, payment systems and the case itself can ask of a case. Each command either
 * changes the state (and says what to record) or is refused with a reason naming the field; the
 * workflow offers each as a signal (refusals are recorded) and as an update (refusals answer 4xx).
 */

export interface CommandContext {
  readonly now: number;
  readonly policy: CollectionPolicy;
  readonly timezone: string;
  /** Epoch ms the policy offsets count from (start of the due date). */
  readonly anchorMillis: number;
}

export type JsonDetails = { readonly [key: string]: string | number | boolean | null | undefined | readonly unknown[] };
export type CommandResult =
  | { readonly ok: true; readonly state: CaseState; readonly kind: string; readonly details: JsonDetails }
  | { readonly ok: false; readonly field: string; readonly reason: string };

export interface PaymentCommand {
  readonly paymentId: string;
  readonly amountMinor: number;
  readonly currency: string;
  readonly method: string;
  /** UTC instant, ISO 8601. */
  readonly receivedAt: string;
  readonly actor: string;
}
export interface OpenDisputeCommand {
  readonly reason: string;
  readonly actor: string;
}
export interface ResolveDisputeCommand {
  readonly resolution: 'resume' | 'credit' | 'cancel';
  /** With `credit`: the amount taken off the balance, minor units. */
  readonly creditMinor?: number;
  readonly actor: string;
  readonly note?: string;
}
export interface AgreePlanCommand {
  readonly installments: readonly { readonly dueDate: string; readonly amountMinor: number }[];
  readonly actor: string;
}
export interface PauseCommand {
  readonly reason: string;
  readonly actor: string;
  /** UTC instant, ISO 8601: resume by itself then. */
  readonly until?: string;
}
export interface ResumeCommand {
  readonly actor: string;
}
export interface CallOutcomeCommand {
  readonly outcome: 'reached' | 'promise_to_pay' | 'no_answer' | 'wrong_number';
  /** With `promise_to_pay`: YYYY-MM-DD and the amount promised (default: the whole balance). */
  readonly promiseDate?: string;
  readonly promisedAmountMinor?: number;
  readonly actor: string;
  readonly note?: string;
}

const refuse = (field: string, reason: string): CommandResult => ({ ok: false, field, reason });
const isWholePositive = (value: number) => Number.isSafeInteger(value) && value > 0;

function closedRefusal(state: CaseState): CommandResult | undefined {
  return state.closed ? refuse('invoice', `the case is closed (${state.closed.reason})`) : undefined;
}

/**
 * Keeps the schedule honest around holds: when a hold begins its start is noted; when the last
 * hold ends, the held time moves the remaining steps later if the policy says so.
 */
export function accountForHolds(before: CaseState, after: CaseState, context: CommandContext): CaseState {
  return accountForPlanClock(accountForLadderHolds(before, after, context), context.now);
}

function accountForLadderHolds(before: CaseState, after: CaseState, context: CommandContext): CaseState {
  // A hold that ends by time (a partial-payment hold) has already expired when its end is
  // handled: `holdSince` says the case was held, whatever `isHeld` says at this moment.
  const heldBefore = before.holdSince !== undefined || isHeld(before, context.now);
  const heldAfter = isHeld(after, context.now);
  if (!heldBefore && heldAfter) return { ...after, holdSince: context.now };
  if (heldBefore && !heldAfter) {
    const held = context.now - (after.holdSince ?? context.now);
    const { holdSince: _ended, ...rest } = after;
    return { ...rest, shiftMillis: after.shiftMillis + (context.policy.shiftScheduleOnHold ? held : 0) };
  }
  return after;
}

/** Stops the plan's clock when a dispute or pause begins during a plan, and moves its installments by the held time when it ends. */
function accountForPlanClock(state: CaseState, now: number): CaseState {
  const plan = state.plan;
  if (!plan) return state;
  const held = holdsPlanClock(state);
  if (held && plan.heldSince === undefined) return { ...state, plan: { ...plan, heldSince: now } };
  if (!held && plan.heldSince !== undefined) {
    const { heldSince, ...running } = plan;
    return { ...state, plan: { ...running, shiftMillis: (plan.shiftMillis ?? 0) + (now - heldSince) } };
  }
  return state;
}

function applyToInstallments(installments: readonly Installment[], amountMinor: number): Installment[] {
  let left = amountMinor;
  return installments.map((installment) => {
    if (left <= 0 || installment.status !== 'pending') return installment;
    const take = Math.min(left, installment.amountMinor - installment.paidMinor);
    left -= take;
    const paidMinor = installment.paidMinor + take;
    return { ...installment, paidMinor, status: paidMinor >= installment.amountMinor ? 'paid' : 'pending' };
  });
}

export function recordPayment(state: CaseState, command: PaymentCommand, context: CommandContext): CommandResult {
  if (!command.paymentId.trim()) return refuse('paymentId', 'must not be empty');
  if (!isWholePositive(command.amountMinor)) return refuse('amountMinor', 'must be a positive whole number of minor units');
  if (command.currency !== state.currency) return refuse('currency', `the invoice is in ${state.currency}, the payment in ${command.currency}`);
  if (Number.isNaN(Date.parse(command.receivedAt))) return refuse('receivedAt', 'must be an ISO 8601 instant');
  if (state.paymentIds.includes(command.paymentId)) {
    return { ok: true, state, kind: 'payment_duplicate', details: { paymentId: command.paymentId } };
  }
  const closed = closedRefusal(state);
  if (closed) return closed;

  const applied = Math.min(command.amountMinor, state.balanceMinor);
  const balanceMinor = state.balanceMinor - applied;
  let next: CaseState = { ...state, balanceMinor, paidMinor: state.paidMinor + applied, paymentIds: [...state.paymentIds, command.paymentId] };
  if (next.plan) next = { ...next, plan: { ...next.plan, installments: applyToInstallments(next.plan.installments, applied) } };
  const promiseKept = next.promise !== undefined && next.promise.balanceAtPromise - balanceMinor >= next.promise.amountMinor;
  if (promiseKept) {
    const { promise: _kept, ...rest } = next;
    next = rest;
  }
  if (balanceMinor === 0) {
    next = { ...next, closed: { reason: 'paid', at: context.now } };
  } else if (context.policy.partialPayment === 'hold' && context.policy.partialPaymentHold) {
    next = { ...next, partialHoldUntil: applyOffset(context.now, context.policy.partialPaymentHold, context.timezone) };
  } else if (context.policy.partialPayment === 'reset') {
    // The clock to the next step restarts now: it comes as long after the payment as it was
    // meant to come after the previous step (or the due date).
    const previous = state.nextStepIndex === 0 ? context.anchorMillis : applyOffset(context.anchorMillis, context.policy.steps[state.nextStepIndex - 1]!.offset, context.timezone);
    next = { ...next, shiftMillis: Math.max(next.shiftMillis, context.now - previous) };
  }
  return {
    ok: true,
    state: next,
    kind: balanceMinor === 0 ? 'payment_settled_invoice' : 'payment_applied',
    details: {
      paymentId: command.paymentId,
      amountMinor: command.amountMinor,
      appliedMinor: applied,
      overpaidMinor: command.amountMinor - applied,
      currency: command.currency,
      method: command.method,
      receivedAt: command.receivedAt,
      balanceAfterMinor: balanceMinor,
      promiseKept,
    },
  };
}

export function openDispute(state: CaseState, command: OpenDisputeCommand, context: CommandContext): CommandResult {
  const closed = closedRefusal(state);
  if (closed) return closed;
  if (!command.reason.trim()) return refuse('reason', 'must say why the invoice is disputed');
  if (state.dispute) return refuse('invoice', `already disputed since ${new Date(state.dispute.openedAt).toISOString()}`);
  return {
    ok: true,
    state: { ...state, dispute: { reason: command.reason, openedBy: command.actor, openedAt: context.now } },
    kind: 'dispute_opened',
    details: { reason: command.reason },
  };
}

export function resolveDispute(state: CaseState, command: ResolveDisputeCommand, context: CommandContext): CommandResult {
  if (!state.dispute) return refuse('invoice', 'there is no open dispute to resolve');
  const { dispute: _resolved, ...rest } = state;
  const details = { resolution: command.resolution, note: command.note ?? null };
  if (command.resolution === 'cancel') {
    return { ok: true, state: { ...rest, closed: { reason: 'cancelled', at: context.now } }, kind: 'dispute_resolved', details };
  }
  if (command.resolution === 'credit') {
    const credit = command.creditMinor ?? 0;
    if (!isWholePositive(credit)) return refuse('creditMinor', 'a credit must be a positive whole number of minor units');
    if (credit > state.balanceMinor) return refuse('creditMinor', `the credit ${credit} exceeds the balance ${state.balanceMinor}`);
    const balanceMinor = state.balanceMinor - credit;
    const credited: CaseState = { ...rest, balanceMinor, creditedMinor: state.creditedMinor + credit };
    return {
      ok: true,
      state: balanceMinor === 0 ? { ...credited, closed: { reason: 'credited', at: context.now } } : credited,
      kind: 'dispute_resolved',
      details: { ...details, creditMinor: credit, balanceAfterMinor: balanceMinor },
    };
  }
  if (command.resolution !== 'resume') return refuse('resolution', 'must be resume, credit or cancel');
  return { ok: true, state: rest, kind: 'dispute_resolved', details };
}

export function agreePaymentPlan(state: CaseState, command: AgreePlanCommand, context: CommandContext): CommandResult {
  const closed = closedRefusal(state);
  if (closed) return closed;
  if (state.dispute) return refuse('invoice', 'the invoice is disputed: resolve the dispute first');
  if (state.plan) return refuse('invoice', 'a payment plan is already active');
  if (command.installments.length === 0) return refuse('installments', 'a plan needs at least one installment');
  let previous: number | undefined;
  for (const [i, installment] of command.installments.entries()) {
    if (!isDeadline(installment.dueDate, context.timezone)) return refuse(`installments.${i}.dueDate`, 'must be a date (YYYY-MM-DD) or an ISO 8601 instant');
    const ends = deadlineEnds(installment.dueDate, context.timezone);
    if (ends <= context.now) return refuse(`installments.${i}.dueDate`, 'must not be in the past');
    if (previous !== undefined && ends <= previous) return refuse(`installments.${i}.dueDate`, 'installment dates must increase');
    if (!isWholePositive(installment.amountMinor)) return refuse(`installments.${i}.amountMinor`, 'must be a positive whole number of minor units');
    previous = ends;
  }
  const total = command.installments.reduce((sum, installment) => sum + installment.amountMinor, 0);
  if (total !== state.balanceMinor) return refuse('installments', `the installments sum to ${total}, the balance is ${state.balanceMinor}`);
  const installments: Installment[] = command.installments.map((installment, i) => ({
    sequence: i + 1,
    dueDate: installment.dueDate,
    amountMinor: installment.amountMinor,
    paidMinor: 0,
    status: 'pending',
    reminded: false,
  }));
  return {
    ok: true,
    state: { ...state, plan: { agreedBy: command.actor, agreedAt: context.now, installments } },
    kind: 'payment_plan_agreed',
    details: { installments: command.installments, totalMinor: total },
  };
}

export function pauseCase(state: CaseState, command: PauseCommand, context: CommandContext): CommandResult {
  const closed = closedRefusal(state);
  if (closed) return closed;
  if (state.pause) return refuse('invoice', `already paused by ${state.pause.by}`);
  if (!command.reason.trim()) return refuse('reason', 'must say why the case is paused');
  let until: number | undefined;
  if (command.until !== undefined) {
    until = Date.parse(command.until);
    if (Number.isNaN(until)) return refuse('until', 'must be an ISO 8601 instant');
    if (until <= context.now) return refuse('until', 'must be in the future');
  }
  return {
    ok: true,
    state: { ...state, pause: { by: command.actor, reason: command.reason, since: context.now, ...(until !== undefined ? { until } : {}) } },
    kind: 'case_paused',
    details: { reason: command.reason, until: command.until ?? null },
  };
}

export function resumeCase(state: CaseState, command: ResumeCommand): CommandResult {
  if (!state.pause) return refuse('invoice', 'the case is not paused');
  const { pause, ...rest } = state;
  return { ok: true, state: rest, kind: 'case_resumed', details: { pausedBy: pause.by, by: command.actor } };
}

export function recordCallOutcome(state: CaseState, command: CallOutcomeCommand, context: CommandContext): CommandResult {
  const closed = closedRefusal(state);
  if (closed) return closed;
  const details = { outcome: command.outcome, note: command.note ?? null };
  switch (command.outcome) {
    case 'reached':
    case 'no_answer':
      return { ok: true, state, kind: 'call_outcome', details };
    case 'wrong_number':
      return { ok: true, state: withUnreachable(state, 'phone'), kind: 'call_outcome', details };
    case 'promise_to_pay': {
      if (!command.promiseDate || !isDeadline(command.promiseDate, context.timezone)) return refuse('promiseDate', 'a promise to pay needs a date (YYYY-MM-DD) or an ISO 8601 instant');
      if (deadlineEnds(command.promiseDate, context.timezone) <= context.now) return refuse('promiseDate', 'must not be in the past');
      const amountMinor = command.promisedAmountMinor ?? state.balanceMinor;
      if (!isWholePositive(amountMinor) || amountMinor > state.balanceMinor) return refuse('promisedAmountMinor', `must be a positive amount no larger than the balance ${state.balanceMinor}`);
      return {
        ok: true,
        state: { ...state, promise: { recordedBy: command.actor, date: command.promiseDate!, amountMinor, balanceAtPromise: state.balanceMinor, recordedAt: context.now } },
        kind: 'promise_to_pay',
        details: { ...details, promiseDate: command.promiseDate!, promisedAmountMinor: amountMinor },
      };
    }
    default:
      return refuse('outcome', 'must be reached, promise_to_pay, no_answer or wrong_number');
  }
}

export interface WaiveFeeCommand {
  /** Default: all fees charged so far. */
  readonly amountMinor?: number;
  readonly reason: string;
  readonly actor: string;
}
export interface CloseCaseCommand {
  readonly reason: string;
  readonly actor: string;
}

export function waiveFee(state: CaseState, command: WaiveFeeCommand): CommandResult {
  const closed = closedRefusal(state);
  if (closed) return closed;
  if (!command.reason.trim()) return refuse('reason', 'must say why the fee is waived');
  if (state.feesMinor === 0) return refuse('invoice', 'no fees have been charged');
  const amount = command.amountMinor ?? state.feesMinor;
  if (!isWholePositive(amount) || amount > state.feesMinor) return refuse('amountMinor', `must be a positive amount no larger than the fees charged, ${state.feesMinor}`);
  const balanceMinor = state.balanceMinor - amount;
  return {
    ok: true,
    state: { ...state, balanceMinor, feesMinor: state.feesMinor - amount },
    kind: 'fee_waived',
    details: { amountMinor: amount, reason: command.reason, balanceAfterMinor: balanceMinor },
  };
}

function closeWith(reason: 'cancelled' | 'written_off') {
  return (state: CaseState, command: CloseCaseCommand, context: CommandContext): CommandResult => {
    const closed = closedRefusal(state);
    if (closed) return closed;
    if (!command.reason.trim()) return refuse('reason', `must say why the invoice is ${reason === 'cancelled' ? 'cancelled' : 'written off'}`);
    return { ok: true, state: { ...state, closed: { reason, at: context.now } }, kind: reason === 'cancelled' ? 'invoice_cancelled' : 'invoice_written_off', details: { reason: command.reason, balanceMinor: state.balanceMinor } };
  };
}

export const cancelInvoice = closeWith('cancelled');
export const writeOffInvoice = closeWith('written_off');

export interface DeliveryFailureCommand {
  readonly channel: 'email' | 'sms' | 'letter' | 'call_task';
  /** What the provider said: bounced, dropped, unsubscribed, returned to sender, undelivered... */
  readonly reason: string;
  readonly providerMessageId: string;
  readonly actor: string;
}

/**
 * A provider reported, after the fact, that a message never arrived (a bounce, a returned
 * letter): that contact point is not used again for this case; later steps fall back.
 */
export function recordDeliveryFailure(state: CaseState, command: DeliveryFailureCommand): CommandResult {
  return { ok: true, state: withUnreachable(state, contactPointOf(command.channel)), kind: 'delivery_failed', details: { channel: command.channel, reason: command.reason, providerMessageId: command.providerMessageId } };
}
