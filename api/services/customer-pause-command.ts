import type { CustomerPause } from '../../prisma/client.js';
import type { PauseCommand } from '../../workflows/definitions.js';

/** The reason each case's pause gives, so its audit log says where the pause came from. */
export const casePauseReason = (reason: string) => `customer paused: ${reason}`;

/** The pause a customer's pause sends each of its cases (or starts a new case with). */
export function casePauseCommand(pause: CustomerPause, actor: string): PauseCommand {
  return { reason: casePauseReason(pause.reason), actor, ...(pause.until ? { until: pause.until.toISOString() } : {}) };
}
