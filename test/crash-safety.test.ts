import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createPrismaClient } from '../prisma/client.js';
import { makePostLateFee } from '../activities/post-late-fee.js';
import type { collectionWorkflow } from '../workflows/collection-workflow.js';
import { caseStateQuery, collectionWorkflowId, collectionWorkflowType } from '../workflows/definitions.js';
import { eventually } from './support/eventually.js';
import { caseInput, createOverdueInvoice, secondScalePolicy } from './support/fixtures.js';
import { type Accepted, type ProviderServers, startProviderServers } from './support/provider-servers.js';
import { shrunkSendGridTiming } from './support/real-providers.js';
import { suiteDataConverter } from './support/payload-encryption.js';
import { spawnWorkerProcess } from './support/spawn-worker-process.js';

const prisma = createPrismaClient(inject('databaseUrl'));
const taskQueue = `crash-${randomUUID()}`;
const legalPartnerEmail = 'cases@lawfirm.example';
let servers: ProviderServers;
let connection: Connection;
let client: Client;
const workers: ChildProcess[] = [];
// SendGrid's clock shrunk to seconds (cancel cut-off 5 s; emails leave 60 s after the call, time
// enough for a retry after the heartbeat timeout), and an Activity search that lags by 10 minutes,
// as the real one lags by minutes: nothing here can rely on it.
const sendgridTiming = { ...shrunkSendGridTiming, sendLeadMs: 60_000 };

/** What SendGrid delivered once the attempt recorded last (`providerAttempt`) has reached its send_at. */
async function deliveredOnceSettled(providerAttempt: unknown, matches: (mail: Accepted) => boolean): Promise<Accepted[]> {
  const sendAt = Date.parse((providerAttempt as { sendAt: string }).sendAt);
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, sendAt - Date.now()) + 1_000));
  return servers.sendgridDelivered().filter(matches);
}

/** A worker in a process of its own; `env` adds settings (another task queue, CALL_MODE, LEGAL_PARTNER_EMAIL). */
async function startWorkerProcess(env: Record<string, string> = {}): Promise<ChildProcess> {
  const child = await spawnWorkerProcess({ TEMPORAL_TASK_QUEUE: taskQueue, PROVIDER_BASE_URL: servers.baseUrl, SINK_DIR: `/tmp/${taskQueue}`, SENDGRID_TIMING: JSON.stringify(sendgridTiming), ...env });
  workers.push(child);
  return child;
}

beforeAll(async () => {
  servers = await startProviderServers({ sendgrid: { cancelCutoffMs: sendgridTiming.cancelCutoffMs, searchLagMs: 10 * 60_000 } });
  connection = await Connection.connect({ address: inject('temporalAddress') });
  client = new Client({ connection, namespace: inject('temporalNamespace'), dataConverter: suiteDataConverter() });
});
afterAll(async () => {
  for (const worker of workers) worker.kill('SIGKILL');
  await Promise.allSettled([servers?.close(), connection?.close(), prisma.$disconnect()]);
});

describe('crash safety', () => {
  it('delivers one email when the worker is killed after SendGrid accepted it but before the outbox was marked, with an Activity search lagging by minutes', async () => {
    const first = await startWorkerProcess();
    const made = await createOverdueInvoice(prisma);
    servers.stallNext('sendgrid', 30_000); // SendGrid takes the mail, then the answer hangs: the worker dies waiting
    const arrived = servers.nextAccepted('sendgrid');
    const handle = await client.workflow.start<typeof collectionWorkflow>(collectionWorkflowType, {
      workflowId: collectionWorkflowId(made.invoice.id),
      taskQueue,
      args: [caseInput(made, secondScalePolicy({ steps: [secondScalePolicy().steps[0]!, { id: 'later', offset: 'P30D', actions: [{ type: 'letter' }] }] }))],
    });
    await arrived;
    first.kill('SIGKILL');
    await once(first, 'exit');
    const pending = await prisma.outboxMessage.findFirstOrThrow({ where: { invoiceId: made.invoice.id } });
    expect(pending.status).toBe('pending');

    await startWorkerProcess();
    // The server notices the dead worker at the heartbeat timeout (10 s) and retries on the new one.
    const sent = await eventually(() => prisma.outboxMessage.findFirstOrThrow({ where: { invoiceId: made.invoice.id } }), (row) => row.status === 'sent', 40_000);
    expect(sent.status).toBe('sent');
    expect(sent.attempts).toBeGreaterThanOrEqual(2);
    // SendGrid took the mail twice: the first attempt's batch was cancelled, the second delivered.
    const ofInvoice = (a: Accepted) => a.provider === 'sendgrid' && a.idempotencyKey?.startsWith(made.invoice.id) === true;
    const taken = servers.accepted.filter(ofInvoice);
    expect(taken).toHaveLength(2);
    const mails = await deliveredOnceSettled(sent.providerAttempt, ofInvoice);
    expect(mails).toHaveLength(1);
    expect(sent.providerMessageId).toBe(mails[0]!.id);
    expect(mails[0]!.id).toBe(taken[1]!.id);
    const view = await eventually(() => handle.query(caseStateQuery), (v) => v.recentActions.length === 1);
    expect(view.recentActions).toMatchObject([{ stepId: 'reminder', status: 'sent', providerMessageId: mails[0]!.id }]);
    await handle.terminate('test done');
  }, 240_000);

  it('sends one SMS and one reminder call, and delivers one legal hand-off email, when the worker is killed after Twilio and SendGrid accepted them but before anything was marked', async () => {
    const queue = `crash-twilio-${randomUUID()}`;
    const settings = { TEMPORAL_TASK_QUEUE: queue, CALL_MODE: 'voice', LEGAL_PARTNER_EMAIL: legalPartnerEmail };
    const first = await startWorkerProcess(settings);
    const later = { id: 'later', offset: 'P30D', actions: [{ type: 'letter' as const }] };
    const steps = {
      sms: [{ id: 'text', offset: 'PT1S', actions: [{ type: 'sms' as const, template: 'overdue_notice' }] }, later],
      call: [{ id: 'call', offset: 'PT1S', actions: [{ type: 'call_task' as const, template: 'collector_call' }] }, later],
      legal: [{ id: 'legal', offset: 'PT1S', actions: [{ type: 'legal_handoff' as const }] }],
    };
    // Each provider takes its request, then its answer hangs: the worker dies waiting for all three.
    for (const kind of ['twilio-sms', 'twilio-call', 'sendgrid'] as const) servers.stallNext(kind, 60_000);
    const arrived = Promise.all([servers.nextAccepted('twilio-sms'), servers.nextAccepted('twilio-call'), servers.nextAccepted('sendgrid')]);
    const cases = await Promise.all(
      Object.entries(steps).map(async ([name, policySteps]) => {
        const made = await createOverdueInvoice(prisma);
        const handle = await client.workflow.start<typeof collectionWorkflow>(collectionWorkflowType, { workflowId: collectionWorkflowId(made.invoice.id), taskQueue: queue, args: [caseInput(made, secondScalePolicy({ steps: policySteps }))] });
        return { name, made, handle };
      }),
    );
    const [sms, call, legal] = cases as [(typeof cases)[0], (typeof cases)[0], (typeof cases)[0]];
    await arrived;
    first.kill('SIGKILL');
    await once(first, 'exit');
    const outboxOf = (invoiceId: string) => prisma.outboxMessage.findFirstOrThrow({ where: { invoiceId } });
    expect((await outboxOf(sms.made.invoice.id)).status).toBe('pending');
    expect((await outboxOf(call.made.invoice.id)).status).toBe('pending');
    expect((await prisma.legalHandoff.findUniqueOrThrow({ where: { invoiceId: legal.made.invoice.id } })).status).toBe('pending');

    await startWorkerProcess(settings);
    // The server notices the dead worker at the heartbeat timeout (10 s) and retries on the new one.
    const smsRow = await eventually(() => outboxOf(sms.made.invoice.id), (row) => row.status === 'sent', 40_000);
    const callRow = await eventually(() => outboxOf(call.made.invoice.id), (row) => row.status === 'sent', 40_000);
    const handoff = await eventually(() => prisma.legalHandoff.findUniqueOrThrow({ where: { invoiceId: legal.made.invoice.id } }), (row) => row.status === 'sent', 40_000);
    expect(smsRow.attempts).toBeGreaterThanOrEqual(2);
    expect(callRow.attempts).toBeGreaterThanOrEqual(2);

    const texts = servers.accepted.filter((a) => a.provider === 'twilio-sms' && String(a.body.Body).includes(sms.made.invoice.number));
    expect(texts).toHaveLength(1);
    expect(smsRow.providerMessageId).toBe(texts[0]!.id);
    const calls = servers.accepted.filter((a) => a.provider === 'twilio-call' && String(a.body.Twiml).includes(call.made.invoice.number));
    expect(calls).toHaveLength(1);
    expect(callRow.providerMessageId).toBe(calls[0]!.id);
    const packets = await deliveredOnceSettled(handoff.providerAttempt, (a) => a.provider === 'sendgrid' && a.idempotencyKey?.startsWith(legal.made.invoice.id) === true);
    expect(packets).toHaveLength(1);
    expect(packets[0]!.body).toMatchObject({ personalizations: [{ to: [{ email: legalPartnerEmail }] }] });
    expect((handoff.packet as { reference?: string }).reference).toBe(packets[0]!.id);

    // The workflows learn the provider's ids too.
    for (const [{ handle }, id] of [[sms, texts[0]!.id], [call, calls[0]!.id], [legal, packets[0]!.id]] as const) {
      const view = await eventually(() => handle.query(caseStateQuery), (v) => v.recentActions.length === 1);
      expect(view.recentActions[0]?.providerMessageId).toBe(id);
    }
    await Promise.allSettled([sms.handle.terminate('test done'), call.handle.terminate('test done')]);
  }, 240_000);

  it('delivers a merged email of 3 invoices once when the worker is killed after SendGrid accepted it but before the outbox was marked; every case records it sent', async () => {
    const settings = { TEMPORAL_TASK_QUEUE: `crash-merged-${randomUUID()}` };
    const first = await startWorkerProcess(settings);
    const made: Awaited<ReturnType<typeof createOverdueInvoice>>[] = [];
    for (let i = 0; i < 3; i++) made.push(await createOverdueInvoice(prisma, made[0] ? { sameCustomerAs: made[0].customer } : {}));
    const policy = secondScalePolicy({ steps: [secondScalePolicy().steps[0]!, { id: 'later', offset: 'P30D', actions: [{ type: 'letter' }] }], consolidation: { window: 'PT3S' } });
    servers.stallNext('sendgrid', 60_000); // SendGrid takes the merged mail, then the answer hangs: the worker dies waiting
    const arrived = servers.nextAccepted('sendgrid');
    const handles = await Promise.all(
      made.map((m) => client.workflow.start<typeof collectionWorkflow>(collectionWorkflowType, { workflowId: collectionWorkflowId(m.invoice.id), taskQueue: settings.TEMPORAL_TASK_QUEUE, args: [caseInput(m, policy)] })),
    );
    await arrived;
    first.kill('SIGKILL');
    await once(first, 'exit');
    const messageKeyPrefix = `correspondence-${made[0]!.customer.id}:message-`;
    const outboxOfMessage = () => prisma.outboxMessage.findFirstOrThrow({ where: { idempotencyKey: { startsWith: messageKeyPrefix } } });
    const pending = await outboxOfMessage();
    expect(pending.status).toBe('pending');
    expect(((pending.payload as { invoiceIds?: string[] }).invoiceIds ?? []).sort()).toEqual(made.map((m) => m.invoice.id).sort());

    await startWorkerProcess(settings);
    // The server notices the dead worker at the heartbeat timeout (10 s) and retries on the new one.
    const sent = await eventually(outboxOfMessage, (row) => row.status === 'sent', 40_000);
    expect(sent.attempts).toBeGreaterThanOrEqual(2);
    expect(await prisma.outboxMessage.count({ where: { idempotencyKey: { startsWith: messageKeyPrefix } } })).toBe(1);
    // The customer got one mail, listing all three invoices, and no single-invoice mail besides.
    const mails = await deliveredOnceSettled(sent.providerAttempt, (a) => a.provider === 'sendgrid' && made.some((m) => JSON.stringify(a.body).includes(m.invoice.number)));
    expect(mails).toHaveLength(1);
    expect(mails[0]!.idempotencyKey).toBe(sent.idempotencyKey);
    for (const m of made) expect(JSON.stringify(mails[0]!.body)).toContain(m.invoice.number);
    expect(sent.providerMessageId).toBe(mails[0]!.id);

    // Every case records it sent, with the provider's id and the merged message's key.
    for (const handle of handles) {
      const view = await eventually(() => handle.query(caseStateQuery), (v) => v.recentActions.length === 1, 20_000);
      expect(view.recentActions).toMatchObject([{ stepId: 'reminder', status: 'sent', providerMessageId: mails[0]!.id }]);
    }
    const events = await eventually(() => prisma.collectionEvent.findMany({ where: { invoiceId: { in: made.map((m) => m.invoice.id) }, kind: 'step_sent' } }), (rows) => rows.length === 3);
    expect(events.map((e) => (e.details as { messageKey?: string }).messageKey)).toEqual(Array(3).fill(sent.idempotencyKey));
    await Promise.allSettled(handles.map((h) => h.terminate('test done')));
  }, 240_000);

  it('posts a late fee once however often the activity is retried', async () => {
    const made = await createOverdueInvoice(prisma, { amountMinor: 100_000n });
    const postLateFee = makePostLateFee(prisma);
    const request = { idempotencyKey: `${made.invoice.id}:fee-1`, invoiceId: made.invoice.id, amountMinor: 4_000, currency: 'EUR', balanceAfterMinor: 104_000, rule: { kind: 'flat' } };
    const results = await Promise.all([postLateFee(request), postLateFee(request), postLateFee(request)]);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    const invoice = await prisma.invoice.findUniqueOrThrow({ where: { id: made.invoice.id }, include: { feeEntries: true } });
    expect(invoice.feeEntries).toHaveLength(1);
    expect(invoice.balanceMinor).toBe(104_000n);
  });
});
