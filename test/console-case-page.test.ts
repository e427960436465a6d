import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { MAX_INSTALLMENTS } from '../api/schemas/commands.js';
import { caseStateQuery, collectionWorkflowId } from '../workflows/definitions.js';
import { invoiceBody } from './support/api.js';
import { seriousAxeViolations, type TestBrowser } from './support/browser.js';
import { isoDay, utcMidnight } from './support/clock.js';
import { createConsoleUser, postForm, signIn, type TestConsoleUser } from './support/console.js';
import { eventually } from './support/eventually.js';
import { type ConsoleStack, onConsoleInBrowser } from './support/console-browser.js';
import type { WorkerHarness } from './support/worker.js';

/**
 * The console's case page in Debian's Chromium (playwright-core) against the real app, worker,
 * Temporal dev server and PostgreSQL: every command goes through the API command's own schema and
 * the case's update, as the signed-in user.
 */
let harness: WorkerHarness;
let api: ConsoleStack['api'];
let server: ConsoleStack['server'];
let browser: TestBrowser;
let page: Page | undefined;
onConsoleInBrowser((stack) => ({ harness, api, server, browser } = stack), () => page);

const state = (invoiceId: string) => harness.client.workflow.getHandle(collectionWorkflowId(invoiceId)).query(caseStateQuery);
const eventKinds = async (invoiceId: string) => (await harness.prisma.collectionEvent.findMany({ where: { invoiceId } })).map((event) => event.kind);

/** A running case through the API: due in 30 days (stage `upcoming`, nothing sent yet), 1,250.00 GBP. */
async function newCase(): Promise<string> {
  const created = await api.call('POST', '/v1/invoices', { key: api.keys.system, body: invoiceBody() });
  expect(created.status).toBe(201);
  return String(created.body.invoiceId);
}

/** A fresh page signed in as a new user of `role` through the sign-in form (cookies of earlier users cleared). */
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

/** The audit log is written by the case moments after an update returns: reload until its row is there. */
async function timelineRow(p: Page, kind: string): Promise<string | null> {
  const row = p.locator(`#timeline tr[data-kind="${kind}"]`);
  const present = async () => {
    if ((await row.count()) > 0) return true;
    await p.reload();
    return false;
  };
  return (await eventually(present, Boolean)) ? row.textContent() : null;
}

/** Submits a form and waits for the page it leads to; the answer's status (303 is followed, so the page after it). */
async function submit(p: Page, formId: string, button: string): Promise<number> {
  const [response] = await Promise.all([p.waitForNavigation(), p.locator(`#${formId}`).getByRole('button', { name: button }).click()]);
  return response?.status() ?? 0;
}

describe('the case page', () => {
  it('a collector records a promise to pay and opens a dispute through the forms: the stage, the holds and the timeline change, each acted as the signed-in user', async () => {
    const invoiceId = await newCase();
    const { user, page } = await signedIn('collector');
    const actor = `console:${user.email}`;
    await page.goto(`${server.baseUrl}/console/cases/${invoiceId}`);
    await expect(page.locator('#case-stage').textContent()).resolves.toBe('upcoming');
    await expect(page.locator('#balance-total').textContent()).resolves.toBe('£1,250.00');
    await expect(page.locator('#ladder tr[data-status="next"]').getAttribute('data-step')).resolves.toBe('courtesy_reminder');
    // Collectors do not get the admin's commands.
    await expect(page.locator('#form-write-off, #form-cancel').count()).resolves.toBe(0);

    const promiseDate = isoDay(7);
    const promise = page.locator('#form-call-outcomes');
    await promise.getByLabel('Outcome').selectOption('promise_to_pay');
    await promise.getByLabel('Promised payment date').fill(promiseDate);
    await promise.getByLabel('Promised amount (GBP)').fill('500.00');
    expect(await submit(page, 'form-call-outcomes', 'Record call outcome')).toBe(200);
    expect(page.url()).toBe(`${server.baseUrl}/console/cases/${invoiceId}?done=call-outcomes`);
    await expect(page.locator('#status-message').textContent()).resolves.toBe('Call outcome recorded.');
    await expect(page.locator('#case-stage').textContent()).resolves.toBe('promise to pay');
    await expect(page.locator('#holds').textContent()).resolves.toContain(`Promise to pay £500.00 by ${promiseDate}`);
    expect(await timelineRow(page, 'promise_to_pay')).toContain(actor);
    expect(await state(invoiceId)).toMatchObject({ stage: 'promise_to_pay', promiseToPay: { date: promiseDate, amountMinor: 50_000, recordedBy: actor } });

    await page.locator('#form-disputes').getByLabel('Reason for the dispute').fill('Goods arrived damaged');
    expect(await submit(page, 'form-disputes', 'Open dispute')).toBe(200);
    await expect(page.locator('#status-message').textContent()).resolves.toBe('Dispute opened: escalation stops.');
    await expect(page.locator('#case-stage').textContent()).resolves.toBe('disputed');
    await expect(page.locator('#holds').textContent()).resolves.toMatch(new RegExp(`Dispute opened by ${actor}.*Goods arrived damaged`));
    expect(await timelineRow(page, 'dispute_opened')).toContain(actor);
    // The dispute can now be resolved, not opened again.
    await expect(page.locator('#form-disputes').count()).resolves.toBe(0);
    await expect(page.locator('#form-disputes-resolve').count()).resolves.toBe(1);
    expect(await state(invoiceId)).toMatchObject({ stage: 'disputed', disputed: { reason: 'Goods arrived damaged', openedBy: actor } });
  });

  it('a refused command shows the reason next to the field it names, keeps what was typed and changes nothing: the case’s refusal and the schema’s', async () => {
    const invoiceId = await newCase();
    const { page } = await signedIn('collector');
    await page.goto(`${server.baseUrl}/console/cases/${invoiceId}`);
    const form = page.locator('#form-call-outcomes');

    // The case refuses a promise whose day has passed (its update's validator).
    const yesterday = isoDay(-2);
    await form.getByLabel('Outcome').selectOption('promise_to_pay');
    await form.getByLabel('Promised payment date').fill(yesterday);
    await form.getByLabel('Note').fill('called at nine');
    expect(await submit(page, 'form-call-outcomes', 'Record call outcome')).toBe(422);
    await expect(page.locator('#form-call-outcomes-errors').textContent()).resolves.toContain('promiseDate: must not be in the past');
    await expect(page.locator('#call-outcomes-promiseDate-error').textContent()).resolves.toBe('must not be in the past');
    await expect(page.locator('#call-outcomes-promiseDate').getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(page.locator('#call-outcomes-promiseDate').inputValue()).resolves.toBe(yesterday);
    await expect(page.locator('#call-outcomes-note').inputValue()).resolves.toBe('called at nine');
    await expect(page.locator('#call-outcomes-outcome').inputValue()).resolves.toBe('promise_to_pay');

    // The API's schema refuses an amount that is not one.
    await page.locator('#call-outcomes-promiseDate').fill(isoDay(5));
    await page.locator('#call-outcomes-promisedAmountMinor').fill('lots');
    expect(await submit(page, 'form-call-outcomes', 'Record call outcome')).toBe(422);
    await expect(page.locator('#call-outcomes-promisedAmountMinor-error').textContent()).resolves.toMatch(/number/i);
    await expect(page.locator('#call-outcomes-promisedAmountMinor').inputValue()).resolves.toBe('lots');

    await expect(page.locator('#case-stage').textContent()).resolves.toBe('upcoming');
    expect(await state(invoiceId)).toMatchObject({ stage: 'upcoming', promiseToPay: null });
    expect(await eventKinds(invoiceId)).not.toContain('promise_to_pay');
  });

  it('the payment-plan form shows as many installment rows as the collector asks for, up to the API’s limit; a plan of 5 is refused, keeps its 5 rows as typed, then agreed', async () => {
    const invoiceId = await newCase();
    const { page } = await signedIn('collector');
    const plan = page.locator('#form-payment-plan');
    const dueDates = plan.locator('input[name$=".dueDate"]');
    await page.goto(`${server.baseUrl}/console/cases/${invoiceId}`);
    expect(await dueDates.count()).toBe(3);
    // More than the API takes is cut to its limit; what is not a number leaves the default.
    await page.goto(`${server.baseUrl}/console/cases/${invoiceId}?installments=${MAX_INSTALLMENTS + 1}`);
    expect(await dueDates.count()).toBe(MAX_INSTALLMENTS);
    await page.goto(`${server.baseUrl}/console/cases/${invoiceId}?installments=many`);
    expect(await dueDates.count()).toBe(3);

    await page.getByLabel('Number of installments').fill('5');
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Show rows' }).click()]);
    expect(new URL(page.url()).searchParams.get('installments')).toBe('5');
    expect(await dueDates.count()).toBe(5);
    expect(await page.getByLabel('Number of installments').inputValue()).toBe('5');

    // 5 × £200.00 is not the balance of £1,250.00: the case refuses, the 5 rows come back as typed.
    for (let i = 0; i < 5; i += 1) {
      await plan.getByLabel(`Installment ${i + 1} due date`).fill(isoDay(7 * (i + 1)));
      await plan.getByLabel(`Installment ${i + 1} amount (GBP)`).fill('200.00');
    }
    expect(await submit(page, 'form-payment-plan', 'Agree plan')).toBe(422);
    expect(await dueDates.count()).toBe(5);
    await expect(plan.getByLabel('Installment 5 amount (GBP)').inputValue()).resolves.toBe('200.00');
    await expect(plan.getByLabel('Installment 5 due date').inputValue()).resolves.toBe(isoDay(35));

    for (let i = 0; i < 5; i += 1) await plan.getByLabel(`Installment ${i + 1} amount (GBP)`).fill('250.00');
    expect(await submit(page, 'form-payment-plan', 'Agree plan')).toBe(200);
    await expect(page.locator('#status-message').textContent()).resolves.toBe('Payment plan agreed.');
    await expect(page.locator('#holds tbody tr').count()).resolves.toBe(5);
    expect((await state(invoiceId)).paymentPlan?.installments.map((installment) => [installment.dueDate, installment.amountMinor])).toEqual([1, 2, 3, 4, 5].map((week) => [isoDay(7 * week), 25_000]));
  });

  it('an admin writes a case off through the form; the page then shows the ended case and offers no command', async () => {
    const invoiceId = await newCase();
    const { user, page } = await signedIn('admin');
    await page.goto(`${server.baseUrl}/console/cases/${invoiceId}`);
    await page.locator('#form-write-off').getByLabel('Reason for the write-off').fill('Customer dissolved');
    expect(await submit(page, 'form-write-off', 'Write off')).toBe(200);
    await expect(page.locator('#status-message').textContent()).resolves.toBe('Invoice written off: the case has ended.');
    await expect(page.locator('#case-stage').textContent()).resolves.toBe('written off');
    await expect(page.locator('form.command-form').count()).resolves.toBe(0);

    // The record says so once the workflow has written its last batch; the page reads it from there.
    await eventually(() => harness.prisma.invoice.findUniqueOrThrow({ where: { id: invoiceId } }), (row) => row.status === 'written_off');
    await page.reload();
    await expect(page.locator('#actions-note').textContent()).resolves.toContain('This case has ended (written off)');
    await expect(page.locator('dd', { hasText: 'written off' }).first().textContent()).resolves.toBe('written off');
    expect(await timelineRow(page, 'invoice_written_off')).toContain(`console:${user.email}`);
    await expect(page.locator('#ladder tr[data-status="not_reached"]').count()).resolves.toBe(8);
  });

  it('a paid case Temporal does not hold is read from the database: balance, ended stage, the ladder from its audit log, no forms', async () => {
    // Rows only, no run: as a case looks once Temporal's retention has forgotten it.
    const suffix = randomUUID().slice(0, 8);
    const customer = await harness.prisma.customer.create({ data: { source: 'test-erp', externalId: `CUST-${suffix}`, name: 'Forgotten GmbH', timezone: 'Europe/Berlin', locale: 'de-DE' } });
    const invoice = await harness.prisma.invoice.create({
      data: { source: 'test-erp', externalId: `INV-${suffix}`, number: `N-${suffix}`, customerId: customer.id, issueDate: utcMidnight(-400), dueDate: utcMidnight(-370), amountMinor: 80_000, balanceMinor: 0, currency: 'EUR', status: 'paid' },
    });
    await harness.prisma.payment.create({ data: { invoiceId: invoice.id, externalPaymentId: `PAY-${suffix}`, amountMinor: 80_000, currency: 'EUR', method: 'bank_transfer', actor: 'system', receivedAt: new Date(Date.now() - 360 * 86_400_000) } });
    await harness.prisma.collectionEvent.create({
      data: { invoiceId: invoice.id, category: 'action', kind: 'step_sent', action: 'email', actor: 'system', details: { stepId: 'overdue_notice', channel: 'email', wanted: 'email' }, occurredAt: new Date(Date.now() - 368 * 86_400_000) },
    });
    const { page } = await signedIn('collector');
    await page.goto(`${server.baseUrl}/console/cases/${invoice.id}`);
    await expect(page.locator('#case-stage').textContent()).resolves.toBe('ended (paid)');
    await expect(page.locator('#balance-total').textContent()).resolves.toBe('€0.00');
    await expect(page.locator('#balance tr', { hasText: 'Paid' }).locator('td').textContent()).resolves.toBe('-€800.00');
    await expect(page.locator('#ladder tr[data-status="done"]').getAttribute('data-step')).resolves.toBe('overdue_notice');
    await expect(page.locator('#ladder tr[data-step="overdue_notice"]').textContent()).resolves.toContain('sent (email)');
    await expect(page.locator('#ladder tr[data-status="not_reached"]').count()).resolves.toBe(7);
    await expect(page.locator('#actions-note').textContent()).resolves.toContain('This case has ended (paid)');
    await expect(page.locator('form.command-form').count()).resolves.toBe(0);
  });

  it('a viewer sees the case without any action form, and a forged POST with its valid session and CSRF token is refused (403) and changes nothing', async () => {
    const invoiceId = await newCase();
    const { user, page } = await signedIn('viewer');
    await page.goto(`${server.baseUrl}/console/cases/${invoiceId}`);
    await expect(page.locator('#case-stage').textContent()).resolves.toBe('upcoming');
    await expect(page.locator('form.command-form').count()).resolves.toBe(0);
    await expect(page.locator('main button').count()).resolves.toBe(0);

    const session = await signIn(server.baseUrl, user.email, user.password);
    for (const [path, fields] of [
      ['disputes', { reason: 'forged' }],
      ['write-off', { reason: 'forged' }],
    ] as const) {
      const forged = await postForm(server.baseUrl, `/console/cases/${invoiceId}/${path}`, { _csrf: session.csrfToken, ...fields }, { cookie: session.cookie });
      expect(forged.status).toBe(403);
    }
    expect(await state(invoiceId)).toMatchObject({ stage: 'upcoming', disputed: null, closed: null });
    expect(await eventKinds(invoiceId)).not.toContain('dispute_opened');

    const { customerId } = await harness.prisma.invoice.findUniqueOrThrow({ where: { id: invoiceId } });
    await page.goto(`${server.baseUrl}/console/customers/${customerId}`);
    await expect(page.locator('form.command-form').count()).resolves.toBe(0);
    const forgedPause = await postForm(server.baseUrl, `/console/customers/${customerId}/pause`, { _csrf: session.csrfToken, reason: 'forged' }, { cookie: session.cookie });
    expect(forgedPause.status).toBe(403);
    expect(await harness.prisma.customerPause.count({ where: { customerId } })).toBe(0);
  });

  it('the case page and the customer page, with every form shown, have no serious or critical axe violations', async () => {
    const invoiceId = await newCase();
    const { page } = await signedIn('admin');
    await page.goto(`${server.baseUrl}/console/cases/${invoiceId}`);
    // A refusal on show too: its messages and invalid fields are part of the page.
    await page.locator('#form-pause').getByLabel('Reason for the pause').fill(' ');
    await submit(page, 'form-pause', 'Pause');
    await expect(page.locator('#form-pause-errors').count()).resolves.toBe(1);
    expect(await seriousAxeViolations(page)).toEqual([]);
    const { customerId } = await harness.prisma.invoice.findUniqueOrThrow({ where: { id: invoiceId } });
    await page.goto(`${server.baseUrl}/console/customers/${customerId}`);
    await expect(page.locator('#form-contact').count()).resolves.toBe(1);
    expect(await seriousAxeViolations(page)).toEqual([]);
  });
});
