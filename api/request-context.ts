import { AsyncLocalStorage } from 'node:async_hooks';
import type { WorkflowClientInterceptor } from '@temporalio/client';
import { encodeRequestId, REQUEST_ID_HEADER } from '../workflows/request-id.js';

/** The request being served, for code far from the Hono context (the Temporal client interceptor). */
export const requestContext = new AsyncLocalStorage<{ requestId: string }>();

function withRequestId<T extends { headers: Record<string, unknown> }>(input: T): T {
  const current = requestContext.getStore();
  return current ? { ...input, headers: { ...input.headers, [REQUEST_ID_HEADER]: encodeRequestId(current.requestId) } } : input;
}

/** Adds the current request id to every start, signal and update the API sends. */
export const requestIdClientInterceptor: WorkflowClientInterceptor = {
  start: (input, next) => next(withRequestId(input)),
  signal: (input, next) => next(withRequestId(input)),
  startUpdate: (input, next) => next(withRequestId(input)),
};
