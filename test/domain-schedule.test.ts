import { describe, expect, it } from 'vitest';
import { defaultPolicy } from '../domain/default-policy.js';
import { type CollectionPolicy } from '../domain/policy.js';
import { applyOffset, dueDateAnchor, firstStepToRun, isInsideWindow, nextAllowedMoment, stepDueAt, windowForChannel } from '../domain/schedule.js';

const iso = (millis: number) => new Date(millis).toISOString();
const weekdays9to17 = { startHour: 9, endHour: 17, weekdays: [1, 2, 3, 4, 5] };

function context(dueDate: string, timezone: string, policy: CollectionPolicy = defaultPolicy, shiftMillis = 0) {
  return { policy, timezone, anchorMillis: dueDateAnchor(dueDate, timezone), shiftMillis };
}
const dueAt = (ctx: ReturnType<typeof context>, stepId: string) => iso(stepDueAt(ctx, ctx.policy.steps.findIndex((s) => s.id === stepId)));

describe('the schedule at day scale', () => {
  it('anchors offsets at the start of the due date in the customer’s timezone', () => {
    expect(iso(dueDateAnchor('2026-03-10', 'Europe/Berlin'))).toBe('2026-03-09T23:00:00.000Z');
    expect(iso(dueDateAnchor('2026-03-10', 'America/Los_Angeles'))).toBe('2026-03-10T07:00:00.000Z'); // PDT since 8 Mar
    expect(iso(dueDateAnchor('2026-03-10', 'Asia/Tokyo'))).toBe('2026-03-09T15:00:00.000Z');
  });

  it('counts calendar days across the end of daylight saving (Berlin, 25 Oct 2026)', () => {
    // 15 days after 20 Oct is 4 Nov 00:00 CET (UTC+1), not 24-hour days from CEST (UTC+2).
    expect(iso(applyOffset(dueDateAnchor('2026-10-20', 'Europe/Berlin'), 'P15D', 'Europe/Berlin'))).toBe('2026-11-03T23:00:00.000Z');
    // ...and the email goes at 09:00 local, Wednesday 4 Nov.
    expect(dueAt(context('2026-10-20', 'Europe/Berlin'), 'reminder_15')).toBe('2026-11-04T08:00:00.000Z');
  });

  it('counts calendar days across the start of daylight saving (New York, 8 Mar 2026)', () => {
    expect(iso(applyOffset(dueDateAnchor('2026-03-01', 'America/New_York'), 'P15D', 'America/New_York'))).toBe('2026-03-16T04:00:00.000Z');
    expect(dueAt(context('2026-03-01', 'America/New_York'), 'reminder_15')).toBe('2026-03-16T13:00:00.000Z'); // Mon 09:00 EDT
  });

  it('handles the southern hemisphere (Auckland moves to NZDT on 27 Sep 2026)', () => {
    expect(dueAt(context('2026-09-20', 'Pacific/Auckland'), 'overdue_notice')).toBe('2026-09-20T21:00:00.000Z'); // Mon 21 Sep 09:00 NZST
    expect(dueAt(context('2026-09-20', 'Pacific/Auckland'), 'reminder_15')).toBe('2026-10-04T20:00:00.000Z'); // 5 Oct is Mon: 09:00 NZDT
  });

  it('moves calls off the weekend to Monday morning', () => {
    // Due Thu 1 Oct 2026; 45 days later is Sun 15 Nov.
    expect(dueAt(context('2026-10-01', 'Europe/London'), 'call_45')).toBe('2026-11-16T09:00:00.000Z');
  });

  it('leaves letters, fees and legal hand-off unwindowed', () => {
    // 30 days after Thu 1 Oct is Sat 31 Oct: the letter is posted then, at 00:00 London time.
    expect(dueAt(context('2026-10-01', 'Europe/London'), 'letter_30')).toBe('2026-10-31T00:00:00.000Z');
    expect(dueAt(context('2026-10-01', 'Europe/London'), 'legal_90')).toBe('2026-12-30T00:00:00.000Z');
  });

  it('puts the courtesy reminder before the due date', () => {
    // Three days before Mon 12 Oct is Fri 9 Oct.
    expect(dueAt(context('2026-10-12', 'Asia/Tokyo'), 'courtesy_reminder')).toBe('2026-10-09T00:00:00.000Z'); // 09:00 JST
  });

  it('shifts remaining steps by held time before applying the window', () => {
    const threeDays = 3 * 86_400_000;
    expect(dueAt(context('2026-10-01', 'Europe/London', defaultPolicy, threeDays), 'call_45')).toBe('2026-11-18T09:00:00.000Z');
  });
});

describe('the sending window', () => {
  const tz = 'Europe/Paris';
  const at = (local: string) => new Date(`${local}+01:00`).getTime(); // Paris in winter

  it('keeps a moment inside business hours', () => {
    expect(iso(nextAllowedMoment(at('2026-11-24T10:30:00'), weekdays9to17, tz))).toBe('2026-11-24T09:30:00.000Z');
  });

  it('moves a moment before opening to opening the same day', () => {
    expect(iso(nextAllowedMoment(at('2026-11-24T06:00:00'), weekdays9to17, tz))).toBe('2026-11-24T08:00:00.000Z');
  });

  it('moves a moment after closing to the next business morning', () => {
    expect(iso(nextAllowedMoment(at('2026-11-24T17:00:00'), weekdays9to17, tz))).toBe('2026-11-25T08:00:00.000Z');
    expect(iso(nextAllowedMoment(at('2026-11-27T18:00:00'), weekdays9to17, tz))).toBe('2026-11-30T08:00:00.000Z'); // Fri evening → Mon
  });

  it('skips public holidays it is given: Christmas Eve evening in Berlin → Monday 28 December', () => {
    const berlin = 'Europe/Berlin';
    const christmasEve18 = Date.parse('2026-12-24T17:00:00Z'); // Thu 18:00 CET
    const germanHolidays = ['2026-12-25', '2026-12-26'];
    expect(iso(nextAllowedMoment(christmasEve18, weekdays9to17, berlin))).toBe('2026-12-25T08:00:00.000Z'); // without: Christmas Day
    expect(iso(nextAllowedMoment(christmasEve18, weekdays9to17, berlin, germanHolidays))).toBe('2026-12-28T08:00:00.000Z');
    expect(isInsideWindow(Date.parse('2026-12-25T10:00:00Z'), weekdays9to17, berlin, germanHolidays)).toBe(false);
    expect(isInsideWindow(Date.parse('2026-12-28T10:00:00Z'), weekdays9to17, berlin, germanHolidays)).toBe(true);
  });

  it('takes the window of the channel at the moment of sending: calls the call window, letters none', () => {
    const policy = { sendingWindows: { messages: weekdays9to17, calls: { startHour: 10, endHour: 12, weekdays: [2] } } };
    expect(windowForChannel('email', policy)).toBe(weekdays9to17);
    expect(windowForChannel('sms', policy)).toBe(weekdays9to17);
    expect(windowForChannel('call_task', policy)).toEqual({ startHour: 10, endHour: 12, weekdays: [2] });
    expect(windowForChannel('letter', policy)).toBeUndefined();
    expect(windowForChannel('email', { sendingWindows: null })).toBeUndefined();
  });

  it('refuses a window with no day', () => {
    expect(() => nextAllowedMoment(0, { startHour: 9, endHour: 17, weekdays: [] }, tz)).toThrow(/no day/);
  });
});

describe('catching up on a backlog', () => {
  it('runs only the latest step already due when the policy says latest', () => {
    const ctx = context('2026-09-01', 'Europe/Berlin');
    const startedAt = new Date('2026-10-20T12:00:00Z').getTime(); // 49 days overdue: call_45 is the latest due
    expect(ctx.policy.steps[firstStepToRun(ctx, startedAt)]?.id).toBe('call_45');
  });

  it('runs each step in turn when the policy says all', () => {
    const ctx = context('2026-09-01', 'Europe/Berlin', { ...defaultPolicy, catchUp: 'all' });
    expect(firstStepToRun(ctx, new Date('2026-10-20T12:00:00Z').getTime())).toBe(0);
  });

  it('starts at the first step when nothing is due yet', () => {
    const ctx = context('2026-12-01', 'Europe/Berlin');
    expect(firstStepToRun(ctx, new Date('2026-11-22T12:00:00Z').getTime())).toBe(0);
  });
});
