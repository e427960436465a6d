import type { WorkflowInterceptorsFactory } from '@temporalio/workflow';
import { decodeRequestId, encodeRequestId, REQUEST_ID_HEADER } from './request-id.js';

/**
 * Remembers the request id of the last start, signal or update this case received, adds it to
 * the workflow's log lines and passes it to every activity it schedules, local ones too. (Module state here is
 * per workflow execution: the SDK isolates each workflow's globals.)
 */
let lastRequestId: string | undefined;

// Every method passes straight through, without `async`: an extra await here would move when an
// update completes relative to the commands the main loop issues, and break replay of old histories.

export const interceptors: WorkflowInterceptorsFactory = () => ({
  inbound: [
    {
      execute(input, next) {
        lastRequestId = decodeRequestId(input.headers) ?? lastRequestId;
        return next(input);
      },
      handleSignal(input, next) {
        lastRequestId = decodeRequestId(input.headers) ?? lastRequestId;
        return next(input);
      },
      handleUpdate(input, next) {
        lastRequestId = decodeRequestId(input.headers) ?? lastRequestId;
        return next(input);
      },
    },
  ],
  outbound: [
    {
      scheduleActivity(input, next) {
        if (!lastRequestId) return next(input);
        return next({ ...input, headers: { ...input.headers, [REQUEST_ID_HEADER]: encodeRequestId(lastRequestId) } });
      },
      scheduleLocalActivity(input, next) {
        if (!lastRequestId) return next(input);
        return next({ ...input, headers: { ...input.headers, [REQUEST_ID_HEADER]: encodeRequestId(lastRequestId) } });
      },
      getLogAttributes(input, next) {
        return next(lastRequestId ? { ...input, requestId: lastRequestId } : input);
      },
    },
  ],
});
