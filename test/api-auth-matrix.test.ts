import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../api/auth/api-keys.js';
import { createApiHarness, invoiceBody } from './support/api.js';
import { createWorkerHarness, type WorkerHarness } from './support/worker.js';
import { isoDay } from './support/clock.js';

/**
 * Every /v1 route times every role and no key. "Allowed" means the request got past auth (any
 * answer but 401 or 403: on an unknown case that is a 404, or a 400 for a thin body).
 */
let harness: WorkerHarness;
let api: Awaited<ReturnType<typeof createApiHarness>>;
beforeAll(async () => {
  harness = await createWorkerHarness();
  api = await createApiHarness(harness);
});
afterAll(() => harness?.close());

const unknownCase = '00000000-0000-4000-8000-000000000000';
const routes: [method: string, path: string, allowed: Role[], body?: unknown][] = [
  ['POST', '/v1/invoices', ['system', 'admin'], { not: 'valid' }],
  ['POST', '/v1/invoices/bulk', ['system', 'admin'], { invoices: [] }],
  ['GET', '/v1/cases', ['system', 'collector', 'admin']],
  ['GET', `/v1/cases/${unknownCase}`, ['system', 'collector', 'admin']],
  ['POST', `/v1/cases/${unknownCase}/payments`, ['system', 'admin'], { paymentId: 'p', amountMinor: 1, currency: 'EUR', method: 'card' }],
  ['POST', `/v1/cases/${unknownCase}/disputes`, ['collector', 'admin'], { reason: 'x' }],
  ['POST', `/v1/cases/${unknownCase}/disputes/resolve`, ['collector', 'admin'], { resolution: 'resume' }],
  ['POST', `/v1/cases/${unknownCase}/payment-plan`, ['collector', 'admin'], { installments: [{ dueDate: isoDay(30), amountMinor: 1 }] }],
  ['POST', `/v1/cases/${unknownCase}/pause`, ['collector', 'admin'], { reason: 'x' }],
  ['POST', `/v1/cases/${unknownCase}/resume`, ['collector', 'admin'], {}],
  ['POST', `/v1/cases/${unknownCase}/call-outcomes`, ['collector', 'admin'], { outcome: 'reached' }],
  ['POST', `/v1/cases/${unknownCase}/fees/waive`, ['collector', 'admin'], { reason: 'x' }],
  ['POST', `/v1/cases/${unknownCase}/cancel`, ['admin'], { reason: 'x' }],
  ['POST', `/v1/cases/${unknownCase}/write-off`, ['admin'], { reason: 'x' }],
  ['POST', '/v1/policies', ['admin'], { policy: {} }],
  ['GET', '/v1/policies', ['system', 'collector', 'admin']],
];

describe('auth matrix', () => {
  const matrix = routes.flatMap(([method, path, allowed, body]) =>
    (['none', 'system', 'collector', 'admin'] as const).map((who) => [method, path, who, who !== 'none' && allowed.includes(who), body] as const),
  );

  it.each(matrix)('%s %s as %s: allowed=%s', async (method, path, who, allowed, body) => {
    const answer = await api.call(method, path, { ...(who === 'none' ? {} : { key: api.keys[who] }), ...(body !== undefined ? { body } : {}) });
    if (who === 'none') expect(answer.status).toBe(401);
    else if (allowed) expect([401, 403]).not.toContain(answer.status);
    else expect(answer.status).toBe(403);
    expect(answer.contentType === 'application/json' || answer.contentType === 'application/problem+json').toBe(true);
  });

  it('writes nothing for refused callers', async () => {
    const body = invoiceBody();
    await api.call('POST', '/v1/invoices', { key: api.keys.collector, body });
    await api.call('POST', '/v1/invoices', { body });
    expect(await harness.prisma.invoice.count({ where: { externalId: body.externalId } })).toBe(0);
  });
});
