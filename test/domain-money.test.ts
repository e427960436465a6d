import { describe, expect, it } from 'vitest';
import { add, formatMoney, isKnownCurrency, minorUnitDigits, money, MoneyError, subtract } from '../domain/money.js';
import { applyPayment } from '../domain/payment.js';

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

describe('applying a payment', () => {
  const balance = money(10_000, 'EUR');
  const payment = (paymentId: string, amountMinor: number, currency = 'EUR') => ({
    paymentId,
    amount: { amountMinor, currency },
    method: 'bank_transfer',
    receivedAt: '2026-11-22T10:00:00Z',
  });

  it('lowers the balance by a partial payment', () => {
    expect(applyPayment(balance, payment('p1', 2_500), new Set())).toEqual({ kind: 'applied', balance: money(7_500, 'EUR'), fullyPaid: false });
  });

  it('settles the case on full payment', () => {
    expect(applyPayment(balance, payment('p1', 10_000), new Set())).toMatchObject({ kind: 'applied', fullyPaid: true });
  });

  it('changes nothing for a payment id seen before', () => {
    expect(applyPayment(balance, payment('p1', 2_500), new Set(['p1']))).toEqual({ kind: 'duplicate' });
  });

  it('refuses a payment in another currency or of no value', () => {
    expect(applyPayment(balance, payment('p1', 2_500, 'USD'), new Set())).toMatchObject({ kind: 'rejected', reason: expect.stringMatching(/currency mismatch/) });
    expect(applyPayment(balance, payment('p1', 0), new Set())).toMatchObject({ kind: 'rejected' });
  });
});
