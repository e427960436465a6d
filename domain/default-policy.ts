import { type CollectionPolicy, parsePolicy } from './policy.js';

/**
 * The default ladder, as B2B collection practice runs it: a courtesy reminder before the due date,
 * a notice the day after, email at 15 days, a letter at 30, a call at 45, a late fee once the
 * 30-day grace period has passed, a final notice by email and letter, legal hand-off at 90, and
 * neither a fee nor the hand-off without a notice 10 days before.
 * Every number here is a policy setting; a customer or an invoice may carry another policy.
 */
export const defaultPolicy: CollectionPolicy = parsePolicy({
  name: 'standard-b2b',
  version: 1,
  steps: [
    { id: 'courtesy_reminder', offset: '-P3D', actions: [{ type: 'email', template: 'courtesy_reminder' }] },
    { id: 'overdue_notice', offset: 'P1D', actions: [{ type: 'email', template: 'overdue_notice' }] },
    { id: 'reminder_15', offset: 'P15D', actions: [{ type: 'email', template: 'second_reminder' }] },
    { id: 'letter_30', offset: 'P30D', actions: [{ type: 'letter', template: 'formal_letter' }] },
    { id: 'late_fee_31', offset: 'P31D', actions: [{ type: 'late_fee' }] },
    { id: 'call_45', offset: 'P45D', actions: [{ type: 'call_task', template: 'collector_call' }] },
    { id: 'final_notice_60', offset: 'P60D', actions: [{ type: 'email', template: 'final_notice' }, { type: 'letter', template: 'final_notice' }] },
    { id: 'legal_90', offset: 'P90D', actions: [{ type: 'legal_handoff' }] },
  ],
  graceDays: 30,
  sendingWindows: {
    messages: { startHour: 9, endHour: 17, weekdays: [1, 2, 3, 4, 5] },
    calls: { startHour: 9, endHour: 17, weekdays: [1, 2, 3, 4, 5] },
  },
  // 1.5 % of the balance, at most 100.00 in total, charged once.
  feeRule: { kind: 'percent', basisPoints: 150, capMinor: 10_000, recurrence: 'once' },
  partialPayment: 'keep',
  shiftScheduleOnHold: true,
  installmentReminderBefore: 'P3D',
  installmentGrace: 'P5D',
  catchUp: 'latest',
  // Until the customer's window next opens, at most two hours: a morning's requests become one message.
  consolidation: { window: 'PT2H' },
  // What a careful collections team allows itself (see README: contact caps).
  contactCaps: { perWeek: 3, perWeekPerChannel: 2, minimumGap: 'P2D' },
  // Never a fee or a hand-off out of the blue (a backlog import would otherwise run them at once):
  // a fee 10 days after any message of the ladder at the earliest; legal 10 days after the final
  // notice, sent first by letter (written proof, and letters wait for no sending window) if the
  // ladder did not send it. The ladder above meets both by 30 days, so it runs unchanged.
  priorNotice: {
    late_fee: { template: 'overdue_notice', minimum: 'P10D', anyMessage: true },
    legal_handoff: { template: 'final_notice', minimum: 'P10D', channel: 'letter' },
  },
});
