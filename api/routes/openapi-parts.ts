import { z } from '@hono/zod-openapi';
import { PROBLEM_CONTENT_TYPE } from '../problem.js';
import { problemSchema } from '../schemas/problem.js';

/** Pieces every route's OpenAPI description shares. */
export const problemResponse = (description: string) => ({ description, content: { [PROBLEM_CONTENT_TYPE]: { schema: problemSchema } } }) as const;
export const security = [{ apiKey: [] }];

export const paymentAfterCloseSchema = z
  .object({
    recordedAfterClose: z.boolean(),
    duplicate: z.boolean(),
    invoiceId: z.string(),
    paymentId: z.string(),
    caseClosed: z.enum(['paid', 'cancelled', 'written_off', 'legal']),
    currency: z.string(),
    appliedMinor: z.number().int(),
    overpaidMinor: z.number().int(),
    balanceMinor: z.number().int(),
    legalPartnerNotified: z.boolean(),
  })
  .openapi('PaymentAfterClose', { description: 'A payment for a case that had ended, recorded on the invoice (see README: payments after a case has ended).' });
