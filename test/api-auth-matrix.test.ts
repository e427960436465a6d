import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../api/auth/api-keys.js';
import { createApiHarness, invoiceBody } from './support/api.js';
import { createWorkerHarness, type WorkerHarness } from './support/worker.js';
import { isoDay } from './support/clock.js';

/**
 * Every /v1 route times every role and no key. An allowed caller gets the route's own answer, the
 * same for every allowed role: 201 or 200 where it runs, 400 naming the field for a body it refuses,
 * 404 for an unknown case (so auth, validation and the lookup all ran). Never a 5xx.
 */
let harness: WorkerHarness;
let api: Awaited<ReturnType<typeof createApiHarness>>;
beforeAll(async () => {
  harness = await createWorkerHarness();
  api = await createApiHarness(harness);
});
afterAll(() => harness?.close());

const unknownCase = '00000000-0000-4000-8000-000000000000';

/** What an allowed caller gets: the status, and what the body must hold. */
interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}
const runs = (status: 200 | 201, body: Record<string, unknown>): Answer => ({ status, body });
const refused = (field: string): Answer => ({ status: 400, body: { status: 400, errors: expect.arrayContaining([expect.objectContaining({ field })]) } });
const noSuchCase: Answer = { status: 404, body: { status: 404, detail: `No invoice ${unknownCase}.` } };
const noSuchCustomer: Answer = { status: 404, body: { status: 404, detail: `No customer ${unknownCase}.` } };

/** `body` is a function where each call needs a fresh one (a new invoice per allowed caller). */
const routes: [method: string, path: string, allowed: Role[], answer: Answer, body?: unknown][] = [
  ['POST', '/v1/invoices', ['system', 'admin'], runs(201, { created: true, invoiceId: expect.any(String) }), () => invoiceBody()],
  ['POST', '/v1/invoices', ['system', 'admin'], refused('source'), { not: 'valid' }],
  ['POST', '/v1/invoices/bulk', ['system', 'admin'], refused('invoices'), { invoices: [] }],
  ['GET', '/v1/cases', ['system', 'collector', 'admin'], runs(200, { cases: expect.any(Array) })],
  ['GET', `/v1/cases/${unknownCase}`, ['system', 'collector', 'admin'], noSuchCase],
  ['POST', `/v1/cases/${unknownCase}/payments`, ['system', 'admin'], noSuchCase, { paymentId: 'p', amountMinor: 1, currency: 'EUR', method: 'card' }],
  ['POST', `/v1/cases/${unknownCase}/disputes`, ['collector', 'admin'], noSuchCase, { reason: 'x' }],
  ['POST', `/v1/cases/${unknownCase}/disputes/resolve`, ['collector', 'admin'], noSuchCase, { resolution: 'resume' }],
  ['POST', `/v1/cases/${unknownCase}/payment-plan`, ['collector', 'admin'], noSuchCase, { installments: [{ dueDate: isoDay(30), amountMinor: 1 }] }],
  ['POST', `/v1/cases/${unknownCase}/pause`, ['collector', 'admin'], noSuchCase, { reason: 'x' }],
  ['POST', `/v1/cases/${unknownCase}/resume`, ['collector', 'admin'], noSuchCase, {}],
  ['POST', `/v1/cases/${unknownCase}/call-outcomes`, ['collector', 'admin'], noSuchCase, { outcome: 'reached' }],
  ['POST', `/v1/cases/${unknownCase}/fees/waive`, ['collector', 'admin'], noSuchCase, { reason: 'x' }],
  ['POST', `/v1/cases/${unknownCase}/cancel`, ['admin'], noSuchCase, { reason: 'x' }],
  ['POST', `/v1/cases/${unknownCase}/write-off`, ['admin'], noSuchCase, { reason: 'x' }],
  ['GET', `/v1/customers/${unknownCase}`, ['system', 'collector', 'admin'], noSuchCustomer],
  ['POST', `/v1/customers/${unknownCase}/pause`, ['collector', 'admin'], noSuchCustomer, { reason: 'x' }],
  ['POST', `/v1/customers/${unknownCase}/resume`, ['collector', 'admin'], noSuchCustomer, {}],
  ['PATCH', `/v1/customers/${unknownCase}/contact`, ['collector', 'admin'], noSuchCustomer, { email: 'ap@example.com' }],
  ['PATCH', `/v1/customers/${unknownCase}/contact`, ['collector', 'admin'], refused('email'), { email: 'nope' }],
  ['POST', '/v1/policies', ['admin'], refused('policy.name'), { policy: {} }],
  ['GET', '/v1/policies', ['system', 'collector', 'admin'], runs(200, { policies: expect.any(Array) })],
];

describe('auth matrix', () => {
  const matrix = routes.flatMap(([method, path, allowed, answer, body]) =>
    (['none', 'system', 'collector', 'admin'] as const).map((who) => {
      const { status, body: expected } = who === 'none' ? { status: 401, body: { status: 401 } } : allowed.includes(who) ? answer : { status: 403, body: { status: 403 } };
      return [method, path, who, status, expected, body] as const;
    }),
  );

  it.each(matrix)('%s %s as %s: %i', async (method, path, who, status, expectedBody, body) => {
    const sent = typeof body === 'function' ? (body as () => unknown)() : body;
    const answer = await api.call(method, path, { ...(who === 'none' ? {} : { key: api.keys[who] }), ...(sent !== undefined ? { body: sent } : {}) });
    expect(answer.status).toBe(status);
    expect(answer.contentType).toBe(status < 300 ? 'application/json' : 'application/problem+json');
    expect(answer.body).toMatchObject(expectedBody);
  });

  it('writes nothing for refused callers', async () => {
    const body = invoiceBody();
    await api.call('POST', '/v1/invoices', { key: api.keys.collector, body });
    await api.call('POST', '/v1/invoices', { body });
    expect(await harness.prisma.invoice.count({ where: { externalId: body.externalId } })).toBe(0);
  });
});
