import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ProblemDetails } from './schemas/problem.js';

export type { ProblemDetails } from './schemas/problem.js';
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** What a problem answer says; `type` defaults to about:blank and `status` is the answer's. */
export interface ProblemBody {
  readonly type?: string;
  readonly title: string;
  readonly detail?: string;
  readonly instance?: string;
  readonly errors?: ProblemDetails['errors'];
  readonly [extension: string]: unknown;
}

/** An RFC 9457 answer, typed as the JSON response of its status so documented routes can return it. */
export function problem<S extends ContentfulStatusCode>(c: Context, status: S, body: ProblemBody) {
  const details: ProblemDetails = { type: 'about:blank', ...body, status };
  // The exact header name replaces c.json's default Content-Type instead of adding a second one.
  return c.json(details, status, { 'Content-Type': PROBLEM_CONTENT_TYPE });
}

/** The typed answer `problem` gives for a status, for functions that hand a problem back to a route. */
export type ProblemResponse<S extends ContentfulStatusCode> = ReturnType<typeof problem<S>>;
