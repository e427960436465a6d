import { heartbeat } from '@temporalio/activity';

/**
 * Runs `work` while heartbeating, so the server notices a dead worker at the heartbeat timeout
 * (seconds), not at the end of the whole start-to-close timeout, and another worker takes over.
 */
export async function whileHeartbeating<T>(work: () => Promise<T>): Promise<T> {
  const beating = setInterval(() => heartbeat(), 2_000);
  try {
    return await work();
  } finally {
    clearInterval(beating);
  }
}
