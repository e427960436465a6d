import type { Client } from '@temporalio/client';
import { type CustomerPause, Prisma, type PrismaClient } from '../../prisma/client.js';
import { rawRows } from '../../prisma/raw-rows.js';
import { caseStateQuery, type PauseCommand, pauseUpdate, resumeUpdate } from '../../workflows/definitions.js';
import type { pauseOutcomes, resumeOutcomes } from '../schemas/customers.js';
import { caseWorkflowId } from './case-command.js';
import { type CaseFailureReporter, type CaseRef, notUpdated, OPEN_STATUSES, updateCase } from './case-updates.js';
import { inPool } from './in-pool.js';

interface Dependencies {
  readonly prisma: PrismaClient;
  readonly temporal: Client;
}

export interface CaseOutcome<O extends string> {
  readonly invoiceId: string;
  readonly invoiceNumber: string;
  readonly outcome: O;
  readonly detail?: string;
}
type PauseOutcome = CaseOutcome<(typeof pauseOutcomes)[number]>;
type ResumeOutcome = CaseOutcome<(typeof resumeOutcomes)[number]>;

/** Cases are told a few at a time: enough to be quick for hundreds, few enough not to flood Temporal. */
const CONCURRENCY = 8;

/** The reason each case's pause gives, so its audit log says where the pause came from. */
export const casePauseReason = (reason: string) => `customer paused: ${reason}`;

/** The customer's pause in force now: not resumed and not past its end. */
export function activePauseWhere(customerId: string, now = new Date()) {
  return { customerId, resumedAt: null, OR: [{ until: null }, { until: { gt: now } }] } satisfies Prisma.CustomerPauseWhereInput;
}

/** Raw SQL (the same condition as activePauseWhere): every create runs it after its start, and Prisma's model query costs several times its CPU. */
export async function activeCustomerPause(prisma: PrismaClient, customerId: string): Promise<CustomerPause | null> {
  const [pause] = await rawRows<CustomerPause>(prisma, Prisma.sql`
    SELECT id::text, customer_id::text AS "customerId", reason, paused_by AS "pausedBy", paused_at AS "pausedAt", until, resumed_by AS "resumedBy", resumed_at AS "resumedAt"
    FROM customer_pauses WHERE customer_id = ${customerId}::uuid AND resumed_at IS NULL AND (until IS NULL OR until > now()) ORDER BY paused_at DESC LIMIT 1`, { preparedAs: 'active-customer-pause' });
  return pause ?? null;
}

export function casePauseCommand(pause: CustomerPause, actor: string): PauseCommand {
  return { reason: casePauseReason(pause.reason), actor, ...(pause.until ? { until: pause.until.toISOString() } : {}) };
}

/** Runs `work` with the customer's row locked (so two pauses or a pause and a resume never interleave); null when there is no such customer. */
async function withCustomerLocked<T>(prisma: PrismaClient, customerId: string, work: (tx: Prisma.TransactionClient) => Promise<T>): Promise<{ value: T } | null> {
  return prisma.$transaction(async (tx) => {
    const rows = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM customers WHERE id = ${customerId}::uuid FOR UPDATE`;
    return rows.length ? { value: await work(tx) } : null;
  });
}

const caseRef = { id: true, number: true, workflowId: true } as const;

/**
 * Pauses the customer: takes the pause (or finds the one in force, so a repeated request finishes
 * what an interrupted one began) and pauses every open case through the case's own `pause`
 * update, remembering which cases it paused. A case already paused by someone else refuses and
 * is left as it is. Null when there is no such customer.
 */
export async function pauseCustomer(
  { prisma, temporal }: Dependencies,
  customerId: string,
  request: { reason: string; until?: string | undefined },
  actor: string,
  failures: CaseFailureReporter,
): Promise<{ pause: CustomerPause; cases: PauseOutcome[] } | null> {
  const taken = await withCustomerLocked(prisma, customerId, async (tx) =>
    (await tx.customerPause.findFirst({ where: activePauseWhere(customerId) })) ??
    tx.customerPause.create({ data: { customerId, reason: request.reason, pausedBy: actor, ...(request.until ? { until: new Date(request.until) } : {}) } }),
  );
  if (!taken) return null;
  const pause = taken.value;
  const invoices = await prisma.invoice.findMany({
    where: { customerId, status: { in: [...OPEN_STATUSES] } },
    select: { ...caseRef, customerPauses: { where: { pauseId: pause.id }, select: { pauseId: true } } },
    orderBy: [{ dueDate: 'asc' }, { number: 'asc' }],
  });
  const command = casePauseCommand(pause, actor);
  const cases = await inPool(invoices, CONCURRENCY, async (invoice): Promise<PauseOutcome> => {
    const ref = { invoiceId: invoice.id, invoiceNumber: invoice.number };
    if (invoice.customerPauses.length) return { ...ref, outcome: 'held_already' };
    const outcome = await updateCase(temporal, invoice, pauseUpdate, command, failures);
    if (outcome.ok) {
      await notePausedCase(prisma, pause.id, invoice.id);
      return { ...ref, outcome: 'paused' };
    }
    // A refusal can also mean that an earlier, interrupted request paused it before it could note so.
    if (outcome.kind === 'refused' && (await pausedFor(temporal, invoice, command.reason))) {
      await notePausedCase(prisma, pause.id, invoice.id);
      return { ...ref, outcome: 'held_already' };
    }
    return { ...ref, outcome: outcome.kind, detail: outcome.detail };
  });
  return { pause, cases };
}

async function pausedFor(temporal: Client, invoice: CaseRef, reason: string): Promise<boolean> {
  const view = await temporal.workflow.getHandle(caseWorkflowId(invoice)).query(caseStateQuery).catch(() => null);
  return view?.paused?.reason === reason;
}

function notePausedCase(prisma: PrismaClient, pauseId: string, invoiceId: string): Promise<unknown> {
  return prisma.customerPauseCase.createMany({ data: [{ pauseId, invoiceId }], skipDuplicates: true });
}

/**
 * Ends the customer's pause and resumes the cases it paused, and only those: a case that is now
 * paused by someone else (for another reason) stays paused. Cases a failed resume left behind
 * are resumed by the next one, also when the pause itself has already ended.
 * Null when there is no such customer; 'not_paused' when there is nothing to resume.
 */
export async function resumeCustomer(
  { prisma, temporal }: Dependencies,
  customerId: string,
  actor: string,
  failures: CaseFailureReporter,
): Promise<{ resumed: CustomerPause | null; cases: ResumeOutcome[] } | 'not_paused' | null> {
  const ended = await withCustomerLocked(prisma, customerId, async (tx) => {
    const active = await tx.customerPause.findFirst({ where: activePauseWhere(customerId) });
    return active ? tx.customerPause.update({ where: { id: active.id }, data: { resumedBy: actor, resumedAt: new Date() } }) : null;
  });
  if (!ended) return null;
  const pending = await prisma.customerPauseCase.findMany({
    where: { releasedAt: null, pause: { customerId } },
    include: { invoice: { select: caseRef }, pause: { select: { reason: true } } },
    orderBy: { pausedAt: 'asc' },
  });
  if (!ended.value && pending.length === 0) return 'not_paused';
  const cases = await inPool(pending, CONCURRENCY, async (row): Promise<ResumeOutcome> => {
    const outcome = await resumeOne(temporal, row.invoice, casePauseReason(row.pause.reason), actor, failures);
    if (outcome.outcome !== 'failed') {
      await prisma.customerPauseCase.update({ where: { pauseId_invoiceId: { pauseId: row.pauseId, invoiceId: row.invoiceId } }, data: { releasedAt: new Date() } });
    }
    return outcome;
  });
  return { resumed: ended.value, cases };
}

async function resumeOne(temporal: Client, invoice: CaseRef, reason: string, actor: string, failures: CaseFailureReporter): Promise<ResumeOutcome> {
  const ref = { invoiceId: invoice.id, invoiceNumber: invoice.number };
  let paused;
  try {
    const view = await temporal.workflow.getHandle(caseWorkflowId(invoice)).query(caseStateQuery);
    if (view.closed) return { ...ref, outcome: 'not_running', detail: `the case has ended (${view.closed.reason})` };
    paused = view.paused;
  } catch (error) {
    const outcome = notUpdated(error, invoice, failures);
    return { ...ref, outcome: outcome.kind === 'refused' ? 'failed' : outcome.kind, detail: outcome.detail };
  }
  if (!paused) return { ...ref, outcome: 'not_paused', detail: 'resumed already (by hand, or its pause ended)' };
  if (paused.reason !== reason) return { ...ref, outcome: 'left_paused', detail: `paused by ${paused.by}: ${paused.reason}` };
  const outcome = await updateCase(temporal, invoice, resumeUpdate, { actor }, failures);
  if (outcome.ok) return { ...ref, outcome: 'resumed' };
  // Resumed by someone else between the read and the update.
  if (outcome.kind === 'refused') return { ...ref, outcome: 'not_paused', detail: outcome.detail };
  return { ...ref, outcome: outcome.kind, detail: outcome.detail };
}

/**
 * A new case of a paused customer: it was started paused when `startedWith` is the pause (note it,
 * so resuming the customer resumes it); otherwise a pause taken while it was being created is
 * applied now. Errors of ours are thrown: creating the invoice is safe to retry.
 */
export async function holdNewCaseForCustomerPause({ prisma, temporal }: Dependencies, invoice: CaseRef, customerId: string, startedWith: CustomerPause | null): Promise<void> {
  if (startedWith) {
    await notePausedCase(prisma, startedWith.id, invoice.id);
    return;
  }
  // The pause may have listed the customer's cases before this one could be reached: check again.
  const pause = await activeCustomerPause(prisma, customerId);
  if (!pause) return;
  const command = casePauseCommand(pause, pause.pausedBy);
  const outcome = await updateCase(temporal, invoice, pauseUpdate, command, { reference: '', report: () => undefined });
  if (!outcome.ok && outcome.kind === 'failed') throw outcome.error;
  if (outcome.ok || (await pausedFor(temporal, invoice, command.reason))) await notePausedCase(prisma, pause.id, invoice.id);
}
