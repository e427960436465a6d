import { readFileSync } from 'node:fs';
import { agingReport } from '../../../domain/reports/aging.js';
import { agingCsv } from '../../../domain/reports/aging-csv.js';
import { dayEnd } from '../../../domain/reports/ledger.js';
import { loadLedger } from '../../services/reports-data.js';
import type { ConsoleApp, ConsoleDependencies } from '../auth/env.js';
import { requireConsoleUser } from '../auth/middleware.js';
import { renderPage } from '../layout.js';
import { consoleReports } from './data.js';
import { ReportsPeriodForm, ReportsSections } from './page.js';
import { readReportsQuery } from './query.js';

const stylesheet = readFileSync(new URL('../assets/reports.css', import.meta.url), 'utf8');

/**
 * GET /console/reports: every report as charts and tables for the days asked (any signed-in
 * role); GET /console/reports/aging.csv: the aging CSV of /v1/reports/aging with the console's
 * session instead of an API key. A refused day is a 400 page naming the field.
 */
export function registerReports(app: ConsoleApp, { prisma }: ConsoleDependencies): void {
  app.get('/assets/reports.css', (c) => c.body(stylesheet, 200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'public, max-age=300' }));

  app.get('/reports', requireConsoleUser(), async (c) => {
    const read = readReportsQuery(c.req.query());
    // A stylesheet link may stand in the body (HTML's "body-ok"); the shared layout has one stylesheet.
    const styles = <link rel="stylesheet" href="/console/assets/reports.css" />;
    if ('errors' in read) {
      return renderPage(c, { title: 'Reports', current: 'reports', children: [styles, <ReportsPeriodForm form={read.form} errors={read.errors} />] }, 400);
    }
    const reports = await consoleReports(prisma, read.period);
    return renderPage(c, { title: 'Reports', current: 'reports', children: [styles, <ReportsPeriodForm form={read.form} errors={[]} />, <ReportsSections reports={reports} />] });
  });

  app.get('/reports/aging.csv', requireConsoleUser(), async (c) => {
    const read = readReportsQuery({ asOf: c.req.query('asOf') });
    if ('errors' in read) {
      return renderPage(c, { title: 'Aging CSV', current: 'reports', children: <ReportsPeriodForm form={read.form} errors={read.errors} /> }, 400);
    }
    const { asOf } = read.period;
    const report = agingReport(await loadLedger(prisma, new Date(dayEnd(asOf))), asOf);
    return c.body(agingCsv(report), 200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="aging-${asOf}.csv"`, 'cache-control': 'private, no-store' });
  });
}
