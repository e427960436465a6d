// The raw-Temporal reference of bench/history-events.ts: a ladder of bare steps, each a timer and
// one activity, with nothing of ours in between. Bundled by the bench's own worker.
import { proxyActivities, sleep } from '@temporalio/workflow';

const { act } = proxyActivities<{ act(step: number): Promise<void> }>({ startToCloseTimeout: '10 seconds' });

/** Sleeps until each step's second, then runs one activity for it. */
export async function rawLadderWorkflow(steps: number): Promise<void> {
  const started = Date.now();
  for (let step = 1; step <= steps; step += 1) {
    await sleep(Math.max(1, started + step * 1_000 - Date.now()));
    await act(step);
  }
}
