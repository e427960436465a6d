import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** An RFC 9457 problem details body. `errors` names each offending field and the rule it broke. */
export interface ProblemDetails {
  type?: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  errors?: { field: string; rule: string; message: string }[];
  [extension: string]: unknown;
}

export function problem(c: Context, status: ContentfulStatusCode, body: Omit<ProblemDetails, 'status'>): Response {
  return c.body(JSON.stringify({ type: 'about:blank', ...body, status }), status, {
    'content-type': 'application/problem+json',
  });
}
