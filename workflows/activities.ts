import { type ActivityOptions, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { CollectionActivities, DeliverMessageRequest, DeliveryReceipt } from './activity-interfaces.js';
import { deliveryTaskQueue, OUTSIDE_SENDING_WINDOW, RECIPIENT_UNDELIVERABLE } from './definitions.js';

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

const correspondence = proxyActivities<Pick<CollectionActivities, 'requestDelivery'>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
  summary: "Ask the customer's correspondence to deliver",
});

/** Each stub also has `executeWithOptions({ summary }, args)`: the workflow names each call in words for the UI. */
export const activities = {
  recordCaseEvents: recording.recordCaseEvents,
  postLateFee: recording.postLateFee,
  postFeeWaiver: recording.postFeeWaiver,
  deliverMessage,
  handOffToLegal: legal.handOffToLegal,
  requestDelivery: correspondence.requestDelivery,
};
