// The raw-Temporal reference of the timer-storm bench: a workflow that sleeps until one instant
// and runs one trivial activity, with nothing of ours in between. Bundled by the bench's own worker.
import { proxyActivities, sleep } from '@temporalio/workflow';

export interface TimerActivities {
  /** Notes that this workflow's timer fired (counted by the bench). */
  fired(id: string): Promise<void>;
}

const { fired } = proxyActivities<TimerActivities>({ startToCloseTimeout: '1 minute' });

/** Sleeps until `dueAtMillis` (workflow time), then runs one activity. */
export async function timerWorkflow(dueAtMillis: number, id: string): Promise<void> {
  await sleep(Math.max(1, dueAtMillis - Date.now()));
  await fired(id);
}
