import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { randomUUID } from 'node:crypto';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { SENDGRID_LIMITS } from '../../activities/providers/sendgrid.js';
import { createPrismaClient } from '../../prisma/client.js';
import type { collectionWorkflow } from '../../workflows/collection-workflow.js';
import { collectionWorkflowId, collectionWorkflowType } from '../../workflows/definitions.js';
import { eventually } from '../support/eventually.js';
import { caseInput, createOverdueInvoice, secondScalePolicy } from '../support/fixtures.js';
import { suiteDataConverter } from '../support/payload-encryption.js';
import { type Accepted, type AcceptedKind, type ProviderServers, startProviderServers } from '../support/provider-servers.js';
import { spawnWorkerProcess } from '../support/spawn-worker-process.js';
import { clusterServerPid, restartClusterServer } from '../support/temporal-cluster.js';

/**
 * On a real Temporal server (PostgreSQL persistence, SQL visibility; test/cluster/global-setup.ts),
 * not the dev server: two worker processes share one task queue, and the ladders in flight survive
 * losing a worker and restarting the server. Every provider is the real SDK against the local
 * stand-ins; the legal hand-off goes by email, so every step leaves a trace at a provider.
 */
const unavailable = inject('temporalClusterUnavailable');
const legalPartnerEmail = 'cases@lawfirm.example';
const casesPerTest = 4;
// Steps 6 s apart: "mid-ladder" is a wide window, so a kill or a restart lands between steps.
const policy = secondScalePolicy({
  steps: [
    { id: 'reminder', offset: 'PT2S', actions: [{ type: 'email', template: 'overdue_notice' }] },
    { id: 'letter', offset: 'PT8S', actions: [{ type: 'letter', template: 'formal_letter' }] },
    { id: 'late_fee', offset: 'PT14S', actions: [{ type: 'late_fee' }] },
    { id: 'call', offset: 'PT20S', actions: [{ type: 'call_task', template: 'collector_call' }] },
    { id: 'legal', offset: 'PT26S', actions: [{ type: 'legal_handoff' }] },
  ],
});

let servers: ProviderServers;
let connection: Connection;
let client: Client;
const prisma = createPrismaClient(inject('databaseUrl') || 'postgresql://unused');
const workers: ChildProcess[] = [];

async function startWorker(taskQueue: string): Promise<ChildProcess> {
  const worker = await spawnWorkerProcess({ TEMPORAL_TASK_QUEUE: taskQueue, PROVIDER_BASE_URL: servers.baseUrl, LEGAL_PARTNER_EMAIL: legalPartnerEmail, SINK_DIR: `/tmp/${taskQueue}` });
  workers.push(worker);
  return worker;
}

async function startCases(taskQueue: string) {
  const cases: { invoiceId: string; handle: WorkflowHandle<typeof collectionWorkflow> }[] = [];
  for (let i = 0; i < casesPerTest; i++) {
    const made = await createOverdueInvoice(prisma);
    const handle = await client.workflow.start<typeof collectionWorkflow>(collectionWorkflowType, { workflowId: collectionWorkflowId(made.invoice.id), taskQueue, args: [caseInput(made, policy)] });
    cases.push({ invoiceId: made.invoice.id, handle });
  }
  return cases;
}

const ofCase = (invoiceId: string) => (a: Accepted) => a.idempotencyKey?.startsWith(invoiceId) === true;
const toPartner = (a: Accepted) => JSON.stringify(a.body.personalizations ?? '').includes(legalPartnerEmail);

/**
 * What reached the customer and the partner for one case, by what it was. Email counts what SendGrid
 * delivers once every send_at has passed, as things stand: a worker killed after SendGrid took a
 * message but before the outbox said so leaves a batch that the retry cancels before sending
 * again, so SendGrid may have taken a reminder twice and still deliver it once.
 */
function sentFor(invoiceId: string) {
  const mine = servers.accepted.filter(ofCase(invoiceId));
  const emails = servers.sendgridDelivered(Date.now() + SENDGRID_LIMITS.maxLeadMs).filter(ofCase(invoiceId));
  return {
    reminders: emails.filter((a) => !toPartner(a)),
    letters: mine.filter((a) => a.provider === 'lob'),
    callTasks: mine.filter((a) => a.provider === 'twilio-task'),
    legalPackets: emails.filter(toPartner),
  };
}

const taken = (cases: { invoiceId: string }[], provider: AcceptedKind) => cases.map((c) => servers.accepted.filter((a) => a.provider === provider && ofCase(c.invoiceId)(a)).length);
const remindersSent = (cases: { invoiceId: string }[]) => taken(cases, 'sendgrid').every((count) => count > 0);
const anyLetterSent = (cases: { invoiceId: string }[]) => taken(cases, 'lob').some((count) => count > 0);

/** Every case ran its whole ladder and every step left exactly one trace: at the provider, in the fee ledger, in the audit log. */
async function expectEveryStepOnce(cases: { invoiceId: string; handle: WorkflowHandle<typeof collectionWorkflow> }[]) {
  for (const c of cases) {
    const result = await c.handle.result();
    expect(result.closed).toMatchObject({ reason: 'legal_handoff' });
    expect(result.recentActions.map((a) => `${a.stepId}:${a.status}`)).toEqual(['reminder:sent', 'letter:sent', 'late_fee:sent', 'call:sent', 'legal:sent']);
    const sent = sentFor(c.invoiceId);
    expect({ reminders: sent.reminders.length, letters: sent.letters.length, callTasks: sent.callTasks.length, legalPackets: sent.legalPackets.length }).toEqual({ reminders: 1, letters: 1, callTasks: 1, legalPackets: 1 });
    const invoice = await prisma.invoice.findUniqueOrThrow({ where: { id: c.invoiceId }, include: { feeEntries: true, legalHandoff: true } });
    expect(invoice.feeEntries).toHaveLength(1);
    expect(invoice.legalHandoff?.status).toBe('sent');
    const events = await prisma.collectionEvent.findMany({ where: { invoiceId: c.invoiceId }, orderBy: { sequence: 'asc' } });
    expect(events.map((e) => e.kind)).toEqual(['case_opened', 'step_sent', 'step_sent', 'late_fee_posted', 'step_sent', 'legal_handoff']);
  }
}

beforeAll(async () => {
  if (unavailable) return;
  servers = await startProviderServers();
  connection = await Connection.connect({ address: inject('temporalAddress') });
  client = new Client({ connection, namespace: inject('temporalNamespace'), dataConverter: suiteDataConverter() });
});
afterAll(async () => {
  for (const worker of workers) worker.kill('SIGKILL');
  await Promise.allSettled([servers?.close(), connection?.close(), prisma.$disconnect()]);
});

const title = 'a real Temporal cluster (PostgreSQL persistence, SQL visibility) with two worker processes';
describe.skipIf(unavailable)(unavailable ? `${title} [SKIPPED: the Temporal server could not be built here: ${unavailable.split('\n').join(' / ')}]` : title, () => {
  it('finishes every ladder on the other worker, each step sent exactly once, when one worker is SIGKILLed mid-ladder', async () => {
    const taskQueue = `cluster-kill-${randomUUID()}`;
    const [doomed] = await Promise.all([startWorker(taskQueue), startWorker(taskQueue)]);
    const cases = await startCases(taskQueue);
    expect(await eventually(async () => remindersSent(cases), (done) => done, 60_000)).toBe(true);
    expect(anyLetterSent(cases)).toBe(false); // mid-ladder: the first step done everywhere, the second nowhere
    doomed!.kill('SIGKILL');
    await once(doomed!, 'exit');

    await expectEveryStepOnce(cases);
  }, 240_000);

  it('loses nothing and sends nothing twice when the server is stopped mid-ladder, stays down while steps fall due, and starts again', async () => {
    const taskQueue = `cluster-restart-${randomUUID()}`;
    await Promise.all([startWorker(taskQueue), startWorker(taskQueue)]);
    const cases = await startCases(taskQueue);
    const lastStart = Date.now();
    expect(await eventually(async () => remindersSent(cases), (done) => done, 60_000)).toBe(true);
    expect(anyLetterSent(cases)).toBe(false);

    const dir = inject('temporalClusterDir');
    const pid = await clusterServerPid(dir);
    process.kill(pid, 'SIGTERM');
    expect(await eventually(async () => isAlive(pid), (alive) => !alive, 60_000)).toBe(false);
    // Down until every letter has fallen due: the restarted server must fire timers it missed.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, lastStart + 9_000 - Date.now())));
    await restartClusterServer(dir);

    await expectEveryStepOnce(cases);
    // SQL visibility came back too, custom search attributes included.
    const query = `TaskQueue = '${taskQueue}' AND ExecutionStatus = 'Completed' AND CollectionStage = 'legal'`;
    expect((await eventually(() => client.workflow.count(query), (counted) => counted.count === casesPerTest, 30_000)).count).toBe(casesPerTest);
  }, 300_000);
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
