import type { Client } from '@temporalio/client';
import type { PrismaClient } from '../../prisma/client.js';
import { correspondenceStateQuery, correspondenceWorkflowId } from '../../workflows/correspondence-definitions.js';
import { caseStateQuery } from '../../workflows/definitions.js';
import { toJson } from '../json.js';
import type { z } from '@hono/zod-openapi';
import type { customerOverviewSchema } from '../schemas/customers.js';
import type { CaseSummary } from '../schemas/list.js';
import { OPEN_STATUSES } from './case-updates.js';
import { activeCustomerPause } from './customer-pause.js';
import { listCases } from './list-cases.js';

type CustomerOverview = z.output<typeof customerOverviewSchema>;

/** Visibility pages are read up to this many runs: a customer with more open cases than this is a different problem. */
const MAX_RUNS_READ = 5_000;

/** The running cases of the customer as Temporal visibility lists them (live stage and next action). */
async function runningCases(temporal: Client, customerId: string): Promise<CaseSummary[]> {
  const running: CaseSummary[] = [];
  let pageToken: string | undefined;
  for (let read = 0; read < MAX_RUNS_READ; ) {
    const page = await listCases(temporal, temporal.options.namespace, { customerId, pageSize: 1000, ...(pageToken ? { pageToken } : {}) });
    running.push(...page.cases.filter((summary) => summary.status === 'running'));
    read += page.cases.length;
    if (!page.nextPageToken || page.cases.length === 0) break;
    pageToken = page.nextPageToken;
  }
  return running;
}

/**
 * What a collector needs to know about one customer: its open cases (the database's record with
 * the live stage from visibility), what it owes per currency, its pause, when it was last
 * contacted and what happens next. Null when there is no such customer.
 */
export async function customerOverview({ prisma, temporal }: { prisma: PrismaClient; temporal: Client }, customerId: string): Promise<CustomerOverview | null> {
  const customer = await prisma.customer.findUnique({ where: { id: customerId } });
  if (!customer) return null;
  const open = { customerId, status: { in: [...OPEN_STATUSES] } };
  const [invoices, totals, lastSent, pause, live] = await Promise.all([
    prisma.invoice.findMany({
      where: open,
      select: { id: true, number: true, status: true, currency: true, balanceMinor: true, dueDate: true, workflowId: true, customerPauses: { where: { releasedAt: null }, select: { pauseId: true } } },
      orderBy: [{ dueDate: 'asc' }, { number: 'asc' }],
    }),
    prisma.invoice.groupBy({ by: ['currency'], where: open, _sum: { balanceMinor: true }, _count: { _all: true }, orderBy: { currency: 'asc' } }),
    prisma.outboxMessage.findFirst({ where: { status: 'sent', sentAt: { not: null }, invoice: { customerId } }, orderBy: { sentAt: 'desc' } }),
    activeCustomerPause(prisma, customerId),
    runningCases(temporal, customerId),
  ]);
  const liveByInvoice = new Map(live.map((summary) => [summary.invoiceId, summary]));
  const next = live.filter((summary) => summary.nextActionAt).sort((a, b) => a.nextActionAt!.localeCompare(b.nextActionAt!))[0];
  const nextView = next?.invoiceId ? await temporal.workflow.getHandle(next.workflowId).query(caseStateQuery).catch(() => null) : null;
  // No correspondence before the customer's first message: nothing used, nothing waiting.
  const correspondence = await temporal.workflow.getHandle(correspondenceWorkflowId(customerId)).query(correspondenceStateQuery).catch(() => null);
  return {
    customer: toJson(customer),
    pause: pause ? { id: pause.id, reason: pause.reason, pausedBy: pause.pausedBy, since: pause.pausedAt.toISOString(), until: pause.until?.toISOString() ?? null } : null,
    openCases: invoices.map((invoice) => {
      const summary = liveByInvoice.get(invoice.id);
      return {
        invoiceId: invoice.id,
        invoiceNumber: invoice.number,
        status: invoice.status,
        currency: invoice.currency,
        balanceMinor: Number(invoice.balanceMinor),
        dueDate: invoice.dueDate.toISOString().slice(0, 10),
        stage: summary?.stage ?? null,
        nextActionAt: summary?.nextActionAt ?? null,
        pausedByCustomer: invoice.customerPauses.length > 0,
      };
    }),
    openTotals: totals.map((total) => ({ currency: total.currency, balanceMinor: Number(total._sum?.balanceMinor ?? 0n), cases: total._count?._all ?? 0 })),
    lastContact: lastSent?.sentAt
      ? { at: lastSent.sentAt.toISOString(), invoiceId: lastSent.invoiceId, channel: lastSent.action, provider: lastSent.provider, recipient: lastSent.recipient }
      : null,
    nextAction: next?.invoiceId && next.nextActionAt ? { at: next.nextActionAt, invoiceId: next.invoiceId, description: nextView?.nextAction?.description ?? null } : null,
    correspondence: correspondence
      ? { sentLast7Days: correspondence.sentLast7Days, sentLast7DaysByChannel: { ...correspondence.sentLast7DaysByChannel }, waiting: correspondence.waiting.length, nextMessageAt: correspondence.nextMessageAt }
      : null,
  };
}
