import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { decodeRequestId } from '../workflows/request-id.js';

/** Puts the request id the workflow passed along into every log line of the activity. */
export const requestIdActivityInterceptor: ActivityInterceptorsFactory = () => {
  let requestId: string | undefined;
  return {
    inbound: {
      async execute(input, next) {
        requestId = decodeRequestId(input.headers);
        return next(input);
      },
    },
    outbound: {
      getLogAttributes(input, next) {
        return next(requestId ? { ...input, requestId } : input);
      },
    },
  };
};
