import { z } from '@hono/zod-openapi';
import { addDays } from '../../../domain/reports/ledger.js';
import { plausibleDate } from '../../schemas/common.js';
import { type FieldError, fieldErrors } from '../../validation.js';

/** The days the reports page is read for: aging, DSO and weekly collections as of `asOf`; CEI, promises and channels over `from`..`to`. */
export interface ReportsPeriod {
  readonly asOf: string;
  readonly from: string;
  readonly to: string;
}

/** What the form shows: the values as typed (also when refused). */
export type ReportsForm = Readonly<Record<keyof ReportsPeriod, string>>;

/** The same date rules as /v1/reports (a real calendar day within ten years of today); an empty field means its default. */
const optionalDay = z.preprocess((value) => (value === '' ? undefined : value), plausibleDate.optional());

const reportsQuery = z
  .object({ asOf: optionalDay, from: optionalDay, to: optionalDay })
  .refine((query) => !query.from || !query.to || query.from <= query.to, { message: 'must not be before from', path: ['to'] })
  .refine((query) => !query.from || query.to || query.from <= today(), { message: 'must not be before from (to is today when left empty)', path: ['to'] });

const today = () => new Date().toISOString().slice(0, 10);

/**
 * The page's query read leniently (unknown parameters ignored, like any web form) but each date
 * checked: the period, or the fields named with what is wrong. Defaults: as of today; the 90 days
 * ending with `to`, `to` being today.
 */
export function readReportsQuery(query: Readonly<Record<string, string | undefined>>): { period: ReportsPeriod; form: ReportsForm } | { errors: FieldError[]; form: ReportsForm } {
  const form = { asOf: query.asOf ?? '', from: query.from ?? '', to: query.to ?? '' };
  const parsed = reportsQuery.safeParse(form);
  if (!parsed.success) return { errors: fieldErrors(parsed.error), form };
  const asOf = parsed.data.asOf ?? today();
  const to = parsed.data.to ?? today();
  const period = { asOf, to, from: parsed.data.from ?? addDays(to, -89) };
  return { period, form: period };
}
