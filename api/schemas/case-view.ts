import { z } from '@hono/zod-openapi';
import { actionTypes } from '../../domain/policy.js';
import type { CaseView } from '../../workflows/definitions.js';
import { assertSameType, type SameType } from './same-type.js';

export const caseStages = ['upcoming', 'overdue', 'disputed', 'paused', 'payment_plan', 'promise_to_pay', 'paid', 'cancelled', 'written_off', 'legal'] as const;

const instant = z.string().openapi({ format: 'date-time', example: '2026-11-20T09:30:00.000Z' });
const minor = z.number().int();

const installmentSchema = z
  .strictObject({
    sequence: z.number().int(),
    dueDate: z.string().openapi({ description: 'YYYY-MM-DD (by the end of that day in the customer’s timezone) or an ISO 8601 instant.' }),
    amountMinor: minor,
    paidMinor: minor,
    status: z.enum(['pending', 'paid', 'missed']),
    reminded: z.boolean(),
  })
  .openapi('Installment');

const actionRecordSchema = z
  .strictObject({
    stepId: z.string(),
    action: z.enum([...actionTypes, 'receipt', 'installment_reminder']),
    status: z.enum(['sent', 'failed', 'skipped', 'fell_back']),
    at: instant,
    channel: z.string().optional(),
    providerMessageId: z.string().optional(),
    note: z.string().optional(),
  })
  .openapi('ActionRecord');

/** The case's live state as the caseState query and every command return it (workflows/definitions.ts: CaseView). */
export const caseViewSchema = z
  .strictObject({
    invoiceId: z.string(),
    invoiceNumber: z.string(),
    customerName: z.string(),
    stage: z.enum(caseStages),
    currency: z.string(),
    amountMinor: minor,
    balanceMinor: minor,
    feesMinor: minor,
    paidMinor: minor,
    creditedMinor: minor,
    paid: z.boolean(),
    closed: z.strictObject({ reason: z.string(), at: instant }).nullable(),
    disputed: z.strictObject({ reason: z.string(), openedBy: z.string(), openedAt: instant }).nullable(),
    paused: z.strictObject({ reason: z.string(), by: z.string(), since: instant, until: instant.nullable() }).nullable(),
    paymentPlan: z
      .strictObject({
        agreedBy: z.string(),
        agreedAt: instant,
        installments: z.array(installmentSchema).readonly(),
        clockHeldSince: instant.nullable().openapi({ description: 'A dispute or pause stopped the plan’s clock at this instant (null while it runs).' }),
        clockShiftMillis: z.number().int().openapi({ description: 'How long the plan’s clock has been stopped so far: every installment is due that much later.' }),
      })
      .nullable(),
    promiseToPay: z.strictObject({ date: z.string(), amountMinor: minor, recordedBy: z.string() }).nullable(),
    nextAction: z.strictObject({ kind: z.string(), at: instant, description: z.string() }).nullable(),
    policy: z.strictObject({ name: z.string(), version: z.number().int() }),
    nextStep: z.string().nullable().openapi({ description: 'The id of the next policy step; null when the ladder is done.' }),
    paymentIds: z.array(z.string()).readonly(),
    unreachableContacts: z.array(z.string()).readonly().openapi({ description: 'Contact points that bounced, came back or were reported wrong: later steps skip them.' }),
    recentActions: z.array(actionRecordSchema).readonly(),
  })
  .openapi('CaseView', { description: 'The live state of the case, from the workflow (see README: the caseState query).' });

assertSameType<SameType<z.output<typeof caseViewSchema>, CaseView>>();
