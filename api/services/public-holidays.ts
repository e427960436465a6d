import Holidays from 'date-holidays';

/**
 * The public holidays of a country (ISO 3166-1 alpha-2) as local dates, from the maintained
 * `date-holidays` data. Computed when a case starts and kept in its input, like the policy, so the
 * workflow stays deterministic when the library's data changes.
 */
export function publicHolidays(country: string, fromYear: number, toYear: number): string[] {
  const calendar = new Holidays();
  if (!(country in calendar.getCountries())) return [];
  calendar.init(country);
  const dates = new Set<string>();
  for (let year = fromYear; year <= toYear; year++) {
    for (const holiday of calendar.getHolidays(year)) {
      if (holiday.type === 'public') dates.add(holiday.date.slice(0, 10));
    }
  }
  return [...dates].sort();
}

/** Years a case may still send in: from its due date (or now, if earlier) to three years after. */
export function holidayYearsFor(dueDate: string, now: number = Date.now()): [number, number] {
  const dueYear = Number(dueDate.slice(0, 4));
  const thisYear = new Date(now).getUTCFullYear();
  return [Math.min(dueYear, thisYear), Math.max(dueYear, thisYear) + 3];
}
