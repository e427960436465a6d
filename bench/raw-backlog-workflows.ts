// The raw-Temporal reference of bench/backlog.ts: what one shared task queue does to a payment.
// A case whose payment update answers at once and whose row is written by an activity on the
// workflow's own queue, and senders whose slow activities fill that same queue's slots.
// Bundled by the bench's own worker, not by the product's.
import { condition, defineQuery, defineUpdate, proxyActivities, setHandler } from '@temporalio/workflow';

export interface RawBacklogActivities {
  /** One slow (and now and then refused) send, as the strained provider answers it. */
  slowSend(index: number): Promise<void>;
  /** Writes the invoice row as paid. */
  markPaid(invoiceId: string): Promise<void>;
}

export const rawPayUpdate = defineUpdate<boolean, []>('rawPay');
export const rawClosedQuery = defineQuery<boolean>('rawClosed');

// The retry policy of our deliveries (workflows/activities.ts), so a refused send comes back as ours do.
const { slowSend, markPaid } = proxyActivities<RawBacklogActivities>({ startToCloseTimeout: '1 minute', retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' } });

/** A case: the payment update answers at once, then the row is written on the same queue. */
export async function rawCaseWorkflow(invoiceId: string): Promise<void> {
  let paid = false;
  setHandler(rawPayUpdate, () => (paid = true));
  setHandler(rawClosedQuery, () => paid);
  await condition(() => paid);
  await markPaid(invoiceId);
}

/** `count` slow sends at once (the server refuses more than 2,000 pending activities per workflow: start several). */
export async function rawSendsWorkflow(count: number): Promise<void> {
  await Promise.all(Array.from({ length: count }, (_, index) => slowSend(index)));
}
