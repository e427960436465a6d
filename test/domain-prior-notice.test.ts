import { describe, expect, it } from 'vitest';
import { priorNoticeCheck, withNoticeSent } from '../domain/case/prior-notice.js';
import { type CaseState, initialCaseState } from '../domain/case/state.js';
import { nextTimedEvent } from '../domain/case/timed-events.js';
import { defaultPolicy } from '../domain/default-policy.js';
import { type CollectionPolicy, parsePolicy, PolicyValidationError } from '../domain/policy.js';
import { dueDateAnchor, type ScheduleContext, stepDueAt } from '../domain/schedule.js';

/** Pure: which notice a late fee or a legal hand-off needs, when it waits, and that the default ladder never waits. */
const timezone = 'Europe/Berlin';
const anchorMillis = dueDateAnchor('2026-06-01', timezone);
const day = 86_400_000;
const schedule = (policy: CollectionPolicy = defaultPolicy): ScheduleContext => ({ policy, timezone, anchorMillis, shiftMillis: 0, spreadKey: 'inv-1' });
const fresh = (nextStepIndex = 0): CaseState => ({ ...initialCaseState({ invoiceId: 'inv-1', currency: 'EUR', amountMinor: 100_000, balanceMinor: 100_000 }), nextStepIndex });
const stepIndex = (id: string) => defaultPolicy.steps.findIndex((step) => step.id === id);
const sent = (state: CaseState, template: string, at: number, channel = 'email', action = channel) => withNoticeSent(state, { action, channel, template, at }, anchorMillis);

describe('the default ladder', () => {
  it('runs every step at its own time: each message counts as sent at its step, and the fee and the hand-off find their notice old enough', () => {
    let state = fresh();
    const gaps: Record<string, number> = {};
    defaultPolicy.steps.forEach((step, index) => {
      state = { ...state, nextStepIndex: index };
      const due = stepDueAt(schedule(), index);
      expect(nextTimedEvent(state, schedule(), due - day)).toEqual({ kind: 'step', at: due, stepIndex: index });
      for (const action of step.actions) {
        const check = priorNoticeCheck(state, defaultPolicy, action.type, due, timezone);
        expect(check, `${step.id} ${action.type}`).toEqual({ kind: 'given' });
        if (action.type === 'late_fee' || action.type === 'legal_handoff') gaps[action.type] = due - Math.min(...(state.noticesSent ?? []).filter((n) => action.type === 'late_fee' || n.template === 'final_notice').map((n) => n.at));
        if (action.template) state = sent(state, action.template, due, action.type);
      }
    });
    // The overdue notice (day 1, 09:00 at the earliest) precedes the fee (day 31, 00:00) by 29 days and more;
    // the final notice (day 60) precedes legal (day 90) by as much: far beyond the 10 days asked.
    expect(gaps.late_fee).toBeGreaterThan(29 * day);
    expect(gaps.legal_handoff).toBeGreaterThan(29 * day);
    // The courtesy reminder (before the due date) and the call task are no notices: the record keeps the others, once each.
    expect(state.noticesSent?.map((n) => `${n.template}/${n.channel}`)).toEqual(['overdue_notice/email', 'second_reminder/email', 'formal_letter/letter', 'final_notice/email']);
  });
});

describe('a backlog whose latest due step is the legal hand-off', () => {
  const legal = stepIndex('legal_90');
  const importedAt = Date.parse('2026-10-20T10:00:00Z'); // 141 days after the due date; Berlin is on summer time

  it('sends the final notice first (by letter), then waits 10 calendar days in the customer\'s timezone, then hands off', () => {
    const state = fresh(legal);
    expect(priorNoticeCheck(state, defaultPolicy, 'legal_handoff', importedAt, timezone)).toEqual({ kind: 'send', rule: { template: 'final_notice', minimum: 'P10D', channel: 'letter' } });
    expect(nextTimedEvent(state, schedule(), importedAt)).toMatchObject({ kind: 'step', stepIndex: legal, at: stepDueAt(schedule(), legal) });

    const noticed = sent(state, 'final_notice', importedAt, 'letter');
    // Summer time ends on the 25th: ten calendar days later is 12:00 local, 11:00 UTC, not 10:00.
    const notBefore = Date.parse('2026-10-30T11:00:00Z');
    expect(priorNoticeCheck(noticed, defaultPolicy, 'legal_handoff', importedAt + 1, timezone)).toMatchObject({ kind: 'wait', sentAt: importedAt, notBefore });
    expect(nextTimedEvent(noticed, schedule(), importedAt + 1)).toEqual({ kind: 'step', stepIndex: legal, at: notBefore, afterNotice: { template: 'final_notice', minimum: 'P10D' } });
    expect(priorNoticeCheck(noticed, defaultPolicy, 'legal_handoff', notBefore - 1, timezone).kind).toBe('wait');
    expect(priorNoticeCheck(noticed, defaultPolicy, 'legal_handoff', notBefore, timezone)).toEqual({ kind: 'given' });
  });

  it('does not count another message as the final notice, but counts the final notice by any channel', () => {
    const reminded = sent(fresh(legal), 'second_reminder', importedAt - 40 * day);
    expect(priorNoticeCheck(reminded, defaultPolicy, 'legal_handoff', importedAt, timezone).kind).toBe('send');
    const bySms = sent(reminded, 'final_notice', importedAt - 11 * day, 'sms', 'email'); // the email bounced, the SMS fallback went
    expect(priorNoticeCheck(bySms, defaultPolicy, 'legal_handoff', importedAt, timezone)).toEqual({ kind: 'given' });
  });

  it('needs no extra notice when the final notice went out long enough before', () => {
    const state = sent(fresh(legal), 'final_notice', stepDueAt(schedule(), stepIndex('final_notice_60')));
    expect(priorNoticeCheck(state, defaultPolicy, 'legal_handoff', importedAt, timezone)).toEqual({ kind: 'given' });
    expect(nextTimedEvent(state, schedule(), importedAt)).toEqual({ kind: 'step', stepIndex: legal, at: stepDueAt(schedule(), legal) });
  });
});

describe('a late fee', () => {
  const fee = stepIndex('late_fee_31');
  const at = stepDueAt(schedule(), fee);

  it('with no message sent before: sends the overdue notice first and waits 10 days', () => {
    expect(priorNoticeCheck(fresh(fee), defaultPolicy, 'late_fee', at, timezone)).toMatchObject({ kind: 'send', rule: { template: 'overdue_notice', anyMessage: true } });
    expect(priorNoticeCheck(sent(fresh(fee), 'overdue_notice', at), defaultPolicy, 'late_fee', at, timezone)).toMatchObject({ kind: 'wait', notBefore: at + 10 * day });
  });

  it('counts any email, SMS or letter after the due date, the earliest one; not a courtesy reminder, a call, a receipt or an installment reminder', () => {
    let state = sent(fresh(fee), 'courtesy_reminder', anchorMillis - 3 * day);
    state = sent(state, 'collector_call', at - 20 * day, 'call_task');
    state = sent(state, 'payment_receipt', at - 20 * day, 'email', 'receipt');
    state = sent(state, 'installment_reminder', at - 20 * day, 'email', 'installment_reminder');
    expect(state.noticesSent ?? []).toEqual([]);
    expect(priorNoticeCheck(state, defaultPolicy, 'late_fee', at, timezone).kind).toBe('send');

    state = sent(state, 'formal_letter', at - 12 * day, 'letter');
    state = sent(state, 'second_reminder', at - 2 * day);
    state = sent(state, 'formal_letter', at - 1 * day, 'letter'); // a later send of the same template does not restart its clock
    expect(state.noticesSent).toEqual([{ template: 'formal_letter', channel: 'letter', at: at - 12 * day }, { template: 'second_reminder', channel: 'email', at: at - 2 * day }]);
    expect(priorNoticeCheck(state, defaultPolicy, 'late_fee', at, timezone)).toEqual({ kind: 'given' });
  });
});

describe('a step that sends the notice and then acts', () => {
  const policy = parsePolicy({
    ...defaultPolicy,
    steps: [{ id: 'final', offset: 'P40D', actions: [{ type: 'email', template: 'final_notice' }, { type: 'legal_handoff' }] }],
  });
  const due = stepDueAt(schedule(policy), 0);

  it('runs its email at the step\'s time and its hand-off 10 days after the email, from the next action', () => {
    expect(nextTimedEvent(fresh(), schedule(policy), due - 1)).toEqual({ kind: 'step', stepIndex: 0, at: due });
    const emailed = { ...sent(fresh(), 'final_notice', due), stepActionsDone: 1 };
    expect(nextTimedEvent(emailed, schedule(policy), due + 1)).toMatchObject({ kind: 'step', stepIndex: 0, at: due + 10 * day });
  });

  it('waits for nothing while held: the hold stops the step as usual', () => {
    const held = { ...sent(fresh(), 'final_notice', due), stepActionsDone: 1, pause: { by: 'anna', reason: 'call back', since: due } };
    expect(nextTimedEvent(held, schedule(policy), due + 1)).toBeUndefined();
  });
});

describe('policies without the rule', () => {
  it('run a fee and a hand-off as before: a stored policy or a running case\'s snapshot without priorNotice, or `{}`', () => {
    const { priorNotice: _rule, ...withoutRule } = defaultPolicy;
    for (const policy of [parsePolicy(withoutRule), parsePolicy({ ...defaultPolicy, priorNotice: {} })]) {
      expect(priorNoticeCheck(fresh(), policy, 'legal_handoff', anchorMillis, timezone)).toEqual({ kind: 'given' });
      expect(priorNoticeCheck(fresh(), policy, 'late_fee', anchorMillis, timezone)).toEqual({ kind: 'given' });
    }
  });

  it('refuses a negative minimum, an unknown action or channel, naming where', () => {
    const problems = (priorNotice: unknown) => {
      try {
        parsePolicy({ ...defaultPolicy, priorNotice });
      } catch (error) {
        if (error instanceof PolicyValidationError) return error.problems;
      }
      return [];
    };
    expect(problems({ legal_handoff: { template: 'final_notice', minimum: '-P10D' } })).toEqual([expect.stringMatching(/^priorNotice\.legal_handoff\.minimum: must be an ISO 8601 duration that is not negative/)]);
    expect(problems({ legal_hand_off: { template: 'final_notice', minimum: 'P10D' } })).toEqual([expect.stringMatching(/^priorNotice: .*legal_hand_off/)]);
    expect(problems({ late_fee: { template: 'overdue_notice', minimum: 'P10D', channel: 'call_task' } })).toEqual([expect.stringMatching(/^priorNotice\.late_fee\.channel: must be one of email, sms, letter/)]);
  });
});
