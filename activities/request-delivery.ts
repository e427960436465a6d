import { Context } from '@temporalio/activity';
import type { RequestDeliveryInput } from '../workflows/activity-interfaces.js';
import { correspondenceWorkflowId, correspondenceWorkflowType, deliveryRequestedSignal } from '../workflows/correspondence-definitions.js';

/**
 * Hands a case's delivery request to its customer's correspondence workflow, starting that
 * workflow if it is not running (signal-with-start: one atomic call, so two cases of a new
 * customer never start two). A retry signals again; the correspondence answers a request id it
 * has seen with the same outcome and never sends twice.
 */
export async function requestDelivery({ customer, request }: RequestDeliveryInput): Promise<void> {
  const { client, info } = Context.current();
  await client.workflow.signalWithStart(correspondenceWorkflowType, {
    workflowId: correspondenceWorkflowId(customer.customerId),
    taskQueue: info.taskQueue,
    args: [{ customerId: customer.customerId, contact: customer }],
    signal: deliveryRequestedSignal,
    signalArgs: [request],
    staticSummary: `Correspondence with customer ${customer.customerId}`,
  });
}
