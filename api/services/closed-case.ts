import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import type { InvoiceStatus } from '../../prisma/client.js';

/**
 * Invoice statuses that end collection for good. The invoice row is the record: Temporal forgets
 * a closed run after its retention period, the database does not, so "has this case ended?" is
 * answered from the row, never from Temporal alone.
 */
export const CLOSED_STATUSES = ['paid', 'cancelled', 'written_off', 'legal'] as const satisfies readonly InvoiceStatus[];
export type ClosedStatus = (typeof CLOSED_STATUSES)[number];

export function isClosedStatus(status: InvoiceStatus): status is ClosedStatus {
  return (CLOSED_STATUSES as readonly InvoiceStatus[]).includes(status);
}

/** The case is ending but its workflow has not finished within the wait: the caller should retry. */
export class CaseStillClosingError extends Error {
  constructor(readonly workflowId: string) {
    super(`the workflow ${workflowId} has closed its case but is still finishing`);
  }
}

/**
 * Waits until the workflow of a closed case has finished. Between closing the case and returning,
 * a workflow still writes its last batch, which sets the invoice's balance and status from its own
 * state: anything the API writes about a closed case must come after that. A run Temporal has
 * already forgotten (retention) counts as finished. Polls `describe` rather than awaiting the
 * result, so giving up leaves no long poll behind.
 */
export async function awaitCaseEnd(temporal: Client, workflowId: string, timeoutMs = 10_000): Promise<void> {
  const handle = temporal.workflow.getHandle(workflowId);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await handle.describe()).status.name !== 'RUNNING') return;
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return;
      throw error;
    }
    if (Date.now() >= deadline) throw new CaseStillClosingError(workflowId);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
