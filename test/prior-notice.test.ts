import { Worker } from '@temporalio/worker';
import { describe, expect, inject, it } from 'vitest';
import type { CollectionPolicy } from '../domain/policy.js';
import { caseStateQuery, collectionWorkflowId, collectionWorkflowType, pauseUpdate } from '../workflows/definitions.js';
import type { collectionWorkflow } from '../workflows/collection-workflow.js';
import { eventually } from './support/eventually.js';
import { caseInput, createOverdueInvoice, type CustomerOverrides, secondScalePolicy } from './support/fixtures.js';
import { onSuiteWorker, type WorkerHarness } from './support/worker.js';
import { suiteDataConverter } from './support/payload-encryption.js';

/**
 * A late fee or a legal hand-off only after a notice sent at least the policy's minimum before,
 * on the real server and PostgreSQL with second-scale minimums (the day-scale rules are unit-tested
 * in domain-prior-notice). Order and gaps are read from the audit log's timestamps.
 */
let harness: WorkerHarness;
const started: string[] = [];
onSuiteWorker((h) => (harness = h));

const legalAfterFinalNotice = { legal_handoff: { template: 'final_notice', minimum: 'PT3S' } };
const feeAfterAnyMessage = { late_fee: { template: 'overdue_notice', minimum: 'PT3S', anyMessage: true } };

async function startCase(policy: CollectionPolicy, options: { anchor?: Date; customer?: CustomerOverrides } = {}) {
  const made = await createOverdueInvoice(harness.prisma, { amountMinor: 100_000n, ...(options.customer ? { customer: options.customer } : {}) });
  const workflowId = collectionWorkflowId(made.invoice.id);
  const handle = await harness.client.workflow.start<typeof collectionWorkflow>(collectionWorkflowType, { workflowId, taskQueue: harness.taskQueue, args: [caseInput(made, policy, options.anchor ?? new Date())] });
  started.push(workflowId);
  const invoiceId = made.invoice.id;
  return {
    handle,
    invoiceId,
    sent: async (channel: 'email' | 'letter' | 'legal') => (await harness.sent(channel)).filter((entry) => entry.idempotencyKey.startsWith(invoiceId)),
    events: () => harness.prisma.collectionEvent.findMany({ where: { invoiceId }, orderBy: { sequence: 'asc' } }),
  };
}

const at = (event: { occurredAt: Date } | undefined) => event!.occurredAt.getTime();

describe.concurrent('a notice before a legal hand-off or a late fee', () => {
  it('a backlog case whose latest due step is legal: the final notice email first, the hand-off only the minimum after it', async () => {
    // Every step is long due (anchored a minute ago): catch-up runs only the latest, the hand-off.
    const c = await startCase(secondScalePolicy({ priorNotice: legalAfterFinalNotice }), { anchor: new Date(Date.now() - 60_000) });
    expect(await c.handle.result()).toMatchObject({ stage: 'legal', nextStep: null });

    const events = await c.events();
    expect(events.map((e) => e.kind)).toEqual(['case_opened', 'step_sent', 'prior_notice_sent', 'legal_handoff']);
    const [, notice, marked, handoff] = events;
    expect(notice?.details).toMatchObject({ stepId: 'legal', template: 'final_notice', channel: 'email' });
    expect(marked?.details).toMatchObject({ stepId: 'legal', before: 'legal_handoff', template: 'final_notice', minimum: 'PT3S', channel: 'email' });
    expect(at(handoff) - at(notice)).toBeGreaterThanOrEqual(3_000);
    expect(Date.parse((marked?.details as { notBefore: string }).notBefore)).toBeLessThanOrEqual(at(handoff));

    const emails = await c.sent('email');
    expect(emails.map((e) => [e.template, e.idempotencyKey.split(':').slice(-3).join(':')])).toEqual([['final_notice', 'legal:legal_handoff:prior-notice']]);
    expect(await c.sent('legal')).toHaveLength(1);
  });

  it('a late fee with no message before it: the notice first, the fee the minimum after it', async () => {
    const policy = secondScalePolicy({ priorNotice: feeAfterAnyMessage, steps: [{ id: 'late_fee', offset: 'PT1S', actions: [{ type: 'late_fee' }] }, { id: 'later', offset: 'P1D', actions: [{ type: 'email' }] }] });
    const c = await startCase(policy);
    const events = await eventually(c.events, (rows) => rows.some((e) => e.kind === 'late_fee_posted'), 15_000);
    expect(events.map((e) => e.kind)).toEqual(['case_opened', 'step_sent', 'prior_notice_sent', 'late_fee_posted']);
    const notice = events[1];
    expect(notice?.details).toMatchObject({ stepId: 'late_fee', template: 'overdue_notice' });
    expect(at(events[3]) - at(notice)).toBeGreaterThanOrEqual(3_000);
    expect((await c.sent('email')).map((e) => e.template)).toEqual(['overdue_notice']);
    expect(await c.handle.query(caseStateQuery)).toMatchObject({ feesMinor: 4_000, nextStep: 'later' });
    await c.handle.terminate('checked');
  });

  it('a notice sent long enough before: no extra notice, the fee and the hand-off follow the ladder', async () => {
    const policy = secondScalePolicy({
      priorNotice: { late_fee: { ...feeAfterAnyMessage.late_fee, minimum: 'PT2S' }, legal_handoff: { ...legalAfterFinalNotice.legal_handoff, minimum: 'PT2S' } },
      // The notice leaves at about 1 s: the fee (6 s) and the hand-off (7 s) come more than the 2 s after it.
      steps: [
        { id: 'final', offset: 'PT1S', actions: [{ type: 'email', template: 'final_notice' }] },
        { id: 'late_fee', offset: 'PT6S', actions: [{ type: 'late_fee' }] },
        { id: 'legal', offset: 'PT7S', actions: [{ type: 'legal_handoff' }] },
      ],
    });
    const c = await startCase(policy);
    expect(await c.handle.result()).toMatchObject({ stage: 'legal', feesMinor: 4_000 });
    expect((await c.events()).map((e) => e.kind)).toEqual(['case_opened', 'step_sent', 'late_fee_posted', 'legal_handoff']);
    expect((await c.sent('email')).map((e) => e.template)).toEqual(['final_notice']);
  });

  it('a notice and the action in one step: the action waits for the notice it just sent', async () => {
    const policy = secondScalePolicy({ priorNotice: legalAfterFinalNotice, steps: [{ id: 'final', offset: 'PT1S', actions: [{ type: 'email', template: 'final_notice' }, { type: 'legal_handoff' }] }] });
    const c = await startCase(policy);
    await c.handle.result();
    const events = await c.events();
    expect(events.map((e) => e.kind)).toEqual(['case_opened', 'step_sent', 'waiting_for_prior_notice', 'legal_handoff']);
    expect(at(events[3]) - at(events[1])).toBeGreaterThanOrEqual(3_000);
    expect(await c.sent('email')).toHaveLength(1); // the step's email is the notice: none sent twice
  });

  it('a hold while the hand-off waits for its notice stops it: the hand-off comes only after the hold ends', async () => {
    const c = await startCase(secondScalePolicy({ priorNotice: legalAfterFinalNotice }), { anchor: new Date(Date.now() - 60_000) });
    await eventually(c.events, (rows) => rows.some((e) => e.kind === 'prior_notice_sent'), 15_000);
    const until = new Date(Date.now() + 6_000).toISOString(); // past the 3 s minimum
    await c.handle.executeUpdate(pauseUpdate, { args: [{ actor: 'collector', reason: 'customer called', until }] });
    await c.handle.result();
    const kinds = (await c.events()).map((e) => e.kind);
    expect(kinds).toEqual(['case_opened', 'step_sent', 'prior_notice_sent', 'case_paused', 'case_resumed', 'legal_handoff']);
    const handoff = (await c.events()).at(-1)!;
    expect(handoff.occurredAt.getTime()).toBeGreaterThanOrEqual(Date.parse(until));
    expect(await c.sent('email')).toHaveLength(1);
  });

  it('a customer no notice can reach: no hand-off, the step is recorded as skipped and the case stays open', async () => {
    const c = await startCase(secondScalePolicy({ priorNotice: legalAfterFinalNotice }), { anchor: new Date(Date.now() - 60_000), customer: { email: null, phone: null, withAddress: false } });
    const events = await eventually(c.events, (rows) => rows.filter((e) => e.kind === 'step_skipped').length === 2, 15_000);
    expect(events.map((e) => [e.kind, e.action])).toEqual([['case_opened', null], ['step_skipped', 'email'], ['step_skipped', 'legal_handoff']]);
    expect(await c.handle.query(caseStateQuery)).toMatchObject({ stage: 'overdue', closed: null, nextAction: null });
    expect(await c.sent('legal')).toHaveLength(0);
    expect((await harness.prisma.invoice.findUniqueOrThrow({ where: { id: c.invoiceId } })).status).toBe('open');
    await c.handle.terminate('checked');
  });
});

describe('determinism', () => {
  it('replays the histories of these cases', async () => {
    const histories = async function* () {
      for (const workflowId of started) yield { workflowId, history: await harness.client.workflow.getHandle(workflowId).fetchHistory() };
    };
    const failures: string[] = [];
    let replayed = 0;
    for await (const result of Worker.runReplayHistories({ workflowBundle: { codePath: inject('workflowBundlePath') }, dataConverter: suiteDataConverter() }, histories())) {
      if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
      replayed += 1;
    }
    expect(failures).toEqual([]);
    expect(replayed).toBe(started.length);
    expect(replayed).toBeGreaterThanOrEqual(6);
  });
});
