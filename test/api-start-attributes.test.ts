import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectionWorkflowId } from '../workflows/definitions.js';
import { searchAttributes } from '../workflows/search-attributes.js';
import { createApiHarness, invoiceBody } from './support/api.js';
import { eventually } from './support/eventually.js';
import { eventTypeName } from './support/history-events.js';
import { createWorkerHarness, type WorkerHarness } from './support/worker.js';

/**
 * A case the API starts carries its search attributes from the start: an operator finds it in the
 * Temporal UI by customer, stage or next action before any worker has run it (a bulk import's
 * backlog), and its first task upserts nothing of its own (only the patch's `TemporalChangeVersion`).
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
  it('are there before the case has run, and its first task does not upsert them again', async () => {
    const body = invoiceBody();
    const created = await api.call('POST', '/v1/invoices', { key: api.keys.system, body });
    expect(created.status).toBe(201);
    const handle = harness.client.workflow.getHandle(collectionWorkflowId(created.body.invoiceId as string));

    // No worker polls yet: whatever is searchable came with the start.
    const atStart = (await handle.describe()).typedSearchAttributes;
    expect(atStart.get(searchAttributes.invoiceNumber)).toBe(body.number);
    expect(atStart.get(searchAttributes.currency)).toBe('GBP');
    expect(atStart.get(searchAttributes.stage)).toBe('upcoming');
    expect(atStart.get(searchAttributes.amountDueMinor)).toBe(125_000);
    expect(atStart.get(searchAttributes.paused)).toBe(false);
    expect(atStart.get(searchAttributes.customerId)).toEqual(expect.any(String));
    const nextActionAt = atStart.get(searchAttributes.nextActionAt);
    // The courtesy reminder, 3 days before the due date (30 days ahead), inside London's sending window.
    expect(nextActionAt!.getTime()).toBeGreaterThan(Date.now() + 26 * 86_400_000);

    stopWorker = await harness.startWorker();
    const events = await eventually(async () => (await handle.fetchHistory()).events ?? [], (all) => all.some((e) => eventTypeName(e) === 'TIMER_STARTED'), 20_000);
    const firstTask = events.slice(0, events.findIndex((e) => eventTypeName(e) === 'TIMER_STARTED')).map(eventTypeName);
    // One upsert: the patch marker's TemporalChangeVersion; none for the case's own attributes.
    expect(firstTask.filter((type) => type === 'UPSERT_WORKFLOW_SEARCH_ATTRIBUTES')).toHaveLength(1);
    expect(firstTask.filter((type) => type === 'MARKER_RECORDED')).toHaveLength(2); // the patch, case_opened
    const afterFirstTask = (await handle.describe()).typedSearchAttributes;
    expect(afterFirstTask.get(searchAttributes.nextActionAt)).toEqual(nextActionAt);
    expect(afterFirstTask.get(searchAttributes.stage)).toBe('upcoming');
    await handle.terminate('test done');
  });
});
