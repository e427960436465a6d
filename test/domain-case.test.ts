import { describe, expect, it } from 'vitest';
import {
  accountForHolds,
  agreePaymentPlan,
  type CommandContext,
  type CommandResult,
  openDispute,
  pauseCase,
  recordCallOutcome,
  recordPayment,
  resolveDispute,
} from '../domain/case/commands.js';
import { type CaseState, initialCaseState, stageOf } from '../domain/case/state.js';
import { installmentCheck, partialHoldEnds, promiseCheck } from '../domain/case/time-outcomes.js';
import { nextTimedEvent } from '../domain/case/timed-events.js';
import { defaultPolicy } from '../domain/default-policy.js';
import { type CollectionPolicy } from '../domain/policy.js';
import { choosePolicy } from '../domain/policy-selection.js';
import { dueDateAnchor } from '../domain/schedule.js';

const timezone = 'Europe/Berlin';
const anchorMillis = dueDateAnchor('2026-10-31', timezone);
const now = Date.parse('2026-11-20T10:00:00Z');
const ctx = (policy: CollectionPolicy = defaultPolicy, at = now): CommandContext => ({ now: at, policy, timezone, anchorMillis });
const fresh = (): CaseState => ({ ...initialCaseState({ invoiceId: 'inv', currency: 'EUR', amountMinor: 100_000, balanceMinor: 100_000 }), nextStepIndex: 3 });
const pay = (paymentId: string, amountMinor: number) => ({ paymentId, amountMinor, currency: 'EUR', method: 'sepa', receivedAt: '2026-11-20T10:00:00Z', actor: 'erp' });

function accepted(result: CommandResult): CaseState {
  if (!result.ok) throw new Error(`refused: ${result.field}: ${result.reason}`);
  return result.state;
}

describe('recording a payment', () => {
  it('lowers the balance by a partial payment and settles the case on full payment', () => {
    expect(accepted(recordPayment(fresh(), pay('p1', 25_000), ctx()))).toMatchObject({ balanceMinor: 75_000, paidMinor: 25_000 });
    expect(recordPayment(fresh(), pay('p1', 100_000), ctx())).toMatchObject({ ok: true, kind: 'payment_settled_invoice', state: { balanceMinor: 0, closed: { reason: 'paid' } } });
  });

  it('changes nothing for a payment id seen before', () => {
    const once = accepted(recordPayment(fresh(), pay('p1', 25_000), ctx()));
    expect(recordPayment(once, pay('p1', 25_000), ctx())).toEqual({ ok: true, state: once, kind: 'payment_duplicate', details: { paymentId: 'p1' } });
  });

  it('refuses a payment in another currency or of no value, naming the field', () => {
    expect(recordPayment(fresh(), { ...pay('p1', 2_500), currency: 'USD' }, ctx())).toEqual({ ok: false, field: 'currency', reason: 'the invoice is in EUR, the payment in USD' });
    expect(recordPayment(fresh(), pay('p1', 0), ctx())).toMatchObject({ ok: false, field: 'amountMinor' });
  });
});

describe('partial payments, as the policy says', () => {
  it('keep: the ladder goes on as planned', () => {
    const state = accepted(recordPayment(fresh(), pay('p', 20_000), ctx()));
    expect(state).toMatchObject({ balanceMinor: 80_000, shiftMillis: 0 });
    expect(state.partialHoldUntil).toBeUndefined();
  });

  it('hold: escalation waits the hold period, then the held time shifts the rest', () => {
    const policy = { ...defaultPolicy, partialPayment: 'hold' as const, partialPaymentHold: 'P7D' };
    const state = accepted(recordPayment(fresh(), pay('p', 20_000), ctx(policy)));
    expect(state.partialHoldUntil).toBe(Date.parse('2026-11-27T10:00:00Z'));
    const next = nextTimedEvent(state, { policy, timezone, anchorMillis, shiftMillis: 0 }, now);
    expect(next).toMatchObject({ kind: 'partial_hold_ends' });

    // The hold ends when its timer fires, a moment already past the hold itself.
    const holdEnded = Date.parse('2026-11-27T10:00:00.250Z');
    const before = accountForHolds(fresh(), state, ctx(policy));
    const ended = partialHoldEnds(before);
    if (!ended.ok) throw new Error('refused');
    const after = accountForHolds(before, ended.state, ctx(policy, holdEnded));
    expect(after.shiftMillis).toBe(holdEnded - now); // seven days and the timer's lateness
    expect(after.holdSince).toBeUndefined();
    const letter = nextTimedEvent(after, { policy, timezone, anchorMillis, shiftMillis: 0 }, holdEnded);
    // The letter (P30D from 31 Oct, Berlin) was due 30 Nov 00:00 CET; seven held days move it to 7 Dec.
    expect(letter).toMatchObject({ kind: 'step', stepIndex: 3 });
    expect(new Date(letter!.at).toISOString()).toBe('2026-12-06T23:00:00.250Z');
  });

  it('reset: the next step comes as long after the payment as it was due after the previous step', () => {
    const policy = { ...defaultPolicy, partialPayment: 'reset' as const };
    const state = accepted(recordPayment(fresh(), pay('p', 20_000), ctx(policy)));
    // Step 3 (letter, P30D) came 15 days after step 2 (P15D): now it comes 15 days after the payment.
    const next = nextTimedEvent(state, { policy, timezone, anchorMillis, shiftMillis: 0 }, now);
    expect(next).toMatchObject({ kind: 'step', stepIndex: 3 });
    expect(new Date(next!.at).toISOString()).toBe('2026-12-05T10:00:00.000Z');
  });

  it('never skips a step: the next step index is unchanged by any payment', () => {
    for (const partialPayment of ['keep', 'hold', 'reset'] as const) {
      const policy = { ...defaultPolicy, partialPayment, partialPaymentHold: 'P7D' };
      expect(accepted(recordPayment(fresh(), pay('p', 20_000), ctx(policy))).nextStepIndex).toBe(3);
    }
  });

  it('an overpayment settles the case and reports the excess', () => {
    const result = recordPayment(fresh(), pay('p', 120_000), ctx());
    expect(result).toMatchObject({ ok: true, kind: 'payment_settled_invoice', details: { appliedMinor: 100_000, overpaidMinor: 20_000 } });
  });
});

describe('holds shift the schedule when the policy says so', () => {
  it('adds the disputed time to the remaining steps', () => {
    const opened = accountForHolds(fresh(), accepted(openDispute(fresh(), { reason: 'damaged', actor: 'c' }, ctx())), ctx());
    expect(opened.holdSince).toBe(now);
    const later = ctx(defaultPolicy, now + 3 * 86_400_000);
    const resolved = accountForHolds(opened, accepted(resolveDispute(opened, { resolution: 'resume', actor: 'c' }, later)), later);
    expect(resolved).toMatchObject({ shiftMillis: 3 * 86_400_000 });
    expect(resolved.holdSince).toBeUndefined();
  });

  it('adds nothing when the policy keeps the original dates', () => {
    const policy = { ...defaultPolicy, shiftScheduleOnHold: false };
    const paused = accountForHolds(fresh(), accepted(pauseCase(fresh(), { reason: 'holiday', actor: 'c' }, ctx(policy))), ctx(policy));
    const later = ctx(policy, now + 86_400_000);
    const { pause: _p, ...resumed } = paused;
    expect(accountForHolds(paused, resumed, later).shiftMillis).toBe(0);
  });
});

describe('payment plans and promises', () => {
  const plan = (installments: { dueDate: string; amountMinor: number }[]) => agreePaymentPlan(fresh(), { installments, actor: 'c' }, ctx());
  // Days counted from the pinned `now` the commands read, so no date here can pass.
  const day = (fromNow: number) => new Date(now + fromNow * 86_400_000).toISOString().slice(0, 10);
  const soon = day(11);
  const later = day(42);

  it('accepts installments that sum to the balance on increasing future dates', () => {
    const state = accepted(plan([{ dueDate: soon, amountMinor: 50_000 }, { dueDate: later, amountMinor: 50_000 }]));
    expect(stageOf(state, now, anchorMillis)).toBe('payment_plan');
  });

  it.each([
    [[{ dueDate: soon, amountMinor: 50_000 }], 'installments', /sum to 50000, the balance is 100000/],
    [[{ dueDate: day(-19), amountMinor: 100_000 }], 'installments.0.dueDate', /past/],
    [[{ dueDate: later, amountMinor: 50_000 }, { dueDate: soon, amountMinor: 50_000 }], 'installments.1.dueDate', /increase/],
    [[{ dueDate: 'next week', amountMinor: 100_000 }], 'installments.0.dueDate', /YYYY-MM-DD/],
    [[{ dueDate: soon, amountMinor: 99_999.5 }, { dueDate: later, amountMinor: 0.5 }], 'installments.0.amountMinor', /whole number/],
  ])('refuses %j, naming %s', (installments, field, reason) => {
    const result = plan(installments);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.field).toBe(field);
      expect(result.reason).toMatch(reason);
    }
  });

  describe('a dispute or pause during a plan stops the plan clock', () => {
    const schedule = { policy: defaultPolicy, timezone, anchorMillis, shiftMillis: 0 };
    const day = 86_400_000;
    const withPlan = () => accountForHolds(fresh(), accepted(plan([{ dueDate: '2026-12-01', amountMinor: 100_000 }])), ctx());

    it.each([
      ['dispute', (state: CaseState) => accepted(openDispute(state, { reason: 'short delivery', actor: 'c' }, ctx()))],
      ['pause', (state: CaseState) => accepted(pauseCase(state, { reason: 'customer in hospital', actor: 'c' }, ctx()))],
    ])('a %s: no reminder and no default while it lasts; afterwards every installment is due that much later', (_, hold) => {
      const planned = withPlan();
      const checkBefore = nextTimedEvent(planned, schedule, now);
      expect(checkBefore).toMatchObject({ kind: 'installment_reminder', sequence: 1 });
      const held = accountForHolds(planned, hold(planned), ctx());
      expect(held.plan?.heldSince).toBe(now);
      // Weeks past the installment's date and grace: still nothing of the plan is due.
      expect(nextTimedEvent(held, schedule, now + 30 * day)).toBeUndefined();

      const released = { ...held, dispute: undefined, pause: undefined } as CaseState;
      const tenDaysLater = ctx(defaultPolicy, now + 10 * day);
      const resumed = accountForHolds(held, released, tenDaysLater);
      expect(resumed.plan).toMatchObject({ shiftMillis: 10 * day });
      expect(resumed.plan?.heldSince).toBeUndefined();
      const unheldCheck = nextTimedEvent({ ...resumed, plan: { ...resumed.plan!, installments: resumed.plan!.installments.map((i) => ({ ...i, reminded: true })) } }, schedule, now + 10 * day);
      // End of 1 Dec in Berlin (23:00Z) plus the policy's grace, moved by the ten held days.
      const { plan: _p, ...noShift } = resumed;
      const originalCheck = nextTimedEvent({ ...noShift, plan: { ...resumed.plan!, shiftMillis: 0, installments: resumed.plan!.installments.map((i) => ({ ...i, reminded: true })) } }, schedule, now);
      expect(unheldCheck).toMatchObject({ kind: 'installment_check', sequence: 1 });
      expect(unheldCheck!.at - originalCheck!.at).toBe(10 * day);
    });
  });

  it('defaults the plan when an installment is short, and starts a new ladder attempt', () => {
    const state = accepted(plan([{ dueDate: '2026-12-01', amountMinor: 100_000 }]));
    const paidSome = accepted(recordPayment(state, pay('p', 30_000), ctx()));
    const outcome = installmentCheck(paidSome, 1);
    expect(outcome).toMatchObject({ ok: true, kind: 'payment_plan_defaulted', details: { paidMinor: 30_000 } });
    expect(outcome.ok && outcome.state).toMatchObject({ ladderAttempt: 2 });
    expect(outcome.ok && outcome.state.plan).toBeUndefined();
  });

  it('breaks a promise that was not kept by its date', () => {
    const promised = accepted(recordCallOutcome(fresh(), { outcome: 'promise_to_pay', promiseDate: '2026-11-25', actor: 'c' }, ctx()));
    expect(promised.promise).toMatchObject({ amountMinor: 100_000, date: '2026-11-25' });
    const next = nextTimedEvent(promised, { policy: defaultPolicy, timezone, anchorMillis, shiftMillis: 0 }, now);
    expect(next).toEqual({ kind: 'promise_check', at: Date.parse('2026-11-25T23:00:00Z') }); // end of 25 Nov in Berlin
    expect(promiseCheck(promised)).toMatchObject({ ok: true, kind: 'promise_broken' });
  });

  it('records a wrong number so calls fall back', () => {
    expect(accepted(recordCallOutcome(fresh(), { outcome: 'wrong_number', actor: 'c' }, ctx())).unreachable).toEqual(['phone']);
  });
});

describe('choosing a policy', () => {
  const named = (name: string) => ({ ...defaultPolicy, name });
  it('prefers the invoice’s, then the customer’s, then the default', () => {
    expect(choosePolicy({ invoice: named('inv'), customer: named('cust'), fallback: defaultPolicy }).name).toBe('inv');
    expect(choosePolicy({ invoice: null, customer: named('cust'), fallback: defaultPolicy }).name).toBe('cust');
    expect(choosePolicy({ fallback: defaultPolicy }).name).toBe('standard-b2b');
  });
});
