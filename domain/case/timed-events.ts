import { DateTime } from 'luxon';
import { deadlineDay, deadlineEnds } from '../deadline.js';
import { applyOffset, nextAllowedMoment, type ScheduleContext, stepDueAt } from '../schedule.js';
import { stepNotBefore } from './prior-notice.js';
import { type CaseState, holdsPlanClock, isHeld } from './state.js';

/** The things a case waits for by time; the workflow sleeps until the earliest, unless a signal comes first. */
export type TimedEvent =
  /** `afterNotice`: the step waits past its own time for the notice it needs to be old enough (prior-notice.ts). */
  | { readonly kind: 'step'; readonly at: number; readonly stepIndex: number; readonly afterNotice?: { readonly template: string; readonly minimum: string } }
  | { readonly kind: 'recurring_fee'; readonly at: number; readonly occurrence: number }
  | { readonly kind: 'pause_ends'; readonly at: number }
  | { readonly kind: 'partial_hold_ends'; readonly at: number }
  | { readonly kind: 'installment_reminder'; readonly at: number; readonly sequence: number }
  | { readonly kind: 'installment_check'; readonly at: number; readonly sequence: number }
  | { readonly kind: 'promise_check'; readonly at: number };


export function feeStepIndex(context: ScheduleContext): number {
  return context.policy.steps.findIndex((step) => step.actions.some((action) => action.type === 'late_fee'));
}

export function nextTimedEvent(state: CaseState, context: ScheduleContext, now: number): TimedEvent | undefined {
  if (state.closed) return undefined;
  const { policy, timezone } = context;
  const candidates: TimedEvent[] = [];

  if (state.pause?.until !== undefined) candidates.push({ kind: 'pause_ends', at: state.pause.until });
  if (state.partialHoldUntil !== undefined) candidates.push({ kind: 'partial_hold_ends', at: state.partialHoldUntil });
  if (state.promise) candidates.push({ kind: 'promise_check', at: deadlineEnds(state.promise.date, timezone) });

  const installment = state.plan?.installments.find((i) => i.status === 'pending');
  // While a dispute or pause holds the plan's clock, nothing of the plan happens (see holdsPlanClock).
  if (installment && !holdsPlanClock(state)) {
    const planShift = state.plan!.shiftMillis ?? 0;
    const dueDay = deadlineDay(installment.dueDate, timezone) + planShift;
    if (!installment.reminded) {
      const remindAt = applyOffset(dueDay, `-${policy.installmentReminderBefore}`, timezone);
      const windowed = policy.sendingWindows ? nextAllowedMoment(remindAt, policy.sendingWindows.messages, timezone, context.holidays) : remindAt;
      candidates.push({ kind: 'installment_reminder', at: Math.max(windowed, state.plan!.agreedAt), sequence: installment.sequence });
    }
    candidates.push({ kind: 'installment_check', at: applyOffset(deadlineEnds(installment.dueDate, timezone) + planShift, policy.installmentGrace, timezone), sequence: installment.sequence });
  }

  if (!isHeld(state, now)) {
    const shifted = { ...context, shiftMillis: state.shiftMillis };
    if (state.nextStepIndex < policy.steps.length) {
      const dueAt = stepDueAt(shifted, state.nextStepIndex);
      const notice = stepNotBefore(state, policy, state.nextStepIndex, timezone);
      candidates.push(notice && notice.at > dueAt ? { kind: 'step', at: notice.at, stepIndex: state.nextStepIndex, afterNotice: { template: notice.template, minimum: notice.minimum } } : { kind: 'step', at: dueAt, stepIndex: state.nextStepIndex });
    }
    const feeIndex = feeStepIndex(context);
    if (policy.feeRule?.recurrence === 'monthly' && state.feeOccurrences > 0 && feeIndex >= 0 && state.nextStepIndex > feeIndex) {
      const firstFee = stepDueAt(shifted, feeIndex);
      const at = DateTime.fromMillis(firstFee, { zone: timezone }).plus({ months: state.feeOccurrences }).toMillis();
      candidates.push({ kind: 'recurring_fee', at, occurrence: state.feeOccurrences + 1 });
    }
  }
  return candidates.sort((a, b) => a.at - b.at)[0];
}
