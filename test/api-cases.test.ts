import { randomUUID } from 'node:crypto';
import { Client } from '@temporalio/client';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../api/app.js';
import { searchAttributes } from '../workflows/search-attributes.js';
import { eventually } from './support/eventually.js';
import { createApiHarness, invoiceBody } from './support/api.js';
import { isoDay, isoInstant } from './support/clock.js';
import { createWorkerHarness, type WorkerHarness } from './support/worker.js';
import { LocalSinkLegalPartner } from '../activities/providers/legal-partner.js';
import { correspondenceStateQuery, correspondenceWorkflowId } from '../workflows/correspondence-definitions.js';

/** The HTTP API end to end: HTTP in, workflow state changed, rows written (real worker, server, database). */
let harness: WorkerHarness;
let api: Awaited<ReturnType<typeof createApiHarness>>;
let stopWorker: () => Promise<void>;
beforeAll(async () => {
  harness = await createWorkerHarness();
  stopWorker = await harness.startWorker();
  api = await createApiHarness(harness);
});
afterAll(async () => {
  await stopWorker?.();
  await harness?.close();
});

describe('POST /v1/invoices', () => {
  it('creates the invoice and its customer, starts the case, and answers the same invoice again with the same case', async () => {
    const body = invoiceBody();
    const created = await api.call('POST', '/v1/invoices', { key: api.keys.system, body });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ created: true, workflowId: `collection-${created.body.invoiceId}` });
    const again = await api.call('POST', '/v1/invoices', { key: api.keys.system, body });
    expect(again).toMatchObject({ status: 200, body: { invoiceId: created.body.invoiceId, created: false } });

    const invoiceId = created.body.invoiceId as string;
    const read = await eventually(() => api.call('GET', `/v1/cases/${invoiceId}`, { key: api.keys.collector }), (r) => (r.body.events as unknown[]).length > 0);
    expect(read.status).toBe(200);
    expect(read.body.invoice).toMatchObject({ number: body.number, amountMinor: 125_000, currency: 'GBP', status: 'open', customer: { name: 'Acme Wholesale Ltd', timezone: 'Europe/London' } });
    expect(read.body.state).toMatchObject({ stage: 'upcoming', balanceMinor: 125_000, policy: { name: 'standard-b2b' } });
    expect((read.body.events as { kind: string }[]).map((e) => e.kind)).toContain('case_opened');
    const described = await harness.client.workflow.getHandle(created.body.workflowId as string).describe();
    expect(await described.staticSummary()).toBe(`Collect invoice ${body.number} from Acme Wholesale Ltd`);
  });

  it('refuses the same external id with other content, naming the fields that differ', async () => {
    const body = invoiceBody();
    await api.call('POST', '/v1/invoices', { key: api.keys.system, body });
    const conflict = await api.call('POST', '/v1/invoices', { key: api.keys.system, body: { ...body, amountMinor: 99_000, dueDate: isoDay(61) } });
    expect(conflict.status).toBe(409);
    expect(conflict.contentType).toBe('application/problem+json');
    expect(conflict.body.errors?.map((e) => e.field)).toEqual(['dueDate', 'amountMinor']);
  });

  it('starts one case when the same invoice arrives many times at once', async () => {
    const body = invoiceBody();
    const answers = await Promise.all(Array.from({ length: 10 }, () => api.call('POST', '/v1/invoices', { key: api.keys.system, body })));
    expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 200)).toHaveLength(9);
    expect(new Set(answers.map((a) => a.body.invoiceId)).size).toBe(1);
    expect(await harness.prisma.invoice.count({ where: { externalId: body.externalId } })).toBe(1);
  });
});

describe('POST /v1/cases/{id}/payments', () => {
  it('lowers the balance through the workflow and writes the payment row', async () => {
    const { body } = await api.call('POST', '/v1/invoices', { key: api.keys.system, body: invoiceBody() });
    const invoiceId = body.invoiceId as string;
    const paid = await api.call('POST', `/v1/cases/${invoiceId}/payments`, { key: api.keys.system, body: { paymentId: `pi_${invoiceId.slice(0, 8)}`, amountMinor: 25_000, currency: 'GBP', method: 'card' } });
    expect(paid.status).toBe(200);
    expect(paid.body).toMatchObject({ balanceMinor: 100_000, paidMinor: 25_000 });
    const row = await eventually(() => harness.prisma.payment.findFirst({ where: { invoiceId } }), (p) => p !== null);
    expect(row).toMatchObject({ amountMinor: 25_000n, currency: 'GBP', actor: expect.stringMatching(/^system-/) });
  });

  it('answers 422 naming the field when the case refuses, and changes nothing', async () => {
    const { body } = await api.call('POST', '/v1/invoices', { key: api.keys.system, body: invoiceBody() });
    const invoiceId = body.invoiceId as string;
    const refused = await api.call('POST', `/v1/cases/${invoiceId}/payments`, { key: api.keys.system, body: { paymentId: 'pi_eur', amountMinor: 1_000, currency: 'EUR', method: 'card' } });
    expect(refused.status).toBe(422);
    expect(refused.contentType).toBe('application/problem+json');
    expect(refused.body.errors).toEqual([{ field: 'currency', rule: 'refused', message: 'the invoice is in GBP, the payment in EUR' }]);
    expect(await harness.prisma.payment.count({ where: { invoiceId } })).toBe(0);
  });

  it('lowers the balance once when the same payment is posted 20 times at once', async () => {
    const { body } = await api.call('POST', '/v1/invoices', { key: api.keys.system, body: invoiceBody() });
    const invoiceId = body.invoiceId as string;
    const payment = { paymentId: `pi_dup_${invoiceId.slice(0, 8)}`, amountMinor: 10_000, currency: 'GBP', method: 'card' };
    const answers = await Promise.all(Array.from({ length: 20 }, () => api.call('POST', `/v1/cases/${invoiceId}/payments`, { key: api.keys.system, body: payment })));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    const read = await api.call('GET', `/v1/cases/${invoiceId}`, { key: api.keys.admin });
    expect(read.body.state).toMatchObject({ balanceMinor: 115_000, paymentIds: [payment.paymentId] });
    expect(await eventually(() => harness.prisma.payment.count({ where: { invoiceId } }), (n) => n === 1)).toBe(1);
  });

  it('answers 404 for an unknown case', async () => {
    const missing = await api.call('POST', '/v1/cases/00000000-0000-4000-8000-000000000000/payments', { key: api.keys.system, body: { paymentId: 'x', amountMinor: 1, currency: 'GBP', method: 'card' } });
    expect(missing).toMatchObject({ status: 404, contentType: 'application/problem+json' });
  });
});

describe('auth', () => {
  it.each([
    ['POST', '/v1/invoices'],
    ['GET', '/v1/cases/00000000-0000-4000-8000-000000000000'],
    ['POST', '/v1/cases/00000000-0000-4000-8000-000000000000/payments'],
  ])('%s %s needs a valid key (401 problem+json)', async (method, path) => {
    const none = await api.call(method, path, { body: method === 'POST' ? {} : undefined });
    expect(none).toMatchObject({ status: 401, contentType: 'application/problem+json' });
    const forged = await api.call(method, path, { key: 'co_forged', body: method === 'POST' ? {} : undefined });
    expect(forged.status).toBe(401);
  });

  it('refuses a collector creating invoices or recording payments (403), and lets admin do both', async () => {
    expect((await api.call('POST', '/v1/invoices', { key: api.keys.collector, body: invoiceBody() })).status).toBe(403);
    expect((await api.call('POST', '/v1/cases/00000000-0000-4000-8000-000000000000/payments', { key: api.keys.collector, body: {} })).status).toBe(403);
    expect((await api.call('POST', '/v1/invoices', { key: api.keys.admin, body: invoiceBody() })).status).toBe(201);
  });

  it('refuses a revoked key', async () => {
    const row = await harness.prisma.apiKey.findFirstOrThrow({ where: { role: 'collector', revokedAt: null }, orderBy: { createdAt: 'desc' } });
    await harness.prisma.apiKey.update({ where: { id: row.id }, data: { revokedAt: new Date() } });
    expect((await api.call('GET', '/v1/cases/00000000-0000-4000-8000-000000000000', { key: api.keys.collector })).status).toBe(401);
    await harness.prisma.apiKey.update({ where: { id: row.id }, data: { revokedAt: null } });
  });
});

describe('bad input', () => {
  const cases: [string, (body: ReturnType<typeof invoiceBody>) => unknown, string][] = [
    ['fractional money', (b) => ({ ...b, amountMinor: 12.5 }), 'amountMinor'],
    ['negative money', (b) => ({ ...b, amountMinor: -100 }), 'amountMinor'],
    ['money as a string', (b) => ({ ...b, amountMinor: '125000' }), 'amountMinor'],
    ['unknown currency', (b) => ({ ...b, currency: 'XXQ' }), 'currency'],
    ['lower-case currency', (b) => ({ ...b, currency: 'gbp' }), 'currency'],
    ['impossible date', (b) => ({ ...b, dueDate: '2026-02-30' }), 'dueDate'],
    ['due before issue', (b) => ({ ...b, dueDate: isoDay(-31, Date.parse(b.issueDate as string)) }), 'dueDate'],
    ['missing customer', ({ customer: _c, ...b }) => b, 'customer'],
    ['a due date a century away', (b) => ({ ...b, dueDate: isoDay(36_525) }), 'dueDate'],
    ['an issue date eleven years ago', (b) => ({ ...b, issueDate: isoDay(-11 * 366) }), 'issueDate'],
    ['bad timezone', (b) => ({ ...b, customer: { ...b.customer, timezone: 'Mars/Olympus' } }), 'customer.timezone'],
    ['bad email', (b) => ({ ...b, customer: { ...b.customer, email: 'not-an-email' } }), 'customer.email'],
    ['bad phone', (b) => ({ ...b, customer: { ...b.customer, phone: '0800 CALL ME' } }), 'customer.phone'],
    ['unknown field', (b) => ({ ...b, discount: 10 }), ''],
    ['script in a name', (b) => ({ ...b, number: '<script>alert(1)</script>'.repeat(5) }), 'number'],
    ['SQL in an external id', (b) => ({ ...b, externalId: "x'; DROP TABLE invoices; --" }), 'externalId'],
    ['control characters', (b) => ({ ...b, customer: { ...b.customer, name: 'Acme\u0000Ltd' } }), 'customer.name'],
  ];

  it.each(cases)('answers 400 naming the field for %s, and writes nothing', async (_, mutate, field) => {
    const body = invoiceBody();
    const answer = await api.call('POST', '/v1/invoices', { key: api.keys.system, body: mutate(body) });
    expect(answer.status).toBe(400);
    expect(answer.contentType).toBe('application/problem+json');
    expect(answer.body.errors?.some((e) => e.field === field || (field === '' && e.rule === 'unrecognized_keys'))).toBe(true);
    expect(await harness.prisma.invoice.count({ where: { externalId: body.externalId } })).toBe(0);
  });

  it('answers invalid JSON with 400, not 500', async () => {
    const answer = await api.call('POST', '/v1/invoices', { key: api.keys.system, raw: '{"source": ' });
    expect(answer).toMatchObject({ status: 400, contentType: 'application/problem+json' });
  });

  it('answers a huge body with 413', async () => {
    const answer = await api.call('POST', '/v1/invoices', { key: api.keys.system, raw: JSON.stringify({ ...invoiceBody(), number: 'x'.repeat(2 * 1024 * 1024) }) });
    expect(answer).toMatchObject({ status: 413, contentType: 'application/problem+json' });
  });

  it('answers a malformed case id with 400', async () => {
    const answer = await api.call('GET', '/v1/cases/not-a-uuid', { key: api.keys.admin });
    expect(answer.status).toBe(400);
    expect(answer.body.errors?.[0]?.field).toBe('invoiceId');
  });
});

describe('contract', () => {
  it('serves an OpenAPI 3.1 document generated from the same schemas, and a docs page', async () => {
    const doc = await api.app.request('/openapi.json');
    const spec = (await doc.json()) as { openapi: string; paths: Record<string, unknown>; components: { schemas: Record<string, unknown> } };
    expect(spec.openapi).toBe('3.1.0');
    expect(Object.keys(spec.paths)).toEqual(expect.arrayContaining(['/v1/invoices', '/v1/cases/{invoiceId}', '/v1/cases/{invoiceId}/payments']));
    expect(Object.keys(spec.components.schemas)).toEqual(expect.arrayContaining(['CreateInvoice', 'Customer', 'RecordPayment']));
    const docs = await api.app.request('/docs');
    expect(await docs.text()).toContain("url: '/openapi.json'");
    const script = await api.app.request('/docs/swagger-ui-bundle.js');
    expect(script.status).toBe(200);
    expect((await script.text()).length).toBeGreaterThan(100_000); // served from our package, no CDN
    expect((await api.app.request('/docs/swagger-ui.css')).headers.get('content-type')).toContain('text/css');
  });
});

describe('collector commands', () => {
  const start = async () => (await api.call('POST', '/v1/invoices', { key: api.keys.system, body: invoiceBody() })).body.invoiceId as string;
  const post = (invoiceId: string, path: string, body: unknown, key = api.keys.collector) => api.call('POST', `/v1/cases/${invoiceId}/${path}`, { key, body });

  it('opens and resolves a dispute with a credit, recording who did it', async () => {
    const id = await start();
    expect((await post(id, 'disputes', { reason: 'Two pallets damaged' })).body).toMatchObject({ stage: 'disputed', disputed: { reason: 'Two pallets damaged', openedBy: expect.stringMatching(/^collector-/) } });
    const again = await post(id, 'disputes', { reason: 'again' });
    expect(again).toMatchObject({ status: 422, body: { errors: [{ field: 'invoice', rule: 'refused' }] } });
    expect((await post(id, 'disputes/resolve', { resolution: 'credit' })).body.errors?.[0]?.field).toBe('creditMinor'); // 400 from the schema
    const resolved = await post(id, 'disputes/resolve', { resolution: 'credit', creditMinor: 25_000, note: 'credit note CN-7' });
    expect(resolved).toMatchObject({ status: 200, body: { stage: 'upcoming', balanceMinor: 100_000, creditedMinor: 25_000, disputed: null } });
    const events = await eventually(() => harness.prisma.collectionEvent.findMany({ where: { invoiceId: id, category: 'signal' } }), (rows) => rows.length === 2);
    expect(events.map((e) => [e.kind, e.actor.split('-')[0]])).toEqual([
      ['dispute_opened', 'collector'],
      ['dispute_resolved', 'collector'],
    ]);
  });

  it('agrees a payment plan, refusing one that does not sum to the balance', async () => {
    const id = await start();
    const short = await post(id, 'payment-plan', { installments: [{ dueDate: isoDay(45), amountMinor: 50_000 }] });
    expect(short).toMatchObject({ status: 422, body: { errors: [{ field: 'installments', message: 'the installments sum to 50000, the balance is 125000' }] } });
    const plan = await post(id, 'payment-plan', { installments: [{ dueDate: isoDay(45), amountMinor: 62_500 }, { dueDate: isoDay(76), amountMinor: 62_500 }] });
    expect(plan).toMatchObject({ status: 200, body: { stage: 'payment_plan', paymentPlan: { installments: [{ sequence: 1 }, { sequence: 2 }] } } });
    const handle = harness.client.workflow.getHandle(`collection-${id}`);
    const described = await eventually(() => handle.describe(), (d) => d.typedSearchAttributes.get(searchAttributes.inPaymentPlan) === true);
    expect(described.typedSearchAttributes.get(searchAttributes.stage)).toBe('payment_plan');
  });

  it('pauses until a time and resumes by hand', async () => {
    const id = await start();
    const until = new Date(Date.now() + 86_400_000).toISOString();
    expect((await post(id, 'pause', { reason: 'customer on holiday', until })).body).toMatchObject({ stage: 'paused', paused: { until } });
    expect((await post(id, 'resume', {})).body).toMatchObject({ stage: 'upcoming', paused: null });
    expect((await post(id, 'resume', {})).status).toBe(422);
  });

  it('records a promise to pay from a call', async () => {
    const id = await start();
    const promiseDate = isoDay(40);
    const promise = await post(id, 'call-outcomes', { outcome: 'promise_to_pay', promiseDate, promisedAmountMinor: 125_000, note: 'CFO promised' });
    expect(promise).toMatchObject({ status: 200, body: { stage: 'promise_to_pay', promiseToPay: { date: promiseDate, amountMinor: 125_000 } } });
    expect((await post(id, 'call-outcomes', { outcome: 'promise_to_pay' })).status).toBe(400);
  });

  it('keeps collector commands from system keys (403) but lets admin send them', async () => {
    const id = await start();
    expect((await post(id, 'pause', { reason: 'x' }, api.keys.system)).status).toBe(403);
    expect((await post(id, 'pause', { reason: 'x' }, api.keys.admin)).status).toBe(200);
  });
});

describe('Idempotency-Key', () => {
  it('returns the stored answer for the same key and body, runs nothing twice, and refuses the key with another body', async () => {
    const body = invoiceBody();
    const headers = { 'idempotency-key': `create-${body.externalId}` };
    const first = await api.call('POST', '/v1/invoices', { key: api.keys.system, body, headers });
    const second = await api.call('POST', '/v1/invoices', { key: api.keys.system, body, headers });
    expect(first.status).toBe(201);
    expect(second).toMatchObject({ status: 201, body: first.body }); // the stored 201, not a fresh 200
    const invoiceId = first.body.invoiceId as string;

    const payment = { paymentId: `pi_idem_${invoiceId.slice(0, 8)}`, amountMinor: 5_000, currency: 'GBP', method: 'card' };
    const payHeaders = { 'idempotency-key': `pay-${invoiceId}` };
    const paid = await api.call('POST', `/v1/cases/${invoiceId}/payments`, { key: api.keys.system, body: payment, headers: payHeaders });
    const replayed = await api.call('POST', `/v1/cases/${invoiceId}/payments`, { key: api.keys.system, body: payment, headers: payHeaders });
    expect(replayed).toEqual(paid);

    const reused = await api.call('POST', `/v1/cases/${invoiceId}/payments`, { key: api.keys.system, body: { ...payment, amountMinor: 6_000 }, headers: payHeaders });
    expect(reused).toMatchObject({ status: 422, contentType: 'application/problem+json', body: { errors: [{ field: 'Idempotency-Key', rule: 'reused' }] } });
    expect(await harness.prisma.idempotencyRecord.count({ where: { key: { in: [headers['idempotency-key'], payHeaders['idempotency-key']] } } })).toBe(2);
  });

  it('refuses a malformed key', async () => {
    const answer = await api.call('POST', '/v1/invoices', { key: api.keys.system, body: invoiceBody(), headers: { 'idempotency-key': 'x'.repeat(300) } });
    expect(answer).toMatchObject({ status: 400, body: { errors: [{ field: 'Idempotency-Key' }] } });
  });

  it('keeps keys apart per API key', async () => {
    const body = invoiceBody();
    const headers = { 'idempotency-key': `shared-${body.externalId}` };
    expect((await api.call('POST', '/v1/invoices', { key: api.keys.system, body, headers })).status).toBe(201);
    expect((await api.call('POST', '/v1/invoices', { key: api.keys.admin, body: { ...body, amountMinor: 1 }, headers })).status).toBe(409); // ran (conflict), not "key reused"
  });
});

describe('GET /v1/cases', () => {
  it('filters by customer, stage, holds and amount, and pages with a token', async () => {
    const customer = { ...invoiceBody().customer, externalId: `CUST-list-${Date.now()}` };
    const ids: string[] = [];
    for (const amountMinor of [10_000, 20_000, 30_000]) {
      const { body } = await api.call('POST', '/v1/invoices', { key: api.keys.system, body: invoiceBody({ customer, amountMinor }) });
      ids.push(body.invoiceId as string);
    }
    await api.call('POST', `/v1/cases/${ids[2]}/disputes`, { key: api.keys.collector, body: { reason: 'wrong goods' } });
    const customerId = (await harness.prisma.customer.findFirstOrThrow({ where: { externalId: customer.externalId } })).id;

    const list = (query: string) => api.call('GET', `/v1/cases?customerId=${customerId}&${query}`, { key: api.keys.collector });
    const all = await eventually(() => list('pageSize=10'), (r) => {
      // Visibility catches up per workflow: wait until every case shows its balance and the dispute.
      const cases = r.body.cases as { disputed: boolean; amountDueMinor?: number }[];
      return cases.length === 3 && cases.every((x) => x.amountDueMinor !== undefined) && cases.some((x) => x.disputed);
    });
    expect((all.body.cases as { amountDueMinor: number }[]).map((x) => x.amountDueMinor).sort()).toEqual([10_000, 20_000, 30_000]);
    expect((all.body.cases as { status: string }[]).map((x) => x.status)).toEqual(['running', 'running', 'running']); // the run's status by name, not Temporal's number

    const disputed = await list('disputed=true');
    expect((disputed.body.cases as { invoiceId: string; stage: string }[]).map((x) => [x.invoiceId, x.stage])).toEqual([[ids[2], 'disputed']]);
    const mid = await list('amountMinMinor=15000&amountMaxMinor=25000');
    expect((mid.body.cases as { invoiceId: string }[]).map((x) => x.invoiceId)).toEqual([ids[1]]);
    const upcoming = await list(`stage=upcoming&dueFrom=${isoDay(1)}&dueTo=${isoDay(60)}`);
    expect((upcoming.body.cases as unknown[]).length).toBe(2);

    const first = await list('pageSize=2');
    expect((first.body.cases as unknown[]).length).toBe(2);
    expect(first.body.nextPageToken).toEqual(expect.any(String));
    const second = await list(`pageSize=2&pageToken=${first.body.nextPageToken as string}`);
    expect((second.body.cases as unknown[]).length).toBe(1);
  });

  it.each([
    ['stage=lost', 'stage'],
    ['amountMinMinor=-5', 'amountMinMinor'],
    ['pageSize=1000', 'pageSize'],
    ["customerId=x' OR 1=1", 'customerId'],
    ['dueFrom=yesterday', 'dueFrom'],
    ['disputed=maybe', 'disputed'],
  ])('refuses the filter %s naming %s', async (query, field) => {
    const answer = await api.call('GET', `/v1/cases?${query}`, { key: api.keys.collector });
    expect(answer.status).toBe(400);
    expect(answer.body.errors?.[0]?.field).toBe(field);
  });
});

describe('fees, cancellation and write-off', () => {
  it('refuses to waive fees that were never charged', async () => {
    const { body } = await api.call('POST', '/v1/invoices', { key: api.keys.system, body: invoiceBody() });
    const invoiceId = body.invoiceId as string;
    const refused = await api.call('POST', `/v1/cases/${invoiceId}/fees/waive`, { key: api.keys.collector, body: { reason: 'goodwill' } });
    expect(refused).toMatchObject({ status: 422, body: { errors: [{ field: 'invoice', message: 'no fees have been charged' }] } });
  });

  it('lets only admin cancel or write off, and ends the case', async () => {
    const { body } = await api.call('POST', '/v1/invoices', { key: api.keys.system, body: invoiceBody() });
    const invoiceId = body.invoiceId as string;
    expect((await api.call('POST', `/v1/cases/${invoiceId}/write-off`, { key: api.keys.collector, body: { reason: 'insolvent' } })).status).toBe(403);
    const written = await api.call('POST', `/v1/cases/${invoiceId}/write-off`, { key: api.keys.admin, body: { reason: 'customer insolvent' } });
    expect(written).toMatchObject({ status: 200, body: { stage: 'written_off', closed: { reason: 'written_off' } } });
    const invoice = await eventually(() => harness.prisma.invoice.findUniqueOrThrow({ where: { id: invoiceId } }), (row) => row.status === 'written_off');
    expect(invoice.status).toBe('written_off');
    await harness.client.workflow.getHandle(`collection-${invoiceId}`).result();
    expect((await api.call('POST', `/v1/cases/${invoiceId}/cancel`, { key: api.keys.admin, body: { reason: 'x' } })).status).toBe(409); // the case has ended
  });
});

describe('POST /v1/invoices/bulk', () => {
  it('imports a backlog with a result per row; bad rows lose nothing else; old invoices start at the right stage, one past legal with the final notice first', async () => {
    const good = Array.from({ length: 150 }, (_, i) => invoiceBody({ amountMinor: 1_000 + i }));
    const old = invoiceBody({ issueDate: isoDay(-174), dueDate: isoDay(-144) }); // past legal_90, never sent a final notice
    const overdue = invoiceBody({ issueDate: isoDay(-82), dueDate: isoDay(-52) }); // the call step (day 45) is the latest due, the final notice (day 60) is not
    const rows = [...good, { ...invoiceBody(), amountMinor: -5 }, { nonsense: true }, old, overdue, good[0]];
    const answer = await api.call('POST', '/v1/invoices/bulk', { key: api.keys.system, body: { invoices: rows } });
    expect(answer.status).toBe(200);
    expect(answer.body.summary).toEqual({ created: 152, invalid: 2, existing: 1 });
    const results = answer.body.results as { index: number; status: string; errors?: { field: string }[]; invoiceId?: string }[];
    expect(results[150]).toMatchObject({ status: 'invalid', errors: [{ field: 'amountMinor' }] });
    expect(results[151]?.status).toBe('invalid');
    expect(results[154]).toMatchObject({ status: 'existing', invoiceId: results[0]?.invoiceId });

    // The call step is the latest due: the earlier ones are recorded as skipped, not sent at once.
    // (The call itself leaves only inside the customer's call window, so it may still be waiting.)
    const callCaseId = results[153]!.invoiceId!;
    const opened = await eventually(() => harness.prisma.collectionEvent.findFirst({ where: { invoiceId: callCaseId, kind: 'case_opened' } }), (e) => e !== null, 45_000); // 150 cases start at once on two cores
    expect((opened?.details as { skippedSteps?: string[] }).skippedSteps).toEqual(['courtesy_reminder', 'overdue_notice', 'reminder_15', 'letter_30', 'late_fee_31']);
    const view = (await harness.client.workflow.getHandle(`collection-${callCaseId}`).query('caseState')) as { recentActions: { stepId: string }[]; nextStep: string };
    expect(view.recentActions.filter((a) => a.stepId !== 'call_45')).toEqual([]);
    expect(view.nextStep).toBe(view.recentActions.length ? 'final_notice_60' : 'call_45');
    // Past legal_90, but no final notice ever went out: the case asks its customer's correspondence
    // for it first (a letter, merged with the customer's other letters within the consolidation
    // window), and the hand-off waits the default policy's 10 days after it leaves (not waited for here).
    const legalCaseId = results[152]!.invoiceId!;
    const legalCustomerId = (await harness.prisma.invoice.findUniqueOrThrow({ where: { id: legalCaseId } })).customerId;
    const correspondence = harness.client.workflow.getHandle(correspondenceWorkflowId(legalCustomerId));
    const waiting = await eventually(() => correspondence.query(correspondenceStateQuery).catch(() => undefined), (v) => v?.waiting.length === 1, 45_000);
    expect(waiting?.waiting).toEqual([expect.objectContaining({ channel: 'letter', invoiceNumber: old.number })]);
    const legal = (await harness.client.workflow.getHandle(`collection-${legalCaseId}`).query('caseState')) as { stage: string; nextStep: string; recentActions: unknown[] };
    expect(legal).toMatchObject({ stage: 'overdue', nextStep: 'legal_90', recentActions: [] });
    expect(await harness.sent('legal')).not.toContainEqual(expect.objectContaining({ idempotencyKey: expect.stringContaining(legalCaseId) }));
  }, 90_000);

  it('answers a row that fails on our side with what to do and the request id, never the internal error; the log has the cause under that id', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
    // A Temporal client for a namespace that does not exist: every workflow start fails inside the import.
    const missingNamespace = `missing-${randomUUID()}`;
    const broken = new Client({ connection: harness.client.connection, namespace: missingNamespace });
    const app = createApp({ logger, readinessChecks: {}, cases: { prisma: harness.prisma, temporal: broken, taskQueue: harness.taskQueue, legalPartner: new LocalSinkLegalPartner(harness.sinkDir) } });
    const response = await app.request('/v1/invoices/bulk', {
      method: 'POST',
      headers: { authorization: `Bearer ${api.keys.system}`, 'content-type': 'application/json' },
      body: JSON.stringify({ invoices: [invoiceBody()] }),
    });
    const requestId = response.headers.get('x-request-id')!;
    const body = (await response.json()) as { summary: unknown; results: { message: string }[] };
    expect(response.status).toBe(200);
    expect(body).toEqual({ summary: { failed: 1 }, results: [{ index: 0, status: 'failed', message: expect.stringContaining(`request ${requestId}`) }] });
    expect(body.results[0]!.message).not.toContain(missingNamespace);
    const logged = lines.map((line) => JSON.parse(line) as { msg: string; err?: { message: string } }).find((entry) => entry.msg === 'bulk import row failed');
    expect(logged).toMatchObject({ requestId, row: 0, err: { message: expect.stringContaining(missingNamespace) } });
  });

  it('refuses a body that is not a list of invoices', async () => {
    const answer = await api.call('POST', '/v1/invoices/bulk', { key: api.keys.system, body: { invoices: [] } });
    expect(answer).toMatchObject({ status: 400, body: { errors: [{ field: 'invoices' }] } });
  });
});

describe('hostile and malformed commands', () => {
  let invoiceId: string;
  beforeAll(async () => {
    invoiceId = (await api.call('POST', '/v1/invoices', { key: api.keys.system, body: invoiceBody() })).body.invoiceId as string;
  });

  const table: [string, string, unknown, number, string][] = [
    ['payment of zero', 'payments', { paymentId: 'p0', amountMinor: 0, currency: 'GBP', method: 'card' }, 400, 'amountMinor'],
    ['payment beyond safe integers', 'payments', { paymentId: 'p1', amountMinor: 1e20, currency: 'GBP', method: 'card' }, 400, 'amountMinor'],
    ['payment in a made-up currency', 'payments', { paymentId: 'p2', amountMinor: 100, currency: 'EURO', method: 'card' }, 400, 'currency'],
    ['payment received "yesterday"', 'payments', { paymentId: 'p3', amountMinor: 100, currency: 'GBP', method: 'card', receivedAt: 'yesterday' }, 400, 'receivedAt'],
    ['payment received next millennium', 'payments', { paymentId: 'p5', amountMinor: 100, currency: 'GBP', method: 'card', receivedAt: isoInstant(365_250) }, 400, 'receivedAt'],
    ['payment received an hour from now', 'payments', { paymentId: 'p6', amountMinor: 100, currency: 'GBP', method: 'card', receivedAt: isoInstant(1 / 24) }, 400, 'receivedAt'],
    ['promise to pay in fifty years', 'call-outcomes', { outcome: 'promise_to_pay', promiseDate: isoDay(50 * 366) }, 400, 'promiseDate'],
    ['pause until next century', 'pause', { reason: 'x', until: isoInstant(36_525) }, 400, 'until'],
    ['payment id with markup', 'payments', { paymentId: '<img src=x onerror=alert(1)>', amountMinor: 100, currency: 'GBP', method: 'card' }, 400, 'paymentId'],
    ['payment with an extra field', 'payments', { paymentId: 'p4', amountMinor: 100, currency: 'GBP', method: 'card', invoiceId: 'other' }, 400, ''],
    ['dispute without a reason', 'disputes', { reason: '   ' }, 400, 'reason'],
    ['dispute reason of 3000 characters', 'disputes', { reason: 'x'.repeat(3000) }, 400, 'reason'],
    ['resolution that does not exist', 'disputes/resolve', { resolution: 'forgive' }, 400, 'resolution'],
    ['negative credit', 'disputes/resolve', { resolution: 'credit', creditMinor: -10 }, 400, 'creditMinor'],
    ['plan with no installments', 'payment-plan', { installments: [] }, 400, 'installments'],
    ['plan with 200 installments', 'payment-plan', { installments: Array.from({ length: 200 }, (_, i) => ({ dueDate: isoDay(30 + i), amountMinor: 1 })) }, 400, 'installments'],
    ['plan in the past', 'payment-plan', { installments: [{ dueDate: isoDay(-400), amountMinor: 125_000 }] }, 422, 'installments.0.dueDate'],
    ['pause until "soon"', 'pause', { reason: 'x', until: 'soon' }, 400, 'until'],
    ['pause until the past', 'pause', { reason: 'x', until: isoInstant(-400) }, 422, 'until'],
    ['call outcome that does not exist', 'call-outcomes', { outcome: 'voicemail' }, 400, 'outcome'],
    ['promise without a date', 'call-outcomes', { outcome: 'promise_to_pay' }, 400, 'promiseDate'],
    ['negative waiver', 'fees/waive', { reason: 'x', amountMinor: -1 }, 400, 'amountMinor'],
    ['an array instead of an object', 'disputes', [{ reason: 'x' }], 400, ''],
    ['null', 'pause', null, 400, ''],
  ];

  it.each(table)('refuses %s (%s) with %i naming the field, changing nothing', async (_, path, body, status, field) => {
    const answer = await api.call('POST', `/v1/cases/${invoiceId}/${path}`, { key: api.keys.admin, body });
    expect(answer.status).toBe(status);
    expect(answer.contentType).toBe('application/problem+json');
    if (field) expect(answer.body.errors?.map((e) => e.field)).toContain(field);
    const state = await harness.client.workflow.getHandle(`collection-${invoiceId}`).query('caseState');
    expect(state).toMatchObject({ balanceMinor: 125_000, paymentIds: [], disputed: null, paused: null, paymentPlan: null, promiseToPay: null });
    expect(await harness.prisma.payment.count({ where: { invoiceId } })).toBe(0);
  });
});

describe('request ids', () => {
  it('carries the X-Request-Id of each call into the workflow and the activities it schedules', async () => {
    const created = await api.call('POST', '/v1/invoices', { key: api.keys.system, body: invoiceBody(), headers: { 'x-request-id': 'req-create-0001' } });
    const invoiceId = created.body.invoiceId as string;
    await eventually(() => harness.prisma.collectionEvent.count({ where: { invoiceId } }), (n) => n > 0); // the case has opened
    await api.call('POST', `/v1/cases/${invoiceId}/payments`, { key: api.keys.system, body: { paymentId: `pi_req_${invoiceId.slice(0, 8)}`, amountMinor: 100, currency: 'GBP', method: 'card' }, headers: { 'x-request-id': 'req-pay-0002' } });
    const handle = harness.client.workflow.getHandle(`collection-${invoiceId}`);
    const header = (fields: Record<string, { data?: Uint8Array | null }> | null | undefined) => {
      const data = fields?.['request-id']?.data;
      return data ? (JSON.parse(Buffer.from(data).toString()) as string) : undefined;
    };
    const events = await eventually(
      async () => (await handle.fetchHistory()).events ?? [],
      (list) => list.filter((e) => e.activityTaskScheduledEventAttributes).some((e) => header(e.activityTaskScheduledEventAttributes?.header?.fields) === 'req-pay-0002'),
    );
    expect(header(events[0]?.workflowExecutionStartedEventAttributes?.header?.fields)).toBe('req-create-0001');
    const scheduled = events.filter((e) => e.activityTaskScheduledEventAttributes).map((e) => header(e.activityTaskScheduledEventAttributes?.header?.fields));
    // The case_opened batch is a local activity (no scheduled event to read a header from); the payment's batch, a command's, is scheduled.
    expect(scheduled).toContain('req-pay-0002');
  });
});
