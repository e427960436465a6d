import type { ContactPoint } from '../channels.js';
import type { ActionType } from '../policy.js';

/** Everything the workflow knows about one case; plain data, carried across continue-as-new. */
export interface CaseState {
  readonly invoiceId: string;
  readonly currency: string;
  readonly amountMinor: number;
  readonly balanceMinor: number;
  readonly feesMinor: number;
  readonly paidMinor: number;
  readonly creditedMinor: number;
  readonly closed?: { readonly reason: 'paid' | 'cancelled' | 'credited' | 'written_off' | 'legal_handoff'; readonly at: number };
  /** Index of the next policy step to run. */
  readonly nextStepIndex: number;
  /**
   * How many actions of that step are done: a hold that lands between two actions of a step stops
   * it there, and the step goes on from the next action when the hold ends (never again from the
   * first, which would send its email again and charge its fee twice). Absent means none.
   */
  readonly stepActionsDone?: number;
  /** Incremented when a defaulted plan restarts escalation: part of every idempotency key. */
  readonly ladderAttempt: number;
  /** Time added to every remaining step by holds, when the policy shifts on hold. */
  readonly shiftMillis: number;
  /** When the current hold began (a dispute, pause, plan, promise or partial-payment hold). */
  readonly holdSince?: number;
  readonly dispute?: { readonly reason: string; readonly openedBy: string; readonly openedAt: number };
  readonly pause?: { readonly by: string; readonly reason: string; readonly since: number; readonly until?: number };
  readonly plan?: PaymentPlan;
  readonly promise?: PromiseToPay;
  readonly partialHoldUntil?: number;
  readonly feeOccurrences: number;
  /** Contact points that proved unusable (bounced email, wrong number, returned letter): skipped from then on. */
  readonly unreachable: readonly ContactPoint[];
  readonly paymentIds: readonly string[];
  /**
   * The first time each template reached the customer as a notice (an email, SMS or letter on or
   * after the due date): what a late fee or a legal hand-off checks first (prior-notice.ts). One
   * entry per template, so bounded by the policy. Absent in cases started before it: none yet.
   */
  readonly noticesSent?: readonly NoticeSent[];
  /** The most recent actions and outcomes, newest last (bounded). */
  readonly actions: readonly ActionRecord[];
}

export interface NoticeSent {
  readonly template: string;
  readonly channel: 'email' | 'sms' | 'letter';
  readonly at: number;
}

export interface Installment {
  readonly sequence: number;
  /** YYYY-MM-DD (by the end of that day in the customer's timezone) or an exact ISO 8601 instant. */
  readonly dueDate: string;
  readonly amountMinor: number;
  readonly paidMinor: number;
  readonly status: 'pending' | 'paid' | 'missed';
  readonly reminded: boolean;
}

export interface PaymentPlan {
  readonly agreedBy: string;
  readonly agreedAt: number;
  readonly installments: readonly Installment[];
  /** Since when a dispute or pause has stopped the plan's clock (no reminders, no default). */
  readonly heldSince?: number;
  /** Time the plan's clock was stopped so far: every installment moves by it. */
  readonly shiftMillis?: number;
}

export interface PromiseToPay {
  readonly recordedBy: string;
  /** YYYY-MM-DD (escalation waits until the end of that day in the customer's timezone) or an ISO 8601 instant. */
  readonly date: string;
  readonly amountMinor: number;
  readonly balanceAtPromise: number;
  readonly recordedAt: number;
}

export interface ActionRecord {
  readonly stepId: string;
  readonly action: ActionType | 'receipt' | 'installment_reminder';
  readonly status: 'sent' | 'failed' | 'skipped' | 'fell_back';
  readonly at: number;
  readonly channel?: string;
  readonly providerMessageId?: string;
  readonly note?: string;
}

export const MAX_ACTIONS_KEPT = 25;

export function initialCaseState(input: { invoiceId: string; currency: string; amountMinor: number; balanceMinor: number }): CaseState {
  return {
    invoiceId: input.invoiceId,
    currency: input.currency,
    amountMinor: input.amountMinor,
    balanceMinor: input.balanceMinor,
    feesMinor: 0,
    paidMinor: 0,
    creditedMinor: 0,
    nextStepIndex: 0,
    ladderAttempt: 1,
    shiftMillis: 0,
    feeOccurrences: 0,
    unreachable: [],
    paymentIds: [],
    actions: [],
  };
}

export function withAction(state: CaseState, record: ActionRecord): CaseState {
  return { ...state, actions: [...state.actions, record].slice(-MAX_ACTIONS_KEPT) };
}

/** The contact point has proved unusable (a bounce, a wrong number, a returned letter): skip it from now on. */
export function withUnreachable(state: CaseState, contactPoint: ContactPoint): CaseState {
  return state.unreachable.includes(contactPoint) ? state : { ...state, unreachable: [...state.unreachable, contactPoint] };
}

export function isHeld(state: CaseState, now: number): boolean {
  return Boolean(state.dispute || state.pause || state.plan || state.promise || (state.partialHoldUntil !== undefined && now < state.partialHoldUntil));
}

export type CaseStage = 'upcoming' | 'overdue' | 'disputed' | 'paused' | 'payment_plan' | 'promise_to_pay' | 'paid' | 'cancelled' | 'written_off' | 'legal';

/** The one word an operator filters by; `dueAt` is the start of the due date. */
export function stageOf(state: CaseState, now: number, dueAt: number): CaseStage {
  if (state.closed) {
    if (state.closed.reason === 'legal_handoff') return 'legal';
    if (state.closed.reason === 'credited') return 'paid';
    return state.closed.reason;
  }
  if (state.dispute) return 'disputed';
  if (state.pause) return 'paused';
  if (state.plan) return 'payment_plan';
  if (state.promise) return 'promise_to_pay';
  return now < dueAt ? 'upcoming' : 'overdue';
}

/**
 * A dispute or a pause during a payment plan stops the plan's clock: the customer is neither
 * reminded nor defaulted while the case is on hold, and gets the held time back on every
 * installment when the hold ends (the plan keeps its shape; only its dates move).
 */
export function holdsPlanClock(state: CaseState): boolean {
  return Boolean(state.dispute || state.pause);
}
