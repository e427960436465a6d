import { describe, expect, it } from 'vitest';
import { formBody, minorFromMajor } from '../api/console/form-body.js';
import { isoDay } from './support/clock.js';

describe('a console form as its API command’s body', () => {
  it('reads amounts typed in major units as minor units of the currency, and passes on what is not an amount for the schema to refuse', () => {
    expect(minorFromMajor('500', 'GBP')).toBe(50_000);
    expect(minorFromMajor('1250.5', 'EUR')).toBe(125_050);
    expect(minorFromMajor('12,34', 'EUR')).toBe(1_234);
    expect(minorFromMajor('5000', 'JPY')).toBe(5_000);
    expect(minorFromMajor('1.5', 'JPY')).toBe('1.5'); // yen have no minor unit
    expect(minorFromMajor('1.234', 'EUR')).toBe('1.234');
    expect(minorFromMajor('lots', 'EUR')).toBe('lots');
  });

  it('nests dotted names, makes index keys arrays in order, drops empty fields and rows, and skips the CSRF field', () => {
    const body = formBody(
      {
        _csrf: 'token',
        'installments.1.dueDate': 'second',
        'installments.1.amountMinor': '20.00',
        'installments.0.dueDate': 'first',
        'installments.0.amountMinor': '10',
        'installments.2.dueDate': '',
        'installments.2.amountMinor': ' ',
        note: '  called  ',
        reason: '',
      },
      { currency: 'EUR', timezone: 'Europe/Berlin' },
    );
    expect(body).toEqual({
      installments: [
        { dueDate: 'first', amountMinor: 1_000 },
        { dueDate: 'second', amountMinor: 2_000 },
      ],
      note: 'called',
    });
  });

  it('reads a local date and time (`until`) in the customer’s timezone, and leaves amounts as typed when the form has no currency', () => {
    // Tokyo keeps UTC+9 all year.
    expect(formBody({ until: `${isoDay(30)}T12:00` }, { timezone: 'Asia/Tokyo' })).toEqual({ until: `${isoDay(30)}T03:00:00.000Z` });
    expect(formBody({ until: 'soon', amountMinor: '5' }, { timezone: 'Europe/Berlin' })).toEqual({ until: 'soon', amountMinor: '5' });
  });
});
