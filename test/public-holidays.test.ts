import { describe, expect, it } from 'vitest';
import { holidayYearsFor, publicHolidays } from '../api/services/public-holidays.js';
import { caseInputFromRows } from '../api/services/case-input.js';
import { defaultPolicy } from '../domain/default-policy.js';

describe('public holidays from date-holidays', () => {
  it("lists a country's public holidays (not observances) as local dates", () => {
    const german = publicHolidays('DE', 2026, 2026);
    expect(german).toEqual(expect.arrayContaining(['2026-01-01', '2026-10-03', '2026-12-25', '2026-12-26']));
    expect(german).not.toContain('2026-12-24'); // Christmas Eve is not a public holiday in Germany
    expect(publicHolidays('GB', 2026, 2026)).toContain('2026-12-25');
    expect(publicHolidays('ZZ', 2026, 2026)).toEqual([]);
  });

  it('covers the years a case may still send in', () => {
    const now = Date.parse('2026-12-01T00:00:00Z');
    expect(holidayYearsFor('2026-10-31', now)).toEqual([2026, 2029]);
    expect(holidayYearsFor('2027-03-01', now)).toEqual([2026, 2030]);
  });

  it("puts the customer's country's holidays into the case input only when the policy asks", () => {
    const invoice = { id: 'i', number: 'N-1', amountMinor: 1n, balanceMinor: 1n, currency: 'EUR', dueDate: new Date(), paymentLink: null }; // due today: holidays for this year and the next three
    const customer = { id: 'c', name: 'Müller', billingEmail: null, phone: null, addressLine1: 'Hauptstraße 1', addressLine2: null, city: 'Berlin', region: null, postalCode: '10115', country: 'DE', timezone: 'Europe/Berlin', locale: 'de-DE' };
    expect(caseInputFromRows(invoice, customer, defaultPolicy).holidays).toBeUndefined();
    const skipping = { ...defaultPolicy, sendingWindows: { ...defaultPolicy.sendingWindows!, skipPublicHolidays: true } };
    const holidays = caseInputFromRows(invoice, customer, skipping).holidays ?? [];
    expect(holidays.filter((d) => d.endsWith('-10-03'))).toHaveLength(4); // Tag der Deutschen Einheit, every year covered
    expect(caseInputFromRows(invoice, { ...customer, country: null, addressLine1: null }, skipping).holidays).toBeUndefined();
  });
});
