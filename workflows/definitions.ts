import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type {
  AgreePlanCommand,
  CallOutcomeCommand,
  CloseCaseCommand,
  DeliveryFailureCommand,
  WaiveFeeCommand,
  OpenDisputeCommand,
  PauseCommand,
  PaymentCommand,
  ResolveDisputeCommand,
  ResumeCommand,
} from '../domain/case/commands.js';
import type { ActionRecord, CaseStage, CaseState, Installment } from '../domain/case/state.js';
import type { CollectionPolicy } from '../domain/policy.js';
import type { CaseRecord, CollectionEventRecord, FeeWaiverRecord, MessageChannel, PaymentRecord } from './activity-interfaces.js';

/**
 * The one definition of the collection workflow's interface: input, signals, updates, query.
 * Imported by the workflow and by every client (API, scripts, tests); no name is written twice.
 * Each command is a signal (fire and forget: a refusal is recorded in the audit log) and an
 * update with a validator (the caller learns at once whether it was accepted, and why not).
 */

export const collectionWorkflowType = 'collectionWorkflow';

/** One workflow per invoice: the id is derived from the invoice so a second start is refused. */
export function collectionWorkflowId(invoiceId: string): string {
  return `collection-${invoiceId}`;
}

/**
 * Deliveries run on a task queue of their own per channel, next to the case's queue, so the
 * worker can cap each provider's rate there (worker/create-worker.ts).
 */
export function deliveryTaskQueue(caseTaskQueue: string, channel: MessageChannel): string {
  return `${caseTaskQueue}-deliver-${channel}`;
}

/**
 * The database writes a command causes (a payment, a dispute, a pause, a waiver) run on a queue of
 * their own with their own worker slots, so they never wait behind scheduled work or a catch-up
 * backlog on the case's queue (README "Commands before backlog").
 */
export function commandTaskQueue(caseTaskQueue: string): string {
  return `${caseTaskQueue}-commands`;
}

export interface PostalAddress {
  readonly line1: string;
  readonly line2?: string;
  readonly city: string;
  readonly region?: string;
  readonly postalCode: string;
  /** ISO 3166-1 alpha-2. */
  readonly country: string;
}

/** A snapshot of how to reach the customer, taken when the case starts. */
export interface CustomerContact {
  readonly customerId: string;
  readonly name: string;
  readonly email?: string;
  /** E.164. */
  readonly phone?: string;
  readonly postalAddress?: PostalAddress;
  /** IANA timezone: sending windows and due dates are in it. */
  readonly timezone: string;
  /** BCP 47: messages are rendered in it. */
  readonly locale: string;
}

export interface CollectionWorkflowInput {
  readonly invoiceId: string;
  readonly invoiceNumber: string;
  readonly customer: CustomerContact;
  /** Invoice total and outstanding balance at start, integer minor units. */
  readonly amountMinor: number;
  readonly balanceMinor: number;
  readonly currency: string;
  /** YYYY-MM-DD. */
  readonly dueDate: string;
  readonly paymentLink?: string;
  /** The policy snapshot this case follows for its whole life. */
  readonly policy: CollectionPolicy;
  /** Public holidays of the customer's country (local YYYY-MM-DD) when the policy skips them: nothing reaches the customer then. */
  readonly holidays?: readonly string[];
  /**
   * UTC instant the policy offsets count from. Default: the start of the due date in the
   * customer's timezone. Tests with second-scale policies set it to "now".
   */
  readonly scheduleAnchor?: string;
  /** The customer is paused (a customer-level pause): the case starts paused, with this pause. */
  readonly startPaused?: PauseCommand;
  /** Set only by continue-as-new: the state carried over from the previous run. */
  readonly carried?: CarriedState;
}

export interface CarriedState {
  readonly state: CaseState;
  readonly eventSequence: number;
  /** Audit events and payments received but not yet written: the next run writes them first. */
  readonly pendingEvents: readonly CollectionEventRecord[];
  readonly pendingPayments: readonly PaymentRecord[];
  /** Fee waivers granted but not yet posted to the ledger. */
  readonly pendingWaivers?: readonly FeeWaiverRecord[];
  readonly pendingRecords?: readonly CaseRecord[];
  /** Row ids of the open dispute and the active plan. */
  readonly disputeRecordId?: string;
  readonly planRecordId?: string;
  /** The customer's contact as the last `contactChanged` left it (absent: the input's). */
  readonly customer?: CustomerContact;
}

/** The customer's contact changed (through the API): the case uses the new one from now on. */
export interface ContactChangedCommand {
  /** The whole new contact; the case works out which fields changed and records them. */
  readonly contact: CustomerContact;
  readonly actor: string;
}

export interface NextAction {
  readonly kind: string;
  /** UTC instant, ISO 8601. */
  readonly at: string;
  readonly description: string;
}

/** What a person needs to see about a case, as the query and every update return it. */
export interface CaseView {
  readonly invoiceId: string;
  readonly invoiceNumber: string;
  readonly customerName: string;
  readonly stage: CaseStage;
  readonly currency: string;
  readonly amountMinor: number;
  readonly balanceMinor: number;
  readonly feesMinor: number;
  readonly paidMinor: number;
  readonly creditedMinor: number;
  readonly paid: boolean;
  readonly closed: { readonly reason: string; readonly at: string } | null;
  readonly disputed: { readonly reason: string; readonly openedBy: string; readonly openedAt: string } | null;
  readonly paused: { readonly reason: string; readonly by: string; readonly since: string; readonly until: string | null } | null;
  readonly paymentPlan: {
    readonly agreedBy: string;
    readonly agreedAt: string;
    readonly installments: readonly Installment[];
    /** A dispute or pause stopped the plan's clock at this instant (null while it runs). */
    readonly clockHeldSince: string | null;
    /** How long the plan's clock has been stopped so far: every installment is due that much later. */
    readonly clockShiftMillis: number;
  } | null;
  readonly promiseToPay: { readonly date: string; readonly amountMinor: number; readonly recordedBy: string } | null;
  readonly nextAction: NextAction | null;
  readonly policy: { readonly name: string; readonly version: number };
  readonly nextStep: string | null;
  readonly paymentIds: readonly string[];
  /** Contact points that bounced, came back or were reported wrong: later steps skip them. */
  readonly unreachableContacts: readonly string[];
  readonly recentActions: readonly (Omit<ActionRecord, 'at'> & { readonly at: string })[];
}

export type {
  AgreePlanCommand,
  CallOutcomeCommand,
  CloseCaseCommand,
  DeliveryFailureCommand,
  WaiveFeeCommand,
  OpenDisputeCommand,
  PauseCommand,
  PaymentCommand,
  ResolveDisputeCommand,
  ResumeCommand,
};

export const paymentReceivedSignal = defineSignal<[PaymentCommand]>('paymentReceived');
export const disputeOpenedSignal = defineSignal<[OpenDisputeCommand]>('disputeOpened');
export const disputeResolvedSignal = defineSignal<[ResolveDisputeCommand]>('disputeResolved');
export const paymentPlanAgreedSignal = defineSignal<[AgreePlanCommand]>('paymentPlanAgreed');
export const pauseSignal = defineSignal<[PauseCommand]>('pause');
export const resumeSignal = defineSignal<[ResumeCommand]>('resume');
export const callOutcomeSignal = defineSignal<[CallOutcomeCommand]>('callOutcome');

export const recordPaymentUpdate = defineUpdate<CaseView, [PaymentCommand]>('recordPayment');
export const openDisputeUpdate = defineUpdate<CaseView, [OpenDisputeCommand]>('openDispute');
export const resolveDisputeUpdate = defineUpdate<CaseView, [ResolveDisputeCommand]>('resolveDispute');
export const agreePaymentPlanUpdate = defineUpdate<CaseView, [AgreePlanCommand]>('agreePaymentPlan');
export const pauseUpdate = defineUpdate<CaseView, [PauseCommand]>('pauseCase');
export const resumeUpdate = defineUpdate<CaseView, [ResumeCommand]>('resumeCase');
export const callOutcomeUpdate = defineUpdate<CaseView, [CallOutcomeCommand]>('recordCallOutcome');

export const waiveFeeSignal = defineSignal<[WaiveFeeCommand]>('waiveFee');
export const cancelSignal = defineSignal<[CloseCaseCommand]>('cancelInvoice');
export const writeOffSignal = defineSignal<[CloseCaseCommand]>('writeOffInvoice');
export const waiveFeeUpdate = defineUpdate<CaseView, [WaiveFeeCommand]>('waiveFee');
export const cancelUpdate = defineUpdate<CaseView, [CloseCaseCommand]>('cancelInvoice');
export const writeOffUpdate = defineUpdate<CaseView, [CloseCaseCommand]>('writeOffInvoice');

/** From the provider webhooks: a message bounced or came back. Signal only: nobody waits on it. */
export const deliveryFailedSignal = defineSignal<[DeliveryFailureCommand]>('deliveryFailed');

/** Signal only: the API tells every running case of the customer, and nobody waits on an answer. */
export const contactChangedSignal = defineSignal<[ContactChangedCommand]>('contactChanged');

export const caseStateQuery = defineQuery<CaseView>('caseState');

/** The failure type an update validator throws when the workflow refuses a command. */
export const COMMAND_REFUSED = 'CommandRefused';
/** The failure type an activity throws when a recipient can never be reached on that channel. */
export const RECIPIENT_UNDELIVERABLE = 'RecipientUndeliverable';
/** The delivery activity ran outside the customer's sending window (it was late): the workflow waits for the next opening. */
export const OUTSIDE_SENDING_WINDOW = 'OutsideSendingWindow';
/** Workflow patch id: sending windows are checked at the moment a message leaves, not only when its step was planned. */
export const WINDOW_AT_SEND_TIME = 'window-at-send-time';
/** Workflow patch id: messages leave through the customer's correspondence workflow (consolidated, paced). */
export const ONE_VOICE_PER_CUSTOMER = 'one-voice-per-customer';
/**
 * Workflow patch id: fewer history events per ladder step. The ladder's own audit batches, late
 * fees and requests to the correspondence run as local activities (one marker each, inside the
 * workflow task that asked, instead of a scheduled/started/completed triple and a task of their
 * own), and search attributes are upserted only when one of them changed, once per workflow task.
 */
export const FEWER_HISTORY_EVENTS = 'fewer-history-events';
/**
 * Workflow patch id, one marker for what a new case does differently (each patch costs a marker
 * and an upsert of `TemporalChangeVersion`): every patch above applies without being asked, the
 * delivery that sends a message writes the case's `step_sent` audit row (its sequence reserved
 * when the case asked), the late fee's posting writes its own audit row, and the legal hand-off
 * runs as a local activity. Runs started before it ask the patches above one by one, as they did.
 */
export const AUDIT_WITH_THE_ACTION = 'audit-with-the-action';
