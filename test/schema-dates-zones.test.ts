import { describe, expect, it } from 'vitest';
import { calendarDate, timezone } from '../api/schemas/common.js';

// Days around the next leap day, computed from the clock (no calendar date is written here).
const thisYear = new Date().getUTCFullYear();
const isLeap = (year: number) => year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
const leapYear = [0, 1, 2, 3].map((ahead) => thisYear + ahead).find(isLeap)!;
const commonYear = leapYear + 1;
const centuryNotLeap = Math.ceil(thisYear / 100) * 100 + (isLeap(Math.ceil(thisYear / 100) * 100) ? 100 : 0);

describe('calendarDate: YYYY-MM-DD naming a real day', () => {
  it.each([`${leapYear}-02-29`, `${commonYear}-02-28`, `${commonYear}-12-31`, `${commonYear}-04-30`])('takes %s', (day) => {
    expect(calendarDate.safeParse(day).success).toBe(true);
  });
  it.each([`${commonYear}-02-29`, `${centuryNotLeap}-02-29`, `${commonYear}-04-31`, `${commonYear}-13-01`, `${commonYear}-00-10`, `${commonYear}-01-00`, `${commonYear}-1-01`])('refuses %s', (day) => {
    expect(calendarDate.safeParse(day).success).toBe(false);
  });
});

describe('timezone: an IANA zone, checked once per zone', () => {
  it('takes a real zone every time it is asked (the second answer comes from what it remembered)', () => {
    expect(timezone.safeParse('Europe/Berlin').success).toBe(true);
    expect(timezone.safeParse('Europe/Berlin').success).toBe(true);
    expect(timezone.safeParse('America/Argentina/Buenos_Aires').success).toBe(true);
  });
  it('refuses a made-up zone and an offset every time (a refusal is never remembered as valid)', () => {
    for (let i = 0; i < 2; i++) {
      expect(timezone.safeParse('Mars/Olympus').success).toBe(false);
      expect(timezone.safeParse('+01:00').success).toBe(false);
      expect(timezone.safeParse('').success).toBe(false);
    }
  });
});
