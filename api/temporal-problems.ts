import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Context } from 'hono';
import { COMMAND_REFUSED } from '../workflows/definitions.js';
import { problem, type ProblemResponse } from './problem.js';
import type { FieldError } from './validation.js';

/** A command the case refused (its update's validator): the message and the field it names. */
export interface CaseRefusal {
  readonly detail: string;
  readonly errors: FieldError[];
}

/** The case's refusal carried by an update's failure, or undefined when the failure is something else. */
export function caseRefusal(error: unknown): CaseRefusal | undefined {
  if (!(error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure && error.cause.type === COMMAND_REFUSED)) return undefined;
  const [reason] = (error.cause.details ?? []) as { field: string; reason: string }[];
  return { detail: error.cause.message, errors: reason ? [{ field: reason.field, rule: 'refused', message: reason.reason }] : [] };
}

/** Turns what Temporal says about a command into the HTTP answer, or undefined when it is not ours to explain. */
export function temporalProblem(c: Context, error: unknown, invoiceId: string): ProblemResponse<409 | 422> | undefined {
  if (error instanceof WorkflowNotFoundError) {
    return problem(c, 409, { title: 'Case not running', detail: `The collection case of invoice ${invoiceId} has ended or was never started.` });
  }
  const refusal = caseRefusal(error);
  if (refusal) return problem(c, 422, { type: 'https://collections.example/problems/command-refused', title: 'Refused by the case', ...refusal });
  return undefined;
}
