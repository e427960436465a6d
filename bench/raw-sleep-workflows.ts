// The raw-Temporal reference of bench/worker-memory.ts: a workflow that runs one local activity
// (as a case records its opening), then sleeps a month and answers a trivial update, with nothing
// of ours in between. Bundled by the bench, run by bench/support/memory-worker.ts.
import { condition, defineUpdate, proxyLocalActivities, setHandler } from '@temporalio/workflow';

export interface SleepActivities {
  /** Counts the workflows that ran their first task (the bench waits for all of them). */
  opened(): Promise<void>;
}

export const pokeUpdate = defineUpdate<number, [number]>('poke');

const { opened } = proxyLocalActivities<SleepActivities>({ startToCloseTimeout: '30 seconds' });

export async function sleepingWorkflow(): Promise<void> {
  let pokes = 0;
  setHandler(pokeUpdate, (amount) => (pokes += amount));
  await opened();
  await condition(() => false, '30 days');
}
