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
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { type Dispatch, groupKey, nextDispatch, recentSends } from '../domain/correspondence/dispatch.js';
import type { DeliveryOutcome, DeliveryRequest, SentRecord, WaitReason } from '../domain/correspondence/requests.js';
import { dueDateAnchor } from '../domain/schedule.js';
import { activities } from './activities.js';
import type { MessageChannel, SentEventRecord } from './activity-interfaces.js';
import {
  type CorrespondenceAnswer,
  correspondenceCaseClosedSignal,
  correspondenceContactChangedSignal,
  type CorrespondenceInput,
  correspondenceStateQuery,
  correspondenceWorkflowId,
  deliveryOutcomeSignal,
  deliveryRequestedSignal,
  deliveryWithdrawnSignal,
} from './correspondence-definitions.js';
import { OUTSIDE_SENDING_WINDOW, RECIPIENT_UNDELIVERABLE } from './definitions.js';
import { searchAttributes } from './search-attributes.js';

/** Answers kept to re-answer a request a case sends again (an activity retry): far more than one customer's cases ask for at once. */
const ANSWERS_KEPT = 2_000;
const ANSWERS_AT_ONCE = 'correspondence-answers-at-once';
const OPEN_INVOICES = 'correspondence-open-invoices';
const DAY = 86_400_000;

/**
 * One per customer: every message to the customer leaves from here. Requests from the customer's
 * cases wait for their consolidation window, the customer's sending window and the contact caps,
 * then go out as one message listing every invoice of the same channel and currency, and each case
 * is told the outcome. A withdrawn request (a payment or hold came first) never leaves.
 */
export async function correspondenceWorkflow(input: CorrespondenceInput): Promise<void> {
  let contact = input.carried?.contact ?? input.contact;
  let pending: DeliveryRequest[] = [...(input.carried?.pending ?? [])];
  let sent: SentRecord[] = [...(input.carried?.sent ?? [])];
  const answered = new Map<string, CorrespondenceAnswer>((input.carried?.answered ?? []).map((a) => [a.outcome.requestId, a]));
  let messageSequence = input.carried?.messageSequence ?? 0;
  const openInvoices = new Set<string>(input.carried?.openInvoices ?? []);
  let changed = false;
  // Answers not yet signalled: carried across continue-as-new, since a withdrawal or a retried
  // request can be handled in the very activation that hands over.
  const toSend: CorrespondenceAnswer[] = [...(input.carried?.unsent ?? [])];

  setHandler(deliveryRequestedSignal, (request) => {
    // A receipt comes after its case has closed (and said so): it does not make the invoice open again.
    if (request.kind === 'collection') openInvoices.add(request.line.invoiceId);
    const earlier = answered.get(request.requestId);
    // Asked again by a retried activity: the same answer, nothing sent twice. A withdrawn request
    // asked again is the case trying anew after its hold ended: it waits like a new one.
    if (earlier && earlier.outcome.status !== 'withdrawn') toSend.push(earlier);
    else if (!pending.some((p) => p.requestId === request.requestId)) {
      answered.delete(request.requestId);
      pending.push(request);
    }
    changed = true;
  });
  setHandler(deliveryWithdrawnSignal, ({ requestId }) => {
    const request = pending.find((p) => p.requestId === requestId);
    if (!request) return; // already answered (sent before the withdrawal arrived): the case has that answer
    pending = pending.filter((p) => p.requestId !== requestId);
    answer(request, { requestId, status: 'withdrawn' });
    changed = true;
  });
  setHandler(correspondenceCaseClosedSignal, ({ invoiceId }) => {
    openInvoices.delete(invoiceId);
    changed = true;
  });
  setHandler(correspondenceContactChangedSignal, (next) => {
    contact = next;
    changed = true;
  });
  setHandler(correspondenceStateQuery, () => {
    const next = nextDispatch(pending, sent, Date.now());
    const recent = recentSends(sent, Date.now());
    return {
      customerId: input.customerId,
      waiting: pending.map((p) => ({ requestId: p.requestId, invoiceNumber: p.line.invoiceNumber, channel: p.channel, requestedAt: new Date(p.requestedAt).toISOString() })),
      nextMessageAt: next ? new Date(next.at).toISOString() : null,
      sentLast7Days: recent.length,
      sentLast7DaysByChannel: recent.reduce<Record<string, number>>((counts, s) => ({ ...counts, [s.channel]: (counts[s.channel] ?? 0) + 1 }), {}),
      messagesSent: messageSequence,
      openInvoices: openInvoices.size,
    };
  });

  function answer(request: DeliveryRequest, outcome: DeliveryOutcome): void {
    const entry = { caseWorkflowId: request.caseWorkflowId, outcome };
    answered.set(request.requestId, entry);
    while (answered.size > ANSWERS_KEPT) answered.delete(answered.keys().next().value!);
    toSend.push(entry);
  }

  /**
   * Tells each case its answer, all at once: one workflow task for a merged message of 500
   * invoices, not 500 one after another. A case that has ended meanwhile no longer listens, which is fine.
   */
  async function sendAnswers(): Promise<void> {
    // The case has closed (paid, handed over): nobody waits for this answer any more.
    const tell = ({ caseWorkflowId, outcome }: CorrespondenceAnswer) => getExternalWorkflowHandle(caseWorkflowId).signal(deliveryOutcomeSignal, outcome).catch(() => undefined);
    const answers = toSend.splice(0);
    if (answers.length === 0) return;
    // Runs started before this change told the cases one after another: they replay that way.
    if (patched(ANSWERS_AT_ONCE)) await Promise.all(answers.map(tell));
    else for (const entry of answers) await tell(entry);
  }

  function publish(next: Dispatch | undefined): void {
    const recent = recentSends(sent, Date.now()).length;
    upsertSearchAttributes([
      { key: searchAttributes.customerId, value: input.customerId },
      { key: searchAttributes.pendingMessages, value: pending.length },
      { key: searchAttributes.contactsLast7Days, value: recent },
      { key: searchAttributes.nextActionAt, value: next ? new Date(next.at) : null },
      // Runs started before this attribute existed replay their upserts without it.
      ...(patched(OPEN_INVOICES) ? [{ key: searchAttributes.openInvoices, value: openInvoices.size }] : []),
    ]);
    setCurrentDetails(
      [
        `**${contact.name}**: ${openInvoices.size} open invoice(s), ${pending.length} request(s) waiting, ${recent} message(s) in the last 7 days`,
        next ? `Next message: ${next.group[0]!.channel} about ${next.group.length} invoice(s) at ${new Date(next.at).toISOString()}${next.waitedFor.length ? ` (waiting for ${next.waitedFor.join(', ')})` : ''}` : 'Nothing waiting',
      ].join('\n\n'),
    );
  }

  async function dispatch(plan: Dispatch): Promise<void> {
    // Everything of the group that is still waiting goes, including requests that came meanwhile.
    // They leave `pending` now: a withdrawal that arrives while the message is at the provider is
    // too late, and the case learns it was sent.
    const key = groupKey(plan.group[0]!);
    const group = pending.filter((r) => groupKey(r) === key);
    if (group.length === 0) return;
    pending = pending.filter((r) => groupKey(r) !== key);
    const lead = group.reduce((a, b) => (b.escalation > a.escalation ? b : a));
    const first = group[0]!;
    messageSequence += 1;
    // One invoice: the case's own key, as before; several: the message's own key.
    const messageKey = group.length === 1 ? first.requestId : `${correspondenceWorkflowId(input.customerId)}:message-${messageSequence}`;
    const channel = first.channel;
    try {
      const receipt = await activities.deliverMessage.executeWithOptions(
        { summary: `Send ${channel} "${lead.template}" about ${group.length} invoice(s) to the customer` },
        [
          {
            idempotencyKey: messageKey,
            invoiceId: first.line.invoiceId,
            channel: channel as MessageChannel,
            template: lead.template,
            customer: contact,
            data: {
              invoiceNumber: first.line.invoiceNumber,
              currency: first.line.currency,
              amountMinor: first.line.amountMinor,
              balanceMinor: first.line.balanceMinor,
              feesMinor: first.line.feesMinor,
              dueDate: first.line.dueDate,
              // Counted from the due day's start in the customer's timezone, as the case counts it.
              daysOverdue: Math.max(0, Math.floor((Date.now() - dueDateAnchor(first.line.dueDate, first.timezone)) / DAY)),
              ...(first.line.paymentLink ? { paymentLink: first.line.paymentLink } : {}),
              ...(first.installment ? { installment: first.installment } : {}),
            },
            ...(group.length > 1 ? { invoices: group.map((r) => r.line) } : {}),
            ...sentEventsOf(group, messageKey, plan.waitedFor),
            ...(first.kind === 'collection' && first.window ? { sendingWindow: { window: first.window, timezone: first.timezone, holidays: first.holidays } } : {}),
          },
        ],
      );
      if (first.kind === 'collection') sent = [...recentSends(sent, Date.now()), { at: Date.now(), channel }];
      for (const r of group) {
        answer(r, { requestId: r.requestId, status: 'sent', channel, messageKey, provider: receipt.provider, providerMessageId: receipt.providerMessageId, invoiceCount: group.length, waitedFor: plan.waitedFor, alreadySent: receipt.alreadySent });
      }
    } catch (error) {
      const failure = error instanceof ActivityFailure && error.cause instanceof ApplicationFailure ? error.cause : undefined;
      // It ran after the window closed (a backlog, a worker down): the group waits for the next opening.
      if (failure?.type === OUTSIDE_SENDING_WINDOW) {
        pending = [...group, ...pending];
        return;
      }
      if (failure?.type !== RECIPIENT_UNDELIVERABLE) throw error;
      for (const r of group) answer(r, { requestId: r.requestId, status: 'undeliverable', channel, reason: failure.message });
    }
  }

  for (;;) {
    changed = false;
    await sendAnswers();
    if (workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      await sendAnswers();
      await continueAsNew<typeof correspondenceWorkflow>({
        customerId: input.customerId,
        contact,
        carried: { contact, pending, sent: recentSends(sent, Date.now()), answered: [...answered.values()], messageSequence, unsent: toSend, openInvoices: [...openInvoices] },
      });
    }
    const next = nextDispatch(pending, sent, Date.now());
    publish(next);
    if (!next) {
      await condition(() => changed);
      continue;
    }
    const wait = next.at - Date.now();
    if (wait > 0 && (await condition(() => changed, wait, { summary: `Until the next message to the customer (${next.waitedFor.join(', ') || 'due'})` }))) continue;
    await dispatch(next);
  }
}

/** The `step_sent` rows the cases of this message left to the delivery (cases started before that record their own). */
function sentEventsOf(group: readonly DeliveryRequest[], messageKey: string, waitedFor: readonly WaitReason[]): { sentEvents?: SentEventRecord[] } {
  const sentEvents = group.flatMap(({ sentEvent, line }) =>
    sentEvent ? [{ invoiceId: line.invoiceId, idempotencyKey: sentEvent.idempotencyKey, sequence: sentEvent.sequence, details: { ...sentEvent.details, messageKey, invoicesInMessage: group.length, waitedFor: [...waitedFor] } }] : [],
  );
  return sentEvents.length > 0 ? { sentEvents } : {};
}
