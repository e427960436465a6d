import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { CollectionPolicy } from '../domain/policy.js';
import {
  agreePaymentPlanUpdate,
  callOutcomeUpdate,
  caseStateQuery,
  type CaseView,
  collectionWorkflowId,
  collectionWorkflowType,
  disputeOpenedSignal,
  openDisputeUpdate,
  pauseUpdate,
  recordPaymentUpdate,
  resolveDisputeUpdate,
  resumeUpdate,
  waiveFeeUpdate,
} from '../workflows/definitions.js';
import type { collectionWorkflow } from '../workflows/collection-workflow.js';
import { searchAttributes } from '../workflows/search-attributes.js';
import { eventually } from './support/eventually.js';
import { caseInput, createOverdueInvoice, type CustomerOverrides, secondScalePolicy } from './support/fixtures.js';
import { suiteDataConverter } from './support/payload-encryption.js';
import { createWorkerHarness, type WorkerHarness } from './support/worker.js';
import { isoInstant } from './support/clock.js';

const run = promisify(execFile);

/**
 * Every path of the ladder on the real dev server and PostgreSQL, with second-scale policies
 * (PT1S steps: reminder email at 1 s, letter at 2 s, flat fee at 3 s, call at 4 s, legal at 5 s).
 */
let harness: WorkerHarness;
let stopWorker: () => Promise<void>;
const finished: { workflowId: string }[] = [];
beforeAll(async () => {
  harness = await createWorkerHarness();
  stopWorker = await harness.startWorker();
});
afterAll(async () => {
  await stopWorker?.();
  await harness?.close();
});

async function startCase(options: { policy?: CollectionPolicy; customer?: CustomerOverrides; amountMinor?: bigint; anchor?: Date } = {}) {
  const made = await createOverdueInvoice(harness.prisma, { amountMinor: options.amountMinor ?? 100_000n, ...(options.customer ? { customer: options.customer } : {}) });
  const workflowId = collectionWorkflowId(made.invoice.id);
  const handle = await harness.client.workflow.start<typeof collectionWorkflow>(collectionWorkflowType, {
    workflowId,
    taskQueue: harness.taskQueue,
    args: [caseInput(made, options.policy ?? secondScalePolicy(), options.anchor ?? new Date())],
  });
  finished.push({ workflowId });
  const sent = async (channel: 'email' | 'sms' | 'letter' | 'call_task' | 'legal') =>
    (await harness.sent(channel)).filter((entry) => entry.idempotencyKey.startsWith(made.invoice.id));
  const events = async () => (await harness.prisma.collectionEvent.findMany({ where: { invoiceId: made.invoice.id }, orderBy: { sequence: 'asc' } })).map((e) => e.kind);
  return { made, handle, sent, events, invoiceId: made.invoice.id };
}

const payment = (paymentId: string, amountMinor: number, currency = 'EUR') => ({ paymentId, amountMinor, currency, method: 'bank_transfer', receivedAt: new Date().toISOString(), actor: 'erp' });
const inSeconds = (seconds: number) => new Date(Date.now() + seconds * 1000).toISOString();
const query = (handle: WorkflowHandle) => handle.query(caseStateQuery);

async function refusal(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WorkflowUpdateFailedError);
  return String((error as WorkflowUpdateFailedError).cause?.message);
}

/**
 * The positive signal a hold test waits for instead of a sleep: a case started now on this worker,
 * held by nothing, whose one email is due in 2 s. Once it has gone, the first step of a case started
 * earlier (due 1 s after its start) would have gone too, had that case not been held.
 */
async function aLaterEmailHasGone() {
  const control = await startCase({ policy: secondScalePolicy({ steps: [{ id: 'control', offset: 'PT2S', actions: [{ type: 'email' }] }] }) });
  const sent = await eventually(() => control.sent('email'), (emails) => emails.length === 1);
  await control.handle.terminate('control done');
  return sent;
}

/**
 * The audit kinds without `case_opened`: a command sent right after the start can be handled in the
 * run's first task, before the opening is recorded, so its place in the log varies.
 */
const afterOpening = (kinds: string[]) => kinds.filter((kind) => kind !== 'case_opened');

describe.concurrent('the collection ladder', () => {
  it('runs the full ladder to legal hand-off: one email, letter, fee, call task and packet each', async () => {
    const c = await startCase();
    const result: CaseView = await c.handle.result();
    expect(result).toMatchObject({ stage: 'legal', balanceMinor: 104_000, feesMinor: 4_000, closed: { reason: 'legal_handoff' } });
    expect(result.recentActions.map((a) => `${a.stepId}:${a.action}:${a.status}`)).toEqual(['reminder:email:sent', 'letter:letter:sent', 'late_fee:late_fee:sent', 'call:call_task:sent', 'legal:legal_handoff:sent']);
    expect(await c.sent('email')).toHaveLength(1);
    expect(await c.sent('letter')).toHaveLength(1);
    expect(await c.sent('call_task')).toHaveLength(1);
    expect(await c.sent('legal')).toHaveLength(1);
    const [email] = await c.sent('email');
    expect(email?.text).toContain(`Rechnung ${c.made.invoice.number}`); // the customer's locale is de-DE
    expect(email?.text).toContain('1.000,00\u00a0€'); // de-DE
    expect(email?.text).toContain(c.made.invoice.paymentLink!);
    const invoice = await harness.prisma.invoice.findUniqueOrThrow({ where: { id: c.invoiceId }, include: { feeEntries: true, legalHandoff: true } });
    expect(invoice).toMatchObject({ status: 'legal', balanceMinor: 104_000n });
    expect(invoice.feeEntries.map((f) => f.amountMinor)).toEqual([4_000n]);
    expect(invoice.legalHandoff?.status).toBe('sent');
    expect(await c.events()).toEqual(['case_opened', 'step_sent', 'step_sent', 'late_fee_posted', 'step_sent', 'legal_handoff']);
  });

  it('stops at once on full payment mid-ladder and sends a receipt', async () => {
    const c = await startCase();
    await eventually(() => c.sent('email'), (sent) => sent.length === 1);
    const view = await c.handle.executeUpdate(recordPaymentUpdate, { args: [payment('P-FULL', 100_000)] });
    expect(view).toMatchObject({ stage: 'paid', paid: true, balanceMinor: 0 });
    const result = await c.handle.result();
    expect(result.stage).toBe('paid');
    expect(await c.sent('letter')).toHaveLength(0);
    expect((await c.sent('email')).map((e) => e.template)).toEqual(['overdue_notice', 'payment_receipt']);
    const invoice = await harness.prisma.invoice.findUniqueOrThrow({ where: { id: c.invoiceId } });
    expect(invoice).toMatchObject({ status: 'paid', balanceMinor: 0n });
  });

  it.each([
    [0, 'before the first step'],
    [1, 'after the email'],
    [2, 'after the letter'],
    [3, 'after the late fee'],
    [4, 'after the call task'],
  ])('takes a full payment %i actions in (%s): nothing more is sent, the fee is included', async (actionsBefore) => {
    // The steps not yet taken are days away, so exactly `actionsBefore` actions precede the payment;
    // `catchUp: 'all'` runs each of them even when a loaded machine starts the case after its second.
    const ladder = secondScalePolicy().steps;
    const c = await startCase({ policy: secondScalePolicy({ catchUp: 'all', steps: ladder.map((step, index) => (index < actionsBefore ? step : { ...step, offset: `P${index + 1}D` })) }) });
    const taken = ['reminder:email', 'letter:letter', 'late_fee:late_fee', 'call:call_task'].slice(0, actionsBefore);
    const before = await eventually(() => query(c.handle), (v) => v.recentActions.length === actionsBefore, 20_000);
    expect(before.recentActions.map((a) => `${a.stepId}:${a.action}`)).toEqual(taken);
    // More than is owed (overpayments are accepted): a fee posted just before still gets covered.
    const view = await c.handle.executeUpdate(recordPaymentUpdate, { args: [payment(`P-STAGE-${c.invoiceId.slice(0, 8)}`, 200_000)] });
    expect(view).toMatchObject({ stage: 'paid', balanceMinor: 0 });
    // The run has ended: nothing it did not send by now can go out any more.
    const result = await c.handle.result();
    expect(result.recentActions.map((a) => `${a.stepId}:${a.action}`)).toEqual([...taken, 'receipt:receipt']);
    const feeMinor = actionsBefore > 2 ? 4_000 : 0;
    expect(result).toMatchObject({ feesMinor: feeMinor, paidMinor: 100_000 + feeMinor, closed: { reason: 'paid' } });
    expect((await c.sent('email')).map((e) => e.template)).toEqual([...(actionsBefore > 0 ? ['overdue_notice'] : []), 'payment_receipt']);
    expect(await c.sent('letter')).toHaveLength(actionsBefore > 1 ? 1 : 0);
    expect(await c.sent('call_task')).toHaveLength(actionsBefore > 3 ? 1 : 0);
    expect(await c.sent('legal')).toHaveLength(0);
    expect((await harness.prisma.invoice.findUniqueOrThrow({ where: { id: c.invoiceId } })).status).toBe('paid');
  });

  it('lowers the balance on a partial payment and keeps the ladder going; a repeated payment id changes nothing', async () => {
    const c = await startCase({ policy: secondScalePolicy({ steps: secondScalePolicy().steps.slice(0, 2) }) });
    const first = await c.handle.executeUpdate(recordPaymentUpdate, { args: [payment('P-1', 30_000)] });
    expect(first).toMatchObject({ balanceMinor: 70_000, paidMinor: 30_000, stage: 'overdue' });
    const again = await c.handle.executeUpdate(recordPaymentUpdate, { args: [payment('P-1', 30_000)] });
    expect(again).toMatchObject({ balanceMinor: 70_000, paymentIds: ['P-1'] });
    expect(await eventually(() => c.sent('letter'), (sent) => sent.length === 1)).toHaveLength(1);
    expect(await c.sent('email')).toHaveLength(1);
    expect(await harness.prisma.payment.count({ where: { invoiceId: c.invoiceId } })).toBe(1);
    await c.handle.terminate('test done');
  });

  it('waives a charged late fee: a negative ledger entry, the balance back down', async () => {
    const c = await startCase({ policy: secondScalePolicy({ steps: [{ id: 'late_fee', offset: 'PT1S', actions: [{ type: 'late_fee' }] }, { id: 'later', offset: 'P1D', actions: [{ type: 'email' }] }] }) });
    await eventually(() => query(c.handle), (v) => v.feesMinor === 4_000);
    const view = await c.handle.executeUpdate(waiveFeeUpdate, { args: [{ reason: 'first late payment in ten years', actor: 'collector-eve' }] });
    expect(view).toMatchObject({ feesMinor: 0, balanceMinor: 100_000 });
    const entries = await eventually(() => harness.prisma.feeLedgerEntry.findMany({ where: { invoiceId: c.invoiceId }, orderBy: { postedAt: 'asc' } }), (rows) => rows.length === 2);
    expect(entries.map((e) => [e.kind, e.amountMinor, e.balanceAfterMinor, e.actor])).toEqual([
      ['late_fee', 4_000n, 104_000n, 'system'],
      ['waiver', -4_000n, 100_000n, 'collector-eve'],
    ]);
    expect((await eventually(() => harness.prisma.invoice.findUniqueOrThrow({ where: { id: c.invoiceId } }), (i) => i.balanceMinor === 100_000n)).balanceMinor).toBe(100_000n);
    await c.handle.terminate('test done');
  });

  it('refuses bad commands by update, naming the field, and changes nothing', async () => {
    const c = await startCase({ policy: secondScalePolicy({ steps: [{ id: 'later', offset: 'P1D', actions: [{ type: 'email' }] }] }) });
    expect(await refusal(c.handle.executeUpdate(recordPaymentUpdate, { args: [payment('P-X', 500, 'USD')] }))).toMatch(/^currency: the invoice is in EUR, the payment in USD/);
    expect(await refusal(c.handle.executeUpdate(recordPaymentUpdate, { args: [payment('P-Y', -5)] }))).toMatch(/^amountMinor:/);
    expect(await refusal(c.handle.executeUpdate(resolveDisputeUpdate, { args: [{ resolution: 'resume', actor: 'collector' }] }))).toMatch(/no open dispute/);
    expect(await refusal(c.handle.executeUpdate(agreePaymentPlanUpdate, { args: [{ actor: 'collector', installments: [{ dueDate: inSeconds(60), amountMinor: 40_000 }] }] }))).toMatch(/^installments: the installments sum to 40000, the balance is 100000/);
    expect(await refusal(c.handle.executeUpdate(pauseUpdate, { args: [{ actor: 'collector', reason: 'x', until: isoInstant(-400) }] }))).toMatch(/^until: must be in the future/);
    expect(await query(c.handle)).toMatchObject({ balanceMinor: 100_000, paymentIds: [], disputed: null, paused: null, paymentPlan: null });
    await c.handle.terminate('test done');
  });

  it('records a refused signal in the audit log instead of losing it', async () => {
    const c = await startCase({ policy: secondScalePolicy({ steps: [{ id: 'later', offset: 'P1D', actions: [{ type: 'email' }] }] }) });
    await c.handle.signal(disputeOpenedSignal, { reason: ' ', actor: 'collector' });
    const events = await eventually(c.events, (kinds) => kinds.includes('command_refused'));
    expect(events).toContain('command_refused');
    await c.handle.terminate('test done');
  });

  it('holds escalation while disputed and resumes it when the dispute is resolved', async () => {
    const c = await startCase();
    const disputed = await c.handle.executeUpdate(openDisputeUpdate, { args: [{ reason: 'goods damaged', actor: 'collector-anna' }] });
    expect(disputed).toMatchObject({ stage: 'disputed', disputed: { reason: 'goods damaged', openedBy: 'collector-anna' }, nextAction: null });
    const described = await eventually(() => c.handle.describe(), (d) => d.typedSearchAttributes.get(searchAttributes.disputed) === true);
    expect(described.typedSearchAttributes.get(searchAttributes.stage)).toBe('disputed');
    expect(await aLaterEmailHasGone()).toHaveLength(1);
    expect(await c.sent('email')).toHaveLength(0);
    expect(await refusal(c.handle.executeUpdate(openDisputeUpdate, { args: [{ reason: 'again', actor: 'x' }] }))).toMatch(/already disputed/);
    const resumed = await c.handle.executeUpdate(resolveDisputeUpdate, { args: [{ resolution: 'resume', actor: 'collector-anna' }] });
    expect(resumed.stage).toBe('overdue');
    // The held time moved the schedule: the first reminder is still ahead, about 1 s after resuming.
    expect(Date.parse(resumed.nextAction!.at)).toBeGreaterThan(Date.now());
    expect((await eventually(() => c.sent('email'), (sent) => sent.length === 1)).map((e) => e.template)).toEqual(['overdue_notice']);
    // The audit log orders it: the reminder went once the dispute was resolved, not while it was open.
    expect(afterOpening(await eventually(c.events, (k) => k.includes('step_sent'))).slice(0, 3)).toEqual(['dispute_opened', 'dispute_resolved', 'step_sent']);
    const dispute = await eventually(() => harness.prisma.dispute.findFirst({ where: { invoiceId: c.invoiceId } }), (d) => d?.resolution != null);
    expect(dispute).toMatchObject({ reason: 'goods damaged', openedBy: 'collector-anna', resolution: 'resumed', resolvedBy: 'collector-anna' });
    await c.handle.terminate('test done');
  });

  it('ends the case when a dispute is resolved by a full credit or a cancellation', async () => {
    const credited = await startCase();
    await credited.handle.executeUpdate(openDisputeUpdate, { args: [{ reason: 'short delivery', actor: 'c' }] });
    expect(await refusal(credited.handle.executeUpdate(resolveDisputeUpdate, { args: [{ resolution: 'credit', creditMinor: 200_000, actor: 'c' }] }))).toMatch(/^creditMinor: the credit 200000 exceeds the balance 100000/);
    await credited.handle.executeUpdate(resolveDisputeUpdate, { args: [{ resolution: 'credit', creditMinor: 100_000, actor: 'c' }] });
    expect(await credited.handle.result()).toMatchObject({ stage: 'paid', creditedMinor: 100_000, balanceMinor: 0, closed: { reason: 'credited' } });
    expect(await harness.prisma.dispute.findFirst({ where: { invoiceId: credited.invoiceId } })).toMatchObject({ resolution: 'credited', creditAmountMinor: 100_000n });

    const cancelled = await startCase();
    await cancelled.handle.executeUpdate(openDisputeUpdate, { args: [{ reason: 'never ordered', actor: 'c' }] });
    await cancelled.handle.executeUpdate(resolveDisputeUpdate, { args: [{ resolution: 'cancel', actor: 'c' }] });
    expect(await cancelled.handle.result()).toMatchObject({ stage: 'cancelled' });
    expect((await harness.prisma.invoice.findUniqueOrThrow({ where: { id: cancelled.invoiceId } })).status).toBe('cancelled');
    expect(await cancelled.sent('email')).toHaveLength(0);
  });

  it('watches a payment plan that is kept: reminders before each installment, no escalation, paid at the end', async () => {
    const c = await startCase({ policy: secondScalePolicy({ steps: secondScalePolicy().steps.map((s) => ({ ...s, offset: s.offset.replace('PT', 'PT1') })) }) });
    const plan = await c.handle.executeUpdate(agreePaymentPlanUpdate, {
      args: [{ actor: 'collector-ben', installments: [{ dueDate: inSeconds(2), amountMinor: 60_000 }, { dueDate: inSeconds(4), amountMinor: 40_000 }] }],
    });
    expect(plan).toMatchObject({ stage: 'payment_plan', paymentPlan: { agreedBy: 'collector-ben' } });
    await eventually(() => c.sent('email'), (sent) => sent.length === 1);
    await c.handle.executeUpdate(recordPaymentUpdate, { args: [payment('P-I1', 60_000)] });
    await eventually(() => c.sent('email'), (sent) => sent.length === 2);
    await c.handle.executeUpdate(recordPaymentUpdate, { args: [payment('P-I2', 40_000)] });
    expect(await c.handle.result()).toMatchObject({ stage: 'paid' });
    expect((await c.sent('email')).map((e) => e.template)).toEqual(['installment_reminder', 'installment_reminder', 'payment_receipt']);
    expect(await c.sent('letter')).toHaveLength(0);
    const row = await harness.prisma.paymentPlan.findFirstOrThrow({ where: { invoiceId: c.invoiceId }, include: { installments: { orderBy: { sequence: 'asc' } } } });
    expect(row).toMatchObject({ status: 'completed', agreedBy: 'collector-ben', totalMinor: 100_000n, endedAt: expect.any(Date) });
    expect(row.installments.map((i) => [i.sequence, i.paidAmountMinor, i.status])).toEqual([
      [1, 60_000n, 'paid'],
      [2, 40_000n, 'paid'],
    ]);
  });

  it('defaults a plan on a missed installment and resumes escalation', async () => {
    const c = await startCase({ policy: secondScalePolicy({ steps: secondScalePolicy().steps.slice(0, 2) }) });
    // Due 3 s ahead: the update must reach the case before the installment's time has passed, also on a loaded machine.
    await c.handle.executeUpdate(agreePaymentPlanUpdate, { args: [{ actor: 'collector-ben', installments: [{ dueDate: inSeconds(3), amountMinor: 100_000 }] }] });
    const kinds = await eventually(c.events, (k) => k.includes('payment_plan_defaulted'), 15_000);
    expect(kinds).toContain('payment_plan_defaulted');
    expect(await eventually(() => c.sent('letter'), (sent) => sent.length === 1)).toHaveLength(1);
    expect((await c.sent('email')).map((e) => e.template)).toEqual(['installment_reminder', 'overdue_notice']);
    expect((await query(c.handle)).paymentPlan).toBeNull();
    const row = await eventually(() => harness.prisma.paymentPlan.findFirst({ where: { invoiceId: c.invoiceId }, include: { installments: true } }), (p) => p?.status === 'defaulted');
    expect(row?.installments.map((i) => i.status)).toEqual(['missed']);
    await c.handle.terminate('test done');
  });

  it('pauses until a time and resumes by itself; a manual pause waits for resume', async () => {
    const timed = await startCase();
    const paused = await timed.handle.executeUpdate(pauseUpdate, { args: [{ actor: 'collector-cem', reason: 'customer on holiday', until: inSeconds(2) }] });
    expect(paused).toMatchObject({ stage: 'paused', paused: { by: 'collector-cem', reason: 'customer on holiday' }, nextAction: { kind: 'pause_ends' } });
    expect((await eventually(() => timed.sent('email'), (sent) => sent.length === 1)).map((e) => e.template)).toEqual(['overdue_notice']);
    // The pause's own end is the later event: the reminder due at 1 s went only after it.
    expect(afterOpening(await eventually(timed.events, (k) => k.includes('step_sent'))).slice(0, 3)).toEqual(['case_paused', 'case_resumed', 'step_sent']);
    await timed.handle.terminate('test done');

    const manual = await startCase();
    await manual.handle.executeUpdate(pauseUpdate, { args: [{ actor: 'collector-cem', reason: 'awaiting credit note' }] });
    expect(await aLaterEmailHasGone()).toHaveLength(1);
    expect(await manual.sent('email')).toHaveLength(0);
    expect(await refusal(manual.handle.executeUpdate(pauseUpdate, { args: [{ actor: 'x', reason: 'again' }] }))).toMatch(/already paused/);
    await manual.handle.executeUpdate(resumeUpdate, { args: [{ actor: 'collector-cem' }] });
    expect((await eventually(() => manual.sent('email'), (sent) => sent.length === 1)).map((e) => e.template)).toEqual(['overdue_notice']);
    expect(afterOpening(await eventually(manual.events, (k) => k.includes('step_sent'))).slice(0, 3)).toEqual(['case_paused', 'case_resumed', 'step_sent']);
    await manual.handle.terminate('test done');
  });

  it('holds for a promise to pay; a broken promise resumes escalation at once', async () => {
    const c = await startCase();
    const promised = await c.handle.executeUpdate(callOutcomeUpdate, { args: [{ outcome: 'promise_to_pay', promiseDate: inSeconds(2), promisedAmountMinor: 50_000, actor: 'collector-dora' }] });
    expect(promised).toMatchObject({ stage: 'promise_to_pay', promiseToPay: { amountMinor: 50_000, recordedBy: 'collector-dora' } });
    expect((await eventually(() => c.sent('email'), (sent) => sent.length === 1)).map((e) => e.template)).toEqual(['overdue_notice']);
    // The promise's check at 2 s is the later event: the reminder due at 1 s went only after it.
    expect(afterOpening(await eventually(c.events, (k) => k.includes('step_sent'))).slice(0, 3)).toEqual(['promise_to_pay', 'promise_broken', 'step_sent']);
    await c.handle.terminate('test done');
  });

  it('releases the hold when a promise is kept by payment', async () => {
    const c = await startCase({ policy: secondScalePolicy({ steps: [{ id: 'later', offset: 'P1D', actions: [{ type: 'email' }] }] }) });
    await c.handle.executeUpdate(callOutcomeUpdate, { args: [{ outcome: 'promise_to_pay', promiseDate: inSeconds(30), promisedAmountMinor: 50_000, actor: 'collector-dora' }] });
    const view = await c.handle.executeUpdate(recordPaymentUpdate, { args: [payment('P-PROMISE', 50_000)] });
    expect(view).toMatchObject({ stage: 'overdue', promiseToPay: null, balanceMinor: 50_000 });
    const applied = await eventually(() => harness.prisma.collectionEvent.findFirst({ where: { invoiceId: c.invoiceId, kind: 'payment_applied' } }), (row) => row !== null);
    expect(applied?.details).toMatchObject({ promiseKept: true, appliedMinor: 50_000 });
    await c.handle.terminate('test done');
  });

  it('falls back to the next channel when a recipient is undeliverable, and remembers it', async () => {
    const c = await startCase({ customer: { email: 'ap@bounces.invalid' }, policy: secondScalePolicy({ steps: secondScalePolicy().steps.slice(0, 1) }) });
    await eventually(() => c.sent('sms'), (sent) => sent.length === 1);
    const view = await eventually(() => query(c.handle), (v) => v.recentActions.length === 2);
    expect(view.recentActions.map((a) => `${a.channel}:${a.status}`)).toEqual(['email:failed', 'sms:fell_back']);
    expect(await eventually(c.events, (k) => k.includes('step_sent'))).toEqual(['case_opened', 'step_failed', 'step_sent']);
    const outbox = await harness.prisma.outboxMessage.findMany({ where: { invoiceId: c.invoiceId }, orderBy: { createdAt: 'asc' } });
    expect(outbox.map((o) => `${o.action}:${o.status}`)).toEqual(['email:failed', 'sms:sent']);
    await c.handle.terminate('test done');
  });

  it('sends a letter step by email when the customer has no postal address', async () => {
    const policy = secondScalePolicy({ steps: [secondScalePolicy().steps[1]!] });
    const c = await startCase({ customer: { withAddress: false }, policy });
    const emails = await eventually(() => c.sent('email'), (sent) => sent.length === 1);
    expect(emails).toHaveLength(1);
    expect(emails[0]).toMatchObject({
      idempotencyKey: `${c.invoiceId}:${policy.name}@${policy.version}:ladder-1:letter:letter:fallback-email`,
      template: 'formal_letter',
      customer: { email: 'ap@mueller-grosshandel.example' },
    });
    expect(emails[0]?.text).toContain(`Rechnung ${c.made.invoice.number}`);
    expect(emails[0]?.text).toContain('1.000,00\u00a0€');
    expect(emails[0]?.text).toContain(c.made.invoice.paymentLink!);
    expect(await c.sent('letter')).toHaveLength(0);
    const view = await eventually(() => query(c.handle), (v) => v.recentActions.length === 1);
    expect(view.recentActions.map((a) => `${a.stepId}:${a.action}:${a.channel}:${a.status}`)).toEqual(['letter:letter:email:fell_back']);
    const outbox = await harness.prisma.outboxMessage.findMany({ where: { invoiceId: c.invoiceId } });
    expect(outbox.map((o) => `${o.action}:${o.recipient}:${o.status}`)).toEqual(['email:ap@mueller-grosshandel.example:sent']);
    await c.handle.terminate('test done');
  });

  it('catches up on a backlog by running only the latest step already due', async () => {
    const c = await startCase({ anchor: new Date(Date.now() - 4_500) });
    const result = await c.handle.result();
    expect(result.recentActions.map((a) => a.stepId)).toEqual(['call', 'legal']);
    expect(await c.sent('email')).toHaveLength(0);
    expect(await c.sent('letter')).toHaveLength(0);
    const opened = await harness.prisma.collectionEvent.findFirstOrThrow({ where: { invoiceId: c.invoiceId, kind: 'case_opened' } });
    expect(opened.details).toMatchObject({ skippedSteps: ['reminder', 'letter', 'late_fee'] });
  });
});

describe('determinism', () => {
  const historiesDir = new URL('./histories/', import.meta.url).pathname;
  const replay = async (histories: AsyncIterable<{ workflowId: string; history: unknown }> | Iterable<{ workflowId: string; history: unknown }>) => {
    const failures: string[] = [];
    const replayedIds: string[] = [];
    for await (const result of Worker.runReplayHistories({ workflowBundle: { codePath: inject('workflowBundlePath') }, dataConverter: suiteDataConverter() }, histories as never)) {
      if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
      replayedIds.push(result.workflowId);
    }
    return { failures, replayed: replayedIds.length, replayedIds };
  };

  it('replays every history this suite just recorded, including cases it runs to the end itself', async () => {
    // Cases of its own, so that this test run alone (-t) still replays real, finished histories:
    // the full ladder (every timer and activity, up to legal hand-off), a case driven by commands
    // (a refused signal, payments, dispute, pause, promise) to payment, and a kept payment plan.
    const ladder = await startCase();
    const commanded = await startCase({ policy: secondScalePolicy({ steps: [{ id: 'later', offset: 'P1D', actions: [{ type: 'email' }] }] }) });
    await commanded.handle.signal(disputeOpenedSignal, { reason: ' ', actor: 'collector' });
    await commanded.handle.executeUpdate(recordPaymentUpdate, { args: [payment('P-REPLAY-1', 30_000)] });
    await commanded.handle.executeUpdate(openDisputeUpdate, { args: [{ reason: 'goods damaged', actor: 'collector' }] });
    await commanded.handle.executeUpdate(resolveDisputeUpdate, { args: [{ resolution: 'resume', actor: 'collector' }] });
    await commanded.handle.executeUpdate(pauseUpdate, { args: [{ actor: 'collector', reason: 'holiday' }] });
    await commanded.handle.executeUpdate(resumeUpdate, { args: [{ actor: 'collector' }] });
    await commanded.handle.executeUpdate(callOutcomeUpdate, { args: [{ outcome: 'promise_to_pay', promiseDate: inSeconds(30), promisedAmountMinor: 70_000, actor: 'collector' }] });
    await commanded.handle.executeUpdate(recordPaymentUpdate, { args: [payment('P-REPLAY-2', 70_000)] });
    const plan = await startCase({ policy: secondScalePolicy({ steps: [{ id: 'later', offset: 'P1D', actions: [{ type: 'email' }] }] }) });
    await plan.handle.executeUpdate(agreePaymentPlanUpdate, { args: [{ actor: 'collector', installments: [{ dueDate: inSeconds(2), amountMinor: 100_000 }] }] });
    expect(await eventually(() => plan.sent('email'), (sent) => sent.length === 1)).toHaveLength(1);
    await plan.handle.executeUpdate(recordPaymentUpdate, { args: [payment('P-REPLAY-3', 100_000)] });
    expect(await commanded.handle.result()).toMatchObject({ closed: { reason: 'paid' }, paymentIds: ['P-REPLAY-1', 'P-REPLAY-2'] });
    expect(await plan.handle.result()).toMatchObject({ closed: { reason: 'paid' } });
    expect(await ladder.handle.result()).toMatchObject({ closed: { reason: 'legal_handoff' } });
    expect(await eventually(commanded.events, (k) => k.includes('command_refused'))).toContain('command_refused');

    const histories = async function* () {
      for (const { workflowId } of finished) yield { workflowId, history: await harness.client.workflow.getHandle(workflowId).fetchHistory() };
    };
    const { failures, replayed, replayedIds } = await replay(histories());
    expect(failures).toEqual([]);
    expect(replayed).toBe(finished.length);
    expect(replayedIds).toEqual(expect.arrayContaining([ladder, commanded, plan].map((c) => c.handle.workflowId)));
  });

  // Histories recorded by earlier versions of the workflow and committed: a change that cannot
  // replay them would break running cases in production. RECORD_HISTORIES=1 refreshes the files
  // (do that only for a deliberate, versioned change).
  it('replays the committed histories of earlier versions', async () => {
    if (process.env.RECORD_HISTORIES === '1') {
      await mkdir(historiesDir, { recursive: true });
      // The CLI's JSON is the format Temporal tooling (and historyFromJSON) reads.
      const cli = (await run('bash', ['scripts/install-temporal-cli.sh'], { cwd: new URL('..', import.meta.url).pathname })).stdout.trim().split('\n').at(-1)!;
      for (const { workflowId } of finished) {
        const { stdout } = await run(cli, ['workflow', 'show', '--address', inject('temporalAddress'), '-w', workflowId, '-o', 'json'], { maxBuffer: 1 << 26 });
        await writeFile(join(historiesDir, `${workflowId}.json`), stdout);
      }
    }
    const files = (await readdir(historiesDir)).filter((file) => file.endsWith('.json')).sort();
    expect(files.length).toBeGreaterThanOrEqual(10);
    // The workflow id is part of the idempotency keys the workflow computes, so replay under the real one.
    const histories = await Promise.all(files.map(async (file) => ({ workflowId: file.replace(/\.json$/, ''), history: JSON.parse(await readFile(join(historiesDir, file), 'utf8')) as unknown })));
    const { failures, replayed } = await replay(histories);
    expect(failures).toEqual([]);
    expect(replayed).toBe(files.length);
  });
});
