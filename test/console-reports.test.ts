import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGING_BUCKETS } from '../api/console/charts/palette.js';
import { moneyText } from '../api/console/charts/format.js';
import { createApiHarness, invoiceBody } from './support/api.js';
import { launchBrowser, screenshotDir, screenshotOnFailure, seriousAxeViolations, type TestBrowser } from './support/browser.js';
import { isoDay, isoInstant, utcMidnight } from './support/clock.js';
import { createConsoleUser, getPage, serveApp, signIn, type TestConsoleUser } from './support/console.js';
import { onSuiteWorker, type WorkerHarness } from './support/worker.js';

/**
 * The reports page in Chromium (Debian's, driven by playwright-core) against the real app,
 * database and Temporal. Receivables in CHF and DKK, currencies no other test file uses, so their
 * totals are this file's alone in a full run (the other reports span every currency and file):
 * Zürcher Handels AG, CHF: ZA 300.50 due in 10 days (created through the API) → current; Z1
 * 120.00 due 45 days ago → 31–60; Z3 50.00 due 100 days ago, paid in full 2 days ago → gone.
 * Københavns Grossist ApS, DKK: K1 800.00 due 95 days ago → over 90; K2 100.00 due 20 days ago,
 * 25.00 paid 3 days ago → 75.00 in 1–30; and in CHF, K3 40.00 due 70 days ago → 61–90.
 */
let harness: WorkerHarness;
let api: Awaited<ReturnType<typeof createApiHarness>>;
let server: Awaited<ReturnType<typeof serveApp>>;
let browser: TestBrowser;
let page: Page | undefined;
let collector: TestConsoleUser;
let viewer: TestConsoleUser;
const customers: Record<'zurich' | 'copenhagen', string> = { zurich: '', copenhagen: '' };
const suffix = randomUUID().slice(0, 8);

onSuiteWorker((h) => (harness = h));

async function invoice(key: string, customerId: string, currency: string, issued: number, due: number, amountMinor: number, paid?: { amountMinor: number; daysAgo: number }) {
  const balance = amountMinor - (paid?.amountMinor ?? 0);
  const row = await harness.prisma.invoice.create({
    data: { source: 'console-reports-test', externalId: `${key}-${suffix}`, number: `${key}-${suffix}`, customerId, issueDate: utcMidnight(issued), dueDate: utcMidnight(due), amountMinor: BigInt(amountMinor), balanceMinor: BigInt(balance), currency, status: balance === 0 ? 'paid' : 'open' },
  });
  if (paid) {
    await harness.prisma.payment.create({ data: { invoiceId: row.id, externalPaymentId: `pay-${key}-${suffix}`, amountMinor: BigInt(paid.amountMinor), currency, method: 'bank_transfer', actor: 'erp', receivedAt: new Date(isoInstant(-paid.daysAgo)) } });
  }
}

beforeAll(async () => {
  api = await createApiHarness(harness);
  server = await serveApp(api.app);
  browser = await launchBrowser();
  collector = await createConsoleUser(harness.prisma, 'collector');
  viewer = await createConsoleUser(harness.prisma, 'viewer');
  const body = invoiceBody({ currency: 'CHF', amountMinor: 30_050, issueDate: isoDay(-20), dueDate: isoDay(10) });
  const created = await api.call('POST', '/v1/invoices', { key: api.keys.system, body: { ...body, customer: { ...body.customer, name: 'Zürcher Handels AG', timezone: 'Europe/Zurich', locale: 'de-CH' } } });
  expect(created.status).toBe(201);
  customers.zurich = (await harness.prisma.invoice.findUniqueOrThrow({ where: { id: String(created.body.invoiceId) } })).customerId;
  customers.copenhagen = (await harness.prisma.customer.create({ data: { source: 'console-reports-test', externalId: `K-${suffix}`, name: 'Københavns Grossist ApS', timezone: 'Europe/Copenhagen', locale: 'da-DK' } })).id;
  await invoice('Z1', customers.zurich, 'CHF', -75, -45, 12_000);
  await invoice('Z3', customers.zurich, 'CHF', -130, -100, 5_000, { amountMinor: 5_000, daysAgo: 2 });
  await invoice('K1', customers.copenhagen, 'DKK', -125, -95, 80_000);
  await invoice('K2', customers.copenhagen, 'DKK', -50, -20, 10_000, { amountMinor: 2_500, daysAgo: 3 });
  await invoice('K3', customers.copenhagen, 'CHF', -100, -70, 4_000);
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});
screenshotOnFailure(() => page);

/** A fresh page signed in through the sign-in form, as a person would. */
async function signedInPage(user: TestConsoleUser, path = '/console/reports'): Promise<Page> {
  await page?.close();
  // One browser profile for the file: the previous test's session is dropped first.
  await browser.context.clearCookies();
  page = await browser.newPage();
  await page.goto(`${server.baseUrl}/console/sign-in?next=${encodeURIComponent(path)}`);
  await page.fill('#email', user.email);
  await page.fill('#password', user.password);
  await Promise.all([page.waitForURL(`${server.baseUrl}${path}`), page.click('button:has-text("Sign in")')]);
  return page;
}

type Buckets = Record<(typeof AGING_BUCKETS)[number]['key'] | 'totalMinor', number>;
type AgingJson = { currencies: { currency: string; total: Buckets; customers: (Buckets & { customerId: string; customerName: string; invoices: number })[] }[] };
const agingJson = async () => (await api.call('GET', `/v1/reports/aging?asOf=${isoDay(0)}`, { key: api.keys.collector })).body as unknown as AgingJson;
const BUCKET_KEYS = [...AGING_BUCKETS.map((bucket) => bucket.key), 'totalMinor'] as const;

/** The cells of a table row that carry an amount: bucket key → [minor units, text shown]. */
async function amounts(page: Page, row: string): Promise<Record<string, [number, string]>> {
  const cells = await page.$$eval(`${row} td[data-key]`, (tds) => tds.map((td) => [td.getAttribute('data-key')!, Number(td.getAttribute('data-minor')), td.textContent!] as const));
  return Object.fromEntries(cells.map(([key, minor, text]) => [key, [minor, text]]));
}

describe('the reports page', () => {
  it('a collector signs in and sees one aging chart per currency whose table totals equal the JSON report’s, the paid invoice gone, no currency mixed in another', async () => {
    const page = await signedInPage(collector);
    expect(await page.locator('h1').textContent()).toBe('Reports');
    for (const currency of ['CHF', 'DKK']) expect(await page.locator(`svg[role="img"][data-chart="aging"][data-currency="${currency}"]`).count()).toBe(1);
    const json = await agingJson();
    for (const currency of ['CHF', 'DKK']) {
      const { total } = json.currencies.find((entry) => entry.currency === currency)!;
      expect(await amounts(page, `table[data-table="aging"][data-currency="${currency}"] tr[data-total="${currency}"]`)).toEqual(Object.fromEntries(BUCKET_KEYS.map((key) => [key, [total[key], moneyText(total[key], currency)]])));
    }
    // Worked out by hand: CHF 300.50 current + 120.00 in 31–60 + 40.00 in 61–90; DKK 75.00 in 1–30 + 800.00 over 90.
    expect(await amounts(page, 'tr[data-total="CHF"]')).toMatchObject({ currentMinor: [30_050, expect.any(String)], days31to60Minor: [12_000, expect.any(String)], days61to90Minor: [4_000, expect.any(String)], totalMinor: [46_050, expect.any(String)] });
    expect(await amounts(page, 'tr[data-total="DKK"]')).toMatchObject({ days1to30Minor: [7_500, expect.any(String)], over90Minor: [80_000, expect.any(String)], totalMinor: [87_500, expect.any(String)] });
    // Zürcher's paid Z3 has left the aging: two invoices, nothing over 90 days.
    const zurich = `table[data-currency="CHF"] tr[data-customer-id="${customers.zurich}"]`;
    expect(await page.locator(`${zurich} td`).first().textContent()).toBe('2');
    expect((await amounts(page, zurich)).over90Minor![0]).toBe(0);
    expect(await page.locator(`${zurich} a`).getAttribute('href')).toBe(`/console/customers/${customers.zurich}`);
    // Københavns has a row in each currency, each holding only that currency's invoices.
    expect((await amounts(page, `table[data-currency="CHF"] tr[data-customer-id="${customers.copenhagen}"]`)).totalMinor![0]).toBe(4_000);
    expect((await amounts(page, `table[data-currency="DKK"] tr[data-customer-id="${customers.copenhagen}"]`)).totalMinor![0]).toBe(87_500);
    expect(await page.locator('figure[data-report="aging"][data-currency="CHF"]').textContent()).not.toContain('DKK');
    expect(await page.locator('figure[data-report="aging"][data-currency="DKK"]').textContent()).not.toContain('CHF');
    // The CHF chart's bar for all customers is the three buckets of the table.
    const bars = await page.$$eval('svg[data-chart="aging"][data-currency="CHF"] g.bar-row[data-label="All customers"] rect.bar', (rects) => rects.map((rect) => [rect.getAttribute('data-key'), Number(rect.getAttribute('data-value'))]));
    expect(Object.fromEntries(bars)).toEqual({ currentMinor: 30_050, days31to60Minor: 12_000, days61to90Minor: 4_000 });
    for (const chart of ['dso', 'cei', 'collections-weekly']) expect(await page.locator(`svg[data-chart="${chart}"]`).count()).toBeGreaterThan(0);
    await page.screenshot({ path: join(screenshotDir, 'console-reports-page.png'), fullPage: true });
  });

  it('the aging CSV downloads with the console session and matches the API’s CSV; without a session it sends to sign-in', async () => {
    const page = await signedInPage(collector);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('a:has-text("Download the aging as CSV")')]);
    expect(download.suggestedFilename()).toBe(`aging-${isoDay(0)}.csv`);
    const lines = (await readFile((await download.path())!, 'utf8')).split('\r\n');
    const fromApi = String((await api.call('GET', `/v1/reports/aging?format=csv&asOf=${isoDay(0)}`, { key: api.keys.collector })).body).split('\r\n');
    const ours = (csv: string[]) => csv.filter((line) => /,(CHF|DKK),/.test(line));
    expect(lines[0]).toBe(fromApi[0]);
    expect(ours(lines)).toEqual(ours(fromApi));
    expect(ours(lines)).toHaveLength(3 + 2);
    expect(ours(lines)).toContain(`${isoDay(0)},CHF,,TOTAL,3,300.50,0.00,120.00,40.00,0.00,460.50`);
    const anonymous = await getPage(server.baseUrl, '/console/reports/aging.csv');
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toMatch(/^\/console\/sign-in/);
  });

  it('has no serious or critical accessibility violations (axe-core)', async () => {
    const page = await signedInPage(collector);
    expect(await seriousAxeViolations(page)).toEqual([]);
  });

  it('reads CEI for the period chosen in the form: the CHF row holds the JSON report’s figures', async () => {
    const page = await signedInPage(collector);
    await page.fill('#from', isoDay(-6));
    await page.fill('#to', isoDay(0));
    await Promise.all([page.waitForURL(/from=/), page.click('button:has-text("Show reports")')]);
    const cei = (await api.call('GET', `/v1/reports/cei?from=${isoDay(-6)}&to=${isoDay(0)}`, { key: api.keys.collector })).body.currencies as { currency: string; beginningReceivablesMinor: number; creditSalesMinor: number; endingReceivablesMinor: number; endingCurrentReceivablesMinor: number; cei: number }[];
    const chf = cei.find((entry) => entry.currency === 'CHF')!;
    // By hand: beginning 300.50 + 120.00 + 50.00 + 40.00 = 510.50, no sales, ending 460.50 of which 300.50 current:
    // (510.50 − 460.50) ÷ (510.50 − 300.50) = 23.8 %.
    expect(chf).toEqual({ currency: 'CHF', beginningReceivablesMinor: 51_050, creditSalesMinor: 0, endingReceivablesMinor: 46_050, endingCurrentReceivablesMinor: 30_050, cei: 23.8 });
    const cells = await page.$$eval('table[data-table="cei"] tr[data-currency="CHF"] > *', (all) => all.map((cell) => cell.textContent));
    expect(cells).toEqual(['CHF', ...[51_050, 0, 46_050, 30_050].map((amount) => moneyText(amount, 'CHF')), '23.8 %']);
  });

  it('refuses a period whose end is before its start with a 400 page naming the field beside it, and an impossible as-of day likewise', async () => {
    const page = await signedInPage(collector);
    await page.fill('#from', isoDay(-1));
    await page.fill('#to', isoDay(-3));
    const [answer] = await Promise.all([page.waitForResponse((response) => response.url().includes('/console/reports?')), page.click('button:has-text("Show reports")')]);
    expect(answer.status()).toBe(400);
    expect(await page.locator('.field-error[data-field="to"]').textContent()).toBe('Period to (to): must not be before from');
    expect(await page.locator('#to').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#to').getAttribute('aria-describedby')).toContain('to-error');
    expect(await page.locator('[role="alert"]').textContent()).toContain('Period to (to)');
    expect(await page.locator('svg[data-chart]').count()).toBe(0);
    expect(await seriousAxeViolations(page)).toEqual([]);

    const impossible = await page.goto(`${server.baseUrl}/console/reports?asOf=2026-02-30`);
    expect(impossible!.status()).toBe(400);
    expect(await page.locator('.field-error[data-field="asOf"]').textContent()).toMatch(/^As of \(asOf\): must be a real calendar date/);
    const csv = await page.goto(`${server.baseUrl}/console/reports/aging.csv?asOf=soon`);
    expect(csv!.status()).toBe(400);
    expect(await page.locator('.field-error[data-field="asOf"]').textContent()).toMatch(/^As of \(asOf\): must be a date/);
  });

  it('a viewer reads the same reports and downloads the CSV (reports need no write role)', async () => {
    const session = await signIn(server.baseUrl, viewer.email, viewer.password);
    const reports = await getPage(server.baseUrl, '/console/reports', session.cookie);
    expect(reports.status).toBe(200);
    expect(await reports.text()).toContain('data-chart="aging" data-currency="CHF"');
    const csv = await getPage(server.baseUrl, `/console/reports/aging.csv?asOf=${isoDay(0)}`, session.cookie);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(await csv.text()).toContain(`${isoDay(0)},DKK,,TOTAL,2,0.00,75.00,0.00,0.00,800.00,875.00`);
  });
});
