import { describe, expect, it } from 'vitest';
import { calendarDate, timezone } from '../api/schemas/common.js';

describe('calendarDate: YYYY-MM-DD naming a real day', () => {
  it.each(['2024-02-29', '2026-02-28', '2026-12-31', '2000-02-29'])('takes %s', (day) => {
    expect(calendarDate.safeParse(day).success).toBe(true);
  });
  it.each(['2026-02-29', '1900-02-29', '2026-04-31', '2026-13-01', '2026-00-10', '2026-01-00', '2026-1-01'])('refuses %s', (day) => {
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
