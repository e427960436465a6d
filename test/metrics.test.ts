import { randomUUID } from 'node:crypto';
import { MockActivityEnvironment } from '@temporalio/testing';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../activities/index.js';
import { createActivityMetrics } from '../activities/metrics.js';
import { LocalSinkLegalPartner } from '../activities/providers/legal-partner.js';
import { localSinks } from '../activities/providers/local-sink.js';
import { startMetricsServer } from '../worker/metrics-server.js';
import { collectionWorkflowId, collectionWorkflowType, recordPaymentUpdate } from '../workflows/definitions.js';
import type { DeliveryReceipt } from '../workflows/activity-interfaces.js';
import type { collectionWorkflow } from '../workflows/collection-workflow.js';
import { createApiHarness, invoiceBody } from './support/api.js';
import { eventually } from './support/eventually.js';
import { caseInput, createOverdueInvoice, secondScalePolicy } from './support/fixtures.js';
import { freePort } from './support/free-port.js';
import { sampleSum, scrape } from './support/prometheus.js';
import { createWorkerHarness, type WorkerHarness } from './support/worker.js';

/**
 * The three Prometheus endpoints, scraped as Prometheus would, before and after real work on the
 * dev server: the worker's business metrics, the SDK Runtime's metrics and the API's /metrics.
 */
const workerRegistry = new Registry();
const activityMetrics = createActivityMetrics(workerRegistry);
const metricsToken = 'm'.repeat(40);
let harness: WorkerHarness;
let stopWorker: () => Promise<void>;
let workerMetricsUrl: string;
let sdkMetricsUrl: string;
let closeWorkerMetrics: () => void;
let api: Awaited<ReturnType<typeof createApiHarness>>;
const started: string[] = [];

beforeAll(async () => {
  const sdkAddress = `127.0.0.1:${await freePort()}`;
  sdkMetricsUrl = `http://${sdkAddress}/metrics`;
  harness = await createWorkerHarness({ metrics: activityMetrics, temporalMetricsAddress: sdkAddress });
  const served = await startMetricsServer(workerRegistry, '127.0.0.1:0');
  workerMetricsUrl = `http://127.0.0.1:${served.address.port}/metrics`;
  closeWorkerMetrics = () => served.server.close();
  stopWorker = await harness.startWorker();
  api = await createApiHarness(harness, {}, { metrics: { registry: new Registry(), token: metricsToken } });
});

afterAll(async () => {
  await Promise.allSettled(started.map((workflowId) => harness.client.workflow.getHandle(workflowId).terminate('test done')));
  await stopWorker?.();
  closeWorkerMetrics?.();
  await harness?.close();
});

/** Email at 1 s, letter at 2 s, a flat 40.00 fee at 3 s; then the case waits, running. */
const shortLadder = secondScalePolicy({
  steps: [
    { id: 'reminder', offset: 'PT1S', actions: [{ type: 'email', template: 'overdue_notice' }] },
    { id: 'letter', offset: 'PT2S', actions: [{ type: 'letter', template: 'formal_letter' }] },
    { id: 'late_fee', offset: 'PT3S', actions: [{ type: 'late_fee' }] },
  ],
});

async function startLadder() {
  const made = await createOverdueInvoice(harness.prisma, { amountMinor: 100_000n, currency: 'EUR' });
  const workflowId = collectionWorkflowId(made.invoice.id);
  const handle = await harness.client.workflow.start<typeof collectionWorkflow>(collectionWorkflowType, { workflowId, taskQueue: harness.taskQueue, args: [caseInput(made, shortLadder)] });
  started.push(workflowId);
  return { made, handle };
}

describe('worker metrics', () => {
  it('two second-scale ladders move the worker counters by exactly what they did: 2 emails and 2 letters sent, 2 fees of 40.00 EUR, then 1 payment of 10.00 EUR', async () => {
    const before = await scrape(workerMetricsUrl);
    const sdkBefore = await scrape(sdkMetricsUrl);
    const delta = (text: string, name: string, labels: Record<string, string>) => sampleSum(text, name, labels) - sampleSum(before, name, labels);

    const [first] = await Promise.all([startLadder(), startLadder()]);
    const afterLadders = await eventually(
      () => scrape(workerMetricsUrl),
      (text) => delta(text, 'collections_late_fees_posted_total', { currency: 'EUR' }) >= 2 && delta(text, 'collections_messages_total', { channel: 'letter', outcome: 'sent' }) >= 2,
      30_000,
    );
    expect(delta(afterLadders, 'collections_messages_total', { channel: 'email', outcome: 'sent' })).toBe(2);
    expect(delta(afterLadders, 'collections_messages_total', { channel: 'letter', outcome: 'sent' })).toBe(2);
    expect(delta(afterLadders, 'collections_late_fees_posted_total', { currency: 'EUR' })).toBe(2);
    expect(delta(afterLadders, 'collections_late_fees_posted_minor_total', { currency: 'EUR' })).toBe(8_000);
    // Consolidation is off in this policy: every message concerns one invoice (ratio 2 / 2).
    expect(delta(afterLadders, 'collections_invoices_per_message_count', { channel: 'email' })).toBe(2);
    expect(delta(afterLadders, 'collections_invoices_per_message_sum', { channel: 'email' })).toBe(2);
    expect(delta(afterLadders, 'collections_duplicate_sends_prevented_total', {})).toBe(0);

    await first!.handle.executeUpdate(recordPaymentUpdate, { args: [{ paymentId: `P-${randomUUID()}`, amountMinor: 1_000, currency: 'EUR', method: 'bank_transfer', receivedAt: new Date().toISOString(), actor: 'erp' }] });
    const afterPayment = await eventually(() => scrape(workerMetricsUrl), (text) => delta(text, 'collections_payments_applied_total', { currency: 'EUR' }) >= 1, 15_000);
    expect(delta(afterPayment, 'collections_payments_applied_total', { currency: 'EUR' })).toBe(1);
    expect(delta(afterPayment, 'collections_payments_applied_minor_total', { currency: 'EUR' })).toBe(1_000);

    // The SDK's own metrics, from the Runtime's Prometheus endpoint, for this worker's task queue.
    const sdkAfter = await scrape(sdkMetricsUrl);
    // Late fees are local activities (patch fewer-history-events): the SDK counts them as such.
    const feeTasks = { task_queue: harness.taskQueue, activity_type: 'postLateFee' };
    expect(sampleSum(sdkBefore, 'temporal_local_activity_execution_latency_count', feeTasks)).toBe(0);
    expect(sampleSum(sdkAfter, 'temporal_local_activity_execution_latency_count', feeTasks)).toBeGreaterThanOrEqual(2);
    expect(sampleSum(sdkAfter, 'temporal_workflow_task_execution_latency_count', { task_queue: harness.taskQueue })).toBeGreaterThan(0);
    expect(sampleSum(sdkAfter, 'temporal_request_total', {})).toBeGreaterThan(sampleSum(sdkBefore, 'temporal_request_total', {}));
  }, 90_000);

  it('three invoices of one customer merged into one email observe 3 invoices for 1 message (consolidation ratio 3)', async () => {
    const before = await scrape(workerMetricsUrl);
    const delta = (text: string, name: string, labels: Record<string, string>) => sampleSum(text, name, labels) - sampleSum(before, name, labels);
    const policy = secondScalePolicy({
      steps: [
        { id: 'reminder', offset: 'PT1S', actions: [{ type: 'email', template: 'overdue_notice' }] },
        { id: 'later', offset: 'P30D', actions: [{ type: 'email', template: 'final_notice' }] },
      ],
      consolidation: { window: 'PT4S' },
    });
    const first = await createOverdueInvoice(harness.prisma);
    const made = [first, await createOverdueInvoice(harness.prisma, { sameCustomerAs: first.customer }), await createOverdueInvoice(harness.prisma, { sameCustomerAs: first.customer })];
    const anchor = new Date();
    for (const invoice of made) {
      const workflowId = collectionWorkflowId(invoice.invoice.id);
      await harness.client.workflow.start<typeof collectionWorkflow>(collectionWorkflowType, { workflowId, taskQueue: harness.taskQueue, args: [caseInput(invoice, policy, anchor)] });
      started.push(workflowId);
    }
    const after = await eventually(() => scrape(workerMetricsUrl), (text) => delta(text, 'collections_invoices_per_message_count', { channel: 'email' }) >= 1, 20_000);
    expect(delta(after, 'collections_messages_total', { channel: 'email', outcome: 'sent' })).toBe(1);
    expect(delta(after, 'collections_invoices_per_message_count', { channel: 'email' })).toBe(1);
    expect(delta(after, 'collections_invoices_per_message_sum', { channel: 'email' })).toBe(3);
    expect(delta(after, 'collections_invoices_per_message_bucket', { channel: 'email', le: '2' })).toBe(0);
    expect(delta(after, 'collections_invoices_per_message_bucket', { channel: 'email', le: '3' })).toBe(1);
  }, 60_000);

  it('a delivery retried after it was sent counts one duplicate send prevented (outbox) and no second send', async () => {
    const before = await scrape(workerMetricsUrl);
    const delta = (text: string, name: string, labels: Record<string, string>) => sampleSum(text, name, labels) - sampleSum(before, name, labels);
    const made = await createOverdueInvoice(harness.prisma);
    const { deliverMessage } = createActivities({ prisma: harness.prisma, senders: localSinks(harness.sinkDir), legalPartner: new LocalSinkLegalPartner(harness.sinkDir), metrics: activityMetrics });
    const request = {
      idempotencyKey: `${made.invoice.id}:metrics-duplicate`,
      invoiceId: made.invoice.id,
      channel: 'email' as const,
      template: 'overdue_notice',
      customer: made.contact,
      data: { invoiceNumber: made.invoice.number, currency: 'EUR', amountMinor: 125_000, balanceMinor: 125_000, feesMinor: 0, dueDate: made.invoice.dueDate.toISOString().slice(0, 10), daysOverdue: 30 },
    };
    const deliver = async () => (await new MockActivityEnvironment().run(deliverMessage, request)) as DeliveryReceipt;
    const firstReceipt = await deliver();
    const retryReceipt = await deliver();
    expect([firstReceipt.alreadySent, retryReceipt.alreadySent]).toEqual([false, true]);

    const after = await scrape(workerMetricsUrl);
    expect(delta(after, 'collections_messages_total', { channel: 'email', outcome: 'sent' })).toBe(1);
    expect(delta(after, 'collections_messages_total', { channel: 'email', outcome: 'already_sent' })).toBe(1);
    expect(delta(after, 'collections_duplicate_sends_prevented_total', { channel: 'email', detected_by: 'outbox' })).toBe(1);
  });
});

describe('API metrics', () => {
  const metrics = (headers: Record<string, string> = { authorization: `Bearer ${metricsToken}` }) => api.app.request('/metrics', { headers });

  it('GET /metrics refuses a missing or wrong token with a 401 problem and answers the right one', async () => {
    for (const headers of [{}, { authorization: `Bearer ${'x'.repeat(40)}` }] as Record<string, string>[]) {
      const refused = await metrics(headers);
      expect(refused.status).toBe(401);
      expect(refused.headers.get('content-type')).toBe('application/problem+json');
      expect(await refused.text()).not.toContain('http_request_duration_seconds');
    }
    const answered = await metrics();
    expect(answered.status).toBe(200);
    expect(answered.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  });

  it('times requests by route pattern and status (never the raw path) and counts open cases by stage', async () => {
    const before = await (await metrics()).text();
    const delta = (text: string, name: string, labels: Record<string, string>) => sampleSum(text, name, labels) - sampleSum(before, name, labels);
    const unknownCase = randomUUID();
    expect((await api.call('GET', `/v1/cases/${unknownCase}`, { key: api.keys.collector })).status).toBe(404);
    expect((await api.call('GET', `/v1/cases/${unknownCase}`)).status).toBe(401);
    expect((await api.call('GET', `/no/such/${unknownCase}`)).status).toBe(404);
    for (let i = 0; i < 2; i++) expect((await api.call('POST', '/v1/invoices', { key: api.keys.system, body: invoiceBody() })).status).toBe(201);

    const after = await eventually(
      async () => (await metrics()).text(),
      (text) => sampleSum(text, 'collections_open_cases', { stage: 'upcoming' }) === 2,
      15_000,
    );
    const caseRoute = { method: 'GET', route: '/v1/cases/:invoiceId' };
    expect(delta(after, 'http_request_duration_seconds_count', { ...caseRoute, status: '404' })).toBe(1);
    expect(delta(after, 'http_request_duration_seconds_count', { ...caseRoute, status: '401' })).toBe(1);
    expect(delta(after, 'http_request_duration_seconds_bucket', { ...caseRoute, status: '404', le: '+Inf' })).toBe(1);
    expect(delta(after, 'http_request_duration_seconds_count', { method: 'POST', route: '/v1/invoices', status: '201' })).toBe(2);
    expect(delta(after, 'http_request_duration_seconds_count', { method: 'GET', route: 'unmatched', status: '404' })).toBe(1);
    expect(after).not.toContain(unknownCase);
    expect(sampleSum(after, 'collections_open_cases', { stage: 'upcoming' })).toBe(2);
    expect(sampleSum(after, 'collections_open_cases_count_up')).toBe(1);
  });
});
