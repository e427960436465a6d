import { z } from '@hono/zod-openapi';
import { calendarDate } from './common.js';

const stages = ['upcoming', 'overdue', 'disputed', 'paused', 'payment_plan', 'promise_to_pay', 'paid', 'cancelled', 'written_off', 'legal'] as const;
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
