/** The activity signatures the workflow calls; implemented in activities/, proxied in workflows/. */
import type { DeliveryRequest, InvoiceLine } from '../domain/correspondence/requests.js';
import type { SendingWindow } from '../domain/policy.js';
import type { TemplateData } from '../domain/templates.js';
import type { CustomerContact } from './definitions.js';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export type InvoiceStatus = 'open' | 'paid' | 'disputed' | 'in_payment_plan' | 'cancelled' | 'written_off' | 'legal';

export interface CollectionEventRecord {
  readonly invoiceId: string;
  /** Deterministic: a retry or a replay writes the same row, never a second one. */
  readonly idempotencyKey: string;
  /** Order within the case: several events can share an instant. */
  readonly sequence?: number;
  /** action: a step the workflow took; signal: something it received; system: its own bookkeeping. */
  readonly category: 'action' | 'signal' | 'system';
  readonly kind: string;
  readonly actor: string;
  /** UTC instant, ISO 8601. */
  readonly occurredAt: string;
  readonly details: { [key: string]: JsonValue };
  readonly action?: 'email' | 'sms' | 'letter' | 'call_task' | 'late_fee' | 'legal_handoff';
  readonly provider?: string;
  readonly providerMessageId?: string;
}

/** The invoice row kept in step with the workflow, written in the same transaction as the events. */
export interface InvoiceSync {
  readonly balanceMinor: number;
  readonly status: InvoiceStatus;
}

export interface PaymentRecord {
  readonly externalPaymentId: string;
  readonly amountMinor: number;
  readonly currency: string;
  readonly method: string;
  readonly receivedAt: string;
  readonly actor: string;
}

/** Disputes and payment plans as rows of their own; ids are made by the workflow, so a retry writes nothing twice. */
export type CaseRecord =
  | { readonly type: 'dispute_opened'; readonly id: string; readonly reason: string; readonly openedBy: string; readonly openedAt: string }
  | { readonly type: 'dispute_resolved'; readonly id: string; readonly resolution: 'resumed' | 'credited' | 'cancelled'; readonly creditMinor: number | null; readonly resolvedBy: string; readonly resolvedAt: string }
  | { readonly type: 'plan'; readonly id: string; readonly status: 'active' | 'completed' | 'defaulted' | 'cancelled'; readonly agreedBy: string; readonly agreedAt: string; readonly totalMinor: number; readonly currency: string; readonly endedAt: string | null; readonly installments: readonly { readonly sequence: number; readonly dueDate: string; readonly amountMinor: number; readonly paidMinor: number; readonly status: 'pending' | 'paid' | 'missed' }[] };

export interface CaseRecordBatch {
  readonly invoiceId: string;
  readonly events: readonly CollectionEventRecord[];
  readonly payments: readonly PaymentRecord[];
  readonly invoice: InvoiceSync;
  readonly records?: readonly CaseRecord[];
}

export type MessageChannel = 'email' | 'sms' | 'letter' | 'call_task';

/** What templates may show (the customer's name is added from the contact): see domain/templates.ts. */
export type MessageData = Omit<TemplateData, 'customerName'>;

export interface DeliverMessageRequest {
  readonly idempotencyKey: string;
  readonly invoiceId: string;
  readonly channel: MessageChannel;
  readonly template: string;
  readonly customer: CustomerContact;
  readonly data: MessageData;
  /** A consolidated message: every invoice it lists (two or more); `invoiceId` and `data` are the first's. */
  readonly invoices?: readonly InvoiceLine[];
  /** Refuse to send (OUTSIDE_SENDING_WINDOW) unless this window is open at the moment of sending. */
  readonly sendingWindow?: { readonly window: SendingWindow; readonly timezone: string; readonly holidays: readonly string[] };
  /** Each case's `step_sent` audit row, written once the provider has the message (the provider's id and whether an earlier attempt sent it are added then). */
  readonly sentEvents?: readonly SentEventRecord[];
}

export interface SentEventRecord {
  readonly invoiceId: string;
  readonly idempotencyKey: string;
  readonly sequence: number;
  readonly details: { [key: string]: JsonValue };
}

export interface DeliveryReceipt {
  readonly provider: string;
  readonly providerMessageId: string;
  /** The provider had it already (a retry after a crash): nothing was sent twice. */
  readonly alreadySent: boolean;
}

export interface PostLateFeeRequest {
  readonly idempotencyKey: string;
  readonly invoiceId: string;
  readonly amountMinor: number;
  readonly currency: string;
  readonly balanceAfterMinor: number;
  readonly rule: { [key: string]: JsonValue };
  /** The fee's audit row, written in the posting's transaction. */
  readonly event?: CollectionEventRecord;
}

/** A waiver: a negative ledger entry, keyed so a retry posts it once. */
export interface FeeWaiverRecord {
  readonly idempotencyKey: string;
  readonly invoiceId: string;
  readonly amountMinor: number;
  readonly currency: string;
  readonly balanceAfterMinor: number;
  readonly reason: string;
  readonly actor: string;
}

export interface LegalHandoffRequest {
  readonly idempotencyKey: string;
  readonly invoiceId: string;
  readonly reason: string;
}

/** Hands a delivery request to the customer's correspondence workflow (started on demand). */
export interface RequestDeliveryInput {
  readonly customer: CustomerContact;
  readonly request: DeliveryRequest;
}

export interface CollectionActivities {
  requestDelivery(input: RequestDeliveryInput): Promise<void>;
  recordCaseEvents(batch: CaseRecordBatch): Promise<{ created: number }>;
  deliverMessage(request: DeliverMessageRequest): Promise<DeliveryReceipt>;
  postLateFee(request: PostLateFeeRequest): Promise<{ created: boolean }>;
  postFeeWaiver(request: FeeWaiverRecord): Promise<{ created: boolean }>;
  handOffToLegal(request: LegalHandoffRequest): Promise<{ partner: string; reference: string }>;
}
