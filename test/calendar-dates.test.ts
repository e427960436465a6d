import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Tests that run against the real clock (API, worker, Temporal server, providers) must compute
 * every date from now: a calendar date written into them is true today and false next month (the
 * bulk-import test expected `call_45` for a fixed due date and turned CI red on 2026-11-30).
 * Pure domain tests pass a fixed `now` to the code, so their dates never expire; the `clock+1y`
 * vitest project re-runs them with the clock a year ahead to prove they do not read it.
 */
const testRoot = new URL('.', import.meta.url).pathname;
// Pure tests pass a fixed `now` to the code (both run again in the clock+1y project).
const pureFile = /(^|\/)(domain-[\w-]+|public-holidays)\.test\.ts$/;
// A date after a slash is an API version in a URL (Twilio's `/2010-04-01/`), not a moment.
const calendarDate = /(?<![/\w])(\d{4})-(\d{2})-(\d{2})(?!\d)/g;

/** A real calendar day: an impossible one ("2026-02-30", refused as bad input) never expires. */
function isRealDay(year: string, month: string, day: string): boolean {
  const parsed = new Date(`${year}-${month}-${day}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(`${year}-${month}-${day}`);
}

export function expiringDates(source: string): { line: number; date: string }[] {
  const found: { line: number; date: string }[] = [];
  source.split('\n').forEach((text, index) => {
    for (const match of text.matchAll(calendarDate)) {
      const [date, year, month, day] = match as unknown as [string, string, string, string];
      if (isRealDay(year, month, day)) found.push({ line: index + 1, date });
    }
  });
  return found;
}

async function liveClockTestFiles(): Promise<string[]> {
  const entries = await readdir(testRoot, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => relative(testRoot, join(e.parentPath, e.name)))
    .filter((path) => !path.startsWith('histories/') && !pureFile.test(path) && path !== 'calendar-dates.test.ts');
}

describe('dates in tests that run on the real clock', () => {
  it('finds a calendar date that will pass, and ignores impossible ones and offsets', () => {
    const source = "dueDate: '2026-10-01', bad: '2026-02-30', n: 20261122094500, d: isoDay(-52)\nurl: '/2010-04-01/Accounts', at: '2027-01-10T09:00:00Z'";
    expect(expiringDates(source)).toEqual([{ line: 1, date: '2026-10-01' }, { line: 2, date: '2027-01-10' }]);
  });

  it('has none: every date is computed from the clock', async () => {
    const files = await liveClockTestFiles();
    expect(files).toContain('api-cases.test.ts');
    const offenders: string[] = [];
    for (const file of files) {
      for (const { line, date } of expiringDates(await readFile(join(testRoot, file), 'utf8'))) offenders.push(`test/${file}:${line} ${date}`);
    }
    expect(offenders).toEqual([]);
  });
});
