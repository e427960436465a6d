import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Context } from 'hono';
import { COMMAND_REFUSED } from '../workflows/definitions.js';
import { problem, type ProblemResponse } from './problem.js';

/** Turns what Temporal says about a command into the HTTP answer, or undefined when it is not ours to explain. */
export function temporalProblem(c: Context, error: unknown, invoiceId: string): ProblemResponse<409 | 422> | undefined {
  if (error instanceof WorkflowNotFoundError) {
    return problem(c, 409, { title: 'Case not running', detail: `The collection case of invoice ${invoiceId} has ended or was never started.` });
  }
  if (error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure && error.cause.type === COMMAND_REFUSED) {
    const [reason] = (error.cause.details ?? []) as { field: string; reason: string }[];
    return problem(c, 422, {
      type: 'https://collections.example/problems/command-refused',
      title: 'Refused by the case',
      detail: error.cause.message,
      errors: reason ? [{ field: reason.field, rule: 'refused', message: reason.reason }] : [],
    });
  }
  return undefined;
}
