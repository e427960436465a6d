import type { Client } from '@temporalio/client';
import type { PrismaClient } from '../../../prisma/client.js';
import { collectionWorkflowType, caseStateQuery } from '../../../workflows/definitions.js';
import type { CaseSummary } from '../../schemas/list.js';
import { caseSummaryOf } from '../../services/list-cases.js';
import { formatAmount, formatWhen } from '../format.js';
import type { SectionKey, WorkRow } from './sections.js';

const DAY = 86_400_000;
const WEEK = 7 * DAY;
/** The most running cases the worklist reads from visibility (pages of 1,000); beyond it the page says so. */
export const maxRunningCases = 10_000;
/** How many cases' state it queries at once to tell which next step is the legal hand-off. */
const queryConcurrency = 4;
const queryDeadlineMs = 3_000;

/** The last item matching (ES2022 has no findLast). */
const lastWhere = <T>(items: readonly T[], test: (item: T) => boolean): T | undefined => [...items].reverse().find(test);

const detail = (details: unknown, key: string): unknown => (typeof details === 'object' && details !== null && !Array.isArray(details) ? (details as Record<string, unknown>)[key] : undefined);

interface AuditEvent {
  readonly kind: string;
  readonly details: unknown;
  readonly occurredAt: Date;
}

/** What was promised and missed: the promise to pay before the break, or the plan's installment that defaulted it. */
function brokenPromiseText(events: readonly AuditEvent[], broken: AuditEvent, currency: string): string {
  if (broken.kind === 'payment_plan_defaulted') {
    return `Payment plan installment ${String(detail(broken.details, 'sequence'))} missed: ${formatAmount(Number(detail(broken.details, 'amountMinor')), currency)} due ${formatWhen(String(detail(broken.details, 'dueDate')))}`;
  }
  const promise = lastWhere(events, (e) => e.kind === 'promise_to_pay' && e.occurredAt <= broken.occurredAt);
  return promise ? `Promised ${formatAmount(Number(detail(promise.details, 'promisedAmountMinor')), currency)} by ${formatWhen(String(detail(promise.details, 'promiseDate')))}` : 'Promise broken';
}

/** Every running collection case of this deployment (its task queue) as visibility sees it now (live stage, balance, holds). */
async function runningCases(temporal: Client, taskQueue: string): Promise<{ cases: CaseSummary[]; truncated: boolean }> {
  const query = `WorkflowType = '${collectionWorkflowType}' AND ExecutionStatus = 'Running' AND TaskQueue = '${taskQueue.replace(/'/g, "''")}'`;
  const cases: CaseSummary[] = [];
  let nextPageToken: Uint8Array | undefined;
  do {
    const page = await temporal.workflowService.listWorkflowExecutions({ namespace: temporal.options.namespace, query, pageSize: 1000, ...(nextPageToken ? { nextPageToken } : {}) });
    cases.push(...(page.executions ?? []).map(caseSummaryOf));
    nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
  } while (nextPageToken && cases.length < maxRunningCases);
  return { cases: cases.filter((c) => c.invoiceId), truncated: Boolean(nextPageToken) };
}

async function inBatches<T, R>(items: readonly T[], size: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += size) results.push(...(await Promise.all(items.slice(i, i + size).map(fn))));
  return results;
}

export interface Worklist {
  readonly rows: Readonly<Record<SectionKey, readonly WorkRow[]>>;
  /** More cases run than the worklist read (`maxRunningCases`). */
  readonly truncated: boolean;
}

/**
 * The collector's day. Live stage, balance and holds come from Temporal visibility (as GET
 * /v1/cases); what visibility cannot hold (no Int or Bool search attribute slots are left) comes
 * from the database: call tasks, promises and pause ends from the audit log `collection_events`,
 * dispute reasons from `disputes`, names from `invoices`/`customers`; the next step of a case close
 * to its next action from the case's own query.
 */
export async function loadWorklist(prisma: PrismaClient, temporal: Client, taskQueue: string, now = Date.now()): Promise<Worklist> {
  const { cases, truncated } = await runningCases(temporal, taskQueue);
  const byId = new Map(cases.map((c) => [c.invoiceId!, c]));
  const ids = [...byId.keys()];
  const [invoices, events, disputes] = await Promise.all([
    prisma.invoice.findMany({ where: { id: { in: ids } }, select: { id: true, number: true, customerId: true, customer: { select: { name: true } } } }),
    prisma.collectionEvent.findMany({
      where: {
        invoiceId: { in: ids },
        OR: [
          { kind: 'step_sent', action: 'call_task' },
          { kind: { in: ['call_outcome', 'promise_to_pay', 'promise_broken', 'payment_plan_agreed', 'payment_plan_defaulted', 'case_paused'] } },
          { kind: { in: ['payment_applied', 'payment_settled_invoice'] }, details: { path: ['promiseKept'], equals: true } },
        ],
      },
      orderBy: [{ occurredAt: 'asc' }, { sequence: 'asc' }],
      select: { invoiceId: true, kind: true, details: true, occurredAt: true },
    }),
    prisma.dispute.findMany({ where: { invoiceId: { in: ids }, resolvedAt: null }, select: { invoiceId: true, reason: true, openedAt: true, openedBy: true } }),
  ]);
  const invoiceOf = new Map(invoices.map((i) => [i.id, i]));
  const row = (summary: CaseSummary, when: string, text: string): WorkRow => {
    const invoice = invoiceOf.get(summary.invoiceId!);
    return {
      invoiceId: summary.invoiceId!,
      invoiceNumber: summary.invoiceNumber ?? invoice?.number ?? summary.invoiceId!,
      customerId: summary.customerId ?? invoice?.customerId ?? '',
      customerName: invoice?.customer.name ?? '',
      stage: summary.stage ?? 'unknown',
      balanceMinor: summary.amountDueMinor ?? 0,
      currency: summary.currency ?? '',
      when,
      detail: text,
    };
  };

  const eventsOf = new Map<string, typeof events>();
  for (const event of events) eventsOf.set(event.invoiceId, [...(eventsOf.get(event.invoiceId) ?? []), event]);
  const rows: Record<SectionKey, WorkRow[]> = { calls: [], broken: [], promises: [], disputes: [], pauses: [], legal: [] };
  const today = new Date(now).toISOString().slice(0, 10);
  const weekAhead = new Date(now + WEEK).toISOString().slice(0, 10);

  for (const [invoiceId, list] of eventsOf) {
    const summary = byId.get(invoiceId)!;
    const lastOf = (...kinds: string[]) => lastWhere(list, (e) => kinds.includes(e.kind));
    const lastCallOutcome = lastOf('call_outcome', 'promise_to_pay');
    // A call task is open until a call outcome (a promise is one) is recorded after it.
    const task = lastOf('step_sent');
    if (task && (!lastCallOutcome || lastCallOutcome.occurredAt < task.occurredAt)) rows.calls.push(row(summary, task.occurredAt.toISOString(), 'Call the customer and record the outcome'));
    // A payment plan is a promise too: its missed installment (the plan defaults) is a broken promise.
    const lastPromiseEvent = lastOf('promise_to_pay', 'promise_broken', 'payment_plan_agreed', 'payment_plan_defaulted', 'payment_applied', 'payment_settled_invoice');
    if ((lastPromiseEvent?.kind === 'promise_broken' || lastPromiseEvent?.kind === 'payment_plan_defaulted') && (!lastCallOutcome || lastCallOutcome.occurredAt < lastPromiseEvent.occurredAt)) {
      rows.broken.push(row(summary, lastPromiseEvent.occurredAt.toISOString(), brokenPromiseText(list, lastPromiseEvent, summary.currency ?? '')));
    }
    if (lastPromiseEvent?.kind === 'promise_to_pay') {
      const date = String(detail(lastPromiseEvent.details, 'promiseDate') ?? '');
      if (date && date.slice(0, 10) <= weekAhead) rows.promises.push(row(summary, date, `${formatAmount(Number(detail(lastPromiseEvent.details, 'promisedAmountMinor')), summary.currency ?? '')} promised${date.slice(0, 10) < today ? ' (date passed: checked at the end of that day)' : ''}`));
    }
    const pause = lastOf('case_paused');
    const until = pause ? detail(pause.details, 'until') : undefined;
    if (summary.paused && typeof until === 'string' && Date.parse(until) <= now + WEEK) rows.pauses.push(row(summary, new Date(Date.parse(until)).toISOString(), String(detail(pause!.details, 'reason') ?? '')));
  }
  const disputeOf = new Map(disputes.map((d) => [d.invoiceId, d]));
  for (const summary of cases.filter((c) => c.disputed)) {
    const dispute = disputeOf.get(summary.invoiceId!);
    rows.disputes.push(row(summary, (dispute?.openedAt ?? new Date(now)).toISOString(), dispute ? `${dispute.reason} (opened by ${dispute.openedBy})` : 'Dispute being recorded'));
  }

  // The next step's actions are not in visibility: ask the cases that act within the week.
  const soon = cases.filter((c) => !c.disputed && !c.paused && c.nextActionAt && Date.parse(c.nextActionAt) <= now + WEEK);
  const views = await inBatches(soon, queryConcurrency, async (summary) => {
    try {
      // A query waits for a worker: a case no worker answers soon must not hold the collector's page.
      return { summary, view: await temporal.withDeadline(Date.now() + queryDeadlineMs, () => temporal.workflow.getHandle(summary.workflowId).query(caseStateQuery)) };
    } catch {
      return { summary, view: undefined }; // ended between the listing and the query, or no answer in time
    }
  });
  for (const { summary, view } of views) {
    // describeTimedEvent (workflows/case-view.ts) names a step's actions by their types.
    if (view?.nextAction?.kind === 'step' && /\blegal_handoff\b/.test(view.nextAction.description)) rows.legal.push(row(summary, view.nextAction.at, view.nextAction.description));
  }
  return { rows, truncated };
}

