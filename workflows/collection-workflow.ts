import {
  ActivityFailure,
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  patched,
  setCurrentDetails,
  setHandler,
  type SignalDefinition,
  upsertSearchAttributes,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import type { SearchAttributeUpdatePair, UpdateDefinition } from '@temporalio/common';
import { channelsToTry, type Channel, contactPointOf, reachability } from '../domain/channels.js';
import {
  accountForHolds,
  agreePaymentPlan,
  type CommandContext,
  type CommandResult,
  openDispute,
  pauseCase,
  recordCallOutcome,
  recordPayment,
  resolveDispute,
  resumeCase,
  cancelInvoice,
  recordDeliveryFailure,
  waiveFee,
  writeOffInvoice,
} from '../domain/case/commands.js';
import { changedContactFields, withContactChanged } from '../domain/case/contact-change.js';
import { type ActionRecord, type CaseState, holdsPlanClock, initialCaseState, isHeld, stageOf, withAction, withUnreachable } from '../domain/case/state.js';
import { installmentCheck, markInstallmentReminded, partialHoldEnds, pauseEnds, promiseCheck } from '../domain/case/time-outcomes.js';
import { nextTimedEvent, type TimedEvent } from '../domain/case/timed-events.js';
import type { DeliveryOutcome, DeliveryRequest } from '../domain/correspondence/requests.js';
import { approximateMillis } from '../domain/duration.js';
import { priorNoticeCheck, withNoticeSent } from '../domain/case/prior-notice.js';
import { lateFeeMinor } from '../domain/fees.js';
import type { ActionType, PolicyStep, SendingWindow } from '../domain/policy.js';
import { deadlineEnds } from '../domain/deadline.js';
import { dueDateAnchor, firstStepToRun, nextAllowedMoment, windowForChannel } from '../domain/schedule.js';
import { activities, localActivities } from './activities.js';
import type { CaseRecord, CollectionEventRecord, FeeWaiverRecord, InvoiceStatus, JsonValue, MessageChannel, PaymentRecord } from './activity-interfaces.js';
import { identityAttributes, standingAttributes } from './case-attributes.js';
import { caseView, describeTimedEvent } from './case-view.js';
import {
  agreePaymentPlanUpdate,
  callOutcomeSignal,
  callOutcomeUpdate,
  caseStateQuery,
  type CaseView,
  type CollectionWorkflowInput,
  COMMAND_REFUSED,
  contactChangedSignal,
  type PaymentCommand,
  disputeOpenedSignal,
  disputeResolvedSignal,
  openDisputeUpdate,
  pauseSignal,
  pauseUpdate,
  paymentPlanAgreedSignal,
  paymentReceivedSignal,
  recordPaymentUpdate,
  resolveDisputeUpdate,
  RECIPIENT_UNDELIVERABLE,
  ONE_VOICE_PER_CUSTOMER,
  FEWER_HISTORY_EVENTS,
  AUDIT_WITH_THE_ACTION,
  OUTSIDE_SENDING_WINDOW,
  WINDOW_AT_SEND_TIME,
  resumeSignal,
  resumeUpdate,
  waiveFeeSignal,
  waiveFeeUpdate,
  cancelSignal,
  cancelUpdate,
  writeOffSignal,
  writeOffUpdate,
  type WaiveFeeCommand,
  deliveryFailedSignal,
} from './definitions.js';
import { correspondenceWorkflowId, deliveryOutcomeSignal, deliveryWithdrawnSignal } from './correspondence-definitions.js';
import { searchAttributes } from './search-attributes.js';

const DAY = 86_400_000;

/** A message that left for one action of the case. */
interface SentMessage {
  readonly stepId: string;
  readonly action: ActionRecord['action'];
  readonly template: string;
  readonly wanted: Channel;
  readonly channel: Channel;
  readonly provider: string;
  readonly providerMessageId: string;
  readonly alreadySent: boolean;
}

type AuditEventFields = Omit<CollectionEventRecord, 'invoiceId' | 'idempotencyKey' | 'occurredAt' | 'sequence'> & { occurredAt?: string };

/**
 * One durable case per overdue invoice. It sleeps until the next thing the policy or the case
 * waits for (a step, an installment, the end of a pause or of a promise), wakes at once for any
 * signal or update, records everything in PostgreSQL, and runs each step only if it is still due.
 */
export async function collectionWorkflow(input: CollectionWorkflowInput): Promise<CaseView> {
  const { policy } = input;
  // The contact the next message goes to: replaced by `contactChanged`, carried across continue-as-new.
  let customer = input.carried?.customer ?? input.customer;
  // The schedule keeps the timezone the case started in (its steps are anchored there).
  const timezone = input.customer.timezone;
  const workflowId = workflowInfo().workflowId;
  const dueAt = dueDateAnchor(input.dueDate, timezone);
  // New runs record one patch marker for every change up to it; runs from before ask each patch in its place, as they did.
  const current = patched(AUDIT_WITH_THE_ACTION);
  const since = (patchId: string): boolean => current || patched(patchId);
  // Windowed sends spread by invoice id; cases started before this change keep the times they had.
  const anchorMillis = input.scheduleAnchor ? Date.parse(input.scheduleAnchor) : dueAt;
  const holidays = input.holidays ?? [];
  const schedule = { policy, timezone, anchorMillis, shiftMillis: 0, holidays, ...(since('spread-sends-in-window') ? { spreadKey: input.invoiceId } : {}) };

  let state: CaseState = input.carried?.state ?? initialCaseState(input);
  let eventSequence = input.carried?.eventSequence ?? 0;
  let changed = false;
  const pendingEvents: CollectionEventRecord[] = [...(input.carried?.pendingEvents ?? [])];
  const pendingPayments: PaymentRecord[] = [...(input.carried?.pendingPayments ?? [])];
  const pendingWaivers: FeeWaiverRecord[] = [...(input.carried?.pendingWaivers ?? [])];
  const pendingRecords: CaseRecord[] = [...(input.carried?.pendingRecords ?? [])];
  let disputeRecordId = input.carried?.disputeRecordId;
  let planRecordId = input.carried?.planRecordId;

  const context = (): CommandContext => ({ now: Date.now(), policy, timezone, anchorMillis });
  const view = (): CaseView => caseView(input, state, nextTimedEvent(state, schedule, Date.now()), Date.now(), dueAt);

  /** The next place in the case's audit order, for a row the case writes or one an action's activity writes for it. */
  function reserveSequence(): number {
    eventSequence += 1;
    return eventSequence;
  }

  function auditEvent(event: AuditEventFields, sequence = reserveSequence()): CollectionEventRecord {
    return { invoiceId: input.invoiceId, idempotencyKey: auditKey(sequence), sequence, occurredAt: new Date().toISOString(), ...event };
  }

  function auditKey(sequence: number): string {
    return `${workflowId}:event:${sequence}`;
  }

  /** Queues an audit row for the next batch; `sequence` when its place was reserved earlier (an action that did not happen after all). */
  function record(event: AuditEventFields, sequence?: number): void {
    pendingEvents.push(auditEvent(event, sequence));
  }

  /** Applies a command's result: the new state, its audit event, and a wake-up for the main loop. */
  function apply(result: CommandResult, actor: string, category: 'signal' | 'system', received: string): boolean {
    if (!result.ok) {
      record({ category, kind: 'command_refused', actor, details: { command: received, field: result.field, reason: result.reason } });
      changed = true;
      return false;
    }
    const before = state;
    state = accountForHolds(state, result.state, context());
    if (result.kind !== 'noop') record({ category, kind: result.kind, actor, details: toJson(result.details) });
    noteRecords(before, state, result.kind, result.details, actor);
    changed = true;
    return true;
  }

  function refuseIfNot(result: CommandResult): void {
    if (!result.ok) {
      throw ApplicationFailure.create({ type: COMMAND_REFUSED, message: `${result.field}: ${result.reason}`, details: [{ field: result.field, reason: result.reason }], nonRetryable: true });
    }
  }

  // --- start: recorded before any handler runs, so a command that came with the start follows the opening ---
  if (!input.carried) {
    const first = firstStepToRun(schedule, Date.now());
    state = { ...state, nextStepIndex: first };
    record({
      category: 'system',
      kind: 'case_opened',
      actor: 'system',
      details: toJson({ balanceMinor: input.balanceMinor, currency: input.currency, dueDate: input.dueDate, policy: `${policy.name}@${policy.version}`, skippedSteps: policy.steps.slice(0, first).map((s) => s.id) }),
    });
    // A case of a paused customer holds from its first moment: nothing can go out before the pause lands.
    if (input.startPaused) apply(pauseCase(state, input.startPaused, context()), input.startPaused.actor, 'signal', 'pause');
  }

  // Each command as a signal (refusals recorded) and as an update (refusals answered).
  function registerCommand<C extends { actor: string }>(
    signal: SignalDefinition<[C]>,
    update: UpdateDefinition<CaseView, [C]>,
    name: string,
    run: (current: CaseState, command: C, ctx: CommandContext) => CommandResult,
    after?: (before: CaseState, command: C) => void,
  ): void {
    const handle = (command: C) => {
      const before = state;
      if (apply(run(state, command, context()), command.actor, 'signal', name)) after?.(before, command);
    };
    setHandler(signal, handle);
    setHandler(
      update,
      (command: C) => {
        handle(command);
        return view();
      },
      { validator: (command: C) => refuseIfNot(run(state, command, context())) },
    );
  }
  registerCommand(paymentReceivedSignal, recordPaymentUpdate, 'payment', recordPayment, notePayment);
  registerCommand(disputeOpenedSignal, openDisputeUpdate, 'open dispute', openDispute);
  registerCommand(disputeResolvedSignal, resolveDisputeUpdate, 'resolve dispute', resolveDispute);
  registerCommand(paymentPlanAgreedSignal, agreePaymentPlanUpdate, 'payment plan', agreePaymentPlan);
  registerCommand(pauseSignal, pauseUpdate, 'pause', pauseCase);
  registerCommand(resumeSignal, resumeUpdate, 'resume', (current, command) => resumeCase(current, command));
  registerCommand(callOutcomeSignal, callOutcomeUpdate, 'call outcome', recordCallOutcome);
  registerCommand(waiveFeeSignal, waiveFeeUpdate, 'waive fee', (current, command) => waiveFee(current, command), noteWaiver);
  registerCommand(cancelSignal, cancelUpdate, 'cancel', cancelInvoice);
  registerCommand(writeOffSignal, writeOffUpdate, 'write off', writeOffInvoice);
  setHandler(deliveryFailedSignal, (failure) => {
    apply(recordDeliveryFailure(state, failure), failure.actor, 'signal', 'delivery failed');
  });
  setHandler(contactChangedSignal, ({ contact, actor }) => {
    if (contact.customerId !== customer.customerId) return;
    const fields = changedContactFields(customer, contact);
    if (fields.length === 0) return; // the same contact again (a retried request): nothing to record
    customer = contact;
    state = withContactChanged(state, fields);
    record({ category: 'signal', kind: 'contact_changed', actor, details: { fields } });
    changed = true;
  });
  setHandler(caseStateQuery, view);
  // Answers of the customer's correspondence, by request id, until deliver() takes them.
  const deliveryOutcomes = new Map<string, DeliveryOutcome>();
  setHandler(deliveryOutcomeSignal, (outcome) => {
    deliveryOutcomes.set(outcome.requestId, outcome);
  });

  function notePayment(before: CaseState, payment: PaymentCommand): void {
    if (before.paymentIds.includes(payment.paymentId)) return;
    pendingPayments.push({ externalPaymentId: payment.paymentId, amountMinor: payment.amountMinor, currency: payment.currency, method: payment.method, receivedAt: payment.receivedAt, actor: payment.actor });
  }

  /** Disputes and plans also get rows of their own, written with the next batch. */
  function noteRecords(before: CaseState, after: CaseState, kind: string, details: { [key: string]: unknown }, actor: string): void {
    const now = new Date().toISOString();
    if (!before.dispute && after.dispute) {
      disputeRecordId = uuid4();
      pendingRecords.push({ type: 'dispute_opened', id: disputeRecordId, reason: after.dispute.reason, openedBy: after.dispute.openedBy, openedAt: new Date(after.dispute.openedAt).toISOString() });
    }
    if (before.dispute && !after.dispute && disputeRecordId) {
      const resolution = details.resolution === 'credit' ? 'credited' : details.resolution === 'cancel' ? 'cancelled' : 'resumed';
      pendingRecords.push({ type: 'dispute_resolved', id: disputeRecordId, resolution, creditMinor: typeof details.creditMinor === 'number' ? details.creditMinor : null, resolvedBy: actor, resolvedAt: now });
      disputeRecordId = undefined;
    }
    const plan = after.plan ?? before.plan;
    if (!plan || (before.plan === after.plan && before.closed === after.closed)) return;
    if (!before.plan) planRecordId = uuid4();
    if (!planRecordId) return;
    const ended = !after.plan || Boolean(after.closed);
    const status = !ended ? 'active' : after.closed?.reason === 'paid' ? 'completed' : kind === 'payment_plan_defaulted' ? 'defaulted' : 'cancelled';
    const installments = plan.installments.map((i) => ({ sequence: i.sequence, dueDate: i.dueDate, amountMinor: i.amountMinor, paidMinor: i.paidMinor, status: status === 'defaulted' && i.status === 'pending' ? ('missed' as const) : i.status }));
    pendingRecords.push({ type: 'plan', id: planRecordId, status, agreedBy: plan.agreedBy, agreedAt: new Date(plan.agreedAt).toISOString(), totalMinor: plan.installments.reduce((sum, i) => sum + i.amountMinor, 0), currency: state.currency, endedAt: ended ? now : null, installments });
    if (ended) planRecordId = undefined;
  }

  function noteWaiver(before: CaseState, command: WaiveFeeCommand): void {
    const amountMinor = before.feesMinor - state.feesMinor;
    pendingWaivers.push({ idempotencyKey: `${workflowId}:waiver:${eventSequence}`, invoiceId: input.invoiceId, amountMinor, currency: state.currency, balanceAfterMinor: state.balanceMinor, reason: command.reason, actor: command.actor });
  }

  async function flush(): Promise<void> {
    // Waivers first: the ledger entry and the balance it explains land before the batch that syncs the balance.
    for (const waiver of pendingWaivers.splice(0)) {
      await activities.postFeeWaiver.executeWithOptions({ summary: `Waive ${waiver.amountMinor} ${waiver.currency} minor units of fees on invoice ${input.invoiceNumber}` }, [waiver]);
    }
    if (pendingEvents.length === 0 && pendingPayments.length === 0) return;
    const events = pendingEvents.splice(0);
    const payments = pendingPayments.splice(0);
    const records = pendingRecords.splice(0);
    // Histories from before local writes replay their scheduled activities.
    const writer = since(FEWER_HISTORY_EVENTS) ? localActivities : activities;
    await writer.recordCaseEvents.executeWithOptions({ summary: `Record ${events.map((e) => e.kind).join(', ') || 'payments'}; balance ${state.balanceMinor} ${state.currency} minor units` }, [
      { invoiceId: input.invoiceId, events, payments, invoice: { balanceMinor: state.balanceMinor, status: invoiceStatus(state) }, ...(records.length ? { records } : {}) },
    ]);
  }

  function publish(next: TimedEvent | undefined): void {
    const now = Date.now();
    const pairs = [...openingAttributes.splice(0), ...standingAttributes(state, next, now, dueAt)];
    // Each upsert is a history event: new runs write only what changed (often nothing but the next action's time).
    if (!since(FEWER_HISTORY_EVENTS)) upsertSearchAttributes(pairs);
    else {
      const changedPairs = pairs.filter((pair) => !sameAttributeValue(workflowInfo().typedSearchAttributes.get(pair.key), pair.value));
      if (changedPairs.length > 0) upsertSearchAttributes(changedPairs);
    }
    const balance = `${state.balanceMinor} ${state.currency} (minor units) owed`;
    setCurrentDetails(
      [`**${stageOf(state, now, dueAt)}**: ${balance}`, next ? `Next: ${describeTimedEvent(next, policy)} at ${new Date(next.at).toISOString()}` : 'Nothing scheduled'].join('\n\n'),
    );
  }

  // Commands that came with the start were applied as their handlers were set; the search attributes follow them (histories depend on this order).
  // New runs upsert them with the first publish (one event, not two).
  const openingAttributes: SearchAttributeUpdatePair[] = [];
  if (!input.carried) {
    (since(FEWER_HISTORY_EVENTS) ? (pairs: SearchAttributeUpdatePair[]) => void openingAttributes.push(...pairs) : upsertSearchAttributes)(identityAttributes(input));
  }

  // --- main loop ---------------------------------------------------------------------------
  while (!state.closed) {
    // Reset before the awaits below: a signal that lands while they run must still wake the wait.
    changed = false;
    await flush();
    if (state.closed) break;
    if (workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      await flush();
      // Signals may land between the flush and the hand-over: whatever is unwritten travels along.
      await continueAsNew<typeof collectionWorkflow>({ ...input, carried: { state, eventSequence, pendingEvents, pendingPayments, pendingWaivers, pendingRecords, customer, ...(disputeRecordId ? { disputeRecordId } : {}), ...(planRecordId ? { planRecordId } : {}) } });
    }
    const next = nextTimedEvent(state, schedule, Date.now());
    publish(next);
    if (!next) {
      await condition(() => changed);
      continue;
    }
    const woken = await condition(() => changed, Math.max(1, next.at - Date.now()), { summary: `Until ${describeTimedEvent(next, policy)}` });
    if (woken) continue;
    await onTime(next);
  }

  await flush();
  if (state.closed?.reason === 'paid') await sendReceipt();
  await flush();
  publish(undefined);
  return view();

  // --- what time brings ------------------------------------------------------------------------
  async function onTime(event: TimedEvent): Promise<void> {
    switch (event.kind) {
      case 'pause_ends':
        apply(pauseEnds(state), 'system', 'system', 'pause ends');
        return;
      case 'partial_hold_ends':
        apply(partialHoldEnds(state), 'system', 'system', 'partial payment hold ends');
        return;
      case 'promise_check':
        apply(promiseCheck(state), 'system', 'system', 'promise check');
        return;
      case 'installment_check':
        apply(installmentCheck(state, event.sequence), 'system', 'system', 'installment check');
        return;
      case 'installment_reminder': {
        const installment = state.plan?.installments.find((i) => i.sequence === event.sequence);
        if (installment) {
          const key = `${input.invoiceId}:plan-${state.plan!.agreedAt}:installment-${event.sequence}:reminder`;
          // A plan whose clock a hold stopped is due that much later: the reminder names the moved deadline.
          const planShift = state.plan!.shiftMillis ?? 0;
          const dueDate = planShift > 0 ? new Date(deadlineEnds(installment.dueDate, timezone) + planShift).toISOString() : installment.dueDate;
          const delivered = await deliver('installment_reminder', 'email', 'installment_reminder', key, { sequence: installment.sequence, dueDate, amountMinor: installment.amountMinor - installment.paidMinor });
          if (!delivered) return; // a dispute or pause came first: the reminder comes when it ends
        }
        state = markInstallmentReminded(state, event.sequence);
        return;
      }
      case 'recurring_fee':
        await chargeLateFee(`fee-${event.occurrence}`);
        return;
      case 'step':
        await runStep(policy.steps[event.stepIndex]!, event.stepIndex);
        return;
    }
  }

  async function runStep(step: PolicyStep, index: number): Promise<void> {
    for (const [actionIndex, action] of step.actions.entries()) {
      if (actionIndex < (state.stepActionsDone ?? 0)) continue; // done before a hold stopped the step
      // A payment, dispute or pause may have arrived while the previous action ran.
      if (state.closed || isHeld(state, Date.now())) return;
      if (!(await runAction(step, action.type, action.template ?? step.id))) return; // held before it could leave
      state = { ...state, stepActionsDone: actionIndex + 1 };
    }
    const { stepActionsDone: _done, ...rest } = state;
    state = { ...rest, nextStepIndex: index + 1 };
  }

  /** The idempotency key of one action of the ladder: a retry, a replay or a restart finds the same one. */
  function actionKey(stepId: string, type: ActionType): string {
    return `${input.invoiceId}:${policy.name}@${policy.version}:ladder-${state.ladderAttempt}:${stepId}:${type}`;
  }

  /** Runs one action of a step; false when it did not happen yet (a hold, the end of the case, or a prior notice that needs its time). */
  async function runAction(step: PolicyStep, type: ActionType, template: string): Promise<boolean> {
    const notice = await priorNotice(step, type);
    if (notice === 'wait') return false; // the step stays current; its time becomes the notice's plus the minimum
    if (notice === 'skip') return true;
    if (type === 'late_fee') {
      await chargeLateFee(step.id);
      return true;
    }
    const key = actionKey(step.id, type);
    if (type === 'legal_handoff') {
      // New runs hand over in a local activity: one marker in the task, not an activity's three events and a task of their own.
      const { partner, reference } = await (current ? localActivities : activities).handOffToLegal.executeWithOptions({ summary: `Hand invoice ${input.invoiceNumber} of ${customer.name} to the legal partner` }, [
        { idempotencyKey: key, invoiceId: input.invoiceId, reason: `policy step ${step.id}` },
      ]);
      state = withAction({ ...state, closed: { reason: 'legal_handoff', at: Date.now() } }, { stepId: step.id, action: type, status: 'sent', at: Date.now(), channel: partner, providerMessageId: reference });
      record({ category: 'action', kind: 'legal_handoff', action: 'legal_handoff', actor: 'system', provider: partner, providerMessageId: reference, details: { stepId: step.id, balanceMinor: state.balanceMinor } });
      return true;
    }
    return deliver(step.id, type, template, key);
  }

  /**
   * A late fee or a legal hand-off only after the notice the policy names went out at least its
   * minimum before (domain/case/prior-notice.ts). A notice never sent is sent now, under a key of
   * its own; 'wait' until it is old enough. 'skip' when no notice can reach the customer: the
   * action does not happen. Policies without `priorNotice` (every case started before it) pass.
   */
  async function priorNotice(step: PolicyStep, type: ActionType): Promise<'given' | 'wait' | 'skip'> {
    const check = priorNoticeCheck(state, policy, type, Date.now(), timezone);
    if (check.kind === 'given') return 'given';
    const details = { stepId: step.id, before: type, template: check.rule.template, minimum: check.rule.minimum };
    if (check.kind === 'wait') {
      record({ category: 'system', kind: 'waiting_for_prior_notice', actor: 'system', details: { ...details, noticeSentAt: new Date(check.sentAt).toISOString(), notBefore: new Date(check.notBefore).toISOString() } });
      return 'wait';
    }
    const channel = check.rule.channel ?? 'email';
    if (!(await deliver(step.id, channel, check.rule.template, `${actionKey(step.id, type)}:prior-notice`))) return 'wait'; // a hold came first: nothing sent
    const after = priorNoticeCheck(state, policy, type, Date.now(), timezone);
    if (after.kind === 'send') {
      state = withAction(state, { stepId: step.id, action: type, status: 'skipped', at: Date.now(), note: 'no prior notice could reach the customer' });
      record({ category: 'action', kind: 'step_skipped', action: type, actor: 'system', details: { ...details, reason: `no notice could reach the customer before the ${type}` } });
      return 'skip';
    }
    const sentOn = state.noticesSent?.find((n) => n.template === check.rule.template)?.channel ?? channel; // a fallback may have carried it
    record({ category: 'action', kind: 'prior_notice_sent', action: type, actor: 'system', details: { ...details, channel: sentOn, ...(after.kind === 'wait' ? { notBefore: new Date(after.notBefore).toISOString() } : {}) } });
    return after.kind === 'given' ? 'given' : 'wait';
  }

  async function chargeLateFee(occurrenceId: string): Promise<void> {
    const rule = policy.feeRule;
    if (!rule) return;
    const fee = lateFeeMinor(rule, state.balanceMinor, state.feesMinor);
    const key = actionKey(occurrenceId, 'late_fee');
    if (fee === 0) {
      state = withAction(state, { stepId: occurrenceId, action: 'late_fee', status: 'skipped', at: Date.now(), note: 'cap reached or nothing owed' });
      record({ category: 'action', kind: 'late_fee_skipped', action: 'late_fee', actor: 'system', details: { occurrence: occurrenceId, feesMinor: state.feesMinor } });
    } else {
      const balanceAfterMinor = state.balanceMinor + fee;
      // `created: false` can only mean that an earlier attempt of this very call posted the entry
      // before its answer was lost (the workflow never asks twice for a key whose answer it saw:
      // see stepActionsDone), so the case takes the fee either way and the audit says which.
      const posted = { category: 'action', kind: 'late_fee_posted', action: 'late_fee', actor: 'system', details: { occurrence: occurrenceId, feeMinor: fee, balanceAfterMinor } } as const;
      // New runs: the posting writes its audit row in its own transaction (one marker, no batch of its own).
      const event = current ? auditEvent(posted) : undefined;
      const { created } = await (since(FEWER_HISTORY_EVENTS) ? localActivities : activities).postLateFee.executeWithOptions({ summary: `Post a late fee of ${fee} ${state.currency} minor units on invoice ${input.invoiceNumber}` }, [
        { idempotencyKey: key, invoiceId: input.invoiceId, amountMinor: fee, currency: state.currency, balanceAfterMinor, rule: toJson(rule), ...(event ? { event } : {}) },
      ]);
      state = withAction({ ...state, balanceMinor: balanceAfterMinor, feesMinor: state.feesMinor + fee }, { stepId: occurrenceId, action: 'late_fee', status: 'sent', at: Date.now(), note: `${fee} minor units` });
      if (!event) record({ ...posted, details: { ...posted.details, ...(created ? {} : { postedByEarlierAttempt: true }) } });
    }
    state = { ...state, feeOccurrences: state.feeOccurrences + 1 };
  }

  /**
   * Sends on the action's channel, falling back channel by channel when a recipient proves
   * undeliverable, and only inside the customer's sending window at the moment it leaves: a step
   * that comes due at night (a backlog, downtime, a hold that ended at night) waits for the window.
   * False when a hold or the end of the case came first: nothing was sent.
   */
  async function deliver(stepId: string, action: Channel | 'installment_reminder' | 'receipt', template: string, key: string, installment?: { sequence: number; dueDate: string; amountMinor: number }): Promise<boolean> {
    const wanted: Channel = action === 'installment_reminder' || action === 'receipt' ? 'email' : action;
    const channels = channelsToTry(wanted, reachability(customer, state.unreachable));
    if (channels.length === 0) {
      state = withAction(state, { stepId, action, status: 'skipped', at: Date.now(), note: 'no usable contact' });
      record({ category: 'action', kind: 'step_skipped', action: wanted, actor: 'system', details: { stepId, reason: 'the customer has no usable contact for this step' } });
      return true;
    }
    const stopped = () => Boolean(state.closed) || (action === 'installment_reminder' ? holdsPlanClock(state) : action !== 'receipt' && isHeld(state, Date.now()));
    // Every message leaves through the customer's correspondence workflow; histories from before it replay the direct path.
    // A receipt is sent because the case closed: nothing withdraws it.
    if (since(ONE_VOICE_PER_CUSTOMER)) return deliverThroughCorrespondence(stepId, action, template, key, channels, wanted, action === 'receipt' ? () => false : stopped, installment);
    // Receipts are transactional: they go at once, whatever the hour. Histories from before this rule replay without it.
    const windowed = action !== 'receipt' && since(WINDOW_AT_SEND_TIME);
    channelLoop: for (const channel of channels) {
      const window = windowed ? windowForChannel(channel, policy) : undefined;
      for (;;) {
        if (window && !(await untilInsideWindow(window, channel, stopped))) return false;
        try {
          const summary = `Send ${channel} "${template}" to ${recipientOf(channel)} about invoice ${input.invoiceNumber}`;
          const receipt = await activities.deliverMessage.executeWithOptions({ summary }, [{
            idempotencyKey: channel === wanted ? key : `${key}:fallback-${channel}`,
            invoiceId: input.invoiceId,
            channel: channel as MessageChannel,
            template,
            customer,
            ...(window ? { sendingWindow: { window, timezone, holidays } } : {}),
            data: {
              invoiceNumber: input.invoiceNumber,
              currency: state.currency,
              amountMinor: state.amountMinor,
              balanceMinor: state.balanceMinor,
              feesMinor: state.feesMinor,
              dueDate: input.dueDate,
              daysOverdue: Math.max(0, Math.floor((Date.now() - dueAt) / DAY)),
              ...(input.paymentLink ? { paymentLink: input.paymentLink } : {}),
              ...(installment ? { installment } : {}),
            },
          }]);
          const sent = { stepId, action, template, wanted, channel, provider: receipt.provider, providerMessageId: receipt.providerMessageId, alreadySent: receipt.alreadySent };
          noteSent(sent);
          recordSent(sent);
          return true;
        } catch (error) {
          const failure = error instanceof ActivityFailure && error.cause instanceof ApplicationFailure ? error.cause : undefined;
          // The activity ran after the window closed (it waited in a backlog or for a worker): wait for the next opening, same key.
          if (failure?.type === OUTSIDE_SENDING_WINDOW) continue;
          if (failure?.type !== RECIPIENT_UNDELIVERABLE) throw error;
          noteUndeliverable({ stepId, action, channel, reason: failure.message, fallingBack: channel !== channels.at(-1) });
          continue channelLoop;
        }
      }
    }
    return true;
  }

  /**
   * Asks the customer's correspondence to deliver, channel by channel, and waits for its answer: sent
   * (maybe merged with other invoices into one message, maybe after waiting for the window or a
   * cap), undeliverable (the next channel is asked), or withdrawn: a payment or hold came first, the
   * case withdrew the request, and nothing was sent (false).
   */
  async function deliverThroughCorrespondence(
    stepId: string,
    action: Channel | 'installment_reminder' | 'receipt',
    template: string,
    key: string,
    channels: readonly Channel[],
    wanted: Channel,
    stopped: () => boolean,
    installment?: { sequence: number; dueDate: string; amountMinor: number },
  ): Promise<boolean> {
    const kind = action === 'receipt' ? 'transactional' : 'collection';
    for (const channel of channels) {
      const requestId = channel === wanted ? key : `${key}:fallback-${channel}`;
      const window = kind === 'collection' ? windowForChannel(channel, policy) : undefined;
      const caps = policy.contactCaps;
      // New runs: the delivery that sends writes the case's `step_sent` row in this place of its audit order.
      const sentSequence = current ? reserveSequence() : undefined;
      const request: DeliveryRequest = {
        requestId,
        caseWorkflowId: workflowId,
        channel,
        template,
        escalation: state.nextStepIndex,
        kind,
        line: { invoiceId: input.invoiceId, invoiceNumber: input.invoiceNumber, currency: state.currency, amountMinor: state.amountMinor, balanceMinor: state.balanceMinor, feesMinor: state.feesMinor, dueDate: input.dueDate, ...(input.paymentLink ? { paymentLink: input.paymentLink } : {}) },
        requestedAt: Date.now(),
        consolidationMillis: kind === 'collection' && policy.consolidation ? approximateMillis(policy.consolidation.window) : 0,
        ...(window ? { window } : {}),
        timezone,
        holidays,
        ...(kind === 'collection' && caps ? { caps: { perWeek: caps.perWeek, perWeekPerChannel: caps.perWeekPerChannel, minimumGapMillis: approximateMillis(caps.minimumGap) } } : {}),
        ...(installment ? { installment } : {}),
        ...(sentSequence ? { sentEvent: { idempotencyKey: auditKey(sentSequence), sequence: sentSequence, details: { stepId, template, wanted, channel } } } : {}),
      };
      await (since(FEWER_HISTORY_EVENTS) ? localActivities : activities).requestDelivery.executeWithOptions({ summary: `Ask the customer's correspondence for ${channel} "${template}" about invoice ${input.invoiceNumber}` }, [{ customer, request }]);
      await condition(() => deliveryOutcomes.has(requestId) || stopped());
      if (!deliveryOutcomes.has(requestId)) {
        // A payment or hold came first: withdraw, then take whatever the correspondence answers (it may have sent already).
        await getExternalWorkflowHandle(correspondenceWorkflowId(customer.customerId)).signal(deliveryWithdrawnSignal, { requestId });
        await condition(() => deliveryOutcomes.has(requestId));
      }
      const outcome = deliveryOutcomes.get(requestId)!;
      deliveryOutcomes.delete(requestId);
      if (outcome.status === 'withdrawn') {
        record({ category: 'action', kind: 'step_withdrawn', action: channel, actor: 'system', details: { stepId, channel, reason: state.closed ? `the case closed (${state.closed.reason})` : 'the case is on hold' } }, sentSequence);
        return false;
      }
      if (outcome.status === 'sent') {
        const sent = { stepId, action, template, wanted, channel, provider: outcome.provider, providerMessageId: outcome.providerMessageId, alreadySent: outcome.alreadySent };
        noteSent(sent);
        // New runs: the delivery that sent it wrote the row in the reserved place.
        if (sentSequence === undefined) recordSent(sent, { messageKey: outcome.messageKey, invoicesInMessage: outcome.invoiceCount, waitedFor: [...outcome.waitedFor] });
        return true;
      }
      noteUndeliverable({ stepId, action, channel, reason: outcome.reason, fallingBack: channel !== channels.at(-1) }, sentSequence);
    }
    return true;
  }

  /** A message left for this action: in the case's recent actions and as a notice. */
  function noteSent(sent: SentMessage): void {
    const { stepId, action, template, wanted, channel, providerMessageId } = sent;
    state = withAction(state, { stepId, action, status: channel === wanted ? 'sent' : 'fell_back', at: Date.now(), channel, providerMessageId });
    noteNoticeSent(action, channel, template);
  }

  /** The message in the audit log (alreadySent: an earlier attempt reached the provider; still one message). */
  function recordSent(sent: SentMessage, merged: { messageKey: string; invoicesInMessage: number; waitedFor: string[] } | Record<string, never> = {}): void {
    const { stepId, template, wanted, channel, provider, providerMessageId, alreadySent } = sent;
    record({ category: 'action', kind: 'step_sent', action: channel, actor: 'system', provider, providerMessageId, details: { stepId, template, wanted, channel, ...merged, ...(alreadySent ? { sentByEarlierAttempt: true } : {}) } });
  }

  /** The recipient proved undeliverable on this channel: that contact point is skipped from now on. */
  function noteUndeliverable({ stepId, action, channel, reason, fallingBack }: { stepId: string; action: ActionRecord['action']; channel: Channel; reason: string; fallingBack: boolean }, sequence?: number): void {
    state = withAction(withUnreachable(state, contactPointOf(channel)), { stepId, action, status: 'failed', at: Date.now(), channel, note: reason });
    record({ category: 'action', kind: 'step_failed', action: channel, actor: 'system', details: { stepId, channel, reason, fallingBack } }, sequence);
  }

  /** Waits until the window is open now; false if `stopped` (a hold, the end of the case) comes first. */
  async function untilInsideWindow(window: SendingWindow, channel: Channel, stopped: () => boolean): Promise<boolean> {
    for (;;) {
      if (stopped()) return false;
      const opens = nextAllowedMoment(Date.now(), window, timezone, holidays);
      if (opens <= Date.now()) return true;
      upsertSearchAttributes([{ key: searchAttributes.nextActionAt, value: new Date(opens) }]);
      setCurrentDetails(`**${stageOf(state, Date.now(), dueAt)}**: a ${channel} is ready and waits for the customer's sending window, which opens at ${new Date(opens).toISOString()} (${timezone})`);
      await condition(stopped, opens - Date.now(), { summary: `Until the ${channel} window opens (${timezone})` });
    }
  }

  /** A message that reached the customer may be the notice a later fee or hand-off needs. */
  function noteNoticeSent(action: string, channel: Channel, template: string): void {
    state = withNoticeSent(state, { action, channel, template, at: Date.now() }, anchorMillis);
  }

  function recipientOf(channel: Channel): string {
    if (channel === 'email') return customer.email ?? customer.name;
    if (channel === 'letter') return `${customer.name}, ${customer.postalAddress?.city ?? ''}`;
    return customer.phone ?? customer.name;
  }

  async function sendReceipt(): Promise<void> {
    if (!reachability(customer, state.unreachable).email) return;
    await deliver('receipt', 'receipt', 'payment_receipt', `${input.invoiceId}:receipt`);
  }
}

function invoiceStatus(state: CaseState): InvoiceStatus {
  switch (state.closed?.reason) {
    case 'paid':
    case 'credited':
      return 'paid';
    case 'cancelled':
      return 'cancelled';
    case 'written_off':
      return 'written_off';
    case 'legal_handoff':
      return 'legal';
  }
  if (state.dispute) return 'disputed';
  if (state.plan) return 'in_payment_plan';
  return 'open';
}

function toJson(value: unknown): { [key: string]: JsonValue } {
  return JSON.parse(JSON.stringify(value ?? {})) as { [key: string]: JsonValue };
}

/** Whether a search attribute already holds this value (dates by instant; unset and null alike). */
function sameAttributeValue(current: unknown, next: unknown): boolean {
  if (current instanceof Date || next instanceof Date) return current instanceof Date && next instanceof Date && current.getTime() === next.getTime();
  return (current ?? null) === (next ?? null);
}
