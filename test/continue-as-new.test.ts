import { describe, expect, it } from 'vitest';
import type { collectionWorkflow } from '../workflows/collection-workflow.js';
import { caseStateQuery, type CollectionWorkflowInput, collectionWorkflowId, collectionWorkflowType, contactChangedSignal, disputeOpenedSignal, paymentReceivedSignal } from '../workflows/definitions.js';
import { eventually } from './support/eventually.js';
import { caseInput, createOverdueInvoice, secondScalePolicy } from './support/fixtures.js';
import { earlyContinueAsNewServer } from './support/temporal-dev-server.js';
import { onSuiteWorker, type WorkerHarness } from './support/worker.js';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { suiteDataConverter } from './support/payload-encryption.js';

/**
 * A long case must not grow its history without bound. A dev server of its own suggests
 * continue-as-new after 40 events (the default is thousands), so a burst of signals crosses
 * the line several times; state, duplicates and holds must survive every hand-over.
 */
let harness: WorkerHarness;
onSuiteWorker((h) => (harness = h), {}, earlyContinueAsNewServer());

describe('continue-as-new', () => {
  it('carries balance, payments, a dispute and the audit sequence across runs', async () => {
    const made = await createOverdueInvoice(harness.prisma, { amountMinor: 100_000n });
    const workflowId = collectionWorkflowId(made.invoice.id);
    const handle = await harness.client.workflow.start<typeof collectionWorkflow>(collectionWorkflowType, {
      workflowId,
      taskQueue: harness.taskQueue,
      args: [caseInput(made, secondScalePolicy({ steps: [{ id: 'later', offset: 'P30D', actions: [{ type: 'email' }] }] }))],
    });
    const firstRunId = (await handle.describe()).runId;
    // Payment ids are unique across the whole system (the database shares them with other suites).
    const pay = (i: number) => ({ paymentId: `CAN-${made.invoice.id.slice(0, 8)}-${i}`, amountMinor: 1_000, currency: 'EUR', method: 'card', receivedAt: new Date().toISOString(), actor: 'psp' });
    for (let i = 1; i <= 30; i++) {
      await handle.signal(paymentReceivedSignal, pay(i));
      if (i % 3 === 0) await eventually(() => handle.query(caseStateQuery), (v) => v.paymentIds.length >= i);
    }
    await handle.signal(disputeOpenedSignal, { reason: 'partial delivery', actor: 'collector' });
    await handle.signal(paymentReceivedSignal, pay(7)); // a duplicate from before the hand-over
    const view = await eventually(() => handle.query(caseStateQuery), (v) => v.disputed !== null && v.paymentIds.length === 30, 20_000);
    expect(view).toMatchObject({ balanceMinor: 70_000, paidMinor: 30_000, stage: 'disputed' });
    expect(view.paymentIds).toHaveLength(30);

    const latest = await harness.client.workflow.getHandle(workflowId).describe();
    expect(latest.runId).not.toBe(firstRunId);
    expect(latest.status.name).toBe('RUNNING');
    // Every event reached the audit log once, with unique keys across runs.
    const events = await eventually(
      () => harness.prisma.collectionEvent.findMany({ where: { invoiceId: made.invoice.id } }),
      (rows) => rows.filter((r) => r.kind === 'payment_duplicate').length === 1 && rows.some((r) => r.kind === 'dispute_opened'),
    );
    expect(events.filter((e) => e.kind === 'payment_applied')).toHaveLength(30);
    expect(new Set(events.map((e) => e.idempotencyKey)).size).toBe(events.length);
    expect(await harness.prisma.payment.count({ where: { invoiceId: made.invoice.id } })).toBe(30);
    expect((await harness.prisma.invoice.findUniqueOrThrow({ where: { id: made.invoice.id } })).balanceMinor).toBe(70_000n);
    await handle.terminate('test done');
  }, 90_000);

  it('carries a changed contact into the next run (the original input keeps the old one)', async () => {
    const made = await createOverdueInvoice(harness.prisma, { amountMinor: 100_000n });
    const workflowId = collectionWorkflowId(made.invoice.id);
    const handle = await harness.client.workflow.start<typeof collectionWorkflow>(collectionWorkflowType, {
      workflowId,
      taskQueue: harness.taskQueue,
      args: [caseInput(made, secondScalePolicy({ steps: [{ id: 'later', offset: 'P30D', actions: [{ type: 'email' }] }] }))],
    });
    const firstRunId = (await handle.describe()).runId;
    await handle.signal(contactChangedSignal, { contact: { ...made.contact, email: 'ap@moved.example' }, actor: 'collector-anna' });
    for (let i = 1; i <= 30; i++) {
      await handle.signal(paymentReceivedSignal, { paymentId: `CAN-C-${made.invoice.id.slice(0, 8)}-${i}`, amountMinor: 1_000, currency: 'EUR', method: 'card', receivedAt: new Date().toISOString(), actor: 'psp' });
      if (i % 3 === 0) await eventually(() => handle.query(caseStateQuery), (v) => v.paymentIds.length >= i);
    }
    const latest = await eventually(() => harness.client.workflow.getHandle(workflowId).describe(), (d) => d.runId !== firstRunId, 20_000);
    expect(latest.runId).not.toBe(firstRunId);
    const history = await harness.client.workflow.getHandle(workflowId, latest.runId).fetchHistory();
    // The history holds the input encrypted: decode it as a worker would.
    let payloads = (history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads ?? []) as Payload[];
    for (const codec of [...(suiteDataConverter().payloadCodecs ?? [])].reverse()) payloads = await codec.decode(payloads);
    const input = defaultPayloadConverter.fromPayload<CollectionWorkflowInput>(payloads[0]!);
    expect(input.carried?.customer?.email).toBe('ap@moved.example');
    expect(input.customer.email).toBe(made.contact.email);
    await handle.terminate('test done');
  }, 90_000);
});
