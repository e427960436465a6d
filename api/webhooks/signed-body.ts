import type { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { problem, type ProblemResponse } from '../problem.js';
import { fieldErrors } from '../validation.js';

export type SignedBody<T> = { readonly ok: true; readonly event: T } | { readonly ok: false; readonly answer: ProblemResponse<400> };

/**
 * Reads a webhook body whose signature has been verified. A signed body that is not JSON, or not
 * the event the sender promised, is the sender's mistake: 400 naming the field (`body` for the
 * whole), never a 500 that the sender would retry for ever.
 */
export function parseSignedJson<S extends z.ZodType>(c: Context, raw: string, schema: S, sender: string): SignedBody<z.output<S>> {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { ok: false, answer: problem(c, 400, { title: 'Invalid event', detail: `The ${sender} webhook body is not JSON.`, errors: [{ field: 'body', rule: 'json', message: 'must be JSON' }] }) };
  }
  return checkEvent(c, json, schema, sender);
}

/** Checks a decoded webhook body against the event schema (400 naming each field it breaks). */
export function checkEvent<S extends z.ZodType>(c: Context, body: unknown, schema: S, sender: string): SignedBody<z.output<S>> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return { ok: true, event: parsed.data };
  return { ok: false, answer: problem(c, 400, { title: 'Invalid event', detail: `The ${sender} webhook body is not a valid event.`, errors: fieldErrors(parsed.error, 'body') }) };
}
