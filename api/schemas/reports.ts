import { z } from '@hono/zod-openapi';
import { plausibleDate } from './common.js';

// --- queries ----------------------------------------------------------------------------------

const whole = (name: string, min: number, max: number) =>
  z.coerce.number({ message: `${name} must be a number` }).int(`${name} must be a whole number`).min(min, `${name} must be at least ${min}`).max(max, `${name} must be at most ${max}`);

const asOf = plausibleDate.optional().openapi({ description: 'The day (UTC) the report is read at the end of; default today.', param: { name: 'asOf', in: 'query' } });
const from = (description: string) => plausibleDate.openapi({ description, param: { name: 'from', in: 'query' } });
const to = (description: string) => plausibleDate.openapi({ description, param: { name: 'to', in: 'query' } });
/** `to` defaults to today (UTC), so a `from` in the future without `to` is refused too. */
const fromNotAfterTo = (query: { from?: string | undefined; to?: string | undefined }) => !query.from || query.from <= (query.to ?? new Date().toISOString().slice(0, 10));
const fromNotAfterToIssue = { message: 'must not be before from', path: ['to'] };

export const agingQuery = z
  .object({
    asOf,
    format: z.enum(['json', 'csv'], { message: 'format must be json or csv' }).optional().openapi({ description: 'csv for the CSV export (or send Accept: text/csv).', param: { name: 'format', in: 'query' } }),
  })
  .strict();

export const dsoQuery = z.object({ asOf, days: whole('days', 1, 366).default(90).openapi({ description: 'The period’s length in days, ending with asOf.', param: { name: 'days', in: 'query' } }) }).strict();

export const ceiQuery = z
  .object({ from: from('The first day of the period (UTC).'), to: to('The last day of the period (UTC), inclusive.') })
  .strict()
  .refine(fromNotAfterTo, fromNotAfterToIssue);

export const weeklyQuery = z.object({ asOf, weeks: whole('weeks', 1, 104).default(12).openapi({ description: 'How many ISO weeks, ending with the week holding asOf.', param: { name: 'weeks', in: 'query' } }) }).strict();

export const periodQuery = z
  .object({
    from: from('The first day of the period (UTC); default 89 days before to.').optional(),
    to: to('The last day of the period (UTC), inclusive; default today.').optional(),
  })
  .strict()
  .refine(fromNotAfterTo, fromNotAfterToIssue);

// --- answers ----------------------------------------------------------------------------------

const day = z.string().openapi({ format: 'date' });
const minor = z.number().int();
const currency = z.string().openapi({ example: 'EUR' });

const bucketShape = {
  currentMinor: minor.openapi({ description: 'Not yet due, or due that day.' }),
  days1to30Minor: minor,
  days31to60Minor: minor,
  days61to90Minor: minor,
  over90Minor: minor,
  totalMinor: minor,
};

export const agingReportSchema = z
  .object({
    asOf: day,
    currencies: z.array(
      z.object({
        currency,
        total: z.object(bucketShape).openapi('AgingBuckets'),
        customers: z.array(z.object({ customerId: z.string(), customerName: z.string(), invoices: z.number().int(), ...bucketShape }).openapi('CustomerAging')).readonly(),
      }),
    ).readonly(),
  })
  .openapi('AgingReport', { description: 'Open balances at the end of asOf by days past due, per currency (never added across currencies), per customer and in total; integer minor units.' });

export const dsoReportSchema = z
  .object({
    asOf: day,
    days: z.number().int(),
    from: day,
    currencies: z.array(z.object({ currency, receivablesMinor: minor, creditSalesMinor: minor, dso: z.number().nullable() })).readonly(),
  })
  .openapi('DsoReport', { description: 'Days sales outstanding per currency: receivables at the end of asOf ÷ invoices issued from..asOf × days; null without sales.' });

export const ceiReportSchema = z
  .object({
    from: day,
    to: day,
    currencies: z.array(
      z.object({
        currency,
        beginningReceivablesMinor: minor,
        creditSalesMinor: minor,
        endingReceivablesMinor: minor,
        endingCurrentReceivablesMinor: minor,
        cei: z.number().nullable().openapi({ description: 'Percent, one decimal; null when nothing was collectible.' }),
      }),
    ).readonly(),
  })
  .openapi('CeiReport', { description: 'Collection Effectiveness Index per currency: (beginning + credit sales − ending total) ÷ (beginning + credit sales − ending current) × 100.' });

export const collectionsWeeklySchema = z
  .object({
    asOf: day,
    from: day,
    currencies: z.array(z.object({ currency, totalMinor: minor, weeks: z.array(z.object({ weekStart: day, collectedMinor: minor, payments: z.number().int() })).readonly() })).readonly(),
  })
  .openapi('CollectionsWeekly', { description: 'Money received per ISO week (Monday to Sunday, UTC) and currency.' });

export const promisesReportSchema = z
  .object({ from: day, to: day, made: z.number().int(), kept: z.number().int(), broken: z.number().int(), unresolved: z.number().int(), keptRatio: z.number().nullable() })
  .openapi('PromisesReport', { description: 'Promises to pay recorded in the period and how they ended by its end; keptRatio = kept ÷ (kept + broken).' });

export const channelEffectivenessSchema = z
  .object({
    from: day,
    to: day,
    windowDays: z.number().int(),
    channels: z.array(
      z.object({
        channel: z.enum(['email', 'sms', 'letter', 'call_task']),
        decided: z.number().int(),
        followedByPayment: z.number().int(),
        pending: z.number().int(),
        ratio: z.number().nullable(),
      }),
    ).readonly(),
  })
  .openapi('ChannelEffectiveness', { description: 'Per channel, the messages sent in the period followed by a payment on the same invoice within windowDays × 24 hours.' });
