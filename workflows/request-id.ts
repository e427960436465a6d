import { defaultPayloadConverter, type Payload } from '@temporalio/workflow';

/**
 * The HTTP request id travels as a Temporal header from the API into the workflow and on to the
 * activities it schedules, so one id finds a request's trail in API, workflow and activity logs.
 */
export const REQUEST_ID_HEADER = 'request-id';

export function encodeRequestId(requestId: string): Payload {
  return defaultPayloadConverter.toPayload(requestId);
}

export function decodeRequestId(headers: Record<string, Payload> | undefined): string | undefined {
  const payload = headers?.[REQUEST_ID_HEADER];
  if (!payload) return undefined;
  const value: unknown = defaultPayloadConverter.fromPayload(payload);
  return typeof value === 'string' ? value : undefined;
}
