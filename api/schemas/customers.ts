import { z } from '@hono/zod-openapi';
import { CollectionAction, InvoiceStatus } from '../../prisma/client.js';
import { caseStages } from './case-view.js';
import { customerRecordSchema } from './case-record.js';
import { locale, plausibleInstant, text, timezone } from './common.js';
import { customerSchema, postalAddressSchema } from './invoice.js';

const instant = z.string().openapi({ format: 'date-time' });
const uuid = z.string().openapi({ format: 'uuid' });

export const customerIdParam = z.object({
  customerId: z.uuid('must be a customer id (our UUID, as in the case record’s invoice.customer.id)').openapi({ param: { name: 'customerId', in: 'path' } }),
});

// --- requests ---------------------------------------------------------------------------------

export const pauseCustomerSchema = z
  .object({
    reason: text(2000).openapi({ example: 'Customer in insolvency proceedings' }),
    until: plausibleInstant.refine((text) => Date.parse(text) > Date.now(), 'must be in the future').optional().openapi({ description: 'The pause ends by itself then (each case resumes at that moment).' }),
  })
  .strict()
  .openapi('PauseCustomer');

export const resumeCustomerSchema = z.object({}).strict().openapi('ResumeCustomer');

export const contactChangeSchema = z
  .object({
    email: customerSchema.shape.email.unwrap().nullable().optional().openapi({ description: 'The accounts-payable email; null removes it.' }),
    phone: customerSchema.shape.phone.unwrap().nullable().optional().openapi({ description: 'E.164; null removes it.' }),
    postalAddress: postalAddressSchema.nullable().optional().openapi({ description: 'The whole address (it replaces the old one); null removes it.' }),
    timezone: timezone.optional(),
    locale: locale.optional(),
  })
  .strict()
  .refine((body) => Object.values(body).some((value) => value !== undefined), { message: 'name at least one of email, phone, postalAddress, timezone, locale' })
  .openapi('ContactChange');

export type ContactChange = z.output<typeof contactChangeSchema>;

// --- answers ----------------------------------------------------------------------------------

export const customerPauseViewSchema = z
  .strictObject({
    id: uuid,
    reason: z.string(),
    pausedBy: z.string(),
    since: instant,
    until: instant.nullable(),
  })
  .openapi('CustomerPause');

const caseOutcomeSchema = <const T extends readonly [string, ...string[]]>(outcomes: T, what: string) =>
  z.strictObject({
    invoiceId: uuid,
    invoiceNumber: z.string(),
    outcome: z.enum(outcomes).openapi({ description: what }),
    detail: z.string().optional().openapi({ description: 'Why, when the case refused or could not be reached.' }),
  });

export const pauseOutcomes = ['paused', 'held_already', 'refused', 'not_running', 'failed'] as const;
export const resumeOutcomes = ['resumed', 'not_paused', 'left_paused', 'not_running', 'failed'] as const;
export const contactOutcomes = ['told', 'not_running', 'failed'] as const;

export const customerPauseResultSchema = z
  .strictObject({
    customerId: uuid,
    pause: customerPauseViewSchema,
    cases: z.array(
      caseOutcomeSchema(
        pauseOutcomes,
        '`paused` now; `held_already` by this customer pause (a repeated request); `refused` by the case (already paused by a collector, closed: see detail); `not_running`: the workflow has ended; `failed`: our side, send the pause again',
      ),
    ),
  })
  .openapi('CustomerPauseResult');

export const customerResumeResultSchema = z
  .strictObject({
    customerId: uuid,
    // Unions with null, not .nullable(): a nullable registered schema is written as allOf [the component, null], which no null passes.
    resumed: z.union([customerPauseViewSchema, z.null()]).openapi({ description: 'The customer pause that ended (null when it had ended already and this request only finished its cases).' }),
    cases: z.array(
      caseOutcomeSchema(
        resumeOutcomes,
        '`resumed`; `not_paused`: it was no longer paused (resumed by hand, or its pause ended); `left_paused`: paused now by someone else, for another reason; `not_running`; `failed`: send the resume again',
      ),
    ),
  })
  .openapi('CustomerResumeResult');

export const customerContactResultSchema = z
  .strictObject({
    customer: customerRecordSchema,
    changed: z.array(z.enum(['email', 'phone', 'postalAddress', 'timezone', 'locale'])).openapi({ description: 'The fields whose value changed (empty when the request repeated the current contact).' }),
    cases: z.array(caseOutcomeSchema(contactOutcomes, '`told`: the running case got the new contact (its audit log records who changed which fields); `not_running`; `failed`: send the change again')),
  })
  .openapi('CustomerContactResult');

export const customerOpenCaseSchema = z
  .strictObject({
    invoiceId: uuid,
    invoiceNumber: z.string(),
    status: z.enum(InvoiceStatus).openapi({ description: 'The invoice row’s status.' }),
    currency: z.string(),
    balanceMinor: z.number().int(),
    dueDate: z.string().openapi({ description: 'YYYY-MM-DD' }),
    stage: z.enum(caseStages).nullable().openapi({ description: 'Live, from Temporal visibility (null when visibility does not list the run yet).' }),
    nextActionAt: instant.nullable(),
    pausedByCustomer: z.boolean().openapi({ description: 'Held by the customer’s pause (resuming the customer resumes it).' }),
  })
  .openapi('CustomerOpenCase');

export const customerOverviewSchema = z
  .strictObject({
    customer: customerRecordSchema,
    pause: z.union([customerPauseViewSchema, z.null()]).openapi({ description: 'The customer pause in force, or null.' }),
    openCases: z.array(customerOpenCaseSchema).openapi({ description: 'Invoices whose case has not ended (open, disputed, in a payment plan), oldest due first.' }),
    openTotals: z.array(z.strictObject({ currency: z.string(), balanceMinor: z.number().int(), cases: z.number().int() })).openapi({ description: 'What is still owed, per currency (balances with fees, as last recorded by the cases).' }),
    lastContact: z
      .strictObject({ at: instant, invoiceId: uuid, channel: z.enum(CollectionAction), provider: z.string(), recipient: z.string() })
      .nullable()
      .openapi({ description: 'The latest message sent to the customer (from the outbox).' }),
    nextAction: z
      .strictObject({ at: instant, invoiceId: uuid, description: z.string().nullable() })
      .nullable()
      .openapi({ description: 'The earliest next action of its open cases (usually a message; a fee or a check is possible: see description).' }),
    correspondence: z
      .strictObject({
        sentLast7Days: z.number().int().openapi({ description: 'Messages in the last 7 days: what the contact caps count (letters and calls included).' }),
        sentLast7DaysByChannel: z.record(z.string(), z.number().int()).openapi({ description: 'The same per channel (email, sms, letter, call_task).' }),
        waiting: z.number().int().openapi({ description: 'Requests of its cases waiting to go out (consolidation, sending window or a cap).' }),
        nextMessageAt: instant.nullable().openapi({ description: 'When the next message to the customer leaves.' }),
      })
      .nullable()
      .openapi({ description: 'Caps used and what waits, from the customer’s correspondence workflow (null before its first message).' }),
  })
  .openapi('CustomerOverview');
