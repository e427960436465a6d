import { type Client, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Context } from 'hono';
import type { LegalPartner } from '../../activities/providers/legal-partner.js';
import type { PrismaClient } from '../../prisma/client.js';
import { type CaseView, caseStateQuery, COMMAND_REFUSED, type PaymentCommand, recordPaymentUpdate } from '../../workflows/definitions.js';
import { problem } from '../problem.js';
import { temporalProblem } from '../temporal-problems.js';
import { caseWorkflowId } from './case-command.js';
import { awaitCaseEnd, CaseStillClosingError, isClosedStatus } from './closed-case.js';
import { type PaymentAfterClose, recordPaymentAfterClose } from './payment-after-close.js';

export interface PaymentDependencies {
  readonly prisma: PrismaClient;
  readonly temporal: Client;
  readonly legalPartner: LegalPartner;
}

export type PaymentOutcome = { readonly view: CaseView } | { readonly afterClose: PaymentAfterClose } | { readonly answer: Response };

/**
 * A payment for a case, from the payments route or the processor's webhook. While the case runs,
 * its workflow applies it (the validated update). Once the case has ended (by the invoice row, or
 * because the workflow says so or is gone) the payment is recorded on the invoice instead of being
 * refused: a customer who pays after a write-off or a lawyer's letter has still paid.
 */
export async function recordPayment(c: Context, deps: PaymentDependencies, invoiceId: string, payment: PaymentCommand): Promise<PaymentOutcome> {
  const invoice = await deps.prisma.invoice.findUnique({ where: { id: invoiceId }, select: { id: true, workflowId: true, status: true } });
  if (!invoice) return { answer: problem(c, 404, { title: 'Not Found', detail: `No invoice ${invoiceId}.` }) };
  try {
    if (!isClosedStatus(invoice.status)) {
      const handle = deps.temporal.workflow.getHandle(caseWorkflowId(invoice));
      try {
        return { view: await handle.executeUpdate(recordPaymentUpdate, { args: [payment] }) };
      } catch (error) {
        if (!(await caseHasEnded(deps, invoice, error))) {
          const answer = temporalProblem(c, error, invoiceId);
          if (answer) return { answer };
          throw error;
        }
      }
    }
    return afterCloseAnswer(c, await recordPaymentAfterClose(deps, invoiceId, payment));
  } catch (error) {
    if (!(error instanceof CaseStillClosingError)) throw error;
    c.header('retry-after', '5');
    return { answer: problem(c, 503, { title: 'Case closing', detail: `The case of invoice ${invoiceId} is ending right now; send the payment again shortly.` }) };
  }
}

/**
 * Whether the update failed because the case has ended: its workflow is gone, or refused the
 * payment because its state is closed. Then waits for the workflow to finish writing, and lets
 * the invoice row (now final) decide.
 */
async function caseHasEnded({ prisma, temporal }: PaymentDependencies, invoice: { id: string; workflowId: string | null }, error: unknown): Promise<boolean> {
  const workflowId = caseWorkflowId(invoice);
  const refused = error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure && error.cause.type === COMMAND_REFUSED;
  if (!(error instanceof WorkflowNotFoundError) && !refused) return false;
  if (refused) {
    const view = await temporal.workflow.getHandle(workflowId).query(caseStateQuery).catch(() => null);
    if (!view?.closed) return false;
  }
  await awaitCaseEnd(temporal, workflowId);
  const row = await prisma.invoice.findUniqueOrThrow({ where: { id: invoice.id }, select: { status: true } });
  return isClosedStatus(row.status);
}

function afterCloseAnswer(c: Context, outcome: Awaited<ReturnType<typeof recordPaymentAfterClose>>): PaymentOutcome {
  switch (outcome.kind) {
    case 'recorded':
      return { afterClose: outcome.answer };
    case 'refused':
      return {
        answer: problem(c, 422, {
          type: 'https://collections.example/problems/command-refused',
          title: 'Refused',
          detail: `The case has ended; the payment was not recorded: ${outcome.reason}.`,
          errors: [{ field: outcome.field, rule: 'refused', message: outcome.reason }],
        }),
      };
    case 'conflict':
      return { answer: problem(c, 409, { title: 'Payment id already used', detail: outcome.reason, errors: [{ field: outcome.field, rule: 'conflict', message: outcome.reason }] }) };
    case 'partner_unreachable':
      return {
        answer: problem(c, 502, {
          title: 'Legal partner not reached',
          detail: `The payment is recorded on the invoice, but telling the legal partner failed (${outcome.reason}). Send the same payment again to retry the notice; it is not recorded twice.`,
          ...outcome.answer,
        }),
      };
  }
}
