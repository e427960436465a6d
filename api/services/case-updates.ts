import { type Client, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure, type UpdateDefinition } from '@temporalio/common';
import type { InvoiceStatus } from '../../prisma/client.js';
import { type CaseView, COMMAND_REFUSED } from '../../workflows/definitions.js';
import { caseWorkflowId } from './case-command.js';

/** Statuses of an invoice whose case still runs (the rest have ended: see closed-case.ts). */
export const OPEN_STATUSES = ['open', 'disputed', 'in_payment_plan'] as const satisfies readonly InvoiceStatus[];

export interface CaseRef {
  readonly id: string;
  readonly number: string;
  readonly workflowId: string | null;
}

/** Told about a case that failed for a reason of ours (Temporal unreachable…), to log it; `reference` is the request id the log uses. */
export interface CaseFailureReporter {
  readonly reference: string;
  report(invoiceId: string, error: unknown): void;
}

export type CaseUpdateOutcome =
  | { readonly ok: true; readonly view: CaseView }
  | { readonly ok: false; readonly kind: 'refused' | 'not_running'; readonly detail: string }
  | { readonly ok: false; readonly kind: 'failed'; readonly detail: string; readonly error: unknown };

/** Sends one case an update and says what came of it, without throwing: one case's trouble is not the others'. */
export async function updateCase<A>(temporal: Client, invoice: CaseRef, update: UpdateDefinition<CaseView, [A]>, argument: A, failures: CaseFailureReporter): Promise<CaseUpdateOutcome> {
  try {
    return { ok: true, view: await temporal.workflow.getHandle(caseWorkflowId(invoice)).executeUpdate(update, { args: [argument] }) };
  } catch (error) {
    return notUpdated(error, invoice, failures);
  }
}

export function notUpdated(error: unknown, invoice: CaseRef, failures: CaseFailureReporter): Exclude<CaseUpdateOutcome, { ok: true }> {
  if (error instanceof WorkflowNotFoundError) return { ok: false, kind: 'not_running', detail: 'the case has ended (or was never started)' };
  if (error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure && error.cause.type === COMMAND_REFUSED) {
    return { ok: false, kind: 'refused', detail: error.cause.message };
  }
  failures.report(invoice.id, error);
  return { ok: false, kind: 'failed', detail: `a server error; send the request again (the server log has the cause under request ${failures.reference})`, error };
}
