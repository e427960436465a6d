import { describe, expect, it } from 'vitest';
import { defaultPolicy } from '../domain/default-policy.js';
import { type CollectionPolicy, parsePolicy } from '../domain/policy.js';
import { dueDateAnchor, nextAllowedMoment, spreadInWindow, stepDueAt } from '../domain/schedule.js';

const HOUR = 3_600_000;
const london = 'Europe/London';
const weekdays9to17 = { startHour: 9, endHour: 17, weekdays: [1, 2, 3, 4, 5] };
/** Sequential ids, as a database hands them out: the spread must not depend on random-looking keys. */
const invoiceIds = Array.from({ length: 400 }, (_, i) => `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`);

// Due Thu 1 Oct 2026; the call step (P45D) falls on Sun 15 Nov, so the window moves it to Monday.
const mondayOpens = Date.parse('2026-11-16T09:00:00Z'); // 09:00 London (GMT)
const callStep = defaultPolicy.steps.findIndex((step) => step.id === 'call_45');
const callDueAt = (invoiceId: string | undefined, policy: CollectionPolicy = defaultPolicy) =>
  stepDueAt({ policy, timezone: london, anchorMillis: dueDateAnchor('2026-10-01', london), shiftMillis: 0, ...(invoiceId ? { spreadKey: invoiceId } : {}) }, callStep);

describe('spreading sends inside the sending window', () => {
  it('spreads the cases a weekend bunches at Monday 09:00 over the first two hours, not one second', () => {
    expect(callDueAt(undefined)).toBe(mondayOpens); // without a key: the old burst
    const moments = invoiceIds.map((id) => callDueAt(id));
    expect(Math.min(...moments)).toBeGreaterThanOrEqual(mondayOpens);
    expect(Math.max(...moments)).toBeLessThan(mondayOpens + 2 * HOUR);
    // Each 10-minute slice of the two hours gets a fair share (400 / 12 ≈ 33), none a burst.
    const perSlice = Array.from({ length: 12 }, (_, slice) => moments.filter((m) => Math.floor((m - mondayOpens) / (10 * 60_000)) === slice).length);
    for (const count of perSlice) expect(count).toBeGreaterThan(15);
    for (const count of perSlice) expect(count).toBeLessThan(55);
    expect(new Set(moments.map((m) => Math.floor(m / 1000))).size).toBeGreaterThan(390); // nearly every case has its own second
  });

  it('gives a case the same moment every time (replays, restarts, another worker)', () => {
    const once = invoiceIds.map((id) => callDueAt(id));
    const again = [...invoiceIds].reverse().map((id) => callDueAt(id)).reverse();
    expect(again).toEqual(once);
  });

  it('follows the spread the policy sets (PT30M)', () => {
    const policy = parsePolicy({ ...defaultPolicy, sendingWindows: { ...defaultPolicy.sendingWindows, spread: 'PT30M' } });
    const moments = invoiceIds.map((id) => callDueAt(id, policy));
    expect(Math.max(...moments)).toBeLessThan(mondayOpens + 0.5 * HOUR);
    expect(Math.min(...moments)).toBeGreaterThanOrEqual(mondayOpens);
  });

  it('stays inside a window shorter than the spread, using all of it', () => {
    const oneHour = { startHour: 9, endHour: 10, weekdays: [1, 2, 3, 4, 5] };
    const opens = nextAllowedMoment(Date.parse('2026-11-14T12:00:00Z'), oneHour, london); // Sat → Mon 09:00
    expect(opens).toBe(mondayOpens);
    const moments = invoiceIds.map((id) => spreadInWindow(opens, oneHour, london, id, 'PT2H'));
    expect(Math.min(...moments)).toBeGreaterThanOrEqual(mondayOpens);
    expect(Math.max(...moments)).toBeLessThan(mondayOpens + HOUR);
    expect(Math.max(...moments)).toBeGreaterThan(mondayOpens + 0.9 * HOUR);
  });

  it('leaves a moment already past the case’s slot where it is, and PT0S spreads nothing', () => {
    const lateMorning = Date.parse('2026-11-16T11:30:00Z');
    for (const id of invoiceIds.slice(0, 20)) expect(spreadInWindow(lateMorning, weekdays9to17, london, id, 'PT2H')).toBe(lateMorning);
    for (const id of invoiceIds.slice(0, 20)) expect(spreadInWindow(mondayOpens, weekdays9to17, london, id, 'PT0S')).toBe(mondayOpens);
  });

  it('counts the spread from the local opening across a daylight-saving change (Berlin, 25 Oct 2026)', () => {
    const berlin = 'Europe/Berlin';
    const mondayAfter = nextAllowedMoment(Date.parse('2026-10-25T10:00:00Z'), weekdays9to17, berlin); // Sun → Mon 26 Oct 09:00 CET
    expect(mondayAfter).toBe(Date.parse('2026-10-26T08:00:00Z'));
    for (const id of invoiceIds.slice(0, 50)) {
      const at = spreadInWindow(mondayAfter, weekdays9to17, berlin, id);
      expect(at).toBeGreaterThanOrEqual(mondayAfter);
      expect(at).toBeLessThan(mondayAfter + 2 * HOUR);
    }
  });

  it('leaves unwindowed steps (letters, fees, legal) alone', () => {
    const letter = defaultPolicy.steps.findIndex((step) => step.id === 'letter_30');
    const context = { policy: defaultPolicy, timezone: london, anchorMillis: dueDateAnchor('2026-10-01', london), shiftMillis: 0 };
    expect(stepDueAt({ ...context, spreadKey: invoiceIds[7]! }, letter)).toBe(stepDueAt(context, letter));
  });

  it('accepts policies stored without a spread, and refuses a negative or day-long-plus one', () => {
    expect(() => parsePolicy(defaultPolicy)).not.toThrow();
    expect(() => parsePolicy({ ...defaultPolicy, sendingWindows: { ...defaultPolicy.sendingWindows, spread: '-PT1H' } })).toThrow(/sendingWindows\.spread/);
    expect(() => parsePolicy({ ...defaultPolicy, sendingWindows: { ...defaultPolicy.sendingWindows, spread: 'P2D' } })).toThrow(/sendingWindows\.spread/);
  });
});
