import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  caseStateQuery,
  collectionWorkflowId,
  collectionWorkflowType,
  paymentReceivedSignal,
  type CaseState,
  type CollectionWorkflowInput,
} from '../workflows/definitions.js';
import { searchAttributes } from '../workflows/search-attributes.js';
import { createOverdueInvoice } from './support/fixtures.js';
import { createWorkerHarness, type WorkerHarness } from './support/worker.js';

/** The whole chain on real parts: client → Temporal dev server → worker → activity → PostgreSQL. */
let harness: WorkerHarness;
beforeAll(async () => {
  harness = await createWorkerHarness();
});
afterAll(() => harness?.close());

async function eventually<T>(read: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!accept(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    value = await read();
  }
  return value;
}

describe('round trip through every real part', () => {
  it('starts a case, answers queries, applies payment signals and writes the audit log', async () => {
    const { client, prisma, taskQueue } = harness;
    const { customer, invoice } = await createOverdueInvoice(prisma, { amountMinor: 125_000n });
    const input: CollectionWorkflowInput = {
      invoiceId: invoice.id,
      invoiceNumber: invoice.number,
      customerId: customer.id,
      balanceMinor: Number(invoice.balanceMinor),
      currency: invoice.currency,
      dueDate: '2026-10-31',
    };
    const workflowId = collectionWorkflowId(invoice.id);

    await harness.withWorker(async () => {
      const handle = await client.workflow.start(collectionWorkflowType, { workflowId, taskQueue, args: [input], staticSummary: `Collect invoice ${invoice.number}` });

      const opened = await eventually(() => handle.query(caseStateQuery), (state) => state.stage === 'open');
      expect(opened).toEqual({ invoiceId: invoice.id, stage: 'open', balanceMinor: 125_000, currency: 'EUR', paymentIds: [] });

      // One workflow per invoice: a second start is refused, not duplicated.
      await expect(client.workflow.start(collectionWorkflowType, { workflowId, taskQueue, args: [input] })).rejects.toBeInstanceOf(WorkflowExecutionAlreadyStartedError);

      const payment = { currency: 'EUR', method: 'bank_transfer', receivedAt: '2026-11-20T09:30:00.000Z', actor: 'test-erp' };
      await handle.signal(paymentReceivedSignal, { ...payment, paymentId: 'PAY-1', amountMinor: 25_000 });
      await handle.signal(paymentReceivedSignal, { ...payment, paymentId: 'PAY-1', amountMinor: 25_000 }); // replayed by the ERP
      const partlyPaid = await eventually(() => handle.query(caseStateQuery), (state) => state.balanceMinor !== 125_000);
      expect(partlyPaid).toMatchObject({ stage: 'open', balanceMinor: 100_000, paymentIds: ['PAY-1'] });

      const described = await eventually(() => handle.describe(), (d) => d.typedSearchAttributes.get(searchAttributes.amountDueMinor) === 100_000);
      expect(described.typedSearchAttributes.get(searchAttributes.amountDueMinor)).toBe(100_000);
      expect(described.typedSearchAttributes.get(searchAttributes.stage)).toBe('open');
      expect(described.typedSearchAttributes.get(searchAttributes.customerId)).toBe(customer.id);
      expect(described.typedSearchAttributes.get(searchAttributes.currency)).toBe('EUR');
      expect(described.typedSearchAttributes.get(searchAttributes.dueDate)).toEqual(new Date('2026-10-31T00:00:00Z'));
      expect(described.typedSearchAttributes.get(searchAttributes.disputed)).toBe(false);

      await handle.signal(paymentReceivedSignal, { ...payment, paymentId: 'PAY-2', amountMinor: 100_000 });
      const result: CaseState = await handle.result();
      expect(result).toEqual({ invoiceId: invoice.id, stage: 'paid', balanceMinor: 0, currency: 'EUR', paymentIds: ['PAY-1', 'PAY-2'] });
    });

    const events = await prisma.collectionEvent.findMany({ where: { invoiceId: invoice.id }, orderBy: { recordedAt: 'asc' } });
    expect(events.map((e) => [e.category, e.kind, e.actor, e.idempotencyKey])).toEqual([
      ['system', 'case_opened', 'system', `${workflowId}:opened`],
      ['signal', 'payment_applied', 'test-erp', `${workflowId}:payment:PAY-1`],
      ['signal', 'payment_applied', 'test-erp', `${workflowId}:payment:PAY-2`],
    ]);
    expect(events[1]?.details).toMatchObject({ amountMinor: 25_000, balanceAfterMinor: 100_000 });
  });

  it('lists the case in Temporal visibility by its search attributes', async () => {
    const { client, prisma, taskQueue } = harness;
    const { customer, invoice } = await createOverdueInvoice(prisma, { amountMinor: 9_900n, currency: 'USD' });
    const workflowId = collectionWorkflowId(invoice.id);
    await harness.withWorker(async () => {
      const handle = await client.workflow.start(collectionWorkflowType, {
        workflowId,
        taskQueue,
        args: [{ invoiceId: invoice.id, invoiceNumber: invoice.number, customerId: customer.id, balanceMinor: 9_900, currency: 'USD', dueDate: '2026-10-31' }],
      });
      await eventually(() => handle.describe(), (d) => d.typedSearchAttributes.get(searchAttributes.customerId) === customer.id);
      const query = `CustomerId = '${customer.id}' AND CollectionStage = 'open' AND Currency = 'USD' AND AmountDueMinor >= 9900`;
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
