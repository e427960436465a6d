import { type AgingReport, agingReport } from '../../../domain/reports/aging.js';
import { type CeiReport, ceiReport } from '../../../domain/reports/cei.js';
import { channelEffectiveness, type ChannelEffectivenessReport } from '../../../domain/reports/channel-effectiveness.js';
import { collectionsWeekly, type CollectionsWeeklyReport } from '../../../domain/reports/collections-weekly.js';
import { dsoReport, type DsoReport } from '../../../domain/reports/dso.js';
import { dayEnd } from '../../../domain/reports/ledger.js';
import { promisesReport, type PromisesReport } from '../../../domain/reports/promises.js';
import type { PrismaClient } from '../../../prisma/client.js';
import { loadLedger } from '../../services/reports-data.js';
import type { ReportsPeriod } from './query.js';

/** As the API's defaults (GET /v1/reports/dso?days=, /collections-weekly?weeks=). */
export const DSO_DAYS = 90;
export const COLLECTED_WEEKS = 12;

export interface ConsoleReports {
  readonly aging: AgingReport;
  readonly dso: DsoReport;
  readonly cei: CeiReport;
  readonly collected: CollectionsWeeklyReport;
  readonly promises: PromisesReport;
  readonly channels: ChannelEffectivenessReport;
}

/**
 * Every report of the page from one read of the ledger, up to the later of `asOf` and `to`: each
 * domain function ignores what happened after its own day, so the figures are those of
 * /v1/reports for the same days.
 */
export async function consoleReports(prisma: PrismaClient, { asOf, from, to }: ReportsPeriod): Promise<ConsoleReports> {
  const ledger = await loadLedger(prisma, new Date(dayEnd(asOf > to ? asOf : to)));
  return {
    aging: agingReport(ledger, asOf),
    dso: dsoReport(ledger, asOf, DSO_DAYS),
    cei: ceiReport(ledger, from, to),
    collected: collectionsWeekly(ledger, asOf, COLLECTED_WEEKS),
    promises: promisesReport(ledger, from, to),
    channels: channelEffectiveness(ledger, from, to),
  };
}
