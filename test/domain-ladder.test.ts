import { describe, expect, it } from 'vitest';
import { ladder, type LadderEvent, type LadderInput } from '../domain/case/ladder.js';

const steps: LadderInput['steps'] = [
  { id: 'reminder', offset: 'P1D', actions: [{ type: 'email', template: 'reminder' }] },
  { id: 'firm', offset: 'P10D', actions: [{ type: 'sms', template: 'firm' }, { type: 'late_fee' }] },
  { id: 'legal', offset: 'P30D', actions: [{ type: 'legal_handoff' }] },
];

const event = (kind: string, details: Record<string, unknown>, occurredAt: string, action: string | null = null): LadderEvent => ({ kind, action, details, occurredAt });

// Due 2026-03-10 in Berlin (UTC+1 then): the day starts at 2026-03-09T23:00Z; P1D → 03-10T23:00Z.
const base: LadderInput = { steps, dueDate: '2026-03-10', timezone: 'Europe/Berlin', events: [], nextStepId: 'reminder', nextAction: null, closed: false, live: true };

describe('the ladder of a case', () => {
  it('places each step at its offset from the start of the due date in the customer’s timezone', () => {
    const rows = ladder(base);
    expect(rows.map((row) => row.plannedAt)).toEqual(['2026-03-10T23:00:00.000Z', '2026-03-19T23:00:00.000Z', '2026-04-08T22:00:00.000Z']); // summer time from 03-29
    expect(rows.map((row) => row.actions)).toEqual([['email'], ['sms', 'late_fee'], ['legal_handoff']]);
  });

  it('marks the steps before the live case’s next step done, the next one with its moment, the rest later', () => {
    const rows = ladder({ ...base, nextStepId: 'firm', nextAction: { kind: 'step', at: '2026-03-20T08:00:00.000Z' } });
    expect(rows.map((row) => [row.status, row.dueAt])).toEqual([
      ['done', null],
      ['next', '2026-03-20T08:00:00.000Z'],
      ['later', null],
    ]);
  });

  it('gives the next step no moment while another timed event (a hold ending, a promise check) comes first', () => {
    const rows = ladder({ ...base, nextStepId: 'firm', nextAction: { kind: 'promise_check', at: '2026-03-25T23:00:00.000Z' } });
    expect(rows[1]).toMatchObject({ status: 'next', dueAt: null });
  });

  it('lists what came of each step from the audit log: sent, fallen back to another channel, failed, fee posted', () => {
    const events = [
      event('step_sent', { stepId: 'reminder', channel: 'email', wanted: 'email' }, '2026-03-11T08:00:00.000Z', 'email'),
      event('step_failed', { stepId: 'firm', channel: 'sms', reason: 'wrong number' }, '2026-03-20T08:00:00.000Z', 'sms'),
      event('step_sent', { stepId: 'firm', channel: 'email', wanted: 'sms' }, '2026-03-20T08:00:01.000Z', 'email'),
      event('late_fee_posted', { occurrence: 'firm', feeMinor: 1500 }, '2026-03-20T08:00:02.000Z', 'late_fee'),
      event('payment_applied', { amountMinor: 100 }, '2026-03-21T08:00:00.000Z'), // not a step's
      event('late_fee_posted', { occurrence: 'fee-2', feeMinor: 1500 }, '2026-04-20T08:00:00.000Z', 'late_fee'), // a recurring fee: no step of the ladder
    ];
    const rows = ladder({ ...base, events, nextStepId: 'legal' });
    expect(rows[0]!.outcomes).toEqual([{ outcome: 'sent', channel: 'email', at: '2026-03-11T08:00:00.000Z', note: null }]);
    expect(rows[1]!.outcomes).toEqual([
      { outcome: 'failed', channel: 'sms', at: '2026-03-20T08:00:00.000Z', note: 'wrong number' },
      { outcome: 'fell_back', channel: 'email', at: '2026-03-20T08:00:01.000Z', note: 'instead of sms' },
      { outcome: 'fee_posted', channel: 'late_fee', at: '2026-03-20T08:00:02.000Z', note: '1500' },
    ]);
    expect(rows[2]!.outcomes).toEqual([]);
  });

  it('marks every step done once a live case has run them all', () => {
    expect(ladder({ ...base, nextStepId: null }).map((row) => row.status)).toEqual(['done', 'done', 'done']);
  });

  it('on an ended case (or one Temporal no longer holds) only steps with an outcome are done, the rest were never reached', () => {
    const events = [event('step_sent', { stepId: 'reminder', channel: 'email', wanted: 'email' }, '2026-03-11T08:00:00.000Z', 'email')];
    expect(ladder({ ...base, events, closed: true, nextStepId: 'firm' }).map((row) => row.status)).toEqual(['done', 'not_reached', 'not_reached']);
    expect(ladder({ ...base, events, live: false, nextStepId: null }).map((row) => row.status)).toEqual(['done', 'not_reached', 'not_reached']);
  });
});
