import { z } from '@hono/zod-openapi';

/** Pieces every route's OpenAPI description shares. */
export const problemResponse = (description: string) => ({ description, content: { 'application/problem+json': { schema: z.object({ type: z.string(), title: z.string(), status: z.number(), detail: z.string().optional() }).passthrough() } } });
export const caseViewSchema = z.object({}).passthrough().openapi('CaseView', { description: 'The live state of the case, from the workflow (see README: the caseState query).' });
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
