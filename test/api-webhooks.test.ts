import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalSinkLegalPartner } from '../activities/providers/legal-partner.js';
import { createApp } from '../api/app.js';
import { sign } from '../api/webhooks/signature.js';
import { createApiHarness, invoiceBody } from './support/api.js';
import { eventually } from './support/eventually.js';
import { createWorkerHarness, type WorkerHarness } from './support/worker.js';

const secret = 'whsec_test_0123456789abcdef';
let harness: WorkerHarness;
let stopWorker: () => Promise<void>;
let api: Awaited<ReturnType<typeof createApiHarness>>;
let webhookApp: ReturnType<typeof createApp>;
beforeAll(async () => {
  harness = await createWorkerHarness();
  stopWorker = await harness.startWorker();
  api = await createApiHarness(harness);
  webhookApp = createApp({ logger: pino({ level: 'silent' }), readinessChecks: {}, cases: { prisma: harness.prisma, temporal: harness.client, taskQueue: harness.taskQueue, legalPartner: new LocalSinkLegalPartner(harness.sinkDir), paymentWebhookSecret: secret } });
});
afterAll(async () => {
  await stopWorker?.();
  await harness?.close();
});

const now = () => Math.floor(Date.now() / 1000);
async function deliver(event: unknown, signature?: (raw: string) => string, raw = JSON.stringify(event)) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const header = signature ? signature(raw) : sign(secret, raw, now());
  if (header) headers['x-signature'] = header;
  const response = await webhookApp.request('/v1/webhooks/payments', { method: 'POST', headers, body: raw });
  return { status: response.status, contentType: response.headers.get('content-type'), body: (await response.json()) as Record<string, unknown> };
}

async function openCase() {
  const { body } = await api.call('POST', '/v1/invoices', { key: api.keys.system, body: invoiceBody() });
  return body.invoiceId as string;
}
const event = (invoiceId: string, paymentId: string, amountMinor = 25_000) => ({
  id: `evt_${paymentId}`,
  type: 'payment.succeeded',
  data: { paymentId, invoiceId, amountMinor, currency: 'GBP', method: 'card', receivedAt: new Date().toISOString() },
});

describe('payment processor webhook (HMAC-SHA256 over timestamp and raw body)', () => {
  it('applies a correctly signed payment; a replayed delivery changes nothing', async () => {
    const invoiceId = await openCase();
    const payment = event(invoiceId, `pi_wh_${invoiceId.slice(0, 8)}`);
    expect(await deliver(payment)).toMatchObject({ status: 200, body: { received: true, balanceMinor: 100_000 } });
    expect(await deliver(payment)).toMatchObject({ status: 200, body: { balanceMinor: 100_000 } });
    expect(await eventually(() => harness.prisma.payment.count({ where: { invoiceId } }), (n) => n === 1)).toBe(1);
    const audit = await eventually(() => harness.prisma.collectionEvent.findMany({ where: { invoiceId, category: 'signal' } }), (rows) => rows.length === 2);
    expect(audit.map((row) => [row.kind, row.actor])).toEqual([
      ['payment_applied', `webhook:payments:${payment.id}`],
      ['payment_duplicate', `webhook:payments:${payment.id}`],
    ]);
  });

  it.each([
    ['no signature', () => ''],
    ['a forged signature', (raw: string) => sign('not-the-secret-at-all', raw, now())],
    ['a signature of another body', () => sign(secret, '{"id":"other"}', now())],
    ['a stale timestamp (replay after the window)', (raw: string) => sign(secret, raw, now() - 310)],
    ['a timestamp from the future', (raw: string) => sign(secret, raw, now() + 310)],
    ['a malformed header', () => 'sha256=abc'],
  ])('refuses %s with 401 and applies nothing', async (_, signature) => {
    const invoiceId = await openCase();
    const answer = await deliver(event(invoiceId, `pi_bad_${invoiceId.slice(0, 8)}`), signature);
    expect(answer).toMatchObject({ status: 401, contentType: 'application/problem+json' });
    expect(await harness.prisma.payment.count({ where: { invoiceId } })).toBe(0);
    const view = await harness.client.workflow.getHandle(`collection-${invoiceId}`).query('caseState');
    expect(view).toMatchObject({ balanceMinor: 125_000 });
  });

  it('refuses a signed but invalid event with 400 naming the field', async () => {
    const invoiceId = await openCase();
    const bad = event(invoiceId, 'pi_x', 12.5);
    expect(await deliver(bad)).toMatchObject({ status: 400, body: { errors: [{ field: 'data.amountMinor' }] } });
  });

  it('records a payment for a written-off case on the invoice (200, recordedAfterClose) instead of losing it; a replay records nothing twice', async () => {
    const invoiceId = await openCase();
    expect((await api.call('POST', `/v1/cases/${invoiceId}/write-off`, { key: api.keys.admin, body: { reason: 'customer insolvent' } })).status).toBe(200);
    await harness.client.workflow.getHandle(`collection-${invoiceId}`).result();
    const payment = event(invoiceId, `pi_wh_late_${invoiceId.slice(0, 8)}`, 25_000);
    const expected = { received: true, recordedAfterClose: true, caseClosed: 'written_off', appliedMinor: 25_000, balanceMinor: 100_000 };
    expect(await deliver(payment)).toMatchObject({ status: 200, body: { ...expected, duplicate: false } });
    expect(await deliver(payment)).toMatchObject({ status: 200, body: { ...expected, duplicate: true } });
    expect(await harness.prisma.payment.count({ where: { invoiceId } })).toBe(1);
    expect(await harness.prisma.invoice.findUniqueOrThrow({ where: { id: invoiceId } })).toMatchObject({ status: 'written_off', balanceMinor: 100_000n });
    const audit = await harness.prisma.collectionEvent.findMany({ where: { invoiceId, kind: 'payment_after_close' } });
    expect(audit.map((row) => row.actor)).toEqual([`webhook:payments:${payment.id}`]);
  });

  it.each([
    ['a body that is not JSON', 'payment_intent=pi_1&amount=25000'],
    ['a truncated JSON body', '{"id":"evt_1","type":"payment.succeeded","data":{'],
  ])('refuses a signed event with %s with 400 naming the body, not 500', async (_, raw) => {
    expect(await deliver(undefined, undefined, raw)).toMatchObject({
      status: 400,
      contentType: 'application/problem+json',
      body: { status: 400, errors: [{ field: 'body', rule: 'json', message: 'must be JSON' }] },
    });
  });

  it('refuses signed JSON that is not an event object with 400 naming the body', async () => {
    expect(await deliver(null)).toMatchObject({ status: 400, body: { errors: [{ field: 'body' }] } });
  });

  it('answers a payment the case refuses (wrong currency) with 422', async () => {
    const invoiceId = await openCase();
    const wrong = event(invoiceId, `pi_eur_${invoiceId.slice(0, 8)}`);
    wrong.data.currency = 'EUR';
    expect(await deliver(wrong)).toMatchObject({ status: 422, body: { errors: [{ field: 'currency' }] } });
  });
});
