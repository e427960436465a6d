import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { agingReport } from '../../domain/reports/aging.js';
import { agingCsv } from '../../domain/reports/aging-csv.js';
import { ceiReport } from '../../domain/reports/cei.js';
import { channelEffectiveness } from '../../domain/reports/channel-effectiveness.js';
import { collectionsWeekly } from '../../domain/reports/collections-weekly.js';
import { dsoReport } from '../../domain/reports/dso.js';
import { addDays, dayEnd } from '../../domain/reports/ledger.js';
import { promisesReport } from '../../domain/reports/promises.js';
import type { PrismaClient } from '../../prisma/client.js';
import { type AuthDependencies, type AuthEnv, authenticate } from '../middleware/authenticate.js';
import {
  agingQuery,
  agingReportSchema,
  ceiQuery,
  ceiReportSchema,
  channelEffectivenessSchema,
  collectionsWeeklySchema,
  dsoQuery,
  dsoReportSchema,
  periodQuery,
  promisesReportSchema,
  weeklyQuery,
} from '../schemas/reports.js';
import { loadLedger } from '../services/reports-data.js';
import { validationProblem } from '../validation.js';
import { problemResponse, security } from './openapi-parts.js';

const problems = { 400: problemResponse('A query parameter is invalid (named in errors[].field)'), 401: problemResponse('No or bad API key') };
const description = 'Any role. Money in integer minor units, each currency on its own; days are UTC calendar days. The README (Reports) defines each figure.';

function reportRoute<Q extends z.ZodType, S extends z.ZodType>(path: string, summary: string, query: Q, schema: S, extra: Record<string, unknown> = {}) {
  return createRoute({
    method: 'get',
    path,
    tags: ['reports'],
    summary,
    description,
    security,
    request: { query: query as never },
    responses: { 200: { description: summary, content: { 'application/json': { schema }, ...extra } }, ...problems },
  });
}

const agingRoute = reportRoute('/v1/reports/aging', 'Aging: open balances by days past due (current, 1–30, 31–60, 61–90, over 90) per customer and in total, per currency', agingQuery, agingReportSchema, {
  'text/csv': { schema: z.string().openapi({ description: 'One row per customer and currency, then a TOTAL row per currency; amounts in major units.' }) },
});
const dsoRoute = reportRoute('/v1/reports/dso', 'Days sales outstanding per currency', dsoQuery, dsoReportSchema);
const ceiRoute = reportRoute('/v1/reports/cei', 'Collection Effectiveness Index over a period, per currency', ceiQuery, ceiReportSchema);
const weeklyRoute = reportRoute('/v1/reports/collections-weekly', 'Money collected per week and currency', weeklyQuery, collectionsWeeklySchema);
const promisesRoute = reportRoute('/v1/reports/promises', 'Promises to pay made in a period: kept, broken, the kept ratio', periodQuery, promisesReportSchema);
const channelRoute = reportRoute('/v1/reports/channel-effectiveness', 'Which channel is followed by payment within 7 days', periodQuery, channelEffectivenessSchema);

const today = () => new Date().toISOString().slice(0, 10);
const period = (query: { from?: string | undefined; to?: string | undefined }) => {
  const to = query.to ?? today();
  return { from: query.from ?? addDays(to, -89), to };
};

/** The reports: figures computed in domain/reports from the ledger read by services/reports-data. */
export function reportRoutes({ prisma, apiKeys }: { readonly prisma: PrismaClient } & AuthDependencies): OpenAPIHono<AuthEnv> {
  const routes = new OpenAPIHono<AuthEnv>({ defaultHook: (result, c) => (result.success ? undefined : validationProblem(c, result.error, result.target)) });
  routes.use('/v1/reports/*', authenticate(apiKeys));
  const ledgerUntil = (day: string) => loadLedger(prisma, new Date(dayEnd(day)));

  routes.openapi(agingRoute, async (c) => {
    const { asOf = today(), format } = c.req.valid('query') as z.output<typeof agingQuery>;
    const report = agingReport(await ledgerUntil(asOf), asOf);
    const csv = format === 'csv' || (format === undefined && (c.req.header('accept') ?? '').includes('text/csv'));
    if (!csv) return c.json(report, 200);
    return c.body(agingCsv(report), 200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="aging-${asOf}.csv"` }) as never;
  });
  routes.openapi(dsoRoute, async (c) => {
    const { asOf = today(), days } = c.req.valid('query') as z.output<typeof dsoQuery>;
    return c.json(dsoReport(await ledgerUntil(asOf), asOf, days), 200);
  });
  routes.openapi(ceiRoute, async (c) => {
    const { from, to } = c.req.valid('query') as z.output<typeof ceiQuery>;
    return c.json(ceiReport(await ledgerUntil(to), from, to), 200);
  });
  routes.openapi(weeklyRoute, async (c) => {
    const { asOf = today(), weeks } = c.req.valid('query') as z.output<typeof weeklyQuery>;
    return c.json(collectionsWeekly(await ledgerUntil(asOf), asOf, weeks), 200);
  });
  routes.openapi(promisesRoute, async (c) => {
    const { from, to } = period(c.req.valid('query') as z.output<typeof periodQuery>);
    return c.json(promisesReport(await ledgerUntil(to), from, to), 200);
  });
  routes.openapi(channelRoute, async (c) => {
    const { from, to } = period(c.req.valid('query') as z.output<typeof periodQuery>);
    return c.json(channelEffectiveness(await ledgerUntil(to), from, to), 200);
  });
  return routes;
}
