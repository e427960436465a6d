import { z } from '@hono/zod-openapi';
import { calendarDate, currencyCode, identifier, instant, minorUnits, plausibleInstant, receivedAt, text, withinYearsOfNow, yearsMessage } from './common.js';

export const recordPaymentSchema = z
  .object({
    paymentId: identifier(255).openapi({ example: 'pi_3PqR2s', description: 'The payment processor’s id: a payment id seen before changes nothing.' }),
    amountMinor: minorUnits,
    currency: currencyCode,
    method: text(64).openapi({ example: 'bank_transfer' }),
    receivedAt: receivedAt.optional().openapi({ description: 'When the money arrived; default: now.' }),
  })
  .strict()
  .openapi('RecordPayment');

export const invoiceIdParam = z.object({ invoiceId: z.uuid('must be a case id (the invoice id, a UUID)').openapi({ param: { name: 'invoiceId', in: 'path' } }) });

const deadline = z
  .union([calendarDate, instant], { message: 'must be a date (YYYY-MM-DD) or an ISO 8601 instant' })
  .refine(withinYearsOfNow, yearsMessage)
  .openapi({ example: '2026-12-15', description: 'A date (by the end of that day in the customer’s timezone) or an exact instant.' });

export const openDisputeSchema = z.object({ reason: text(2000).openapi({ example: 'Goods arrived damaged' }) }).strict().openapi('OpenDispute');

export const resolveDisputeSchema = z
  .object({
    resolution: z.enum(['resume', 'credit', 'cancel'], { message: 'must be resume, credit or cancel' }),
    creditMinor: minorUnits.optional(),
    note: text(2000).optional(),
  })
  .strict()
  .refine((r) => r.resolution !== 'credit' || r.creditMinor !== undefined, { message: 'a credit needs creditMinor', path: ['creditMinor'] })
  .openapi('ResolveDispute');

/** The most installments a payment plan may have (the console's plan form offers at most as many rows). */
export const MAX_INSTALLMENTS = 120;

export const agreePaymentPlanSchema = z
  .object({ installments: z.array(z.object({ dueDate: deadline, amountMinor: minorUnits }).strict()).min(1, 'a plan needs at least one installment').max(MAX_INSTALLMENTS, `at most ${MAX_INSTALLMENTS} installments`) })
  .strict()
  .openapi('AgreePaymentPlan');

export const pauseSchema = z.object({ reason: text(2000), until: plausibleInstant.optional() }).strict().openapi('PauseCase');

export const resumeSchema = z.object({}).strict().openapi('ResumeCase');

export const callOutcomeSchema = z
  .object({
    outcome: z.enum(['reached', 'promise_to_pay', 'no_answer', 'wrong_number'], { message: 'must be reached, promise_to_pay, no_answer or wrong_number' }),
    promiseDate: deadline.optional(),
    promisedAmountMinor: minorUnits.optional(),
    note: text(2000).optional(),
  })
  .strict()
  .refine((o) => o.outcome !== 'promise_to_pay' || o.promiseDate !== undefined, { message: 'a promise to pay needs promiseDate', path: ['promiseDate'] })
  .openapi('CallOutcome');

export const waiveFeeSchema = z
  .object({ amountMinor: minorUnits.optional().openapi({ description: 'Default: every fee charged so far.' }), reason: text(2000) })
  .strict()
  .openapi('WaiveFee');

export const closeCaseSchema = z.object({ reason: text(2000) }).strict().openapi('CloseCase');
