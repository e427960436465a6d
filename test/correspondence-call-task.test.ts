import { describe, expect, it } from 'vitest';
import type { collectionWorkflow } from '../workflows/collection-workflow.js';
import { correspondenceWorkflowId } from '../workflows/correspondence-definitions.js';
import { collectionWorkflowId, collectionWorkflowType } from '../workflows/definitions.js';
import { eventually } from './support/eventually.js';
import { caseInput, createOverdueInvoice, secondScalePolicy } from './support/fixtures.js';
import type { ProviderServers } from './support/provider-servers.js';
import { onWorkerWithProviders } from './support/provider-worker.js';
import { type WorkerHarness } from './support/worker.js';

/**
 * A consolidated call step, through the real Twilio SDK to a local server that answers like
 * TaskRouter (mocked: the real API cannot be reached from here): the collector gets one task for
 * the customer, and the task lists every invoice to talk about.
 */
let servers: ProviderServers;
let harness: WorkerHarness;
onWorkerWithProviders((s, h) => ((servers = s), (harness = h)));

interface TaskAttributes {
  readonly idempotency_key: string;
  readonly invoice_count: number;
  readonly invoices: readonly { invoice_number: string; currency: string; balance_minor: number; due_date: string }[];
  readonly brief: string;
}

describe('a merged call task', () => {
  it('three invoices of one customer due together → one TaskRouter task whose attributes and brief list all three with their balances', async () => {
    const policy = secondScalePolicy({
      steps: [
        { id: 'call', offset: 'PT1S', actions: [{ type: 'call_task', template: 'collector_call' }] },
        { id: 'later', offset: 'P30D', actions: [{ type: 'email', template: 'final_notice' }] },
      ],
      // Wide enough that three cases starting on two busy cores all ask within it.
      consolidation: { window: 'PT8S' },
    });
    const first = await createOverdueInvoice(harness.prisma, { amountMinor: 11_000n });
    const made = [first, await createOverdueInvoice(harness.prisma, { amountMinor: 22_000n, sameCustomerAs: first.customer }), await createOverdueInvoice(harness.prisma, { amountMinor: 33_000n, sameCustomerAs: first.customer })];
    const anchor = new Date();
    const handles = await Promise.all(
      made.map((m) => harness.client.workflow.start<typeof collectionWorkflow>(collectionWorkflowType, { workflowId: collectionWorkflowId(m.invoice.id), taskQueue: harness.taskQueue, args: [caseInput(m, policy, anchor)] })),
    );
    const key = `${correspondenceWorkflowId(first.customer.id)}:message-`;
    const tasks = await eventually(async () => servers.accepted.filter((a) => a.provider === 'twilio-task' && a.idempotencyKey?.startsWith(key)), (t) => t.length >= 1, 20_000);
    // Every case has its answer before we count: a second task would have been sent by then.
    await eventually(() => harness.prisma.collectionEvent.count({ where: { invoiceId: { in: made.map((m) => m.invoice.id) }, kind: 'step_sent' } }), (n) => n === 3, 15_000);
    expect(servers.accepted.filter((a) => a.provider === 'twilio-task' && made.some((m) => JSON.stringify(a.body).includes(m.invoice.number)))).toHaveLength(1);

    const attributes = JSON.parse(tasks[0]!.body.Attributes as string) as TaskAttributes;
    expect(attributes.invoice_count).toBe(3);
    expect(attributes.invoices.map((line) => [line.invoice_number, line.balance_minor, line.currency]).sort()).toEqual(made.map((m) => [m.invoice.number, Number(m.invoice.amountMinor), 'EUR']).sort());
    for (const m of made) expect(attributes.brief).toContain(m.invoice.number);
    await Promise.all(handles.map((h) => h.terminate('test done')));
  }, 60_000);
});
