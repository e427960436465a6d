import { createInvoiceSchema } from '../schemas/invoice.js';
import type { RowResult } from '../schemas/bulk-import.js';
import { fieldErrors } from '../validation.js';
import { createCase } from './create-case.js';
import { inPool } from './in-pool.js';

type Dependencies = Parameters<typeof createCase>[0];

export type { RowResult } from '../schemas/bulk-import.js';

/**
 * Temporal task priority of an imported case (1 is first, 3 the default, 5 last): its catch-up
 * (and every later task of the case) waits behind the tasks of cases started one by one, so a
 * payment, dispute or pause on those is not queued behind thousands of new cases' first tasks.
 */
export const BULK_IMPORT_PRIORITY_KEY = 4;

/** Told about a row that failed for a reason of ours (a database or Temporal error), to log it. */
export type RowFailureReporter = (index: number, error: unknown) => void;

/**
 * A backlog in one call: each row is validated and created on its own, so one bad row loses
 * nothing else. Old invoices start at the right stage: their policy's catch-up rule runs only
 * the latest step already due, not every past step at once. A row that fails on our side says
 * only that, with the request id (`reference`) under which `reportFailure` logged the cause:
 * internal error text is not the client's to read.
 */
export async function bulkImport(
  deps: Dependencies,
  rows: readonly unknown[],
  { actor, reference, reportFailure, concurrency = 8 }: { actor: string; reference: string; reportFailure: RowFailureReporter; concurrency?: number },
): Promise<RowResult[]> {
  return inPool(rows, concurrency, async (row, index): Promise<RowResult> => {
    const parsed = createInvoiceSchema.safeParse(row);
    if (!parsed.success) return { index, status: 'invalid', errors: fieldErrors(parsed.error) };
    try {
      const outcome = await createCase(deps, parsed.data, actor, { priority: { priorityKey: BULK_IMPORT_PRIORITY_KEY } });
      if (outcome.kind === 'conflict') return { index, status: 'conflict', invoiceId: outcome.invoiceId, fields: outcome.fields };
      if (outcome.kind === 'unknown_policy') return { index, status: 'invalid', errors: [{ field: outcome.field, rule: 'exists', message: `no policy ${outcome.ref}` }] };
      if (outcome.kind === 'key_taken') throw new Error('a bulk row claims no Idempotency-Key, yet its create answered key_taken');
      return { index, status: outcome.kind, invoiceId: outcome.invoiceId };
    } catch (error) {
      reportFailure(index, error);
      return { index, status: 'failed', message: `This invoice could not be imported because of a server error; send it again (the same invoice is never created twice). The server log has the cause under request ${reference}.` };
    }
  });
}
