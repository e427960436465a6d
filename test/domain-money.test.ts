import { describe, expect, it } from 'vitest';
import { add, formatMoney, isKnownCurrency, minorUnitDigits, money, MoneyError, subtract } from '../domain/money.js';

describe('money', () => {
  it('is integer minor units with a known ISO 4217 currency', () => {
    expect(money(12_345, 'EUR')).toEqual({ amountMinor: 12_345, currency: 'EUR' });
    expect(() => money(12.5, 'EUR')).toThrow(MoneyError);
    expect(() => money(100, 'EURO')).toThrow(/ISO 4217/);
    expect(() => money(100, 'XXQ')).toThrow(/ISO 4217/);
    expect(isKnownCurrency('JPY')).toBe(true);
    expect(isKnownCurrency('usd')).toBe(false);
  });

  it('adds and subtracts only within one currency', () => {
    expect(add(money(100, 'USD'), money(250, 'USD'))).toEqual(money(350, 'USD'));
    expect(subtract(money(100, 'USD'), money(250, 'USD'))).toEqual(money(-150, 'USD'));
    expect(() => add(money(100, 'USD'), money(100, 'EUR'))).toThrow(/currency mismatch/);
  });

  it('knows each currency’s minor units and formats in the customer’s locale', () => {
    expect(minorUnitDigits('EUR')).toBe(2);
    expect(minorUnitDigits('JPY')).toBe(0);
    expect(minorUnitDigits('KWD')).toBe(3);
    expect(formatMoney(money(123_456, 'EUR'), 'de-DE')).toBe('1.234,56\u00a0€');
    expect(formatMoney(money(123_456, 'JPY'), 'en-US')).toBe('¥123,456');
    expect(formatMoney(money(1_500, 'KWD'), 'en-US')).toBe('KWD\u00a01.500');
  });
});
