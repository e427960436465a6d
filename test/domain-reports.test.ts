import { describe, expect, it } from 'vitest';
import { agingReport } from '../domain/reports/aging.js';
import { agingCsv, majorUnits } from '../domain/reports/aging-csv.js';
import { ceiReport } from '../domain/reports/cei.js';
import { channelEffectiveness } from '../domain/reports/channel-effectiveness.js';
import { collectionsWeekly } from '../domain/reports/collections-weekly.js';
import { dsoReport } from '../domain/reports/dso.js';
import type { Ledger, LedgerInvoice } from '../domain/reports/ledger.js';
import { promisesReport } from '../domain/reports/promises.js';

/**
 * A hand-made ledger; every answer below is worked out by hand in the comments. Reports are read
 * as of Tuesday 2026-06-30 (end of day, UTC) unless said otherwise.
 */
const invoice = (id: string, customer: 'A' | 'B', currency: string, issueDate: string, dueDate: string, amountMinor: number): LedgerInvoice => ({
  id,
  number: `N-${id}`,
  customerId: customer,
  customerName: customer === 'A' ? 'Alpha GmbH' : 'Beta Ltd',
  currency,
  issueDate,
  dueDate,
  amountMinor,
});

const ledger: Ledger = {
  invoices: [
    invoice('I1', 'A', 'EUR', '2026-05-01', '2026-05-31', 10_000), // 4,000 paid 06-10 → 6,000 open, 30 days past due → 1–30
    invoice('I2', 'A', 'EUR', '2026-06-15', '2026-07-15', 5_000), // not due yet → current
    invoice('I3', 'B', 'EUR', '2026-03-01', '2026-03-31', 20_000), // + 1,500 fee → 21,500; 91 days past due → over 90
    invoice('I4', 'B', 'EUR', '2026-04-01', '2026-05-01', 8_000), // paid in full 06-20 → leaves the aging
    invoice('I5', 'B', 'USD', '2026-04-15', '2026-05-15', 30_000), // 10,000 paid 06-25 → 20,000; 46 days → 31–60
    invoice('I6', 'A', 'USD', '2026-02-01', '2026-03-03', 7_000), // written off 06-01 → gone
    invoice('I7', 'A', 'EUR', '2026-07-01', '2026-07-31', 9_999), // issued after the day → not yet a receivable
    invoice('I8', 'B', 'EUR', '2026-04-10', '2026-04-20', 3_000), // 1,000 credited 05-05 → 2,000; 71 days → 61–90
    invoice('I9', 'A', 'EUR', '2026-06-01', '2026-06-30', 4_000), // due that very day → current
  ],
  movements: [
    { invoiceId: 'I1', kind: 'payment', amountMinor: 4_000, at: '2026-06-10T10:00:00Z' },
    { invoiceId: 'I1', kind: 'payment', amountMinor: 1_000, at: '2026-07-01T08:00:00Z' }, // after the day: not counted
    { invoiceId: 'I3', kind: 'fee', amountMinor: 1_500, at: '2026-04-15T00:00:00Z' },
    { invoiceId: 'I4', kind: 'payment', amountMinor: 8_000, at: '2026-06-20T12:00:00Z' },
    { invoiceId: 'I5', kind: 'payment', amountMinor: 10_000, at: '2026-06-25T09:00:00Z' },
    { invoiceId: 'I6', kind: 'closed', amountMinor: 7_000, at: '2026-06-01T09:00:00Z' },
    { invoiceId: 'I8', kind: 'credit', amountMinor: 1_000, at: '2026-05-05T00:00:00Z' },
  ],
  messages: [
    { invoiceId: 'I1', channel: 'email', sentAt: '2026-06-05T09:00:00Z' }, // paid 5 days 1 hour later → followed
    { invoiceId: 'I3', channel: 'sms', sentAt: '2026-06-01T09:00:00Z' }, // never paid, window closed 06-08 → not followed
    { invoiceId: 'I4', channel: 'letter', sentAt: '2026-06-12T09:00:00Z' }, // paid 8 days 3 hours later → not followed
    { invoiceId: 'I5', channel: 'letter', sentAt: '2026-06-18T09:00:00Z' }, // paid exactly 7 days later → followed
    { invoiceId: 'I5', channel: 'email', sentAt: '2026-06-20T09:00:00Z' }, // paid 5 days later → followed
    { invoiceId: 'I8', channel: 'email', sentAt: '2026-06-28T09:00:00Z' }, // no payment, window open past 06-30 → pending
    { invoiceId: 'I1', channel: 'call_task', sentAt: '2026-05-30T09:00:00Z' }, // before the period
  ],
  promiseEvents: [
    { invoiceId: 'I1', kind: 'made', at: '2026-06-05T10:00:00Z' },
    { invoiceId: 'I1', kind: 'kept', at: '2026-06-10T10:00:00Z' }, // kept
    { invoiceId: 'I3', kind: 'made', at: '2026-06-02T10:00:00Z' },
    { invoiceId: 'I3', kind: 'broken', at: '2026-06-16T00:00:00Z' }, // broken
    { invoiceId: 'I3', kind: 'made', at: '2026-06-17T10:00:00Z' }, // replaced by the next → unresolved
    { invoiceId: 'I3', kind: 'made', at: '2026-06-20T10:00:00Z' },
    { invoiceId: 'I3', kind: 'broken', at: '2026-06-28T00:00:00Z' }, // broken
    { invoiceId: 'I5', kind: 'made', at: '2026-05-20T10:00:00Z' }, // made before the period: not counted
    { invoiceId: 'I5', kind: 'made', at: '2026-06-26T10:00:00Z' }, // no outcome yet → unresolved
    { invoiceId: 'I8', kind: 'made', at: '2026-06-29T10:00:00Z' },
    { invoiceId: 'I8', kind: 'kept', at: '2026-07-02T10:00:00Z' }, // kept after the period ends → unresolved on 06-30
  ],
};

describe('the aging report', () => {
  it('buckets each open balance by days past due, per customer and in total, each currency on its own', () => {
    const report = agingReport(ledger, '2026-06-30');
    expect(report.currencies.map((c) => c.currency)).toEqual(['EUR', 'USD']);
    const [eur, usd] = report.currencies;
    // EUR, Beta: I3 21,500 over 90 + I8 2,000 in 61–90 = 23,500 (I4 was paid).
    // EUR, Alpha: I2 5,000 + I9 4,000 current, I1 6,000 in 1–30 = 15,000 (I7 not issued yet).
    expect(eur!.customers).toEqual([
      { customerId: 'B', customerName: 'Beta Ltd', invoices: 2, currentMinor: 0, days1to30Minor: 0, days31to60Minor: 0, days61to90Minor: 2_000, over90Minor: 21_500, totalMinor: 23_500 },
      { customerId: 'A', customerName: 'Alpha GmbH', invoices: 3, currentMinor: 9_000, days1to30Minor: 6_000, days31to60Minor: 0, days61to90Minor: 0, over90Minor: 0, totalMinor: 15_000 },
    ]);
    expect(eur!.total).toEqual({ currentMinor: 9_000, days1to30Minor: 6_000, days31to60Minor: 0, days61to90Minor: 2_000, over90Minor: 21_500, totalMinor: 38_500 });
    // USD: only I5's 20,000 in 31–60; I6 was written off, and no EUR amount is in here.
    expect(usd!.customers).toEqual([{ customerId: 'B', customerName: 'Beta Ltd', invoices: 1, currentMinor: 0, days1to30Minor: 0, days31to60Minor: 20_000, days61to90Minor: 0, over90Minor: 0, totalMinor: 20_000 }]);
    expect(usd!.total.totalMinor).toBe(20_000);
  });

  it('totals match the ledger: invoiced + fees − payments − credits − write-offs, per currency', () => {
    // EUR issued by 06-30: 10,000 + 5,000 + 20,000 + 8,000 + 3,000 + 4,000 = 50,000; + fee 1,500;
    // − payments 4,000 + 8,000; − credit 1,000 = 38,500.
    // USD: 30,000 + 7,000 − 10,000 paid − 7,000 written off = 20,000.
    const totals = Object.fromEntries(agingReport(ledger, '2026-06-30').currencies.map((c) => [c.currency, c.total.totalMinor]));
    expect(totals).toEqual({ EUR: 50_000 + 1_500 - 12_000 - 1_000, USD: 37_000 - 10_000 - 7_000 });
  });

  it('drops a paid invoice on the day it is paid and keeps it before', () => {
    // 06-19: Beta's 31–60 holds I4 (due 05-01, 49 days) 8,000 and I8 (due 04-20, 60 days) 2,000.
    const before = agingReport(ledger, '2026-06-19').currencies.find((c) => c.currency === 'EUR')!;
    expect(before.customers.find((c) => c.customerId === 'B')).toMatchObject({ invoices: 3, days31to60Minor: 10_000 });
    // 06-20: I4 paid at noon → gone; I8 (61 days) has moved on to 61–90, beside I3 (81 days, 21,500).
    const after = agingReport(ledger, '2026-06-20').currencies.find((c) => c.currency === 'EUR')!;
    expect(after.customers.find((c) => c.customerId === 'B')).toMatchObject({ invoices: 2, days31to60Minor: 0, days61to90Minor: 23_500 });
    expect(before.total.totalMinor - after.total.totalMinor).toBe(8_000);
  });

  it('exports CSV rows per customer and a total per currency, amounts in major units', () => {
    const lines = agingCsv(agingReport(ledger, '2026-06-30')).split('\r\n');
    expect(lines).toEqual([
      'as_of,currency,customer_id,customer_name,invoices,current,days_1_30,days_31_60,days_61_90,over_90,total',
      '2026-06-30,EUR,B,Beta Ltd,2,0.00,0.00,0.00,20.00,215.00,235.00',
      '2026-06-30,EUR,A,Alpha GmbH,3,90.00,60.00,0.00,0.00,0.00,150.00',
      '2026-06-30,EUR,,TOTAL,5,90.00,60.00,0.00,20.00,215.00,385.00',
      '2026-06-30,USD,B,Beta Ltd,1,0.00,0.00,200.00,0.00,0.00,200.00',
      '2026-06-30,USD,,TOTAL,1,0.00,0.00,200.00,0.00,0.00,200.00',
      '',
    ]);
  });

  it('writes minor units as exact major units per currency and quotes names a spreadsheet could misread', () => {
    expect([majorUnits(123_456, 'EUR'), majorUnits(5, 'EUR'), majorUnits(1_500, 'JPY'), majorUnits(1_500, 'KWD')]).toEqual(['1234.56', '0.05', '1500', '1.500']);
    const named = agingCsv(agingReport({ ...ledger, invoices: [{ ...ledger.invoices[1]!, customerName: '=HYPERLINK("x"), Inc' }] }, '2026-06-30'));
    expect(named.split('\r\n')[1]).toBe(`2026-06-30,EUR,A,"'=HYPERLINK(""x""), Inc",1,50.00,0.00,0.00,0.00,0.00,50.00`);
  });
});

describe('DSO', () => {
  it('is receivables ÷ credit sales of the period × its days, per currency', () => {
    // 90 days ending 06-30 start 04-02 (I4, issued 04-01, is just outside).
    // EUR sales: I1 10,000 + I8 3,000 + I9 4,000 + I2 5,000 = 22,000; 38,500 ÷ 22,000 × 90 = 157.5.
    // USD sales: I5 30,000; 20,000 ÷ 30,000 × 90 = 60.
    expect(dsoReport(ledger, '2026-06-30', 90)).toEqual({
      asOf: '2026-06-30',
      days: 90,
      from: '2026-04-02',
      currencies: [
        { currency: 'EUR', receivablesMinor: 38_500, creditSalesMinor: 22_000, dso: 157.5 },
        { currency: 'USD', receivablesMinor: 20_000, creditSalesMinor: 30_000, dso: 60 },
      ],
    });
  });

  it('has no figure for a currency without sales in the period', () => {
    // 30 days ending 06-30 start 06-01: EUR sales I9 + I2 = 9,000 → 38,500 ÷ 9,000 × 30 = 128.3; no USD sales.
    expect(dsoReport(ledger, '2026-06-30', 30).currencies).toEqual([
      { currency: 'EUR', receivablesMinor: 38_500, creditSalesMinor: 9_000, dso: 128.3 },
      { currency: 'USD', receivablesMinor: 20_000, creditSalesMinor: 0, dso: null },
    ]);
  });
});

describe('the Collection Effectiveness Index', () => {
  it('is (beginning + credit sales − ending) ÷ (beginning + credit sales − ending current) × 100 over the period', () => {
    // June. EUR beginning (end of 05-31): I1 10,000 + I3 21,500 + I4 8,000 + I8 2,000 = 41,500.
    // Sales in June: I9 4,000 + I2 5,000 = 9,000. Ending 38,500, of which current 9,000.
    // (41,500 + 9,000 − 38,500) ÷ (41,500 + 9,000 − 9,000) = 12,000 ÷ 41,500 = 28.9 %.
    // USD beginning: I5 30,000 + I6 7,000 = 37,000; no sales; ending 20,000, none current.
    // (37,000 − 20,000) ÷ 37,000 = 45.9 %.
    expect(ceiReport(ledger, '2026-06-01', '2026-06-30')).toEqual({
      from: '2026-06-01',
      to: '2026-06-30',
      currencies: [
        { currency: 'EUR', beginningReceivablesMinor: 41_500, creditSalesMinor: 9_000, endingReceivablesMinor: 38_500, endingCurrentReceivablesMinor: 9_000, cei: 28.9 },
        { currency: 'USD', beginningReceivablesMinor: 37_000, creditSalesMinor: 0, endingReceivablesMinor: 20_000, endingCurrentReceivablesMinor: 0, cei: 45.9 },
      ],
    });
  });

  it('counts fees posted in the period as credit sales', () => {
    // April, EUR. Beginning (end of 03-31): I3 20,000. Sales: I4 8,000 + I8 3,000 + fee 1,500 = 12,500.
    // Ending (04-30): I3 21,500 + I4 8,000 (current, due 05-01) + I8 3,000 = 32,500; current 8,000.
    // (20,000 + 12,500 − 32,500) ÷ (20,000 + 12,500 − 8,000) = 0 %.
    const eur = ceiReport(ledger, '2026-04-01', '2026-04-30').currencies.find((c) => c.currency === 'EUR');
    expect(eur).toEqual({ currency: 'EUR', beginningReceivablesMinor: 20_000, creditSalesMinor: 12_500, endingReceivablesMinor: 32_500, endingCurrentReceivablesMinor: 8_000, cei: 0 });
  });
});

describe('collected per week', () => {
  it('sums payments per ISO week and currency, zero weeks included, nothing after the day', () => {
    // Four weeks ending with the week of Tuesday 06-30: Mondays 06-08, 06-15, 06-22, 06-29.
    // EUR: 4,000 on 06-10, 8,000 on Saturday 06-20; the 1,000 of 07-01 is after the day.
    // USD: 10,000 on 06-25.
    expect(collectionsWeekly(ledger, '2026-06-30', 4)).toEqual({
      asOf: '2026-06-30',
      from: '2026-06-08',
      currencies: [
        {
          currency: 'EUR',
          totalMinor: 12_000,
          weeks: [
            { weekStart: '2026-06-08', collectedMinor: 4_000, payments: 1 },
            { weekStart: '2026-06-15', collectedMinor: 8_000, payments: 1 },
            { weekStart: '2026-06-22', collectedMinor: 0, payments: 0 },
            { weekStart: '2026-06-29', collectedMinor: 0, payments: 0 },
          ],
        },
        {
          currency: 'USD',
          totalMinor: 10_000,
          weeks: [
            { weekStart: '2026-06-08', collectedMinor: 0, payments: 0 },
            { weekStart: '2026-06-15', collectedMinor: 0, payments: 0 },
            { weekStart: '2026-06-22', collectedMinor: 10_000, payments: 1 },
            { weekStart: '2026-06-29', collectedMinor: 0, payments: 0 },
          ],
        },
      ],
    });
  });
});

describe('promises kept', () => {
  it('counts promises made in the period by how they ended: kept ÷ (kept + broken)', () => {
    // Made in June: I1 ×1, I3 ×3, I5 ×1 (the 05-20 one is outside), I8 ×1 = 6.
    // Kept: I1. Broken: I3's first and third. Unresolved: I3's second (replaced), I5's, I8's (kept in July).
    expect(promisesReport(ledger, '2026-06-01', '2026-06-30')).toEqual({ from: '2026-06-01', to: '2026-06-30', made: 6, kept: 1, broken: 2, unresolved: 3, keptRatio: 0.333 });
  });

  it('counts a promise kept after the period once the period reaches it', () => {
    // To 07-02: I8's promise is kept too → 2 kept, 2 broken.
    expect(promisesReport(ledger, '2026-06-01', '2026-07-02')).toMatchObject({ made: 6, kept: 2, broken: 2, unresolved: 2, keptRatio: 0.5 });
  });
});

describe('which channel is followed by payment within 7 days', () => {
  it('counts, per channel, messages of the period followed by a payment on the invoice within 7 × 24 hours', () => {
    // email: I1 and I5 followed, I8 pending (its window ends 07-05) → 2 of 2.
    // sms: I3 never paid → 0 of 1. letter: I4 paid after 8 days (no), I5 after exactly 7 (yes) → 1 of 2.
    // call_task: only one before the period → none decided.
    expect(channelEffectiveness(ledger, '2026-06-01', '2026-06-30')).toEqual({
      from: '2026-06-01',
      to: '2026-06-30',
      windowDays: 7,
      channels: [
        { channel: 'email', decided: 2, followedByPayment: 2, pending: 1, ratio: 1 },
        { channel: 'sms', decided: 1, followedByPayment: 0, pending: 0, ratio: 0 },
        { channel: 'letter', decided: 2, followedByPayment: 1, pending: 0, ratio: 0.5 },
        { channel: 'call_task', decided: 0, followedByPayment: 0, pending: 0, ratio: null },
      ],
    });
  });
});
