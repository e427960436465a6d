import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BULK_IMPORT_PRIORITY_KEY } from '../api/services/bulk-import.js';
import { collectionWorkflowId } from '../workflows/definitions.js';
import { searchAttributes } from '../workflows/search-attributes.js';
import { createApiHarness, invoiceBody } from './support/api.js';
import { eventually } from './support/eventually.js';
import { eventTypeName } from './support/history-events.js';
import { createWorkerHarness, type WorkerHarness } from './support/worker.js';

/**
 * How the API starts cases. A case carries what it is (invoice, customer, currency, policy, due
 * date) from the start: an operator finds it in the Temporal UI before any worker has run it (a
 * bulk import's backlog); where it stands and its next action follow with its first task, whose
 * one upsert of its own no longer repeats what came with the start.
 * A bulk import's cases start at a lower task priority than cases created one by one.
 */
let harness: WorkerHarness;
let api: Awaited<ReturnType<typeof createApiHarness>>;
let stopWorker: (() => Promise<void>) | undefined;
beforeAll(async () => {
  harness = await createWorkerHarness();
  api = await createApiHarness(harness);
});
afterAll(async () => {
  await stopWorker?.();
  await harness?.close();
});

describe('search attributes set with the start', () => {
  it('what the case is comes with the start, before any worker ran it; its first task upserts only where it stands', async () => {
    const body = invoiceBody();
    const created = await api.call('POST', '/v1/invoices', { key: api.keys.system, body });
    expect(created.status).toBe(201);
    const handle = harness.client.workflow.getHandle(collectionWorkflowId(created.body.invoiceId as string));

    // No worker polls yet: whatever is searchable came with the start.
    const atStart = (await handle.describe()).typedSearchAttributes;
    expect(atStart.get(searchAttributes.invoiceId)).toBe(created.body.invoiceId);
    expect(atStart.get(searchAttributes.invoiceNumber)).toBe(body.number);
    expect(atStart.get(searchAttributes.currency)).toBe('GBP');
    expect(atStart.get(searchAttributes.customerId)).toEqual(expect.any(String));
    expect(atStart.get(searchAttributes.dueDate)).toEqual(new Date(`${body.dueDate}T00:00:00Z`));
    expect(atStart.get(searchAttributes.stage)).toBeUndefined();

    stopWorker = await harness.startWorker();
    const events = await eventually(async () => (await handle.fetchHistory()).events ?? [], (all) => all.some((e) => eventTypeName(e) === 'TIMER_STARTED'), 20_000);
    const firstTask = events.slice(0, events.findIndex((e) => eventTypeName(e) === 'TIMER_STARTED'));
    const upserted = firstTask.filter((e) => eventTypeName(e) === 'UPSERT_WORKFLOW_SEARCH_ATTRIBUTES').map((e) => Object.keys(e.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields ?? {}).sort());
    // The patch's TemporalChangeVersion, then the case's standing: none of what came with the start again.
    expect(upserted).toEqual([['TemporalChangeVersion'], [searchAttributes.amountDueMinor.name, searchAttributes.disputed.name, searchAttributes.inPaymentPlan.name, searchAttributes.nextActionAt.name, searchAttributes.paused.name, searchAttributes.stage.name].sort()]);
    const afterFirstTask = (await handle.describe()).typedSearchAttributes;
    expect(afterFirstTask.get(searchAttributes.stage)).toBe('upcoming');
    expect(afterFirstTask.get(searchAttributes.invoiceNumber)).toBe(body.number);
    // The courtesy reminder, 3 days before the due date (30 days ahead).
    expect(afterFirstTask.get(searchAttributes.nextActionAt)!.getTime()).toBeGreaterThan(Date.now() + 26 * 86_400_000);
    await handle.terminate('test done');
  });

  it('a bulk import starts its cases at priority 4, behind cases created one by one (the default, 3)', async () => {
    const single = await api.call('POST', '/v1/invoices', { key: api.keys.system, body: invoiceBody() });
    const bulk = await api.call('POST', '/v1/invoices/bulk', { key: api.keys.system, body: { invoices: [invoiceBody(), invoiceBody()] } });
    expect(bulk.status).toBe(200);
    const imported = (bulk.body.results as { invoiceId: string }[]).map((r) => r.invoiceId);
    expect(imported).toHaveLength(2);
    const priorityOf = async (invoiceId: string) => (await harness.client.workflow.getHandle(collectionWorkflowId(invoiceId)).describe()).priority?.priorityKey;
    expect(await Promise.all(imported.map(priorityOf))).toEqual([BULK_IMPORT_PRIORITY_KEY, BULK_IMPORT_PRIORITY_KEY]);
    expect(BULK_IMPORT_PRIORITY_KEY).toBe(4);
    expect(await priorityOf(single.body.invoiceId as string)).toBeFalsy(); // unset: the server's default, 3
  });
});
