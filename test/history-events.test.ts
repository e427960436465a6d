import { describe, expect, it } from 'vitest';
import type { collectionWorkflow } from '../workflows/collection-workflow.js';
import { identityAttributes } from '../workflows/case-attributes.js';
import { collectionWorkflowId, collectionWorkflowType } from '../workflows/definitions.js';
import { secondScaleDefaultPolicy } from './support/default-ladder.js';
import { caseInput, createOverdueInvoice } from './support/fixtures.js';
import { historyEventCounts } from './support/history-events.js';
import { onSuiteWorker, type WorkerHarness } from './support/worker.js';

/**
 * The cost of a case in Temporal history: the default policy's ladder, second-scale, run to its
 * legal hand-off on the real dev server, counted from the case's own history (bench/history-events.ts
 * prints the same by event type, beside a raw timer + activity ladder).
 */
// Issue 11 asks for at most 12; the ladder measures 11.9 (95 events for 8 steps, started as the API starts it; README "History events per step" says where they go).
const MAX_EVENTS_PER_STEP = 12;

let harness: WorkerHarness;
onSuiteWorker((h) => (harness = h));

describe('history events per ladder step', () => {
  it(`the default ladder to legal hand-off makes at most ${MAX_EVENTS_PER_STEP} history events per step on average, and still records every action once, in order`, async () => {
    const policy = secondScaleDefaultPolicy();
    const made = await createOverdueInvoice(harness.prisma);
    // Started as the API starts a case: with the search attributes it would publish first.
    const input = caseInput(made, policy);
    const handle = await harness.client.workflow.start<typeof collectionWorkflow>(collectionWorkflowType, {
      workflowId: collectionWorkflowId(made.invoice.id),
      taskQueue: harness.taskQueue,
      args: [input],
      typedSearchAttributes: identityAttributes(input),
    });
    const view = await handle.result();
    expect(view.closed?.reason).toBe('legal_handoff');

    const { total, byType } = await historyEventCounts(handle);
    const perStep = total / policy.steps.length;
    expect(perStep, `${total} events for ${policy.steps.length} steps: ${JSON.stringify(byType)}`).toBeLessThanOrEqual(MAX_EVENTS_PER_STEP);

    // The audit log still holds every action of the ladder, once each, in the order they happened.
    const events = await harness.prisma.collectionEvent.findMany({ where: { invoiceId: made.invoice.id }, orderBy: { sequence: 'asc' } });
    expect(events.map((e) => (e.kind === 'step_sent' ? `${e.kind}:${(e.details as { stepId?: string }).stepId}:${e.action}` : e.kind))).toEqual([
      'case_opened',
      'step_sent:courtesy_reminder:email',
      'step_sent:overdue_notice:email',
      'step_sent:reminder_15:email',
      'step_sent:letter_30:letter',
      'late_fee_posted',
      'step_sent:call_45:call_task',
      'step_sent:final_notice_60:email',
      'step_sent:final_notice_60:letter',
      'legal_handoff',
    ]);
    expect(events.map((e) => e.sequence)).toEqual(events.map((_, i) => i + 1));
    // Each message left once, the fee was posted once.
    const keys = (await Promise.all((['email', 'letter', 'call_task'] as const).map((channel) => harness.sent(channel)))).flat().map((e) => e.idempotencyKey).filter((key) => key.startsWith(made.invoice.id));
    expect(keys).toHaveLength(7);
    expect(new Set(keys).size).toBe(7);
    expect(await harness.prisma.feeLedgerEntry.count({ where: { invoiceId: made.invoice.id, kind: 'late_fee' } })).toBe(1);
  }, 90_000);
});
