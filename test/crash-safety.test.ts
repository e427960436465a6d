import { type ChildProcess, spawn } from 'node:child_process';
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
import { type ProviderServers, startProviderServers } from './support/provider-servers.js';

const root = new URL('..', import.meta.url).pathname;
const prisma = createPrismaClient(inject('databaseUrl'));
const taskQueue = `crash-${randomUUID()}`;
let servers: ProviderServers;
let connection: Connection;
let client: Client;
const workers: ChildProcess[] = [];

async function startWorkerProcess(): Promise<ChildProcess> {
  // node --import tsx: one process (the tsx CLI would put a child under it that SIGKILL misses).
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/worker-process.ts'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_NAMESPACE: inject('temporalNamespace'),
      TEMPORAL_TASK_QUEUE: taskQueue,
      DATABASE_URL: inject('databaseUrl'),
      WORKFLOW_BUNDLE_PATH: inject('workflowBundlePath'),
      PROVIDER_BASE_URL: servers.baseUrl,
      SINK_DIR: `/tmp/${taskQueue}`,
    },
  });
  workers.push(child);
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await eventually(async () => output, (text) => text.includes('ready'), 60_000);
  return child;
}

beforeAll(async () => {
  servers = await startProviderServers();
  connection = await Connection.connect({ address: inject('temporalAddress') });
  client = new Client({ connection, namespace: inject('temporalNamespace') });
});
afterAll(async () => {
  for (const worker of workers) worker.kill('SIGKILL');
  await Promise.allSettled([servers?.close(), connection?.close(), prisma.$disconnect()]);
});

describe('crash safety', () => {
  it('sends one email when the worker is killed after SendGrid accepted it but before the outbox was marked', async () => {
    const first = await startWorkerProcess();
    const made = await createOverdueInvoice(prisma);
    servers.stallNextMail(30_000); // SendGrid takes the mail, then the answer hangs: the worker dies waiting
    const arrived = servers.nextMailArrived();
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
    const mails = servers.accepted.filter((a) => a.provider === 'sendgrid' && a.idempotencyKey?.startsWith(made.invoice.id));
    expect(mails).toHaveLength(1);
    expect(sent.providerMessageId).toBe(mails[0]!.id);
    const view = await eventually(() => handle.query(caseStateQuery), (v) => v.recentActions.length === 1);
    expect(view.recentActions).toMatchObject([{ stepId: 'reminder', status: 'sent', providerMessageId: mails[0]!.id }]);
    await handle.terminate('test done');
  }, 120_000);

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
