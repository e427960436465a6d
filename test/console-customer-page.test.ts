import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { InvoiceStatus } from '../prisma/client.js';
import { caseStateQuery, collectionWorkflowId } from '../workflows/definitions.js';
import { invoiceBody } from './support/api.js';
import { type TestBrowser } from './support/browser.js';
import { isoDay, utcMidnight } from './support/clock.js';
import { createConsoleUser, type TestConsoleUser } from './support/console.js';
import { eventually } from './support/eventually.js';
import { type ConsoleStack, onConsoleInBrowser } from './support/console-browser.js';
import type { WorkerHarness } from './support/worker.js';

/**
 * The console's customer page in Debian's Chromium against the real app, worker, Temporal dev
 * server and PostgreSQL: what the customer owes per currency, its aging, and its contact and
 * pause changed through the customer commands of the API.
 */
let harness: WorkerHarness;
let api: ConsoleStack['api'];
let server: ConsoleStack['server'];
let browser: TestBrowser;
let page: Page | undefined;
onConsoleInBrowser((stack) => ({ harness, api, server, browser } = stack), () => page);

async function signedIn(role: TestConsoleUser['role']): Promise<{ user: TestConsoleUser; page: Page }> {
  const user = await createConsoleUser(harness.prisma, role);
  await browser.context.clearCookies();
  page = await browser.newPage();
  await page.goto(`${server.baseUrl}/console/sign-in`);
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password').fill(user.password);
  await Promise.all([page.waitForURL(`${server.baseUrl}/console`), page.getByRole('button', { name: 'Sign in' }).click()]);
  return { user, page };
}

async function submit(p: Page, formId: string, button: string): Promise<number> {
  const [response] = await Promise.all([p.waitForNavigation(), p.locator(`#${formId}`).getByRole('button', { name: button }).click()]);
  return response?.status() ?? 0;
}

/** Cells of a table row as text. */
const rowCells = (p: Page, selector: string) => p.locator(`${selector} > *`).allTextContents();

describe('the customer page', () => {
  it('lists every invoice, totals what is open per currency without mixing them, and ages each open balance into its bucket', async () => {
    // Rows written straight to the database (no case runs, so no step or fee moves a balance while the page is read).
    const suffix = randomUUID().slice(0, 8);
    const customer = await harness.prisma.customer.create({ data: { source: 'test-erp', externalId: `CUST-${suffix}`, name: 'Three Currencies SA', billingEmail: 'ap@three.example', timezone: 'Europe/Paris', locale: 'fr-FR' } });
    const invoices: [string, number, string, number, InvoiceStatus][] = [
      ['GBP-10', 100_000, 'GBP', -10, 'open'], // 10 days past due → 1–30
      ['GBP-45', 25_050, 'GBP', -45, 'disputed'], // 45 → 31–60
      ['GBP-PAID', 99_999, 'GBP', -20, 'paid'], // paid: listed, never owed
      ['EUR-NEXT', 30_000, 'EUR', 5, 'open'], // not yet due → current
      ['EUR-100', 7_000, 'EUR', -100, 'in_payment_plan'], // 100 → over 90
      ['JPY-65', 5_000, 'JPY', -65, 'open'], // 65 → 61–90 (JPY has no minor digits)
    ];
    for (const [number, balance, currency, due, status] of invoices) {
      await harness.prisma.invoice.create({
        data: { source: 'test-erp', externalId: `${number}-${suffix}`, number: `${number}-${suffix}`, customerId: customer.id, issueDate: utcMidnight(due - 30), dueDate: utcMidnight(due), amountMinor: balance, balanceMinor: status === 'paid' ? 0 : balance, currency, status },
      });
    }
    const { page } = await signedIn('viewer');
    await page.goto(`${server.baseUrl}/console/customers/${customer.id}`);

    await expect(page.locator('#invoices tbody tr').count()).resolves.toBe(6);
    await expect(page.locator('#invoices a').allTextContents()).resolves.toContain(`GBP-PAID-${suffix}`);
    await expect(rowCells(page, '#open-totals tr[data-currency="GBP"]')).resolves.toEqual(['GBP', '2', '£1,250.50']);
    await expect(rowCells(page, '#open-totals tr[data-currency="EUR"]')).resolves.toEqual(['EUR', '2', '€370.00']);
    await expect(rowCells(page, '#open-totals tr[data-currency="JPY"]')).resolves.toEqual(['JPY', '1', 'JP¥5,000']);
    await expect(page.locator('#open-totals tbody tr').count()).resolves.toBe(3);
    // Current, 1–30, 31–60, 61–90, over 90, total: each currency its own row.
    await expect(rowCells(page, '#aging tr[data-currency="GBP"]')).resolves.toEqual(['GBP', '£0.00', '£1,000.00', '£250.50', '£0.00', '£0.00', '£1,250.50']);
    await expect(rowCells(page, '#aging tr[data-currency="EUR"]')).resolves.toEqual(['EUR', '€300.00', '€0.00', '€0.00', '€0.00', '€70.00', '€370.00']);
    await expect(rowCells(page, '#aging tr[data-currency="JPY"]')).resolves.toEqual(['JPY', 'JP¥0', 'JP¥0', 'JP¥0', 'JP¥5,000', 'JP¥0', 'JP¥5,000']);
    await expect(page.locator('#contacting').textContent()).resolves.toContain('none yet');
  });

  it('a contact edit through the form reaches the running case (its audit log names the user and the field); a bad phone is refused inline and changes nothing', async () => {
    const created = await api.call('POST', '/v1/invoices', { key: api.keys.system, body: invoiceBody() });
    expect(created.status).toBe(201);
    const invoiceId = String(created.body.invoiceId);
    const { customerId } = await harness.prisma.invoice.findUniqueOrThrow({ where: { id: invoiceId } });
    const { user, page } = await signedIn('collector');
    await page.goto(`${server.baseUrl}/console/customers/${customerId}`);
    const form = page.locator('#form-contact');
    await expect(form.getByLabel('Billing email').inputValue()).resolves.toBe('ap@acme.example');

    await form.getByLabel('Phone (E.164, like +4930123456)').fill('call me maybe');
    expect(await submit(page, 'form-contact', 'Save contact')).toBe(422);
    await expect(page.locator('#contact-phone-error').textContent()).resolves.toContain('E.164');
    await expect(page.locator('#contact-phone').inputValue()).resolves.toBe('call me maybe');
    expect(await harness.prisma.customer.findUniqueOrThrow({ where: { id: customerId } })).toMatchObject({ phone: '+442071234567' });

    await page.locator('#contact-phone').fill('+442071234567');
    await page.locator('#contact-email').fill('payables@acme.example');
    expect(await submit(page, 'form-contact', 'Save contact')).toBe(200);
    await expect(page.locator('#status-message').textContent()).resolves.toContain('Contact changed');
    await expect(page.locator('#contact-email').inputValue()).resolves.toBe('payables@acme.example');
    expect(await harness.prisma.customer.findUniqueOrThrow({ where: { id: customerId } })).toMatchObject({ billingEmail: 'payables@acme.example', phone: '+442071234567' });
    const changed = await eventually(
      () => harness.prisma.collectionEvent.findMany({ where: { invoiceId, kind: 'contact_changed' } }),
      (rows) => rows.length > 0,
    );
    expect(changed).toHaveLength(1);
    expect(changed[0]).toMatchObject({ actor: `console:${user.email}`, details: { fields: ['email'] } });
  });

  it('pausing the customer through its form holds its running case; resuming releases it', async () => {
    const created = await api.call('POST', '/v1/invoices', { key: api.keys.system, body: invoiceBody() });
    const invoiceId = String(created.body.invoiceId);
    const { customerId } = await harness.prisma.invoice.findUniqueOrThrow({ where: { id: invoiceId } });
    const { user, page } = await signedIn('collector');
    const state = () => harness.client.workflow.getHandle(collectionWorkflowId(invoiceId)).query(caseStateQuery);
    await page.goto(`${server.baseUrl}/console/customers/${customerId}`);

    await page.locator('#form-pause').getByLabel('Reason for the pause').fill('insolvency check');
    await page.locator('#form-pause').getByLabel(/^Until/).fill(`${isoDay(3)}T12:00`);
    expect(await submit(page, 'form-pause', 'Pause customer')).toBe(200);
    await expect(page.locator('#status-message').textContent()).resolves.toContain('Customer paused');
    await expect(page.locator('#customer-pause').textContent()).resolves.toContain(`paused by console:${user.email}`);
    // 12:00 in London on that day (GMT or BST) is the instant the pause ends.
    const pause = await harness.prisma.customerPause.findFirstOrThrow({ where: { customerId } });
    expect(new Date(pause.until!).toLocaleString('en-GB', { timeZone: 'Europe/London', hour: '2-digit', minute: '2-digit', hour12: false })).toBe('12:00');
    expect(await state()).toMatchObject({ stage: 'paused', paused: { reason: 'customer paused: insolvency check', by: `console:${user.email}` } });
    await expect(page.locator(`#invoices tr[data-invoice="${invoiceId}"]`).textContent()).resolves.toContain('(customer pause)');

    expect(await submit(page, 'form-resume', 'Resume customer')).toBe(200);
    await expect(page.locator('#status-message').textContent()).resolves.toContain('Customer resumed');
    expect(await state()).toMatchObject({ stage: 'upcoming', paused: null });
  });
});
