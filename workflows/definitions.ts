import { defineQuery, defineSignal } from '@temporalio/workflow';

/**
 * The one definition of the collection workflow's interface: its input, signals and queries.
 * Imported by the workflow and by every client (API, scripts, tests); no name is written twice.
 */

export const collectionWorkflowType = 'collectionWorkflow';

/** One workflow per invoice: the id is derived from the invoice so a second start is refused. */
export function collectionWorkflowId(invoiceId: string): string {
  return `collection-${invoiceId}`;
}

export interface CollectionWorkflowInput {
  readonly invoiceId: string;
  readonly invoiceNumber: string;
  readonly customerId: string;
  /** Outstanding balance at start, integer minor units. */
  readonly balanceMinor: number;
  readonly currency: string;
  /** Calendar date, YYYY-MM-DD. */
  readonly dueDate: string;
}

export interface PaymentReceivedSignal {
  readonly paymentId: string;
  readonly amountMinor: number;
  readonly currency: string;
  readonly method: string;
  /** UTC instant, ISO 8601. */
  readonly receivedAt: string;
  /** Who sent it: an API key name, a webhook source, a collector. */
  readonly actor: string;
}

export type CollectionStage = 'open' | 'paid';

export interface CaseState {
  readonly invoiceId: string;
  readonly stage: CollectionStage;
  readonly balanceMinor: number;
  readonly currency: string;
  readonly paymentIds: readonly string[];
}

export const paymentReceivedSignal = defineSignal<[PaymentReceivedSignal]>('paymentReceived');
export const caseStateQuery = defineQuery<CaseState>('caseState');
