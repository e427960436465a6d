import { z } from '@hono/zod-openapi';
import { caseStages as stages } from './case-view.js';
import { calendarDate } from './common.js';
const flag = z.enum(['true', 'false'], { message: 'must be true or false' }).transform((v) => v === 'true');
const count = (name: string) => z.coerce.number({ message: `${name} must be a number` }).int(`${name} must be a whole number`).min(0, `${name} must not be negative`);

export const listCasesQuery = z
  .object({
    stage: z.enum(stages, { message: `must be one of ${stages.join(', ')}` }).optional(),
    customerId: z.uuid('must be a customer id (UUID)').optional(),
    disputed: flag.optional(),
    paused: flag.optional(),
    amountMinMinor: count('amountMinMinor').optional(),
    amountMaxMinor: count('amountMaxMinor').optional(),
    dueFrom: calendarDate.optional().openapi({ description: 'Due on or after this date (with dueTo: an overdue range).' }),
    dueTo: calendarDate.optional(),
    pageSize: count('pageSize').min(1).max(200, 'pageSize must be at most 200').default(50),
    pageToken: z.string().max(4096).regex(/^[A-Za-z0-9_-]*$/, 'must be the nextPageToken of a previous page').optional(),
  })
  .strict();

export type ListCasesQuery = z.infer<typeof listCasesQuery>;

/** A run's status in Temporal, as a readable name (Temporal's own enum is numeric). */
export const workflowStatuses = ['running', 'completed', 'failed', 'cancelled', 'terminated', 'continued_as_new', 'timed_out', 'paused', 'unknown'] as const;
export type WorkflowStatus = (typeof workflowStatuses)[number];

const instant = z.string().openapi({ format: 'date-time' });

/** One case as Temporal visibility lists it; a field is absent until the case's first workflow task has set it. */
export const caseSummarySchema = z
  .strictObject({
    workflowId: z.string(),
    status: z.enum(workflowStatuses).openapi({ description: 'The workflow run: running while the case is open; completed once it has ended.' }),
    stage: z.enum(stages).optional(),
    invoiceId: z.string().optional(),
    invoiceNumber: z.string().optional(),
    customerId: z.string().optional(),
    amountDueMinor: z.number().int().optional(),
    currency: z.string().optional(),
    dueDate: instant.optional(),
    nextActionAt: instant.nullable().openapi({ description: 'When the case acts next; null when nothing is scheduled.' }),
    disputed: z.boolean().optional(),
    paused: z.boolean().optional(),
    inPaymentPlan: z.boolean().optional(),
  })
  .openapi('CaseSummary');

export type CaseSummary = z.output<typeof caseSummarySchema>;

export const caseListSchema = z
  .strictObject({ cases: z.array(caseSummarySchema), nextPageToken: z.string().nullable().openapi({ description: 'Pass as pageToken for the next page; null on the last page.' }) })
  .openapi('CaseList');
