import { WorkflowNotFoundError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LegalPartner, LegalPaymentNotice } from '../activities/providers/legal-partner.js';
import type { InvoiceStatus } from '../prisma/client.js';
import type { collectionWorkflow } from '../workflows/collection-workflow.js';
import { collectionWorkflowId, collectionWorkflowType } from '../workflows/definitions.js';
import { createApiHarness, invoiceBody } from './support/api.js';
import { caseInput, createOverdueInvoice, secondScalePolicy } from './support/fixtures.js';
import { createWorkerHarness, type WorkerHarness } from './support/worker.js';

/**
 * Cases that have ended (paid, cancelled, written off, handed to legal): the same invoice again
 * never starts a new case, and a payment that arrives afterwards is recorded, not lost. The
 * invoice row is the record, also once Temporal has forgotten the run.
 */
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

type InvoiceBody = ReturnType<typeof invoiceBody>;

/** A case the API started and an admin wrote off (or cancelled); returns once its workflow has finished. */
async function endedCase(how: 'write-off' | 'cancel', body: InvoiceBody = invoiceBody()) {
  const created = await api.call('POST', '/v1/invoices', { key: api.keys.system, body });
  const invoiceId = created.body.invoiceId as string;
  expect((await api.call('POST', `/v1/cases/${invoiceId}/${how}`, { key: api.keys.admin, body: { reason: 'customer insolvent' } })).status).toBe(200);
  const handle = harness.client.workflow.getHandle(collectionWorkflowId(invoiceId));
  await handle.result();
  return { invoiceId, body, handle, runId: (await handle.describe()).runId };
}

/** A case whose only step hands it to legal; returns once its workflow has finished. */
async function legalCase() {
  const made = await createOverdueInvoice(harness.prisma);
  const handle = await harness.client.workflow.start<typeof collectionWorkflow>(collectionWorkflowType, {
    workflowId: collectionWorkflowId(made.invoice.id),
    taskQueue: harness.taskQueue,
    args: [caseInput(made, secondScalePolicy({ steps: [{ id: 'legal', offset: 'PT1S', actions: [{ type: 'legal_handoff' }] }] }))],
  });
  expect(await handle.result()).toMatchObject({ stage: 'legal' });
  const invoice = await harness.prisma.invoice.findUniqueOrThrow({ where: { id: made.invoice.id }, include: { legalHandoff: true } });
  expect(invoice.status).toBe('legal');
  return { invoiceId: invoice.id, currency: invoice.currency, balanceMinor: Number(invoice.balanceMinor), handoffReference: (invoice.legalHandoff?.packet as { reference: string }).reference };
}

/**
 * The rows of an invoice whose case ended long ago: Temporal's retention has forgotten the run,
 * only the database remembers. Written directly, as no workflow exists to write them.
 */
async function forgottenCase(status: InvoiceStatus, balanceMinor: number, body: InvoiceBody = invoiceBody()) {
  const customer = await harness.prisma.customer.create({
    data: { source: body.source, externalId: body.customer.externalId, name: body.customer.name, billingEmail: body.customer.email, timezone: body.customer.timezone, locale: body.customer.locale },
  });
  const id = crypto.randomUUID();
  await harness.prisma.invoice.create({
    data: {
      id,
      source: body.source,
      externalId: body.externalId,
      number: body.number,
      customerId: customer.id,
      issueDate: new Date(`${body.issueDate}T00:00:00Z`),
      dueDate: new Date(`${body.dueDate}T00:00:00Z`),
      amountMinor: BigInt(body.amountMinor),
      balanceMinor: BigInt(balanceMinor),
      currency: body.currency,
      paymentLink: body.paymentLink,
      status,
      workflowId: collectionWorkflowId(id),
    },
  });
  await harness.prisma.collectionEvent.create({ data: { invoiceId: id, category: 'system', kind: 'case_opened', actor: 'system', idempotencyKey: `${id}:opened`, sequence: 0, occurredAt: new Date() } });
  return { invoiceId: id, body };
}

const payment = (paymentId: string, amountMinor: number, currency = 'GBP') => ({ paymentId, amountMinor, currency, method: 'bank_transfer' });

describe('the same invoice sent again after its case ended', () => {
  it('answers 200 with the written-off case and starts no new run, by POST and by bulk import', async () => {
    const { invoiceId, body, handle, runId } = await endedCase('write-off');
    const again = await api.call('POST', '/v1/invoices', { key: api.keys.system, body });
    expect(again).toMatchObject({ status: 200, body: { invoiceId, created: false, closed: true, invoiceStatus: 'written_off' } });
    const bulk = await api.call('POST', '/v1/invoices/bulk', { key: api.keys.system, body: { invoices: [body] } });
    expect(bulk.body).toMatchObject({ summary: { existing: 1 }, results: [{ status: 'existing', invoiceId }] });

    // describe() without a run id reads the newest run of the id: a new run would show here at once.
    const latest = await handle.describe();
    expect({ runId: latest.runId, status: latest.status.name }).toEqual({ runId, status: 'COMPLETED' });
    expect((await harness.prisma.invoice.findUniqueOrThrow({ where: { id: invoiceId } })).status).toBe('written_off');
  });

  it('does not reuse the workflow id of a run that ended without closing the invoice (terminated)', async () => {
    const body = invoiceBody();
    const created = await api.call('POST', '/v1/invoices', { key: api.keys.system, body });
    const handle = harness.client.workflow.getHandle(created.body.workflowId as string);
    await handle.terminate('stopped by an operator');
    const { runId } = await handle.describe();

    const again = await api.call('POST', '/v1/invoices', { key: api.keys.system, body });
    expect(again).toMatchObject({ status: 200, body: { created: false, closed: false, invoiceStatus: 'open' } });
    const latest = await handle.describe();
    expect({ runId: latest.runId, status: latest.status.name }).toEqual({ runId, status: 'TERMINATED' });
  });

  it.each(['paid', 'cancelled', 'written_off', 'legal'] as const)('starts nothing for an invoice %s in the database whose run Temporal has forgotten', async (status) => {
    const { invoiceId, body } = await forgottenCase(status, status === 'paid' ? 0 : 40_000);
    const again = await api.call('POST', '/v1/invoices', { key: api.keys.system, body });
    expect(again).toMatchObject({ status: 200, body: { invoiceId, created: false, closed: true, invoiceStatus: status, balanceMinor: status === 'paid' ? 0 : 40_000 } });
    const bulk = await api.call('POST', '/v1/invoices/bulk', { key: api.keys.system, body: { invoices: [body] } });
    expect(bulk.body).toMatchObject({ results: [{ status: 'existing', invoiceId }] });

    await expect(harness.client.workflow.getHandle(collectionWorkflowId(invoiceId)).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
    expect((await harness.prisma.invoice.findUniqueOrThrow({ where: { id: invoiceId } })).status).toBe(status);
  });

  it('reads a case whose run Temporal has forgotten from the database: 200, state null', async () => {
    const { invoiceId } = await forgottenCase('written_off', 40_000);
    const read = await api.call('GET', `/v1/cases/${invoiceId}`, { key: api.keys.collector });
    expect(read).toMatchObject({ status: 200, body: { state: null, invoice: { id: invoiceId, status: 'written_off', balanceMinor: 40_000 }, events: [{ kind: 'case_opened' }] } });
  });
});

describe('a payment for a case that has ended', () => {
  it('written off: records the payment row, a payment_after_close audit event and the lower balance; a replay records nothing twice', async () => {
    const { invoiceId } = await endedCase('write-off');
    const pay = payment(`pi_late_${invoiceId.slice(0, 8)}`, 30_000);
    const first = await api.call('POST', `/v1/cases/${invoiceId}/payments`, { key: api.keys.system, body: pay });
    const expected = { recordedAfterClose: true, invoiceId, paymentId: pay.paymentId, caseClosed: 'written_off', currency: 'GBP', appliedMinor: 30_000, overpaidMinor: 0, balanceMinor: 95_000, legalPartnerNotified: false };
    expect(first).toMatchObject({ status: 202, body: { ...expected, duplicate: false } });
    const replay = await api.call('POST', `/v1/cases/${invoiceId}/payments`, { key: api.keys.system, body: pay });
    expect(replay).toMatchObject({ status: 202, body: { ...expected, duplicate: true } });

    const invoice = await harness.prisma.invoice.findUniqueOrThrow({ where: { id: invoiceId }, include: { payments: true } });
    expect(invoice).toMatchObject({ status: 'written_off', balanceMinor: 95_000n });
    expect(invoice.payments).toMatchObject([{ externalPaymentId: pay.paymentId, amountMinor: 30_000n, currency: 'GBP', actor: expect.stringMatching(/^system-/) }]);
    const audit = await harness.prisma.collectionEvent.findMany({ where: { invoiceId, kind: 'payment_after_close' } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ category: 'signal', actor: expect.stringMatching(/^system-/), details: { paymentId: pay.paymentId, balanceBeforeMinor: 125_000, balanceAfterMinor: 95_000, caseClosed: 'written_off', settled: false } });
    const read = await api.call('GET', `/v1/cases/${invoiceId}`, { key: api.keys.collector });
    expect((read.body.events as { kind: string }[]).at(-1)?.kind).toBe('payment_after_close');
  });

  it('cancelled: a payment beyond the balance takes it to zero, never below, notes the overpayment and keeps the status', async () => {
    const { invoiceId } = await endedCase('cancel');
    const pay = payment(`pi_over_${invoiceId.slice(0, 8)}`, 200_000);
    const answer = await api.call('POST', `/v1/cases/${invoiceId}/payments`, { key: api.keys.system, body: pay });
    expect(answer).toMatchObject({ status: 202, body: { caseClosed: 'cancelled', appliedMinor: 125_000, overpaidMinor: 75_000, balanceMinor: 0 } });
    expect(await harness.prisma.invoice.findUniqueOrThrow({ where: { id: invoiceId } })).toMatchObject({ status: 'cancelled', balanceMinor: 0n });
    const audit = await harness.prisma.collectionEvent.findFirstOrThrow({ where: { invoiceId, kind: 'payment_after_close' } });
    expect(audit.details).toMatchObject({ overpaidMinor: 75_000, settled: true });
  });

  it('handed to legal: records it and tells the legal partner once, keyed by the payment id', async () => {
    const legal = await legalCase();
    const pay = payment(`pi_legal_${legal.invoiceId.slice(0, 8)}`, 4_000, legal.currency);
    const first = await api.call('POST', `/v1/cases/${legal.invoiceId}/payments`, { key: api.keys.system, body: pay });
    expect(first).toMatchObject({ status: 202, body: { caseClosed: 'legal', legalPartnerNotified: true, balanceMinor: legal.balanceMinor - 4_000 } });
    expect((await api.call('POST', `/v1/cases/${legal.invoiceId}/payments`, { key: api.keys.system, body: pay })).body).toMatchObject({ duplicate: true, legalPartnerNotified: true });

    const notices = (await harness.sent('legal')).filter((entry) => entry.notice !== undefined);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({
      idempotencyKey: `${legal.invoiceId}:legal:payment-received:${pay.paymentId}`,
      notice: { type: 'payment_received', invoiceId: legal.invoiceId, handoffReference: legal.handoffReference, payment: { paymentId: pay.paymentId, amountMinor: 4_000 }, balanceMinor: legal.balanceMinor - 4_000 },
    });
    const events = await harness.prisma.collectionEvent.findMany({ where: { invoiceId: legal.invoiceId, kind: { in: ['payment_after_close', 'legal_payment_notice_sent'] } } });
    expect(events.map((e) => e.kind).sort()).toEqual(['legal_payment_notice_sent', 'payment_after_close']);
    expect(await harness.prisma.payment.count({ where: { invoiceId: legal.invoiceId } })).toBe(1);
  });

  it('handed to legal, partner down: 502, the payment recorded once; the same payment again sends the notice', async () => {
    const legal = await legalCase();
    const received: { notice: LegalPaymentNotice; key: string }[] = [];
    let up = false;
    const partner: LegalPartner = {
      name: 'flaky-partner',
      send: () => Promise.reject(new Error('not used here')),
      async notifyPayment(notice, key) {
        if (!up) throw new Error('partner answered 503');
        received.push({ notice, key });
        return { reference: 'partner-ref-1' };
      },
    };
    const flaky = await createApiHarness(harness, { legalPartner: partner });
    const pay = payment(`pi_down_${legal.invoiceId.slice(0, 8)}`, 1_000, legal.currency);
    const down = await flaky.call('POST', `/v1/cases/${legal.invoiceId}/payments`, { key: flaky.keys.system, body: pay });
    expect(down).toMatchObject({ status: 502, contentType: 'application/problem+json', body: { recordedAfterClose: true, legalPartnerNotified: false, balanceMinor: legal.balanceMinor - 1_000 } });

    up = true;
    const retried = await flaky.call('POST', `/v1/cases/${legal.invoiceId}/payments`, { key: flaky.keys.system, body: pay });
    expect(retried).toMatchObject({ status: 202, body: { duplicate: true, legalPartnerNotified: true, balanceMinor: legal.balanceMinor - 1_000 } });
    expect(received.map((r) => r.key)).toEqual([`${legal.invoiceId}:legal:payment-received:${pay.paymentId}`]);
    expect(await harness.prisma.outboxMessage.findUniqueOrThrow({ where: { idempotencyKey: received[0]!.key } })).toMatchObject({ status: 'sent', attempts: 2, providerMessageId: 'partner-ref-1' });
    expect(await harness.prisma.invoice.findUniqueOrThrow({ where: { id: legal.invoiceId } })).toMatchObject({ balanceMinor: BigInt(legal.balanceMinor - 1_000) });
  });

  it('records it also when Temporal has forgotten the run: the invoice row decides', async () => {
    const { invoiceId } = await forgottenCase('legal', 40_000);
    const pay = payment(`pi_old_${invoiceId.slice(0, 8)}`, 10_000);
    const answer = await api.call('POST', `/v1/cases/${invoiceId}/payments`, { key: api.keys.system, body: pay });
    expect(answer).toMatchObject({ status: 202, body: { caseClosed: 'legal', balanceMinor: 30_000, legalPartnerNotified: true } });
    expect((await harness.sent('legal')).filter((e) => e.idempotencyKey.startsWith(invoiceId))).toHaveLength(1);
  });

  it('refuses a payment in another currency with 422 naming the field, and records nothing', async () => {
    const { invoiceId } = await forgottenCase('written_off', 40_000);
    const answer = await api.call('POST', `/v1/cases/${invoiceId}/payments`, { key: api.keys.system, body: payment(`pi_eur_${invoiceId.slice(0, 8)}`, 1_000, 'EUR') });
    expect(answer).toMatchObject({ status: 422, body: { errors: [{ field: 'currency', rule: 'refused' }] } });
    expect(await harness.prisma.payment.count({ where: { invoiceId } })).toBe(0);
    expect(await harness.prisma.invoice.findUniqueOrThrow({ where: { id: invoiceId } })).toMatchObject({ balanceMinor: 40_000n });
  });

  it('refuses a payment id already recorded for another invoice with 409', async () => {
    const paid = await forgottenCase('written_off', 40_000);
    const other = await forgottenCase('written_off', 40_000);
    const pay = payment(`pi_twice_${paid.invoiceId.slice(0, 8)}`, 1_000);
    expect((await api.call('POST', `/v1/cases/${paid.invoiceId}/payments`, { key: api.keys.system, body: pay })).status).toBe(202);
    const answer = await api.call('POST', `/v1/cases/${other.invoiceId}/payments`, { key: api.keys.system, body: pay });
    expect(answer).toMatchObject({ status: 409, body: { errors: [{ field: 'paymentId', rule: 'conflict' }] } });
    expect(await harness.prisma.invoice.findUniqueOrThrow({ where: { id: other.invoiceId } })).toMatchObject({ balanceMinor: 40_000n });
  });

  it('still refuses other commands on a case that has ended (409)', async () => {
    const { invoiceId } = await endedCase('write-off');
    expect((await api.call('POST', `/v1/cases/${invoiceId}/disputes`, { key: api.keys.collector, body: { reason: 'late' } })).status).toBe(409);
  });
});
