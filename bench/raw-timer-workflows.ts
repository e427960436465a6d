// The raw-Temporal reference of the timer-storm and scale-out benches: what a case does around a
// step with nothing of ours in between. At start it runs one local activity (the case's opening
// task writes `case_opened` through a local activity), sleeps until one instant (the case's step
// timer) and runs one activity (the delivery). Bundled for bench/support/raw-worker.ts.
import { proxyActivities, proxyLocalActivities, sleep } from '@temporalio/workflow';

export interface StormActivities {
  /** Notes that this workflow ran its opening task (counted by the bench). */
  opened(id: string): Promise<void>;
  /** Notes that this workflow's timer fired and its activity ran (counted by the bench). */
  fired(id: string): Promise<void>;
}

const { opened } = proxyLocalActivities<StormActivities>({ startToCloseTimeout: '30 seconds' });
const { fired } = proxyActivities<StormActivities>({ startToCloseTimeout: '1 minute' });

/** Opens (one local activity), sleeps until `dueAtMillis` (workflow time), then runs one activity. */
export async function stormWorkflow(dueAtMillis: number, id: string): Promise<void> {
  await opened(id);
  await sleep(Math.max(1, dueAtMillis - Date.now()));
  await fired(id);
}
