import { type ActivityOptions, proxyActivities, proxyLocalActivities, workflowInfo } from '@temporalio/workflow';
import type { CaseRecordBatch, CollectionActivities, DeliverMessageRequest, DeliveryReceipt, FeeWaiverRecord, PostLateFeeRequest, RequestDeliveryInput } from './activity-interfaces.js';
import { commandTaskQueue, deliveryTaskQueue, OUTSIDE_SENDING_WINDOW, RECIPIENT_UNDELIVERABLE } from './definitions.js';

/** Activity stubs with their timeouts and retry policies (one per kind of side effect). */
const recording = proxyActivities<Pick<CollectionActivities, 'recordCaseEvents' | 'postLateFee' | 'postFeeWaiver'>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
  summary: 'Write to the collections database',
});

const delivery = proxyActivities<Pick<CollectionActivities, 'deliverMessage'>>({
  startToCloseTimeout: '1 minute',
  heartbeatTimeout: '10 seconds',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes', nonRetryableErrorTypes: [RECIPIENT_UNDELIVERABLE, OUTSIDE_SENDING_WINDOW] },
  summary: 'Send a collection message through its provider',
});

const legal = proxyActivities<Pick<CollectionActivities, 'handOffToLegal'>>({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '10 seconds',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '30 minutes' },
  summary: 'Hand the case to the legal partner',
});

/** A delivery goes to its channel's task queue, where the worker caps the provider's rate. */
const deliverMessage = {
  executeWithOptions(options: ActivityOptions, [request]: [DeliverMessageRequest]): Promise<DeliveryReceipt> {
    return delivery.deliverMessage.executeWithOptions({ ...options, taskQueue: deliveryTaskQueue(workflowInfo().taskQueue, request.channel) }, [request]);
  },
};

/**
 * Commands before backlog: a batch that carries what a command did (a payment, a received signal
 * such as a dispute or a pause, a dispute or plan row) is written through the commands queue,
 * where its own worker slots are free even while scheduled steps, hand-offs or a bulk import's
 * catch-up fill the case queue. Separate queues rather than Temporal task priority: priority only
 * reorders a queue's backlog and cannot free a slot a slow activity already holds.
 */
function isCommandWork(batch: CaseRecordBatch): boolean {
  return batch.payments.length > 0 || (batch.records?.length ?? 0) > 0 || batch.events.some((event) => event.category === 'signal');
}

const recordCaseEvents = {
  executeWithOptions(options: ActivityOptions, [batch]: [CaseRecordBatch]): Promise<{ created: number }> {
    return recording.recordCaseEvents.executeWithOptions(isCommandWork(batch) ? { ...options, taskQueue: commandTaskQueue(workflowInfo().taskQueue) } : options, [batch]);
  },
};

/** A fee waiver only ever comes from a command. */
const postFeeWaiver = {
  executeWithOptions(options: ActivityOptions, [waiver]: [FeeWaiverRecord]): Promise<{ created: boolean }> {
    return recording.postFeeWaiver.executeWithOptions({ ...options, taskQueue: commandTaskQueue(workflowInfo().taskQueue) }, [waiver]);
  },
};

const correspondence = proxyActivities<Pick<CollectionActivities, 'requestDelivery'>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
  summary: "Ask the customer's correspondence to deliver",
});

/**
 * The same writes as local activities: run by the worker that runs the workflow task, recorded as
 * one marker event each, no task of their own. Only for what is short, touches the database or the
 * server alone, and is idempotent by a key the workflow made (a local activity is retried like any
 * other, and re-run if the worker dies before its marker is recorded): the ladder's audit batches,
 * late fees, and requests to the correspondence (signal-with-start, answered once per request id).
 * A command's write stays a regular activity on the commands queue (see isCommandWork).
 */
const local = proxyLocalActivities<Pick<CollectionActivities, 'recordCaseEvents' | 'postLateFee' | 'requestDelivery'>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
  summary: 'Write to the collections database',
});

/**
 * The legal hand-off of new cases: a packet written and one call to the partner, usually well under
 * a second. Retried as before; a retry further off than a minute waits on a timer (the SDK's local
 * retry threshold), and the worker keeps a long call's workflow task alive.
 */
const localLegal = proxyLocalActivities<Pick<CollectionActivities, 'handOffToLegal'>>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '30 minutes' },
  summary: 'Hand the case to the legal partner',
});

export const localActivities = {
  /** A command's batch still goes through the commands queue; the ladder's own runs locally. */
  recordCaseEvents: {
    executeWithOptions(options: { summary: string }, [batch]: [CaseRecordBatch]): Promise<{ created: number }> {
      return isCommandWork(batch) ? recordCaseEvents.executeWithOptions(options, [batch]) : local.recordCaseEvents.executeWithOptions(options, [batch]);
    },
  },
  postLateFee: {
    executeWithOptions(options: { summary: string }, [request]: [PostLateFeeRequest]): Promise<{ created: boolean }> {
      return local.postLateFee.executeWithOptions(options, [request]);
    },
  },
  requestDelivery: {
    executeWithOptions(options: { summary: string }, [input]: [RequestDeliveryInput]): Promise<void> {
      return local.requestDelivery.executeWithOptions(options, [input]);
    },
  },
  handOffToLegal: localLegal.handOffToLegal,
};

/** Each stub also has `executeWithOptions({ summary }, args)`: the workflow names each call in words for the UI. */
export const activities = {
  recordCaseEvents,
  postLateFee: recording.postLateFee,
  postFeeWaiver,
  deliverMessage,
  handOffToLegal: legal.handOffToLegal,
  requestDelivery: correspondence.requestDelivery,
};
