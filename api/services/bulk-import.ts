import { createInvoiceSchema } from '../schemas/invoice.js';
import { type FieldError, fieldErrors } from '../validation.js';
import { createCase } from './create-case.js';

type Dependencies = Parameters<typeof createCase>[0];

export type RowResult =
  | { readonly index: number; readonly status: 'created' | 'existing'; readonly invoiceId: string }
  | { readonly index: number; readonly status: 'conflict'; readonly invoiceId: string; readonly fields: string[] }
  | { readonly index: number; readonly status: 'invalid'; readonly errors: FieldError[] }
  | { readonly index: number; readonly status: 'failed'; readonly message: string };

/** Runs `work` over `items` with at most `limit` in flight (a few lines; not worth a dependency). */
async function inPool<T, R>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const runners = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!, index);
    }
  });
  await Promise.all(runners);
  return results;
}

/**
 * A backlog in one call: each row is validated and created on its own, so one bad row loses
 * nothing else. Old invoices start at the right stage: their policy's catch-up rule runs only
 * the latest step already due, not every past step at once.
 */
export async function bulkImport(deps: Dependencies, rows: readonly unknown[], actor: string, concurrency = 8): Promise<RowResult[]> {
  return inPool(rows, concurrency, async (row, index): Promise<RowResult> => {
    const parsed = createInvoiceSchema.safeParse(row);
    if (!parsed.success) return { index, status: 'invalid', errors: fieldErrors(parsed.error) };
    try {
      const outcome = await createCase(deps, parsed.data, actor);
      if (outcome.kind === 'conflict') return { index, status: 'conflict', invoiceId: outcome.invoiceId, fields: outcome.fields };
      if (outcome.kind === 'unknown_policy') return { index, status: 'invalid', errors: [{ field: outcome.field, rule: 'exists', message: `no policy ${outcome.ref}` }] };
      return { index, status: outcome.kind, invoiceId: outcome.invoiceId };
    } catch (error) {
      return { index, status: 'failed', message: error instanceof Error ? error.message.split('\n')[0]! : 'failed' };
    }
  });
}
