import { activityInfo, heartbeat } from '@temporalio/activity';

/**
 * Runs `work` while heartbeating, so the server notices a dead worker at the heartbeat timeout
 * (seconds), not at the end of the whole start-to-close timeout, and another worker takes over.
 */
export async function whileHeartbeating<T>(work: () => Promise<T>): Promise<T> {
  // A local activity has no heartbeat: the worker running its workflow task keeps that task alive instead.
  if (activityInfo().isLocal) return work();
  const beating = setInterval(() => heartbeat(), 2_000);
  try {
    return await work();
  } finally {
    clearInterval(beating);
  }
}
