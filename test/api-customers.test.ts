import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashApiKey } from '../api/auth/api-keys.js';
import type { collectionWorkflow } from '../workflows/collection-workflow.js';
import { caseStateQuery, collectionWorkflowId, collectionWorkflowType } from '../workflows/definitions.js';
import { createApiHarness, invoiceBody } from './support/api.js';
import { eventually } from './support/eventually.js';
import { caseInput, createOverdueInvoice, secondScalePolicy } from './support/fixtures.js';
import { createWorkerHarness, type WorkerHarness } from './support/worker.js';

/**
 * Customer-level commands through the real API, worker, Temporal dev server and PostgreSQL:
 * pausing and resuming a whole customer, changing its contact mid-ladder, and its overview.
 */
let harness: WorkerHarness;
let stopWorker: () => Promise<void>;
let api: Awaited<ReturnType<typeof createApiHarness>>;
let collectorName: string;
beforeAll(async () => {
  harness = await createWorkerHarness();
  stopWorker = await harness.startWorker();
  api = await createApiHarness(harness);
  collectorName = (await harness.prisma.apiKey.findUniqueOrThrow({ where: { keyHash: hashApiKey(api.keys.collector) } })).name;
});
afterAll(async () => {
  await stopWorker?.();
  await harness?.close();
});

const state = (invoiceId: string) => harness.client.workflow.getHandle(collectionWorkflowId(invoiceId)).query(caseStateQuery);
const kinds = async (invoiceId: string) => (await harness.prisma.collectionEvent.findMany({ where: { invoiceId }, orderBy: { sequence: 'asc' } })).map((e) => ({ kind: e.kind, actor: e.actor, details: e.details }));

/** One customer (the same external id on every invoice), its invoices created through the API. */
async function customerWithInvoices(currencies: string[]) {
  const first = invoiceBody();
  const invoiceIds: string[] = [];
  for (const currency of currencies) {
    const answer = await api.call('POST', '/v1/invoices', { key: api.keys.system, body: { ...invoiceBody({ customer: first.customer, currency, amountMinor: currency === 'EUR' ? 50_000 : 125_000 }) } });
    expect(answer.status).toBe(201);
    invoiceIds.push(String(answer.body.invoiceId));
  }
  const { customerId } = await harness.prisma.invoice.findUniqueOrThrow({ where: { id: invoiceIds[0]! } });
  return { customerId, invoiceIds, customer: first.customer };
}

describe('pausing a customer', () => {
  it('holds every open case, leaves the closed one and a collector’s own pause alone, starts new cases paused, and resumes only what it paused', async () => {
    const { customerId, invoiceIds, customer } = await customerWithInvoices(['GBP', 'EUR', 'GBP', 'GBP']);
    const [a, b, closed, ownPause] = invoiceIds as [string, string, string, string];
    // One case paid in full (closed), one paused by a collector on its own.
    const paid = await api.call('POST', `/v1/cases/${closed}/payments`, { key: api.keys.system, body: { paymentId: `PAY-${closed.slice(0, 8)}`, amountMinor: 125_000, currency: 'GBP', method: 'card' } });
    expect(paid.body).toMatchObject({ stage: 'paid' });
    await eventually(() => harness.prisma.invoice.findUniqueOrThrow({ where: { id: closed } }), (row) => row.status === 'paid');
    expect((await api.call('POST', `/v1/cases/${ownPause}/pause`, { key: api.keys.collector, body: { reason: 'waiting for a credit note' } })).status).toBe(200);

    const paused = await api.call('POST', `/v1/customers/${customerId}/pause`, { key: api.keys.collector, body: { reason: 'insolvency check' } });
    expect(paused.status).toBe(200);
    expect(paused.body.pause).toMatchObject({ reason: 'insolvency check', pausedBy: collectorName, until: null });
    const outcomes = Object.fromEntries((paused.body.cases as { invoiceId: string; outcome: string }[]).map((entry) => [entry.invoiceId, entry.outcome]));
    expect(outcomes).toEqual({ [a]: 'paused', [b]: 'paused', [ownPause]: 'refused' });
    for (const id of [a, b]) expect(await state(id)).toMatchObject({ stage: 'paused', paused: { reason: 'customer paused: insolvency check', by: collectorName } });
    expect(await state(ownPause)).toMatchObject({ stage: 'paused', paused: { reason: 'waiting for a credit note' } });
    expect(await harness.prisma.invoice.findUniqueOrThrow({ where: { id: closed } })).toMatchObject({ status: 'paid' });
    expect((await kinds(closed)).map((e) => e.kind)).not.toContain('case_paused');

    // Sent again: the same pause, nothing paused twice.
    const again = await api.call('POST', `/v1/customers/${customerId}/pause`, { key: api.keys.collector, body: { reason: 'insolvency check' } });
    expect((again.body.cases as { outcome: string }[]).map((entry) => entry.outcome).sort()).toEqual(['held_already', 'held_already', 'refused']);

    // A new invoice of the paused customer starts paused.
    const created = await api.call('POST', '/v1/invoices', { key: api.keys.system, body: invoiceBody({ customer }) });
    const fresh = String(created.body.invoiceId);
    expect(await state(fresh)).toMatchObject({ stage: 'paused', paused: { reason: 'customer paused: insolvency check', by: collectorName } });

    const overview = await api.call('GET', `/v1/customers/${customerId}`, { key: api.keys.system });
    expect(overview.status).toBe(200);
    expect(overview.body).toMatchObject({
      customer: { id: customerId },
      pause: { reason: 'insolvency check', pausedBy: collectorName },
      openTotals: [
        { currency: 'EUR', balanceMinor: 50_000, cases: 1 },
        { currency: 'GBP', balanceMinor: 375_000, cases: 3 },
      ],
      // The paid invoice's receipt is the latest message the customer got.
      lastContact: { channel: 'email', invoiceId: closed, recipient: 'ap@acme.example' },
    });
    const open = overview.body.openCases as { invoiceId: string; pausedByCustomer: boolean }[];
    expect(Object.fromEntries(open.map((entry) => [entry.invoiceId, entry.pausedByCustomer]))).toEqual({ [a]: true, [b]: true, [ownPause]: false, [fresh]: true });
    const live = await eventually(
      () => api.call('GET', `/v1/customers/${customerId}`, { key: api.keys.collector }),
      (answer) => (answer.body.openCases as { stage: string | null }[]).every((entry) => entry.stage === 'paused'),
    );
    expect((live.body.openCases as { stage: string }[]).map((entry) => entry.stage)).toEqual(['paused', 'paused', 'paused', 'paused']);

    const resumed = await api.call('POST', `/v1/customers/${customerId}/resume`, { key: api.keys.collector, body: {} });
    expect(resumed.status).toBe(200);
    expect(resumed.body.resumed).toMatchObject({ reason: 'insolvency check' });
    expect(Object.fromEntries((resumed.body.cases as { invoiceId: string; outcome: string }[]).map((entry) => [entry.invoiceId, entry.outcome]))).toEqual({ [a]: 'resumed', [b]: 'resumed', [fresh]: 'resumed' });
    for (const id of [a, b, fresh]) expect(await state(id)).toMatchObject({ stage: 'upcoming', paused: null });
    expect(await state(ownPause)).toMatchObject({ stage: 'paused', paused: { reason: 'waiting for a credit note' } });
    const audit = await eventually(() => kinds(a), (events) => events.some((e) => e.kind === 'case_resumed'));
    expect(audit.filter((e) => e.kind === 'case_paused' || e.kind === 'case_resumed')).toEqual([
      { kind: 'case_paused', actor: collectorName, details: { reason: 'customer paused: insolvency check', until: null } },
      { kind: 'case_resumed', actor: collectorName, details: { pausedBy: collectorName, by: collectorName } },
    ]);
    expect((await api.call('GET', `/v1/customers/${customerId}`, { key: api.keys.collector })).body.pause).toBeNull();

    const nothingLeft = await api.call('POST', `/v1/customers/${customerId}/resume`, { key: api.keys.collector, body: {} });
    expect(nothingLeft).toMatchObject({ status: 409, contentType: 'application/problem+json' });
  });
});

describe('changing a customer’s contact', () => {
  it('mid-ladder: the next email goes to the new address, the bounced email is tried again, and the audit log names who changed what', async () => {
    // The email bounces (the local sink bounces .invalid), so the first step falls back to SMS.
    const made = await createOverdueInvoice(harness.prisma, { customer: { email: 'ap@old-address.invalid' } });
    const policy = secondScalePolicy({
      steps: [
        { id: 'first', offset: 'PT1S', actions: [{ type: 'email', template: 'overdue_notice' }] },
        { id: 'second', offset: 'PT8S', actions: [{ type: 'email', template: 'overdue_notice' }] },
      ],
    });
    const handle = await harness.client.workflow.start<typeof collectionWorkflow>(collectionWorkflowType, { workflowId: collectionWorkflowId(made.invoice.id), taskQueue: harness.taskQueue, args: [caseInput(made, policy)] });
    const mine = async (channel: 'email' | 'sms') => (await harness.sent(channel)).filter((entry) => entry.idempotencyKey.startsWith(made.invoice.id));
    await eventually(() => mine('sms'), (sent) => sent.length === 1);
    expect((await handle.query(caseStateQuery)).unreachableContacts).toEqual(['email']);

    const changed = await api.call('PATCH', `/v1/customers/${made.customer.id}/contact`, { key: api.keys.collector, body: { email: 'ap@new-address.example' } });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ customer: { id: made.customer.id, billingEmail: 'ap@new-address.example' }, changed: ['email'], cases: [{ invoiceId: made.invoice.id, outcome: 'told' }] });
    const view = await eventually(() => handle.query(caseStateQuery), (v) => v.unreachableContacts.length === 0);
    expect(view.unreachableContacts).toEqual([]);

    const overview = await eventually(
      () => api.call('GET', `/v1/customers/${made.customer.id}`, { key: api.keys.system }),
      (answer) => answer.body.nextAction !== null,
    );
    expect(overview.body).toMatchObject({ lastContact: { invoiceId: made.invoice.id, channel: 'sms' }, nextAction: { invoiceId: made.invoice.id, description: 'step second: email' } });
    // Caps used, from the customer's correspondence: the one SMS (the bounced email never left).
    expect(overview.body.correspondence).toEqual({ sentLast7Days: 1, sentLast7DaysByChannel: { sms: 1 }, waiting: 0, nextMessageAt: null });

    const emails = await eventually(() => mine('email'), (sent) => sent.length === 1, 20_000);
    expect(emails.map((entry) => entry.customer?.email)).toEqual(['ap@new-address.example']);
    const audit = await eventually(() => kinds(made.invoice.id), (events) => events.some((e) => e.kind === 'contact_changed'));
    expect(audit.find((e) => e.kind === 'contact_changed')).toEqual({ kind: 'contact_changed', actor: collectorName, details: { fields: ['email'] } });
    const after = await eventually(
      () => api.call('GET', `/v1/customers/${made.customer.id}`, { key: api.keys.collector }),
      (answer) => (answer.body.lastContact as { channel?: string } | null)?.channel === 'email',
    );
    expect(after.body.lastContact).toMatchObject({ channel: 'email', recipient: expect.stringContaining('ap@new-address.example') });

    // The same change again records nothing more.
    await api.call('PATCH', `/v1/customers/${made.customer.id}/contact`, { key: api.keys.collector, body: { email: 'ap@new-address.example' } });
    await handle.query(caseStateQuery); // the signal is handled before a later query is answered
    expect((await kinds(made.invoice.id)).filter((e) => e.kind === 'contact_changed')).toHaveLength(1);
    await handle.terminate('test done');
  });
});

describe('customer routes refuse', () => {
  const someCustomer = '00000000-0000-4000-8000-000000000001';

  it.each([
    ['PATCH', `/v1/customers/${someCustomer}/contact`, { email: 'not an email' }, 'email'],
    ['PATCH', `/v1/customers/${someCustomer}/contact`, { postalAddress: { line1: 'x', city: 'y', postalCode: '1', country: 'Germany' } }, 'postalAddress.country'],
    ['PATCH', `/v1/customers/${someCustomer}/contact`, { timezone: 'Mars/Olympus' }, 'timezone'],
    ['PATCH', `/v1/customers/${someCustomer}/contact`, { fax: '+4930123' }, ''],
    ['POST', `/v1/customers/${someCustomer}/pause`, {}, 'reason'],
    ['POST', `/v1/customers/${someCustomer}/pause`, { reason: 'x', until: new Date(Date.now() - 60_000).toISOString() }, 'until'],
    ['POST', '/v1/customers/CUST-7/pause', { reason: 'x' }, 'customerId'],
  ])('%s %s with %j: 400 naming %s', async (method, path, body, field) => {
    const answer = await api.call(method, path, { key: api.keys.collector, body });
    expect(answer).toMatchObject({ status: 400, contentType: 'application/problem+json' });
    if (field) expect(answer.body.errors?.map((e) => e.field)).toContain(field);
    else expect(answer.body.errors?.[0]?.message).toMatch(/fax/);
  });

  it('an empty contact change: 400 saying which fields it takes', async () => {
    const answer = await api.call('PATCH', `/v1/customers/${someCustomer}/contact`, { key: api.keys.collector, body: {} });
    expect(answer.status).toBe(400);
    expect(answer.body.errors?.[0]?.message).toBe('name at least one of email, phone, postalAddress, timezone, locale');
  });

  it('the system role may read a customer but not pause, resume or change it (403); no key is 401', async () => {
    const { customerId } = await customerWithInvoices(['GBP']);
    for (const [method, path, body] of [
      ['POST', `/v1/customers/${customerId}/pause`, { reason: 'x' }],
      ['POST', `/v1/customers/${customerId}/resume`, {}],
      ['PATCH', `/v1/customers/${customerId}/contact`, { email: 'x@y.example' }],
    ] as const) {
      expect((await api.call(method, path, { key: api.keys.system, body })).status).toBe(403);
      expect((await api.call(method, path, { body })).status).toBe(401);
    }
    expect((await api.call('GET', `/v1/customers/${customerId}`, { key: api.keys.system })).status).toBe(200);
    expect(await harness.prisma.customerPause.count({ where: { customerId } })).toBe(0);
    expect((await harness.prisma.customer.findUniqueOrThrow({ where: { id: customerId } })).billingEmail).toBe('ap@acme.example');
  });

  it('an unknown customer: 404 naming customerId', async () => {
    const answer = await api.call('GET', `/v1/customers/${someCustomer}`, { key: api.keys.collector });
    expect(answer).toMatchObject({ status: 404, body: { errors: [{ field: 'customerId', rule: 'exists', message: 'no such customer' }] } });
  });
});
