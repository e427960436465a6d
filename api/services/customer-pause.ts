import type { Client } from '@temporalio/client';
import { type CustomerPause, Prisma, type PrismaClient } from '../../prisma/client.js';
import { rawRows } from '../../prisma/raw-rows.js';
import { caseStateQuery, pauseUpdate, resumeUpdate } from '../../workflows/definitions.js';
import type { pauseOutcomes, resumeOutcomes } from '../schemas/customers.js';
import { caseWorkflowId } from './case-command.js';
import { casePauseCommand, casePauseReason } from './customer-pause-command.js';
import { type CaseFailureReporter, type CaseRef, notUpdated, OPEN_STATUSES, updateCase } from './case-updates.js';
import { inPool } from './in-pool.js';
import { storedDefaultPolicyId } from './policy-cache.js';
import { casePolicy, startCase } from './start-case.js';

interface Dependencies {
  readonly prisma: PrismaClient;
  readonly temporal: Client;
}

/** A pause may start a case its create has not started yet: it needs the queue cases run on. */
interface PauseDependencies extends Dependencies {
  readonly taskQueue: string;
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

/** The customer's pause in force now: not resumed and not past its end. */
export function activePauseWhere(customerId: string, now = new Date()) {
  return { customerId, resumedAt: null, OR: [{ until: null }, { until: { gt: now } }] } satisfies Prisma.CustomerPauseWhereInput;
}

/** Raw SQL (the same condition as activePauseWhere and the migration's active_customer_pause): the customer overview reads it on every view. */
export async function activeCustomerPause(prisma: PrismaClient, customerId: string): Promise<CustomerPause | null> {
  const [pause] = await rawRows<CustomerPause>(prisma, Prisma.sql`
    SELECT id::text, customer_id::text AS "customerId", reason, paused_by AS "pausedBy", paused_at AS "pausedAt", until, resumed_by AS "resumedBy", resumed_at AS "resumedAt"
    FROM customer_pauses WHERE customer_id = ${customerId}::uuid AND resumed_at IS NULL AND (until IS NULL OR until > now()) ORDER BY paused_at DESC LIMIT 1`, { preparedAs: 'active-customer-pause' });
  return pause ?? null;
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
  { prisma, temporal, taskQueue }: PauseDependencies,
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
    select: { ...caseRef, status: true, customerPauses: { where: { pauseId: pause.id }, select: { pauseId: true } } },
    orderBy: [{ dueDate: 'asc' }, { number: 'asc' }],
  });
  const command = casePauseCommand(pause, actor);
  const cases = await inPool(invoices, CONCURRENCY, async (invoice): Promise<PauseOutcome> => {
    const ref = { invoiceId: invoice.id, invoiceNumber: invoice.number };
    if (invoice.customerPauses.length) return { ...ref, outcome: 'held_already' };
    let outcome = await updateCase(temporal, invoice, pauseUpdate, command, failures);
    // Only an open invoice can be one whose create wrote the row but has not started the case (yet, or
    // ever: it may have died in between); a disputed one or one in a plan had a case, which has ended.
    if (!outcome.ok && outcome.kind === 'not_running' && invoice.status === 'open') {
      // Start it paused, as its create would have.
      const started = await startCaseOfInvoice({ prisma, temporal, taskQueue }, invoice.id, pause, actor).catch((error: unknown) => notUpdated(error, invoice, failures));
      if (started === 'started') {
        await notePausedCase(prisma, pause.id, invoice.id);
        return { ...ref, outcome: 'paused' };
      }
      // Its create's start came first, or the case ran before and has ended: ask it again.
      if (started === 'running_already') outcome = await updateCase(temporal, invoice, pauseUpdate, command, failures);
      else outcome = started;
    }
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

/** Notes that the pause holds the case, so resuming the customer resumes it. */
export function notePausedCase(prisma: PrismaClient, pauseId: string, invoiceId: string): Promise<unknown> {
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

/** Starts the case of an invoice whose row exists, paused by `pause`, with what its create would have started it with. */
async function startCaseOfInvoice({ prisma, temporal, taskQueue }: PauseDependencies, invoiceId: string, pause: CustomerPause, actor: string): Promise<'started' | 'running_already'> {
  const [invoice, storedDefault] = await Promise.all([prisma.invoice.findUniqueOrThrow({ where: { id: invoiceId }, include: { customer: true } }), storedDefaultPolicyId(prisma)]);
  const policy = await casePolicy(prisma, { invoice: invoice.policyId, customer: invoice.customer.policyId, storedDefault });
  return startCase(temporal, taskQueue, { invoice, customer: invoice.customer, policy, pause, startedBy: `${actor} (pausing the customer before the case's create had started it)` });
}
