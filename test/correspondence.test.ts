import { Worker } from '@temporalio/worker';
import { describe, expect, inject, it } from 'vitest';
import type { CollectionPolicy } from '../domain/policy.js';
import type { collectionWorkflow } from '../workflows/collection-workflow.js';
import { correspondenceStateQuery, correspondenceWorkflowId } from '../workflows/correspondence-definitions.js';
import { caseStateQuery, collectionWorkflowId, collectionWorkflowType } from '../workflows/definitions.js';
import { searchAttributes } from '../workflows/search-attributes.js';
import { eventually } from './support/eventually.js';
import { caseInput, createOverdueInvoice, secondScalePolicy } from './support/fixtures.js';
import { onSuiteWorker, type WorkerHarness } from './support/worker.js';
import { suiteDataConverter } from './support/payload-encryption.js';
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * One voice per customer, on the real server and database: every message of a customer's cases
 * leaves through its correspondence workflow, merged within the consolidation window and paced by
 * the contact caps; another customer's messages are never merged in.
 */
let harness: WorkerHarness;
onSuiteWorker((h) => (harness = h));

type Made = Awaited<ReturnType<typeof createOverdueInvoice>>;

async function startCases(count: number, policy: CollectionPolicy, anchor: Date, sameCustomerAs?: { id: string }) {
  const made: Made[] = [];
  for (let i = 0; i < count; i++) made.push(await createOverdueInvoice(harness.prisma, { amountMinor: BigInt(10_000 + i), ...(sameCustomerAs ?? made[0] ? { sameCustomerAs: sameCustomerAs ?? made[0]!.customer } : {}) }));
  const handles = await Promise.all(
    made.map((m) => harness.client.workflow.start<typeof collectionWorkflow>(collectionWorkflowType, { workflowId: collectionWorkflowId(m.invoice.id), taskQueue: harness.taskQueue, args: [caseInput(m, policy, anchor)] })),
  );
  return { made, handles, customerId: made[0]!.customer.id };
}

const sentTo = async (channel: 'email' | 'letter', customerId: string) => (await harness.sent(channel)).filter((e) => (e.customer as { customerId?: string } | undefined)?.customerId === customerId);

describe('one customer, many invoices', () => {
  it('12 invoices due together → one email listing all 12, then one letter; another customer in the same run gets its own', async () => {
    const policy = secondScalePolicy({
      steps: [
        { id: 'reminder', offset: 'PT1S', actions: [{ type: 'email', template: 'overdue_notice' }] },
        { id: 'letter', offset: 'PT12S', actions: [{ type: 'letter', template: 'formal_letter' }] },
        { id: 'later', offset: 'P30D', actions: [{ type: 'email', template: 'final_notice' }] },
      ],
      // Wide enough that 13 cases starting on two busy cores all ask within it.
      consolidation: { window: 'PT5S' },
    });
    const anchor = new Date();
    const many = await startCases(12, policy, anchor);
    const other = await startCases(1, policy, anchor);

    const emails = await eventually(() => sentTo('email', many.customerId), (e) => e.length >= 1, 20_000);
    const letters = await eventually(() => sentTo('letter', many.customerId), (l) => l.length >= 1, 25_000);
    // Every case has its answer: both steps recorded, pointing at the same two messages.
    const views = await eventually(() => Promise.all(many.handles.map((h) => h.query(caseStateQuery))), (vs) => vs.every((v) => v.recentActions.length === 2), 20_000);
    expect(views.map((v) => v.recentActions.map((a) => `${a.stepId}:${a.status}`))).toEqual(Array(12).fill(['reminder:sent', 'letter:sent']));
    expect(await sentTo('email', many.customerId)).toHaveLength(1);
    expect(await sentTo('letter', many.customerId)).toHaveLength(1);
    expect(emails).toHaveLength(1);
    expect(letters).toHaveLength(1);
    const [email] = emails;
    expect(email!.idempotencyKey).toMatch(new RegExp(`^correspondence-${many.customerId}:message-\\d+$`));
    for (const m of many.made) expect(email!.text).toContain(m.invoice.number);
    expect(email!.subject).toMatch(/^12 /);
    for (const m of many.made) expect(letters[0]!.text).toContain(m.invoice.number);
    // The other customer: its own single-invoice email, nothing of the first customer's.
    const otherEmails = await eventually(() => sentTo('email', other.customerId), (e) => e.length === 1);
    expect(otherEmails).toHaveLength(1);
    expect(otherEmails[0]!.text).toContain(other.made[0]!.invoice.number);
    expect(otherEmails[0]!.text).not.toContain(many.made[0]!.invoice.number);

    // Every invoice's audit log points at the one message; the outbox has one row for it, with its invoices.
    const events = await eventually(
      () => harness.prisma.collectionEvent.findMany({ where: { invoiceId: { in: many.made.map((m) => m.invoice.id) }, kind: 'step_sent' } }),
      (rows) => rows.length === 24,
    );
    const emailEvents = events.filter((e) => e.action === 'email');
    expect(new Set(emailEvents.map((e) => (e.details as { messageKey?: string }).messageKey))).toEqual(new Set([email!.idempotencyKey]));
    expect(emailEvents.map((e) => (e.details as { invoicesInMessage?: number }).invoicesInMessage)).toEqual(Array(12).fill(12));
    const outbox = await harness.prisma.outboxMessage.findUniqueOrThrow({ where: { idempotencyKey: email!.idempotencyKey } });
    expect(((outbox.payload as { invoiceIds?: string[] }).invoiceIds ?? []).sort()).toEqual(many.made.map((m) => m.invoice.id).sort());

    // Operators see the customer's correspondence in the UI by its search attributes.
    const described = await harness.client.workflow.getHandle(correspondenceWorkflowId(many.customerId)).describe();
    expect(described.typedSearchAttributes.get(searchAttributes.customerId)).toBe(many.customerId);
    expect(described.typedSearchAttributes.get(searchAttributes.contactsLast7Days)).toBe(2);
    expect(described.typedSearchAttributes.get(searchAttributes.openInvoices)).toBe(12);
    await Promise.all([...many.handles, ...other.handles].map((h) => h.terminate('test done')));
  }, 90_000);
});

describe('contact caps', () => {
  it('a step every second with a cap of 2 a week → exactly 2 messages; the rest wait for the next allowed one, none lost', async () => {
    const policy = secondScalePolicy({
      steps: [
        { id: 'first', offset: 'PT1S', actions: [{ type: 'email', template: 'overdue_notice' }] },
        { id: 'second', offset: 'PT3S', actions: [{ type: 'email', template: 'second_reminder' }] },
        { id: 'third', offset: 'PT5S', actions: [{ type: 'email', template: 'final_notice' }] },
      ],
      consolidation: { window: 'PT1S' },
      contactCaps: { perWeek: 2, perWeekPerChannel: 2, minimumGap: 'PT0S' },
    });
    const { made, handles, customerId } = await startCases(3, policy, new Date());
    const correspondence = harness.client.workflow.getHandle(correspondenceWorkflowId(customerId));
    // The third round asks and waits: the cap allows its message only a week after the first.
    const read = await eventually(() => correspondence.query(correspondenceStateQuery).catch(() => undefined), (v) => v?.sentLast7Days === 2 && v.waiting.length === 3, 30_000);
    const waiting = read!;
    expect(new Set(waiting.waiting.map((w) => w.invoiceNumber))).toEqual(new Set(made.map((m) => m.invoice.number)));
    expect(Date.parse(waiting.nextMessageAt!)).toBeGreaterThan(Date.now() + 6 * 86_400_000);
    expect(waiting.sentLast7Days).toBe(2);
    const emails = await sentTo('email', customerId);
    expect(emails).toHaveLength(2);
    for (const email of emails) for (const m of made) expect(email.text).toContain(m.invoice.number);
    const views = await Promise.all(handles.map((h) => h.query(caseStateQuery)));
    expect(views.map((v) => v.recentActions.map((a) => a.stepId))).toEqual(Array(3).fill(['first', 'second']));
    await Promise.all(handles.map((h) => h.terminate('test done')));
  }, 60_000);
});

describe('withdrawal', () => {
  it('a payment while a request waits withdraws it: nothing about that invoice leaves, the other invoice still goes, and the paid one no longer counts as open', async () => {
    const policy = secondScalePolicy({
      steps: [
        { id: 'reminder', offset: 'PT1S', actions: [{ type: 'email', template: 'overdue_notice' }] },
        { id: 'later', offset: 'P30D', actions: [{ type: 'email', template: 'final_notice' }] },
      ],
      consolidation: { window: 'PT4S' },
    });
    const { made, handles, customerId } = await startCases(2, policy, new Date());
    const correspondence = harness.client.workflow.getHandle(correspondenceWorkflowId(customerId));
    const before = await eventually(() => correspondence.query(correspondenceStateQuery).catch(() => undefined), (v) => v?.waiting.length === 2, 15_000);
    expect(before!.openInvoices).toBe(2);
    await handles[0]!.executeUpdate('recordPayment', { args: [{ paymentId: `P-W-${made[0]!.invoice.id.slice(0, 8)}`, amountMinor: 10_000, currency: 'EUR', method: 'card', receivedAt: new Date().toISOString(), actor: 'erp' }] });
    const emails = await eventually(() => sentTo('email', customerId), (e) => e.some((x) => x.template === 'overdue_notice'), 15_000);
    const reminders = emails.filter((e) => e.template === 'overdue_notice');
    expect(reminders).toHaveLength(1);
    expect(reminders[0]!.text).toContain(made[1]!.invoice.number);
    expect(reminders[0]!.text).not.toContain(made[0]!.invoice.number);
    const paidEvents = await eventually(() => harness.prisma.collectionEvent.findMany({ where: { invoiceId: made[0]!.invoice.id }, orderBy: { sequence: 'asc' } }), (rows) => rows.some((r) => r.kind === 'step_withdrawn'));
    expect(paidEvents.map((e) => e.kind)).toEqual(expect.arrayContaining(['payment_settled_invoice', 'step_withdrawn']));
    // The paid case told the correspondence it ended: operators filtering on OpenInvoices see one.
    const after = await eventually(() => correspondence.query(correspondenceStateQuery), (v) => v.openInvoices === 1, 15_000);
    expect(after.openInvoices).toBe(1);
    expect((await correspondence.describe()).typedSearchAttributes.get(searchAttributes.openInvoices)).toBe(1);
    await handles[1]!.terminate('test done');
  }, 40_000);
});

describe('determinism of the correspondence', () => {
  it('replays the histories of correspondence workflows and their cases recorded in this run', async () => {
    const policy = secondScalePolicy({ steps: [{ id: 'reminder', offset: 'PT1S', actions: [{ type: 'email', template: 'overdue_notice' }] }, { id: 'later', offset: 'P30D', actions: [{ type: 'email' }] }], consolidation: { window: 'PT1S' } });
    const { handles, customerId } = await startCases(3, policy, new Date());
    await eventually(() => Promise.all(handles.map((h) => h.query(caseStateQuery))), (vs) => vs.every((v) => v.recentActions.length === 1), 20_000);
    const ids = [correspondenceWorkflowId(customerId), ...handles.map((h) => h.workflowId)];
    if (process.env.RECORD_HISTORIES === '1') {
      // Committed beside the collection workflow's (replayed by its test), encrypted with test/histories/recording-key.
      const cli = (await run('bash', ['scripts/install-temporal-cli.sh'], { cwd: new URL('..', import.meta.url).pathname })).stdout.trim().split('\n').at(-1)!;
      for (const workflowId of ids) {
        const { stdout } = await run(cli, ['workflow', 'show', '--address', inject('temporalAddress'), '-w', workflowId, '-o', 'json'], { maxBuffer: 1 << 26 });
        await writeFile(new URL(`./histories/${workflowId}.json`, import.meta.url), stdout);
      }
    }
    const histories = await Promise.all(ids.map(async (workflowId) => ({ workflowId, history: await harness.client.workflow.getHandle(workflowId).fetchHistory() })));
    const failures: string[] = [];
    let replayed = 0;
    for await (const result of Worker.runReplayHistories({ workflowBundle: { codePath: inject('workflowBundlePath') }, dataConverter: suiteDataConverter() }, histories)) {
      replayed += 1;
      if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
    }
    expect(failures).toEqual([]);
    expect(replayed).toBe(4);
    await Promise.all(handles.map((h) => h.terminate('test done')));
  }, 40_000);
});
