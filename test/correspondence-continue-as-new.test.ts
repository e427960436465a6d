import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { Worker } from '@temporalio/worker';
import { describe, expect, inject, it } from 'vitest';
import type { collectionWorkflow } from '../workflows/collection-workflow.js';
import type { correspondenceWorkflow } from '../workflows/correspondence-workflow.js';
import { type CorrespondenceInput, correspondenceStateQuery, correspondenceWorkflowId, correspondenceWorkflowType } from '../workflows/correspondence-definitions.js';
import { caseStateQuery, collectionWorkflowId, collectionWorkflowType } from '../workflows/definitions.js';
import { eventually } from './support/eventually.js';
import { caseInput, createOverdueInvoice, secondScalePolicy } from './support/fixtures.js';
import { suiteDataConverter } from './support/payload-encryption.js';
import { earlyContinueAsNewServer } from './support/temporal-dev-server.js';
import { onSuiteWorker, type WorkerHarness } from './support/worker.js';

/**
 * The customer's correspondence is long-running: it must hand over to a new run (continue-as-new)
 * without losing a request or sending anything twice. A dev server of its own suggests
 * continue-as-new after 40 events, so a customer's many requests cross the line several times,
 * some of them while they wait for their consolidation window.
 */
let harness: WorkerHarness;
onSuiteWorker((h) => (harness = h), {}, earlyContinueAsNewServer());

type Made = Awaited<ReturnType<typeof createOverdueInvoice>>;

async function decodedInput(workflowId: string, runId: string): Promise<CorrespondenceInput> {
  const history = await harness.client.workflow.getHandle(workflowId, runId).fetchHistory();
  let payloads = (history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads ?? []) as Payload[];
  for (const codec of [...(suiteDataConverter().payloadCodecs ?? [])].reverse()) payloads = await codec.decode(payloads);
  return defaultPayloadConverter.fromPayload<CorrespondenceInput>(payloads[0]!);
}

describe('continue-as-new of the correspondence', () => {
  it('many requests of one customer across several hand-overs: every case answered once, nothing sent twice, waiting requests carried over', async () => {
    const steps = ['overdue_notice', 'second_reminder', 'final_notice'] as const;
    const policy = secondScalePolicy({
      steps: [
        { id: 'first', offset: 'PT1S', actions: [{ type: 'email', template: steps[0] }] },
        { id: 'second', offset: 'PT4S', actions: [{ type: 'email', template: steps[1] }] },
        { id: 'third', offset: 'PT7S', actions: [{ type: 'email', template: steps[2] }] },
        { id: 'later', offset: 'P30D', actions: [{ type: 'email' }] },
      ],
      // Requests wait up to 2 s for others: the hand-overs fall while some of them wait. No contact caps.
      consolidation: { window: 'PT2S' },
    });
    // Ten cases of one customer, started in two waves a second apart, so requests keep arriving while others wait.
    const made: Made[] = [];
    for (let i = 0; i < 10; i++) made.push(await createOverdueInvoice(harness.prisma, { amountMinor: BigInt(10_000 + i), ...(made[0] ? { sameCustomerAs: made[0].customer } : {}) }));
    const customerId = made[0]!.customer.id;
    const start = (m: Made) => harness.client.workflow.start<typeof collectionWorkflow>(collectionWorkflowType, { workflowId: collectionWorkflowId(m.invoice.id), taskQueue: harness.taskQueue, args: [caseInput(m, policy, new Date())] });
    const handles = await Promise.all(made.slice(0, 5).map(start));
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    handles.push(...(await Promise.all(made.slice(5).map(start))));

    // Every case gets each of its three answers, once.
    const views = await eventually(() => Promise.all(handles.map((h) => h.query(caseStateQuery))), (vs) => vs.every((v) => v.recentActions.length >= 3), 60_000);
    expect(views.map((v) => v.recentActions.map((a) => `${a.stepId}:${a.status}`))).toEqual(Array(10).fill(['first:sent', 'second:sent', 'third:sent']));

    // Nothing sent twice: each email has its own key, and each invoice is in exactly three emails, one
    // per step (a step's request may be merged into another step's email: it takes the sterner tone).
    const emails = (await harness.sent('email')).filter((e) => (e.customer as { customerId?: string } | undefined)?.customerId === customerId);
    expect(new Set(emails.map((e) => e.idempotencyKey)).size).toBe(emails.length);
    for (const m of made) expect(emails.filter((e) => e.text?.includes(m.invoice.number)), `emails listing ${m.invoice.number}`).toHaveLength(3);
    // The audit log is written after the answer: wait for it, then make sure nothing more comes.
    const readEvents = () => harness.prisma.collectionEvent.findMany({ where: { invoiceId: { in: made.map((m) => m.invoice.id) }, kind: 'step_sent' } });
    await eventually(readEvents, (rows) => rows.length >= 30, 15_000);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const events = await readEvents();
    expect(events).toHaveLength(30);
    expect(new Set(events.map((e) => `${e.invoiceId}:${(e.details as { stepId?: string }).stepId}`)).size).toBe(30);
    // Every step's audit entry points at an email that listed its invoice.
    for (const event of events) {
      const email = emails.find((e) => e.idempotencyKey === (event.details as { messageKey?: string }).messageKey);
      expect(email?.text).toContain(made.find((m) => m.invoice.id === event.invoiceId)!.invoice.number);
    }

    // It did hand over several times, and requests that were waiting crossed a hand-over.
    const workflowId = correspondenceWorkflowId(customerId);
    const runs = await eventually(
      async () => {
        const found: string[] = [];
        for await (const run of harness.client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) found.push(run.runId);
        return found;
      },
      (found) => found.length >= 3,
      15_000,
    );
    expect(runs.length).toBeGreaterThanOrEqual(3);
    const inputs = await Promise.all(runs.map((runId) => decodedInput(workflowId, runId)));
    expect(inputs.some((input) => (input.carried?.pending.length ?? 0) > 0)).toBe(true);

    // Every run replays deterministically.
    const histories = await Promise.all(runs.map(async (runId) => ({ workflowId, history: await harness.client.workflow.getHandle(workflowId, runId).fetchHistory() })));
    const failures: string[] = [];
    for await (const result of Worker.runReplayHistories({ workflowBundle: { codePath: inject('workflowBundlePath') }, dataConverter: suiteDataConverter() }, histories)) {
      if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
    }
    expect(failures).toEqual([]);
    await Promise.all(handles.map((h) => h.terminate('test done')));
  }, 120_000);

  it('an answer decided but not yet signalled when the run hands over reaches its case from the next run', async () => {
    // A case whose request waits an hour to be merged: its answer is what the hand-over must not lose.
    const made = await createOverdueInvoice(harness.prisma);
    const policy = secondScalePolicy({ steps: [{ id: 'first', offset: 'PT1S', actions: [{ type: 'email', template: 'overdue_notice' }] }, { id: 'later', offset: 'P30D', actions: [{ type: 'email' }] }], consolidation: { window: 'PT1H' } });
    const handle = await harness.client.workflow.start<typeof collectionWorkflow>(collectionWorkflowType, { workflowId: collectionWorkflowId(made.invoice.id), taskQueue: harness.taskQueue, args: [caseInput(made, policy, new Date())] });
    const workflowId = correspondenceWorkflowId(made.customer.id);
    const waiting = await eventually(() => harness.client.workflow.getHandle(workflowId).query(correspondenceStateQuery).catch(() => undefined), (v) => v?.waiting.length === 1, 15_000);
    const requestId = waiting!.waiting[0]!.requestId;
    // The run that decided the answer is gone; the next starts with it carried, unsent.
    await harness.client.workflow.getHandle(workflowId).terminate('replaced by a run carrying an unsent answer');
    const outcome = { requestId, status: 'sent' as const, channel: 'email' as const, messageKey: requestId, provider: 'sendgrid', providerMessageId: `carried-${made.invoice.id.slice(0, 8)}`, invoiceCount: 1, waitedFor: [], alreadySent: false };
    await harness.client.workflow.start<typeof correspondenceWorkflow>(correspondenceWorkflowType, {
      workflowId,
      taskQueue: harness.taskQueue,
      args: [{ customerId: made.customer.id, contact: made.contact, carried: { contact: made.contact, pending: [], sent: [], answered: [], messageSequence: 0, unsent: [{ caseWorkflowId: handle.workflowId, outcome }] } }],
    });
    const view = await eventually(() => handle.query(caseStateQuery), (v) => v.recentActions.length === 1, 15_000);
    expect(view.recentActions).toMatchObject([{ stepId: 'first', status: 'sent', providerMessageId: outcome.providerMessageId }]);
    await handle.terminate('test done');
    await harness.client.workflow.getHandle(workflowId).terminate('test done');
  }, 60_000);
});
