import { describe, expect, it } from 'vitest';
import type { collectionWorkflow } from '../workflows/collection-workflow.js';
import { collectionWorkflowId, collectionWorkflowType } from '../workflows/definitions.js';
import { eventually } from './support/eventually.js';
import { caseInput, createOverdueInvoice, secondScalePolicy } from './support/fixtures.js';
import type { ProviderServers } from './support/provider-servers.js';
import { onWorkerWithProviders } from './support/provider-worker.js';
import { type WorkerHarness } from './support/worker.js';

/**
 * The worker caps each provider's rate through its channel's task queue (Temporal dispatches at
 * most that many deliveries a second, whatever the number of workers). Timestamps are taken at the
 * stand-in provider; only a lower bound is asserted, which a slow machine cannot break.
 */
const smsPerSecond = 1;
let servers: ProviderServers;
let harness: WorkerHarness;
onWorkerWithProviders((s, h) => ((servers = s), (harness = h)), { rateLimits: { sms: smsPerSecond } });

describe('provider rate limits', () => {
  it('sends SMS that fall due together no faster than the configured rate', async () => {
    const count = 6;
    const made = await Promise.all(Array.from({ length: count }, () => createOverdueInvoice(harness.prisma)));
    const policy = secondScalePolicy({ steps: [{ id: 'text', offset: 'PT1S', actions: [{ type: 'sms', template: 'overdue_notice' }] }, { id: 'later', offset: 'P30D', actions: [{ type: 'letter' }] }] });
    const anchor = new Date(); // one anchor: every case's SMS is due at the same moment
    const handles = await Promise.all(
      made.map((m) => harness.client.workflow.start<typeof collectionWorkflow>(collectionWorkflowType, { workflowId: collectionWorkflowId(m.invoice.id), taskQueue: harness.taskQueue, args: [caseInput(m, policy, anchor)] })),
    );
    const numbers = new Set(made.map((m) => m.invoice.number));
    const texts = await eventually(async () => servers.accepted.filter((a) => a.provider === 'twilio-sms' && [...numbers].some((n) => String(a.body.Body).includes(n))), (found) => found.length === count, 60_000);
    await Promise.allSettled(handles.map((handle) => handle.terminate('test done')));

    const times = texts.map((t) => t.at).sort((a, b) => a - b);
    const elapsedMs = times.at(-1)! - times[0]!;
    // Temporal splits a task queue into partitions (4 by default), each with its share of the rate
    // and a burst of one: up to 4 may go at once, the rest wait for the rate (measured here: the
    // 5th and 6th about 4 s after the first; without the limit all 6 within a second).
    const burst = 4;
    const atLeastMs = ((count - burst) / smsPerSecond) * 1000;
    expect(elapsedMs).toBeGreaterThanOrEqual(atLeastMs);
  });
});
