import type { Client } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import type { Context } from 'hono';
import type { PrismaClient } from '../../prisma/client.js';
import { type CaseView, collectionWorkflowId } from '../../workflows/definitions.js';
import { problem, type ProblemResponse } from '../problem.js';
import { temporalProblem } from '../temporal-problems.js';

/** The workflow of an invoice's case (rows written outside the API may lack the id column). */
export function caseWorkflowId(invoice: { id: string; workflowId: string | null }): string {
  return invoice.workflowId ?? collectionWorkflowId(invoice.id);
}

/**
 * Sends a command to a case as its validated update and answers for the API: the case's new
 * state, or the problem (404 unknown invoice, 409 case ended, 422 refused by the case).
 */
export async function commandCase<A>(
  c: Context,
  { prisma, temporal }: { prisma: PrismaClient; temporal: Client },
  invoiceId: string,
  update: UpdateDefinition<CaseView, [A]>,
  payload: A,
): Promise<{ view: CaseView } | { answer: ProblemResponse<404 | 409 | 422> }> {
  const invoice = await prisma.invoice.findUnique({ where: { id: invoiceId }, select: { id: true, workflowId: true } });
  if (!invoice) return { answer: problem(c, 404, { title: 'Not Found', detail: `No invoice ${invoiceId}.` }) };
  try {
    return { view: await temporal.workflow.getHandle(caseWorkflowId(invoice)).executeUpdate(update, { args: [payload] }) };
  } catch (error) {
    const answer = temporalProblem(c, error, invoiceId);
    if (answer) return { answer };
    throw error;
  }
}
