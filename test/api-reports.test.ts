import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHarness } from './support/api.js';
import { isoDay, isoInstant, utcMidnight } from './support/clock.js';
import { createWorkerHarness, type WorkerHarness } from './support/worker.js';

/**
 * The reports on the real database: a few invoices with payments, fees, a write-off, messages and
 * promises written as the rest of the system writes them, read back through /v1/reports. SEK and
 * NOK are used by no other test file, so their totals are this file's alone even in a full run;
 * the promise and channel figures sit 400 days back for the same reason.
 */
let harness: WorkerHarness;
let api: Awaited<ReturnType<typeof createApiHarness>>;
const ids: Record<string, string> = {};
const suffix = randomUUID().slice(0, 8);

async function customer(name: string) {
  const row = await harness.prisma.customer.create({ data: { source: 'reports-test', externalId: `${name}-${suffix}`, name, timezone: 'Europe/Stockholm', locale: 'sv-SE' } });
  return row.id;
}

async function invoice(key: string, customerId: string, currency: string, issued: number, due: number, amountMinor: number, balanceMinor: number, status: 'open' | 'paid' | 'written_off' = 'open') {
  const row = await harness.prisma.invoice.create({
    data: { source: 'reports-test', externalId: `${key}-${suffix}`, number: `${key}-${suffix}`, customerId, issueDate: utcMidnight(issued), dueDate: utcMidnight(due), amountMinor: BigInt(amountMinor), balanceMinor: BigInt(balanceMinor), currency, status },
  });
  ids[key] = row.id;
}

const payment = (key: string, amountMinor: number, currency: string, daysAgo: number) =>
  harness.prisma.payment.create({ data: { invoiceId: ids[key]!, externalPaymentId: `pay-${key}-${daysAgo}-${suffix}`, amountMinor: BigInt(amountMinor), currency, method: 'bank_transfer', actor: 'erp', receivedAt: new Date(isoInstant(-daysAgo)) } });

const event = (key: string, kind: string, daysAgo: number, extra: { action?: 'email' | 'sms'; details?: Record<string, unknown> } = {}) =>
  harness.prisma.collectionEvent.create({
    data: { invoiceId: ids[key]!, category: extra.action ? 'action' : 'signal', kind, actor: 'reports-test', occurredAt: new Date(isoInstant(-daysAgo)), ...(extra.action ? { action: extra.action } : {}), details: (extra.details ?? {}) as object },
  });

beforeAll(async () => {
  harness = await createWorkerHarness();
  api = await createApiHarness(harness);
  const north = await customer('Norrland AB');
  const west = await customer('Vestland AS');
  // Norrland, SEK: S1 10,000 due 40 days ago, 3,000 paid 5 days ago → 7,000 in 31–60.
  await invoice('S1', north, 'SEK', -50, -40, 10_000, 7_000);
  await payment('S1', 3_000, 'SEK', 5);
  // S2 5,000 not due for 20 days → current; a stray EUR payment row on it is not SEK money.
  await invoice('S2', north, 'SEK', -10, 20, 5_000, 5_000);
  await payment('S2', 1_000, 'EUR', 3);
  // S3 2,000 due 95 days ago, paid in full yesterday → over 90 until then, gone today.
  await invoice('S3', north, 'SEK', -100, -95, 2_000, 0, 'paid');
  await payment('S3', 2_000, 'SEK', 1);
  // Vestland, SEK: 4,000 due 100 days ago → over 90. NOK: 9,000 due 20 days ago → 1–30.
  await invoice('W1', west, 'SEK', -110, -100, 4_000, 4_000);
  await invoice('N1', west, 'NOK', -30, -20, 9_000, 9_000);
  // 400 days back: O1 paid after an email and a kept promise; O2's SMS and broken promise, then a write-off.
  await invoice('O1', north, 'SEK', -420, -410, 1_000, 0, 'paid');
  await invoice('O2', west, 'NOK', -420, -410, 500, 0, 'written_off');
  await event('O1', 'step_sent', 401, { action: 'email', details: { channel: 'email' } });
  await event('O1', 'promise_to_pay', 401, { details: { promiseDate: isoDay(-399) } });
  await payment('O1', 1_000, 'SEK', 398);
  await event('O1', 'payment_settled_invoice', 398, { details: { promiseKept: true } });
  await event('O2', 'step_sent', 401, { action: 'sms', details: { channel: 'sms' } });
  await event('O2', 'promise_to_pay', 401, { details: { promiseDate: isoDay(-400) } });
  await event('O2', 'promise_broken', 399);
  await event('O2', 'invoice_written_off', 390, { details: { balanceMinor: 500 } });
});
afterAll(async () => {
  await harness?.close();
});

type Buckets = Record<'currentMinor' | 'days1to30Minor' | 'days31to60Minor' | 'days61to90Minor' | 'over90Minor' | 'totalMinor', number>;
type Aging = { currencies: { currency: string; total: Buckets; customers: (Buckets & { customerName: string; invoices: number })[] }[] };
const aging = async (query = '') => (await api.call('GET', `/v1/reports/aging${query}`, { key: api.keys.collector })).body as unknown as Aging;
const currency = (report: Aging, code: string) => report.currencies.find((entry) => entry.currency === code);
const zero = { currentMinor: 0, days1to30Minor: 0, days31to60Minor: 0, days61to90Minor: 0, over90Minor: 0 };

describe('GET /v1/reports/aging', () => {
  it('buckets open balances per customer and in total, each currency on its own (a payment in another currency is not subtracted), totals matching the ledger', async () => {
    const report = await aging();
    // SEK: invoiced 10,000 + 5,000 + 2,000 + 4,000 + 1,000 (old) − payments 3,000 + 2,000 + 1,000 = 16,000.
    expect(currency(report, 'SEK')!.total).toEqual({ ...zero, currentMinor: 5_000, days31to60Minor: 7_000, over90Minor: 4_000, totalMinor: 22_000 - 6_000 });
    expect(currency(report, 'SEK')!.customers).toEqual([
      { customerId: expect.any(String), customerName: 'Norrland AB', invoices: 2, ...zero, currentMinor: 5_000, days31to60Minor: 7_000, totalMinor: 12_000 },
      { customerId: expect.any(String), customerName: 'Vestland AS', invoices: 1, ...zero, over90Minor: 4_000, totalMinor: 4_000 },
    ]);
    // NOK: only N1 (O2 was written off); no SEK amount leaks in, and Norrland has no NOK row.
    expect(currency(report, 'NOK')!.total).toEqual({ ...zero, days1to30Minor: 9_000, totalMinor: 9_000 });
    expect(currency(report, 'NOK')!.customers.map((c) => c.customerName)).toEqual(['Vestland AS']);
  });

  it('drops a paid invoice: S3 is over 90 days as of two days ago and gone today', async () => {
    const before = currency(await aging(`?asOf=${isoDay(-2)}`), 'SEK')!;
    expect(before.customers.find((c) => c.customerName === 'Norrland AB')).toMatchObject({ invoices: 3, over90Minor: 2_000 });
    const today = currency(await aging(), 'SEK')!;
    expect(today.customers.find((c) => c.customerName === 'Norrland AB')).toMatchObject({ invoices: 2, over90Minor: 0 });
  });

  it('exports CSV with ?format=csv or Accept: text/csv, one currency per row', async () => {
    const byQuery = await api.call('GET', '/v1/reports/aging?format=csv', { key: api.keys.collector });
    const byAccept = await api.call('GET', '/v1/reports/aging', { key: api.keys.collector, headers: { accept: 'text/csv' } });
    expect(byQuery.contentType).toBe('text/csv; charset=utf-8');
    expect(byAccept.contentType).toBe('text/csv; charset=utf-8');
    expect(byAccept.body).toBe(byQuery.body);
    const lines = String(byQuery.body).split('\r\n');
    expect(lines[0]).toBe('as_of,currency,customer_id,customer_name,invoices,current,days_1_30,days_31_60,days_61_90,over_90,total');
    const today = isoDay(0);
    expect(lines.filter((line) => line.includes(',SEK,') && /,(Norrland AB|Vestland AS|TOTAL),/.test(line)).map((line) => line.replace(/,[0-9a-f-]{36},/, ',<id>,'))).toEqual([
      `${today},SEK,<id>,Norrland AB,2,50.00,0.00,70.00,0.00,0.00,120.00`,
      `${today},SEK,<id>,Vestland AS,1,0.00,0.00,0.00,0.00,40.00,40.00`,
      `${today},SEK,,TOTAL,3,50.00,0.00,70.00,0.00,40.00,160.00`,
    ]);
    expect(lines.filter((line) => line.includes(',NOK,'))).toEqual([expect.stringMatching(/,NOK,[0-9a-f-]{36},Vestland AS,1,0.00,90.00,0.00,0.00,0.00,90.00$/), `${today},NOK,,TOTAL,1,0.00,90.00,0.00,0.00,0.00,90.00`]);
  });
});

describe('the other reports', () => {
  it('DSO: receivables ÷ the last 90 days’ sales × 90, per currency', async () => {
    // SEK sales in 90 days: S1 10,000 + S2 5,000 = 15,000; 16,000 ÷ 15,000 × 90 = 96. NOK: 9,000 ÷ 9,000 × 90 = 90.
    const answer = await api.call('GET', '/v1/reports/dso?days=90', { key: api.keys.system });
    const currencies = answer.body.currencies as { currency: string }[];
    expect(currencies.find((c) => c.currency === 'SEK')).toEqual({ currency: 'SEK', receivablesMinor: 16_000, creditSalesMinor: 15_000, dso: 96 });
    expect(currencies.find((c) => c.currency === 'NOK')).toEqual({ currency: 'NOK', receivablesMinor: 9_000, creditSalesMinor: 9_000, dso: 90 });
  });

  it('CEI over the last week: (beginning + sales − ending) ÷ (beginning + sales − ending current) × 100', async () => {
    // SEK, 6 days ago to today. Beginning: 10,000 + 5,000 + 2,000 + 4,000 = 21,000; no sales; ending 16,000, current 5,000.
    // (21,000 − 16,000) ÷ (21,000 − 5,000) = 31.25 → 31.3.
    const answer = await api.call('GET', `/v1/reports/cei?from=${isoDay(-6)}&to=${isoDay(0)}`, { key: api.keys.collector });
    expect((answer.body.currencies as { currency: string }[]).find((c) => c.currency === 'SEK')).toEqual({
      currency: 'SEK', beginningReceivablesMinor: 21_000, creditSalesMinor: 0, endingReceivablesMinor: 16_000, endingCurrentReceivablesMinor: 5_000, cei: 31.3,
    });
  });

  it('collected per week: the SEK payments of 5 days and 1 day ago, not the EUR row on a SEK invoice', async () => {
    const answer = await api.call('GET', '/v1/reports/collections-weekly?weeks=2', { key: api.keys.collector });
    const sek = (answer.body.currencies as { currency: string; totalMinor: number; weeks: { payments: number }[] }[]).find((c) => c.currency === 'SEK')!;
    expect(sek.totalMinor).toBe(5_000);
    expect(sek.weeks.reduce((sum, week) => sum + week.payments, 0)).toBe(2);
    expect((answer.body.currencies as { currency: string }[]).map((c) => c.currency)).not.toContain('NOK');
  });

  it('promises kept: one kept, one broken → 0.5', async () => {
    const answer = await api.call('GET', `/v1/reports/promises?from=${isoDay(-405)}&to=${isoDay(-395)}`, { key: api.keys.collector });
    expect(answer.body).toEqual({ from: isoDay(-405), to: isoDay(-395), made: 2, kept: 1, broken: 1, unresolved: 0, keptRatio: 0.5 });
  });

  it('channel effectiveness: the email was followed by payment within 7 days, the SMS was not', async () => {
    // Both went out 401 days ago; a period ending 390 days ago has seen both seven-day windows close.
    const answer = await api.call('GET', `/v1/reports/channel-effectiveness?from=${isoDay(-405)}&to=${isoDay(-390)}`, { key: api.keys.collector });
    expect(answer.body.channels).toEqual([
      { channel: 'email', decided: 1, followedByPayment: 1, pending: 0, ratio: 1 },
      { channel: 'sms', decided: 1, followedByPayment: 0, pending: 0, ratio: 0 },
      { channel: 'letter', decided: 0, followedByPayment: 0, pending: 0, ratio: null },
      { channel: 'call_task', decided: 0, followedByPayment: 0, pending: 0, ratio: null },
    ]);
  });
});

describe('report queries', () => {
  it.each([
    ['/v1/reports/cei', 'from'],
    [`/v1/reports/cei?from=${isoDay(-1)}&to=${isoDay(-3)}`, 'to'],
    ['/v1/reports/dso?days=0', 'days'],
    ['/v1/reports/aging?asOf=tomorrow', 'asOf'],
    ['/v1/reports/aging?format=xml', 'format'],
    ['/v1/reports/collections-weekly?weeks=500', 'weeks'],
    [`/v1/reports/promises?from=${isoDay(1)}`, 'to'],
  ])('%s is refused with 400 naming %s', async (path, field) => {
    const answer = await api.call('GET', path, { key: api.keys.collector });
    expect(answer.status).toBe(400);
    expect(answer.body.errors!.map((error) => error.field)).toContain(field);
  });

  it('need an API key of any role', async () => {
    expect((await api.call('GET', '/v1/reports/aging')).status).toBe(401);
    for (const key of Object.values(api.keys)) expect((await api.call('GET', '/v1/reports/promises', { key })).status).toBe(200);
  });
});
