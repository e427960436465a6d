import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { collectionWorkflow } from '../workflows/collection-workflow.js';
import { collectionWorkflowId, collectionWorkflowType } from '../workflows/definitions.js';
import { invoiceBody } from './support/api.js';
import { seriousAxeViolations, type TestBrowser } from './support/browser.js';
import { isoDay, isoInstant } from './support/clock.js';
import { createConsoleUser, getPage, signIn, type TestConsoleUser } from './support/console.js';
import { eventually } from './support/eventually.js';
import { caseInput, createOverdueInvoice, secondScalePolicy } from './support/fixtures.js';
import { type ConsoleStack, onConsoleInBrowser } from './support/console-browser.js';
import type { WorkerHarness } from './support/worker.js';

/**
 * The worklist in a real browser (Debian's Chromium through playwright-core) against the real
 * app on a real server, worker, Temporal dev server and PostgreSQL. Other test files share the
 * Temporal namespace, so every look at a section is filtered to this file's own customer.
 */
let harness: WorkerHarness;
let api: ConsoleStack['api'];
let server: ConsoleStack['server'];
let browser: TestBrowser;
let page: Page | undefined;
onConsoleInBrowser((stack) => ({ harness, api, server, browser } = stack), () => page);
let collector: TestConsoleUser;
const customerName = `Worklist Trading ${randomUUID().slice(0, 8)}`;
const invoices: Record<'smallDispute' | 'largeDispute' | 'pausedSoon' | 'pausedLater', { id: string; number: string }> = {} as never;

beforeAll(async () => {
  collector = await createConsoleUser(harness.prisma, 'collector', { name: 'Cora Collector' });
  const customer = { ...invoiceBody().customer, name: customerName };
  const create = async (amountMinor: number) => {
    const body = invoiceBody({ customer, amountMinor });
    const answer = await api.call('POST', '/v1/invoices', { key: api.keys.system, body });
    expect(answer).toMatchObject({ status: 201 });
    return { id: String(answer.body.invoiceId), number: body.number };
  };
  invoices.smallDispute = await create(40_000);
  invoices.largeDispute = await create(90_000);
  invoices.pausedSoon = await create(125_000);
  invoices.pausedLater = await create(60_000);
  const command = async (invoiceId: string, path: string, body: unknown) => expect((await api.call('POST', `/v1/cases/${invoiceId}/${path}`, { key: api.keys.collector, body })).status).toBe(200);
  await command(invoices.smallDispute.id, 'disputes', { reason: 'wrong quantity' });
  await command(invoices.largeDispute.id, 'disputes', { reason: 'goods damaged' });
  await command(invoices.pausedSoon.id, 'pause', { reason: 'customer on holiday', until: isoInstant(3) });
  await command(invoices.pausedLater.id, 'pause', { reason: 'awaiting credit note', until: isoInstant(30) });
});

/** A section's shown count and the invoice numbers of its rows, in order. */
async function section(p: Page, key: string): Promise<{ count: number; invoices: string[] }> {
  const root = p.locator(`#section-${key}`);
  const count = Number(await root.locator('h2 .count').textContent());
  const invoicesShown = await root.locator('tbody tr td:first-child a').allTextContents();
  return { count, invoices: invoicesShown };
}

/** Reloads the filtered worklist until visibility and the audit log have caught up with the commands. */
async function worklistFor(p: Page, query: string, ready: (p: Page) => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 20_000;
  await p.goto(`${server.baseUrl}/console?${query}`);
  while (!(await ready(p)) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    await p.goto(`${server.baseUrl}/console?${query}`);
  }
}

describe('the collector’s worklist', () => {
  it('a collector signs in with the keyboard alone, through the labelled fields, and lands on the worklist', async () => {
    page = await browser.newPage();
    await page.goto(`${server.baseUrl}/console`);
    expect(new URL(page.url()).pathname).toBe('/console/sign-in');
    // Tab order: skip link first, then the email field, the password field, the button.
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement.textContent')).toBe('Skip to content');
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement.id')).toBe('email');
    expect(await page.evaluate('document.activeElement.labels[0].textContent')).toBe('Email');
    await page.keyboard.type(collector.email);
    await page.keyboard.press('Tab');
    await page.keyboard.type(collector.password);
    await page.keyboard.press('Enter');
    await page.waitForURL(`${server.baseUrl}/console`);
    expect(await page.locator('h1').textContent()).toBe('Worklist');
    expect(await page.locator('.sign-out').textContent()).toContain('Cora Collector (collector)');
  });

  it('shows the disputed cases under Open disputes and the pause ending in 3 days under Pauses ending, with counts; the pause ending in 30 days is not there', async () => {
    await worklistFor(page!, `q=${encodeURIComponent(customerName)}`, async (p) => (await section(p, 'disputes')).count === 2 && (await section(p, 'pauses')).count === 1);
    const disputes = await section(page!, 'disputes');
    expect(disputes.count).toBe(2);
    expect(disputes.invoices.sort()).toEqual([invoices.smallDispute.number, invoices.largeDispute.number].sort());
    const pauses = await section(page!, 'pauses');
    expect(pauses).toEqual({ count: 1, invoices: [invoices.pausedSoon.number] });
    const pausedRow = page!.locator('#section-pauses tbody tr').first();
    expect(await pausedRow.textContent()).toContain('customer on holiday');
    expect(await pausedRow.textContent()).toContain('£1,250.00');
    expect(await page!.locator('#section-disputes tbody').textContent()).toContain('goods damaged');
    // The section list at the top carries the same counts.
    expect(await page!.getByRole('link', { name: 'Open disputes: 2' }).count()).toBe(1);
  });

  it('sorts a section by balance both ways through its column heading, and filters by invoice number and currency on the server', async () => {
    await page!.locator('#section-disputes').getByRole('link', { name: /^Balance/ }).click();
    expect(new URL(page!.url()).searchParams.get('sort_disputes')).toBe('balance');
    expect((await section(page!, 'disputes')).invoices).toEqual([invoices.smallDispute.number, invoices.largeDispute.number]);
    expect(await page!.locator('#section-disputes th[aria-sort]').getAttribute('aria-sort')).toBe('ascending');
    await page!.locator('#section-disputes').getByRole('link', { name: /^Balance/ }).click();
    expect((await section(page!, 'disputes')).invoices).toEqual([invoices.largeDispute.number, invoices.smallDispute.number]);
    expect(await page!.locator('#section-disputes th[aria-sort]').getAttribute('aria-sort')).toBe('descending');

    await page!.getByLabel('Customer or invoice contains').fill(invoices.largeDispute.number);
    await page!.getByRole('button', { name: 'Filter' }).click();
    expect(await section(page!, 'disputes')).toEqual({ count: 1, invoices: [invoices.largeDispute.number] });
    expect((await section(page!, 'pauses')).count).toBe(0);
    // The sort chosen before survives the filter (descending stays in the query string).
    expect(new URL(page!.url()).searchParams.get('q')).toBe(invoices.largeDispute.number);

    await page!.goto(`${server.baseUrl}/console?q=${encodeURIComponent(customerName)}&currency=EUR`);
    expect((await section(page!, 'disputes')).count).toBe(0);
    expect(await page!.getByLabel('Currency').inputValue()).toBe('EUR');
  });

  it('links each row to its case page and its customer page', async () => {
    await page!.goto(`${server.baseUrl}/console?q=${encodeURIComponent(invoices.pausedSoon.number)}`);
    const row = page!.locator('#section-pauses tbody tr').first();
    const { customerId } = await harness.prisma.invoice.findUniqueOrThrow({ where: { id: invoices.pausedSoon.id } });
    expect(await row.getByRole('link', { name: customerName }).getAttribute('href')).toBe(`/console/customers/${customerId}`);
    await row.getByRole('link', { name: invoices.pausedSoon.number }).click();
    await page!.waitForURL(`${server.baseUrl}/console/cases/${invoices.pausedSoon.id}`);
  });

  it('the sign-in page and the worklist have no serious or critical axe-core violations', async () => {
    await page!.goto(`${server.baseUrl}/console?q=${encodeURIComponent(customerName)}`);
    expect(await page!.locator('#section-disputes tbody tr').count()).toBe(2);
    expect(await seriousAxeViolations(page!)).toEqual([]);

    await browser.context.clearCookies();
    await page!.goto(`${server.baseUrl}/console/sign-in`);
    expect(await page!.locator('h1').textContent()).toBe('Sign in');
    expect(await seriousAxeViolations(page!)).toEqual([]);
  });
});

describe('call tasks, promises and the legal hand-off in the worklist (over HTTP)', () => {
  /** The HTML of a section of the worklist page, filtered to `q`. */
  async function sectionHtml(cookie: string, q: string, key: string): Promise<string> {
    const html = await (await getPage(server.baseUrl, `/console?q=${encodeURIComponent(q)}`, cookie)).text();
    return new RegExp(`<section id="section-${key}"[\\s\\S]*?</section>`).exec(html)?.[0] ?? '';
  }

  /** The invoice numbers a section of the worklist page lists, filtered to `q`. */
  async function sectionRows(cookie: string, q: string, key: string): Promise<string[]> {
    const body = await sectionHtml(cookie, q, key);
    return [...body.matchAll(/href="\/console\/cases\/[^"]+">([^<]+)<\/a>/g)].map((match) => match[1]!);
  }

  it('a sent call task is listed until a call outcome is recorded; the promise it records is then under Promises due; the legal hand-off 3 days ahead is under Entering legal until the promise holds it', async () => {
    const made = await createOverdueInvoice(harness.prisma);
    const number = made.invoice.number;
    const policy = secondScalePolicy({
      steps: [
        { id: 'call', offset: 'PT1S', actions: [{ type: 'call_task', template: 'collector_call' }] },
        { id: 'legal', offset: 'P3D', actions: [{ type: 'legal_handoff' }] },
      ],
    });
    await harness.client.workflow.start<typeof collectionWorkflow>(collectionWorkflowType, { workflowId: collectionWorkflowId(made.invoice.id), taskQueue: harness.taskQueue, args: [caseInput(made, policy)] });
    const { cookie } = await signIn(server.baseUrl, collector.email, collector.password);

    const calls = await eventually(() => sectionRows(cookie, number, 'calls'), (rows) => rows.length === 1, 20_000);
    expect(calls).toEqual([number]);
    const legal = await eventually(() => sectionRows(cookie, number, 'legal'), (rows) => rows.length === 1, 20_000);
    expect(legal).toEqual([number]);
    expect(await sectionRows(cookie, number, 'promises')).toEqual([]);

    const promised = await api.call('POST', `/v1/cases/${made.invoice.id}/call-outcomes`, { key: api.keys.collector, body: { outcome: 'promise_to_pay', promiseDate: isoDay(2) } });
    expect(promised.status).toBe(200);
    const promises = await eventually(() => sectionRows(cookie, number, 'promises'), (rows) => rows.length === 1, 20_000);
    expect(promises).toEqual([number]);
    expect(await sectionRows(cookie, number, 'calls')).toEqual([]);
    expect(await eventually(() => sectionRows(cookie, number, 'legal'), (rows) => rows.length === 0, 20_000)).toEqual([]);
  });

  it('a promise to pay whose moment passed and a payment plan whose installment was missed are both under Broken promises, saying what was missed, until a call outcome is recorded', async () => {
    const policy = secondScalePolicy({ steps: [{ id: 'later', offset: 'P90D', actions: [{ type: 'email' }] }] });
    const start = async () => {
      const made = await createOverdueInvoice(harness.prisma);
      await harness.client.workflow.start<typeof collectionWorkflow>(collectionWorkflowType, { workflowId: collectionWorkflowId(made.invoice.id), taskQueue: harness.taskQueue, args: [caseInput(made, policy)] });
      return made.invoice;
    };
    const [promised, planned] = await Promise.all([start(), start()]);
    const secondsFromNow = (seconds: number) => new Date(Date.now() + seconds * 1_000).toISOString();
    const command = async (invoiceId: string, path: string, body: unknown) => expect((await api.call('POST', `/v1/cases/${invoiceId}/${path}`, { key: api.keys.collector, body })).status).toBe(200);
    await command(promised.id, 'call-outcomes', { outcome: 'promise_to_pay', promiseDate: secondsFromNow(2), promisedAmountMinor: 50_000 });
    // The policy's installment grace is 1 s: the plan defaults a second after its only installment's moment.
    await command(planned.id, 'payment-plan', { installments: [{ dueDate: secondsFromNow(1), amountMinor: Number(planned.amountMinor) }] });
    const { cookie } = await signIn(server.baseUrl, collector.email, collector.password);

    expect(await eventually(() => sectionRows(cookie, promised.number, 'broken'), (rows) => rows.length === 1, 20_000)).toEqual([promised.number]);
    expect(await sectionHtml(cookie, promised.number, 'broken')).toContain('Promised €500.00 by');
    expect(await eventually(() => sectionRows(cookie, planned.number, 'broken'), (rows) => rows.length === 1, 20_000)).toEqual([planned.number]);
    expect(await sectionHtml(cookie, planned.number, 'broken')).toContain('Payment plan installment 1 missed: €1,250.00 due');
    expect(await sectionRows(cookie, planned.number, 'promises')).toEqual([]);

    // A call after the break is the follow-up: the case leaves the section.
    await command(planned.id, 'call-outcomes', { outcome: 'no_answer' });
    expect(await eventually(() => sectionRows(cookie, planned.number, 'broken'), (rows) => rows.length === 0, 20_000)).toEqual([]);
    expect(await sectionRows(cookie, promised.number, 'broken')).toEqual([promised.number]);
  });
});
