import type { Context } from 'hono';
import type { z } from '@hono/zod-openapi';
import { problem } from './problem.js';

export interface FieldError {
  readonly field: string;
  readonly rule: string;
  readonly message: string;
}

/** Each zod issue as the field (dotted path), the rule it broke and the message; `where` names a failure of the whole. */
export function fieldErrors(error: z.ZodError, where = ''): FieldError[] {
  return error.issues.map((issue) => ({ field: issue.path.join('.') || where, rule: issue.code, message: issue.message }));
}

/** A zod failure as RFC 9457 problem details naming each field and the rule it broke. */
export function validationProblem(c: Context, error: z.ZodError, where: string): Response {
  return problem(c, 400, {
    type: 'https://collections.example/problems/validation',
    title: 'Invalid request',
    detail: `The request ${where} has ${error.issues.length} problem(s).`,
    errors: fieldErrors(error, where),
  });
}
