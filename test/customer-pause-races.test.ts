import { Client, type WorkflowClientInterceptor } from '@temporalio/client';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createCase } from '../api/services/create-case.js';
import { pauseCustomer, resumeCustomer } from '../api/services/customer-pause.js';
import { createInvoiceSchema } from '../api/schemas/invoice.js';
import { caseStateQuery, collectionWorkflowId } from '../workflows/definitions.js';
import { invoiceBody } from './support/invoice-body.js';
import { createWorkerHarness, type WorkerHarness } from './support/worker.js';

// Real PostgreSQL, real Temporal and a real worker: the two orders in which a customer's pause
// and a new invoice's create can cross, each forced to happen rather than hoped for.

let harness: WorkerHarness;
let stopWorker: () => Promise<void>;
/** While set, every start through `gatedTemporal` waits for it: a create stopped between its statement and its start. */
let holdStarts: Promise<void> | undefined;
let gatedTemporal: Client;
const failures = { reference: 'test', report: (_invoiceId: string, error: unknown) => { throw error; } };

beforeAll(async () => {
  harness = await createWorkerHarness();
  stopWorker = await harness.startWorker();
  const gate: WorkflowClientInterceptor = {
    start: async (input, next) => {
      await holdStarts;
      return next(input);
    },
  };
  gatedTemporal = new Client({ connection: harness.client.connection, namespace: harness.client.options.namespace, dataConverter: harness.client.options.dataConverter, interceptors: { workflow: [gate] } });
});
afterAll(async () => {
  await stopWorker?.();
  await harness?.close();
});

const deps = () => ({ prisma: harness.prisma, temporal: gatedTemporal, taskQueue: harness.taskQueue });

/** A customer with one running case; answers the customer's id and a body for another invoice of theirs. */
async function customerWithOneCase() {
  const first = createInvoiceSchema.parse(invoiceBody());
  const created = await createCase(deps(), first, 'test');
  if (created.kind !== 'created') throw new Error(`expected a new case, got ${created.kind}`);
  const invoice = await harness.prisma.invoice.findUniqueOrThrow({ where: { id: created.invoiceId } });
  const next = createInvoiceSchema.parse(invoiceBody({ customer: first.customer }));
  return { customerId: invoice.customerId, next };
}

async function until<T>(read: () => Promise<T | undefined>, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const caseState = (invoiceId: string) => harness.client.workflow.getHandle(collectionWorkflowId(invoiceId)).query(caseStateQuery);

describe('a customer pause and a new invoice of theirs, crossing', () => {
  it('a pause committed while the create statement waited for the customer row: the case starts paused and is noted under the pause', async () => {
    const { customerId, next } = await customerWithOneCase();
    // What pauseCustomer does first, held open: the customer's row locked, the pause inserted, not yet committed.
    const pauser = new pg.Client({ connectionString: inject('databaseUrl') });
    await pauser.connect();
    try {
      await pauser.query('BEGIN');
      await pauser.query('SELECT id FROM customers WHERE id = $1 FOR UPDATE', [customerId]);
      const { rows } = await pauser.query<{ id: string }>(`INSERT INTO customer_pauses (customer_id, reason, paused_by) VALUES ($1, 'insolvency check', 'collector-1') RETURNING id::text`, [customerId]);
      const pauseId = rows[0]!.id;

      const creating = createCase(deps(), next, 'test');
      // The create statement is now waiting for the customer's row: its snapshot is older than the pause.
      await until(async () => {
        const waiting = await harness.prisma.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%INSERT INTO customers%'`;
        return waiting[0]!.n > 0 ? true : undefined;
      }, 'the create statement to wait for the customer row');
      await pauser.query('COMMIT');

      const created = await creating;
      expect(created.kind).toBe('created');
      const invoiceId = (created as { invoiceId: string }).invoiceId;
      expect(await caseState(invoiceId)).toMatchObject({ stage: 'paused', paused: { reason: 'customer paused: insolvency check', by: 'collector-1' } });
      expect(await harness.prisma.customerPauseCase.findMany({ where: { invoiceId }, select: { pauseId: true } })).toEqual([{ pauseId }]);
    } finally {
      await pauser.end();
    }
  });

  it('a pause that lists an invoice whose create has not started its case: the pause starts it paused, the create then finds it running, and resuming the customer resumes it', async () => {
    const { customerId, next } = await customerWithOneCase();
    let releaseStart!: () => void;
    holdStarts = new Promise<void>((resolve) => (releaseStart = resolve));
    try {
      const creating = createCase(deps(), next, 'test');
      const invoice = await until(
        () => harness.prisma.invoice.findUnique({ where: { source_externalId: { source: next.source, externalId: next.externalId } } }).then((found) => found ?? undefined),
        'the create to write the invoice row',
      );

      // The pause goes through the ungated client: only the create is held.
      const paused = await pauseCustomer({ prisma: harness.prisma, temporal: harness.client, taskQueue: harness.taskQueue }, customerId, { reason: 'fraud review' }, 'collector-2', failures);
      const outcomes = Object.fromEntries(paused!.cases.map((entry) => [entry.invoiceId, entry.outcome]));
      expect(outcomes[invoice.id]).toBe('paused');
      expect(await caseState(invoice.id)).toMatchObject({ stage: 'paused', paused: { reason: 'customer paused: fraud review', by: 'collector-2' } });
      const details = await (await harness.client.workflow.getHandle(collectionWorkflowId(invoice.id)).describe()).staticDetails();
      expect(details).toMatch(/^Created by collector-2 \(pausing the customer before the case's create had started it\);/);

      holdStarts = undefined;
      releaseStart();
      const created = await creating;
      // The create's own start found the case running: the run is still the paused one the pause started.
      expect(created).toMatchObject({ kind: 'created', invoiceId: invoice.id });
      const handle = harness.client.workflow.getHandle(collectionWorkflowId(invoice.id));
      expect(await (await handle.describe()).staticDetails()).toBe(details);
      expect(await caseState(invoice.id)).toMatchObject({ stage: 'paused' });

      const resumed = await resumeCustomer({ prisma: harness.prisma, temporal: harness.client }, customerId, 'collector-2', failures);
      expect(resumed).not.toBe('not_paused');
      expect((resumed as { cases: { invoiceId: string; outcome: string }[] }).cases.find((entry) => entry.invoiceId === invoice.id)?.outcome).toBe('resumed');
      expect(await caseState(invoice.id)).toMatchObject({ paused: null });
    } finally {
      holdStarts = undefined;
      releaseStart();
    }
  });
});
