import { z } from '@hono/zod-openapi';
import { fieldErrorSchema } from './problem.js';

export const bulkImportSchema = z
  .strictObject({ invoices: z.array(z.unknown()).min(1, 'send at least one invoice').max(5000, 'at most 5000 invoices per call') })
  .openapi('BulkImport', { description: 'Each invoice as POST /v1/invoices takes it; each is validated on its own.' });

const index = z.number().int().openapi({ description: 'The row’s position in `invoices`.' });

export const rowResultSchema = z
  .discriminatedUnion('status', [
    z.strictObject({ index, status: z.enum(['created', 'existing']), invoiceId: z.string() }),
    z.strictObject({ index, status: z.literal('conflict'), invoiceId: z.string(), fields: z.array(z.string()) }),
    z.strictObject({ index, status: z.literal('invalid'), errors: z.array(fieldErrorSchema) }),
    z.strictObject({ index, status: z.literal('failed'), message: z.string().openapi({ description: 'What to do; the cause is in the server log under the request id it names.' }) }),
  ])
  .openapi('BulkImportRow');

export type RowResult = z.output<typeof rowResultSchema>;

export const bulkImportResultSchema = z
  .strictObject({
    summary: z.partialRecord(z.enum(['created', 'existing', 'conflict', 'invalid', 'failed']), z.number().int()).openapi({ description: 'How many rows ended in each status; a status no row ended in is absent.' }),
    results: z.array(rowResultSchema),
  })
  .openapi('BulkImportResult');
