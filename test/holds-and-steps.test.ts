import { DateTime } from 'luxon';
import { afterAll, describe, expect, it } from 'vitest';
import type { MessageSender, Senders } from '../activities/providers/types.js';
import { agreePaymentPlanUpdate, collectionWorkflowId, collectionWorkflowType, caseStateQuery, openDisputeUpdate, pauseUpdate, recordPaymentUpdate, resolveDisputeUpdate, resumeUpdate } from '../workflows/definitions.js';
import type { collectionWorkflow } from '../workflows/collection-workflow.js';
import { correspondenceStateQuery, correspondenceWorkflowId } from '../workflows/correspondence-definitions.js';
import { searchAttributes } from '../workflows/search-attributes.js';
import { eventually } from './support/eventually.js';
import { caseInput, createOverdueInvoice, secondScalePolicy } from './support/fixtures.js';
import { onSuiteWorker, type WorkerHarness } from './support/worker.js';

/**
 * Holds against the ladder on the real server: a hold that lands between two actions of one step,
 * and a partial-payment hold that moves the rest of the schedule. The email sink can be held shut
 * so a hold arrives while an action is in flight, without racing the clock.
 */
let harness: WorkerHarness;
const emailGate = { open: Promise.resolve(), release: () => {} };
function closeEmailGate(): void {
  emailGate.open = new Promise<void>((resolve) => (emailGate.release = resolve));
}
const emailsStarted: string[] = [];

function gatedEmail(sinks: Senders): Senders {
  const email: MessageSender = {
    provider: sinks.email.provider,
    async send(message) {
      emailsStarted.push(message.idempotencyKey);
      await emailGate.open;
      return sinks.email.send(message);
    },
  };
  return { ...sinks, email };
}

onSuiteWorker((h) => (harness = h), { wrapSinks: gatedEmail });
// Runs before the worker stops (after-hooks run last-registered first): a test that failed with the gate shut must not hang the shutdown.
afterAll(() => emailGate.release());

describe('a hold between two actions of one step', () => {
  it('goes on from the next action when the hold ends: one fee, one email, one letter', async () => {
    const policy = secondScalePolicy({
      steps: [
        { id: 'final', offset: 'PT1S', actions: [{ type: 'late_fee' }, { type: 'email', template: 'final_notice' }, { type: 'letter', template: 'formal_letter' }] },
        { id: 'legal', offset: 'PT3600S', actions: [{ type: 'legal_handoff' }] },
      ],
      feeRule: { kind: 'flat', amountMinor: 4_000, recurrence: 'once' }, // no cap: a second charge would go through
    });
    const made = await createOverdueInvoice(harness.prisma, { amountMinor: 100_000n });
    const handle = await harness.client.workflow.start<typeof collectionWorkflow>(collectionWorkflowType, {
      workflowId: collectionWorkflowId(made.invoice.id),
      taskQueue: harness.taskQueue,
      args: [caseInput(made, policy)],
    });
    closeEmailGate();
    // The fee is posted, the email is at the provider: the collector pauses the case now.
    await eventually(async () => emailsStarted.filter((k) => k.startsWith(made.invoice.id)), (keys) => keys.length === 1, 15_000);
    expect(await handle.executeUpdate(pauseUpdate, { args: [{ actor: 'collector-eve', reason: 'customer called' }] })).toMatchObject({ stage: 'paused', feesMinor: 4_000 });
    emailGate.release();
    // The email that was in flight completes; the letter waits for the hold to end.
    const paused = await eventually(() => handle.query(caseStateQuery), (v) => v.recentActions.some((a) => a.action === 'email'));
    expect(paused.recentActions.map((a) => `${a.stepId}:${a.action}:${a.status}`)).toEqual(['final:late_fee:sent', 'final:email:sent']);

    const resumed = await handle.executeUpdate(resumeUpdate, { args: [{ actor: 'collector-eve' }] });
    expect(resumed.stage).toBe('overdue');
    const done = await eventually(() => handle.query(caseStateQuery), (v) => v.recentActions.some((a) => a.action === 'letter'));
    expect(done.recentActions.map((a) => `${a.stepId}:${a.action}:${a.status}`)).toEqual(['final:late_fee:sent', 'final:email:sent', 'final:letter:sent']);
    expect(done).toMatchObject({ feesMinor: 4_000, balanceMinor: 104_000, nextStep: 'legal' });

    const rows = await eventually(
      () => harness.prisma.collectionEvent.findMany({ where: { invoiceId: made.invoice.id, category: 'action' }, orderBy: { sequence: 'asc' } }),
      (events) => events.length === 3,
    );
    expect(rows.map((e) => `${e.kind}:${e.action}`)).toEqual(['late_fee_posted:late_fee', 'step_sent:email', 'step_sent:letter']);
    const invoice = await eventually(() => harness.prisma.invoice.findUniqueOrThrow({ where: { id: made.invoice.id }, include: { feeEntries: true } }), (i) => i.balanceMinor === 104_000n);
    expect(invoice.balanceMinor).toBe(104_000n);
    expect(invoice.feeEntries.map((f) => f.amountMinor)).toEqual([4_000n]);
    expect(emailsStarted.filter((k) => k.startsWith(made.invoice.id))).toHaveLength(1);
    await handle.terminate('test done');
  });
});

describe('a partial-payment hold', () => {
  it('moves the next step by the time it held the case', async () => {
    const policy = secondScalePolicy({
      steps: [
        { id: 'reminder', offset: 'PT1S', actions: [{ type: 'email', template: 'overdue_notice' }] },
        { id: 'letter', offset: 'PT6S', actions: [{ type: 'letter', template: 'formal_letter' }] },
      ],
      partialPayment: 'hold',
      partialPaymentHold: 'PT4S',
    });
    const made = await createOverdueInvoice(harness.prisma, { amountMinor: 100_000n });
    const anchor = new Date();
    const handle = await harness.client.workflow.start<typeof collectionWorkflow>(collectionWorkflowType, {
      workflowId: collectionWorkflowId(made.invoice.id),
      taskQueue: harness.taskQueue,
      args: [caseInput(made, policy, anchor)],
    });
    await eventually(() => handle.query(caseStateQuery), (v) => v.recentActions.length === 1, 15_000);
    const paid = await handle.executeUpdate(recordPaymentUpdate, { args: [{ paymentId: `P-${made.invoice.id.slice(0, 8)}`, amountMinor: 10_000, currency: 'EUR', method: 'card', receivedAt: new Date().toISOString(), actor: 'erp' }] });
    const holdEnds = Date.parse(paid.nextAction!.at);
    expect(paid.nextAction?.kind).toBe('partial_hold_ends');
    // Without the shift the letter would stay due at anchor + 6 s.
    const afterHold = await eventually(() => handle.query(caseStateQuery), (v) => v.nextAction?.kind === 'step', 15_000);
    const letterAt = Date.parse(afterHold.nextAction!.at);
    expect(letterAt).toBeGreaterThanOrEqual(anchor.getTime() + 6_000 + 3_500); // held ~4 s, less the time the payment took to arrive
    expect(letterAt).toBeGreaterThan(holdEnds);
    await handle.terminate('test done');
  });
});

describe('a dispute during a payment plan', () => {
  it('stops the plan clock: no reminder and no default while disputed; both come after the dispute, as late as it lasted', async () => {
    const policy = secondScalePolicy({
      steps: [{ id: 'reminder', offset: 'PT3600S', actions: [{ type: 'email', template: 'overdue_notice' }] }],
      installmentReminderBefore: 'PT1S',
      installmentGrace: 'PT1S',
    });
    const made = await createOverdueInvoice(harness.prisma, { amountMinor: 100_000n });
    const handle = await harness.client.workflow.start<typeof collectionWorkflow>(collectionWorkflowType, {
      workflowId: collectionWorkflowId(made.invoice.id),
      taskQueue: harness.taskQueue,
      args: [caseInput(made, policy)],
    });
    const installmentDue = Date.now() + 3_000; // reminder at 2 s, default check at 4 s
    await handle.executeUpdate(agreePaymentPlanUpdate, { args: [{ actor: 'collector-fay', installments: [{ dueDate: new Date(installmentDue).toISOString(), amountMinor: 100_000 }] }] });
    const disputed = await handle.executeUpdate(openDisputeUpdate, { args: [{ actor: 'collector-fay', reason: 'pallet missing' }] });
    expect(disputed.paymentPlan?.clockHeldSince).toEqual(expect.any(String));
    expect(disputed.nextAction).toBeNull(); // nothing of the plan, nothing of the ladder
    // Let the installment's reminder, date and grace all pass while the dispute lasts.
    await new Promise((resolve) => setTimeout(resolve, installmentDue + 2_000 - Date.now()));
    const resolvedAt = Date.now();
    const resolved = await handle.executeUpdate(resolveDisputeUpdate, { args: [{ actor: 'collector-fay', resolution: 'resume' }] });
    expect(resolved).toMatchObject({ stage: 'payment_plan', paymentPlan: { clockHeldSince: null } });
    expect(resolved.paymentPlan!.clockShiftMillis).toBeGreaterThan(4_000);

    const kinds = async () => (await harness.prisma.collectionEvent.findMany({ where: { invoiceId: made.invoice.id }, orderBy: { sequence: 'asc' } })).map((e) => (e.kind === 'step_sent' ? `step_sent:${(e.details as { stepId?: string }).stepId}` : e.kind));
    const events = await eventually(kinds, (k) => k.includes('payment_plan_defaulted'), 20_000);
    expect(events).toEqual(['case_opened', 'payment_plan_agreed', 'dispute_opened', 'dispute_resolved', 'step_sent:installment_reminder', 'payment_plan_defaulted']);
    const defaulted = await harness.prisma.collectionEvent.findFirstOrThrow({ where: { invoiceId: made.invoice.id, kind: 'payment_plan_defaulted' } });
    // The check came a full (date + grace − time already used before the dispute) after the dispute ended.
    expect(defaulted.occurredAt.getTime() - resolvedAt).toBeGreaterThanOrEqual(3_000);
    await handle.terminate('test done');
  }, 40_000);
});

describe('the sending window, at the moment a message leaves', () => {
  it('keeps a backlog email that was due days ago (inside the window then) until the window opens again; a payment meanwhile means it never goes', async () => {
    const timezone = 'Europe/Berlin'; // the fixture customer's
    const today = DateTime.now().setZone(timezone);
    const closedDays = [today.weekday, today.plus({ days: 1 }).weekday]; // closed today and tomorrow, open the other five days
    const window = { startHour: 0, endHour: 24, weekdays: [1, 2, 3, 4, 5, 6, 7].filter((d) => !closedDays.includes(d)) };
    const policy = secondScalePolicy({
      steps: [{ id: 'reminder', offset: 'PT1S', actions: [{ type: 'email', template: 'overdue_notice' }] }],
      sendingWindows: { messages: window, calls: window },
    });
    const made = await createOverdueInvoice(harness.prisma, { amountMinor: 100_000n });
    // Planned three days ago, on an open day: the step is due, but the window is closed now.
    const handle = await harness.client.workflow.start<typeof collectionWorkflow>(collectionWorkflowType, {
      workflowId: collectionWorkflowId(made.invoice.id),
      taskQueue: harness.taskQueue,
      args: [caseInput(made, policy, today.minus({ days: 3 }).toJSDate())],
    });
    const opens = today.startOf('day').plus({ days: 2 }).toMillis();
    // The request waits in the customer's correspondence until the window opens.
    const correspondence = harness.client.workflow.getHandle(correspondenceWorkflowId(made.customer.id));
    const waiting = await eventually(
      () => correspondence.query(correspondenceStateQuery).catch(() => undefined),
      (v) => v?.nextMessageAt === new Date(opens).toISOString(),
    );
    expect(waiting).toMatchObject({ nextMessageAt: new Date(opens).toISOString(), waiting: [{ invoiceNumber: made.invoice.number, channel: 'email' }] });
    const described = await eventually(() => correspondence.describe(), (d) => d.typedSearchAttributes.get(searchAttributes.nextActionAt)?.getTime() === opens);
    expect(described.typedSearchAttributes.get(searchAttributes.pendingMessages)).toBe(1);
    const mine = async () => (await harness.sent('email')).filter((e) => e.idempotencyKey.startsWith(made.invoice.id));
    expect(await mine()).toEqual([]);

    await handle.executeUpdate(recordPaymentUpdate, { args: [{ paymentId: `P-${made.invoice.id.slice(0, 8)}`, amountMinor: 100_000, currency: 'EUR', method: 'card', receivedAt: new Date().toISOString(), actor: 'erp' }] });
    expect(await handle.result()).toMatchObject({ stage: 'paid', recentActions: [expect.objectContaining({ stepId: 'receipt', status: 'sent' })] });
    expect((await mine()).map((e) => e.template)).toEqual(['payment_receipt']); // receipts are not windowed; the reminder never left
  });
});
