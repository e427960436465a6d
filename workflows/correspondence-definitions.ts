import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { DeliveryOutcome, DeliveryRequest, SentRecord } from '../domain/correspondence/requests.js';
import type { CustomerContact } from './definitions.js';

/**
 * The one definition of the correspondence workflow's interface: one long-running workflow per
 * customer, the only place email, SMS, letters and call tasks leave from. Invoice cases ask it to
 * deliver (a signal, through signal-with-start so it starts on demand) and it answers each request
 * with a signal back to the case. Signals both ways are durable history events, so requests and
 * answers survive crashes and continue-as-new on both sides, and neither side blocks the other.
 */
export const correspondenceWorkflowType = 'correspondenceWorkflow';

export function correspondenceWorkflowId(customerId: string): string {
  return `correspondence-${customerId}`;
}

export interface CorrespondenceInput {
  readonly customerId: string;
  readonly contact: CustomerContact;
  readonly carried?: CorrespondenceCarried;
}

/** An answer to a case's request, and the case it goes to. */
export interface CorrespondenceAnswer {
  readonly caseWorkflowId: string;
  readonly outcome: DeliveryOutcome;
}

export interface CorrespondenceCarried {
  readonly contact: CustomerContact;
  readonly pending: readonly DeliveryRequest[];
  readonly sent: readonly SentRecord[];
  /** Recent answers, to answer a request sent again with the same outcome. */
  readonly answered: readonly CorrespondenceAnswer[];
  readonly messageSequence: number;
  /** Answers the previous run decided but had not yet signalled to their cases. */
  readonly unsent?: readonly CorrespondenceAnswer[];
  /** Invoices that asked and have not told of their close yet (`OpenInvoices`). */
  readonly openInvoices?: readonly string[];
}

/** A case asks for one action to be delivered. A request id seen before is answered again, never sent twice. */
export const deliveryRequestedSignal = defineSignal<[DeliveryRequest]>('deliveryRequested');
/** A payment or hold came first: drop the request if it has not left (the case is told either way). */
export const deliveryWithdrawnSignal = defineSignal<[{ readonly requestId: string }]>('deliveryWithdrawn');
/** The customer's contact changed: messages from now on use it. */
export const correspondenceContactChangedSignal = defineSignal<[CustomerContact]>('correspondenceContactChanged');
/** A case has ended (paid, cancelled, written off, handed to legal): it no longer counts as open. */
export const correspondenceCaseClosedSignal = defineSignal<[{ readonly invoiceId: string }]>('correspondenceCaseClosed');
/** The correspondence's answer to a case's request. */
export const deliveryOutcomeSignal = defineSignal<[DeliveryOutcome]>('deliveryOutcome');

export interface CorrespondenceView {
  readonly customerId: string;
  readonly waiting: readonly { readonly requestId: string; readonly invoiceNumber: string; readonly channel: string; readonly requestedAt: string }[];
  readonly nextMessageAt: string | null;
  readonly sentLast7Days: number;
  /** What the contact caps count, per channel, over the last 7 days. */
  readonly sentLast7DaysByChannel: Readonly<Record<string, number>>;
  readonly messagesSent: number;
  /** Invoices of the customer it speaks for: asked at least once and not closed yet. */
  readonly openInvoices: number;
}
export const correspondenceStateQuery = defineQuery<CorrespondenceView>('correspondenceState');
