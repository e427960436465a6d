import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseStateQuery, collectionWorkflowId, collectionWorkflowType, paymentReceivedSignal } from '../workflows/definitions.js';
import { searchAttributes } from '../workflows/search-attributes.js';
import { caseInput, createOverdueInvoice, secondScalePolicy } from './support/fixtures.js';
import { eventually } from './support/eventually.js';
import { createWorkerHarness, type WorkerHarness } from './support/worker.js';
import { isoInstant } from './support/clock.js';

/** The whole chain on real parts: client → Temporal dev server → worker → activity → PostgreSQL. */
let harness: WorkerHarness;
beforeAll(async () => {
  harness = await createWorkerHarness();
});
afterAll(() => harness?.close());

// Steps far in the future: this suite is about the chain, not the ladder.
const quietPolicy = secondScalePolicy({ steps: [{ id: 'reminder', offset: 'P30D', actions: [{ type: 'email', template: 'overdue_notice' }] }] });

describe('round trip through every real part', () => {
  it('starts a case, answers queries, applies payment signals and writes the audit log', async () => {
    const { client, prisma, taskQueue } = harness;
    const made = await createOverdueInvoice(prisma, { amountMinor: 125_000n });
    const workflowId = collectionWorkflowId(made.invoice.id);
    const input = caseInput(made, quietPolicy);

    await harness.withWorker(async () => {
      const handle = await client.workflow.start(collectionWorkflowType, { workflowId, taskQueue, args: [input], staticSummary: `Collect invoice ${made.invoice.number}` });

      const opened = await eventually(() => handle.query(caseStateQuery), (state) => state.nextAction !== null);
      expect(opened).toMatchObject({ invoiceId: made.invoice.id, stage: 'overdue', balanceMinor: 125_000, currency: 'EUR', paymentIds: [], nextStep: 'reminder' });

      // One workflow per invoice: a second start is refused, not duplicated.
      await expect(client.workflow.start(collectionWorkflowType, { workflowId, taskQueue, args: [input] })).rejects.toBeInstanceOf(WorkflowExecutionAlreadyStartedError);

      const payment = { currency: 'EUR', method: 'bank_transfer', receivedAt: isoInstant(-1), actor: 'test-erp' };
      await handle.signal(paymentReceivedSignal, { ...payment, paymentId: 'PAY-1', amountMinor: 25_000 });
      await handle.signal(paymentReceivedSignal, { ...payment, paymentId: 'PAY-1', amountMinor: 25_000 }); // replayed by the ERP
      const partlyPaid = await eventually(() => handle.query(caseStateQuery), (state) => state.balanceMinor !== 125_000);
      expect(partlyPaid).toMatchObject({ stage: 'overdue', balanceMinor: 100_000, paymentIds: ['PAY-1'] });

      const described = await eventually(() => handle.describe(), (d) => d.typedSearchAttributes.get(searchAttributes.amountDueMinor) === 100_000);
      expect(described.typedSearchAttributes.get(searchAttributes.stage)).toBe('overdue');
      expect(described.typedSearchAttributes.get(searchAttributes.customerId)).toBe(made.customer.id);
      expect(described.typedSearchAttributes.get(searchAttributes.currency)).toBe('EUR');
      expect(described.typedSearchAttributes.get(searchAttributes.dueDate)).toEqual(made.invoice.dueDate);
      expect(described.typedSearchAttributes.get(searchAttributes.disputed)).toBe(false);
      expect(described.typedSearchAttributes.get(searchAttributes.policyName)).toBe('test-seconds@1');
      expect(described.typedSearchAttributes.get(searchAttributes.nextActionAt)).toBeInstanceOf(Date);

      await handle.signal(paymentReceivedSignal, { ...payment, paymentId: 'PAY-2', amountMinor: 100_000 });
      const result = await handle.result();
      expect(result).toMatchObject({ invoiceId: made.invoice.id, stage: 'paid', paid: true, balanceMinor: 0, paymentIds: ['PAY-1', 'PAY-2'] });
    });

    const events = await prisma.collectionEvent.findMany({ where: { invoiceId: made.invoice.id }, orderBy: { sequence: 'asc' } });
    expect(events.map((e) => [e.category, e.kind, e.actor])).toEqual([
      ['system', 'case_opened', 'system'],
      ['signal', 'payment_applied', 'test-erp'],
      ['signal', 'payment_duplicate', 'test-erp'],
      ['signal', 'payment_settled_invoice', 'test-erp'],
      ['action', 'step_sent', 'system'], // the receipt
    ]);
    expect(events[1]?.details).toMatchObject({ amountMinor: 25_000, balanceAfterMinor: 100_000 });
    const invoice = await prisma.invoice.findUniqueOrThrow({ where: { id: made.invoice.id }, include: { payments: true } });
    expect(invoice.status).toBe('paid');
    expect(invoice.balanceMinor).toBe(0n);
    expect(invoice.payments.map((p) => [p.externalPaymentId, p.amountMinor])).toEqual([
      ['PAY-1', 25_000n],
      ['PAY-2', 100_000n],
    ]);
  });

  it('lists the case in Temporal visibility by its search attributes', async () => {
    const { client, prisma, taskQueue } = harness;
    const made = await createOverdueInvoice(prisma, { amountMinor: 9_900n, currency: 'USD' });
    const workflowId = collectionWorkflowId(made.invoice.id);
    await harness.withWorker(async () => {
      const handle = await client.workflow.start(collectionWorkflowType, { workflowId, taskQueue, args: [caseInput(made, quietPolicy)] });
      const query = `CustomerId = '${made.customer.id}' AND CollectionStage = 'overdue' AND Currency = 'USD' AND AmountDueMinor >= 9900 AND Disputed = false`;
      const found = await eventually(
        async () => {
          const ids: string[] = [];
          for await (const execution of client.workflow.list({ query })) ids.push(execution.workflowId);
          return ids;
        },
        (ids) => ids.length > 0,
      );
      expect(found).toEqual([workflowId]);
      await handle.terminate('test done');
    });
  });
});
