import { ApplicationFailure } from '@temporalio/activity';
import { renderStatement } from '../domain/statement.js';
import { renderMessage } from '../domain/templates.js';
import { Prisma, type PrismaClient } from '../prisma/client.js';
import type { DeliverMessageRequest, DeliveryReceipt } from '../workflows/activity-interfaces.js';
import { isInsideWindow, nextAllowedMoment } from '../domain/schedule.js';
import { OUTSIDE_SENDING_WINDOW, RECIPIENT_UNDELIVERABLE } from '../workflows/definitions.js';
import { auditRow } from './audit-row.js';
import { whileHeartbeating } from './heartbeats.js';
import { type ActivityMetrics, createActivityMetrics, type DuplicateDetection, type MessageOutcome } from './metrics.js';
import { recordedAttempt, settleEarlierAttempt } from './earlier-attempt.js';
import { type MessageSender, type OutgoingMessage, RefusedError, type Senders, UndeliverableError } from './providers/types.js';

/** A scheduled send would leave after the sending window closes: retried once it has. */
const SENDS_AFTER_WINDOW = 'SendsAfterWindow';

function recipientOf(request: DeliverMessageRequest): string {
  const { customer } = request;
  if (request.channel === 'email') return customer.email ?? '';
  if (request.channel === 'letter') return customer.postalAddress ? `${customer.postalAddress.line1}, ${customer.postalAddress.postalCode} ${customer.postalAddress.city}, ${customer.postalAddress.country}` : '';
  return customer.phone ?? '';
}

/**
 * Record before send, then send, then mark sent. The outbox row is unique on the idempotency key:
 * a retry finds it sent and returns the stored receipt. A worker that died between the provider's
 * answer and the mark leaves the outcome unknown: the retry re-sends with the same key where the
 * provider deduplicates (Lob, the local sinks), cancels the recorded scheduled send before
 * sending again where it can (`revocable`: SendGrid), and first asks the provider what it already
 * holds elsewhere (`findSent`: Twilio SMS, voice and TaskRouter). README: "Exactly once, channel
 * by channel".
 */
export function makeDeliverMessage(prisma: PrismaClient, senders: Senders, metrics: ActivityMetrics = createActivityMetrics()) {
  return function deliverMessage(request: DeliverMessageRequest): Promise<DeliveryReceipt> {
    return whileHeartbeating(async () => {
      const receipt = await deliverOnce(request);
      await recordSent(request, receipt);
      return receipt;
    });
  };

  /**
   * Each case's `step_sent` row, once the provider has the message: a retry that finds the message
   * sent (outbox or provider) writes what a worker that died before this point did not; keyed by
   * the case, so never twice.
   */
  async function recordSent(request: DeliverMessageRequest, receipt: DeliveryReceipt): Promise<void> {
    if (!request.sentEvents?.length) return;
    const occurredAt = new Date().toISOString();
    const { provider, providerMessageId } = receipt;
    await prisma.collectionEvent.createMany({
      data: request.sentEvents.map(({ details, ...event }) =>
        auditRow({ ...event, category: 'action', kind: 'step_sent', action: request.channel, provider, providerMessageId, actor: 'system', occurredAt, details: { ...details, ...(receipt.alreadySent ? { sentByEarlierAttempt: true } : {}) } }),
      ),
      skipDuplicates: true,
    });
  }

  function count(request: DeliverMessageRequest, outcome: MessageOutcome): void {
    metrics.messages.inc({ channel: request.channel, outcome });
  }

  function alreadySent(request: DeliverMessageRequest, receipt: { provider: string; providerMessageId: string }, detectedBy: DuplicateDetection): DeliveryReceipt {
    count(request, 'already_sent');
    metrics.duplicateSendsPrevented.inc({ channel: request.channel, detected_by: detectedBy });
    return { ...receipt, alreadySent: true };
  }

  /** The earliest message the provider holds that may be this one and that no other outbox row claims. */
  async function findEarlier(sender: MessageSender, message: OutgoingMessage, since: Date): Promise<{ messageId: string } | undefined> {
    const candidates = (await sender.findSent?.({ message, since })) ?? [];
    if (candidates.length === 0) return undefined;
    const claimed = await prisma.outboxMessage.findMany({
      where: { provider: sender.provider, providerMessageId: { in: candidates.map((c) => c.messageId) }, idempotencyKey: { not: message.idempotencyKey } },
      select: { providerMessageId: true },
    });
    const taken = new Set(claimed.map((row) => row.providerMessageId));
    return candidates.find((candidate) => !taken.has(candidate.messageId));
  }

  async function deliverOnce(request: DeliverMessageRequest): Promise<DeliveryReceipt> {
    const sender = senders[request.channel];
    // A consolidated message lists every invoice it concerns; a message about one invoice keeps its own template.
    const consolidated = request.invoices && request.invoices.length > 1 ? request.invoices : undefined;
    const rendered = consolidated
      ? renderStatement(request.template, consolidated, request.customer.name, request.customer.locale, request.customer.timezone, Date.now())
      : renderMessage(request.template, { ...request.data, customerName: request.customer.name }, request.customer.locale, request.customer.timezone);
    await prisma.outboxMessage.createMany({
      data: [
        {
          idempotencyKey: request.idempotencyKey,
          invoiceId: request.invoiceId,
          action: request.channel,
          provider: sender.provider,
          recipient: recipientOf(request),
          payload: { template: request.template, subject: rendered.subject, text: rendered.text, ...(consolidated ? { invoiceIds: consolidated.map((l) => l.invoiceId) } : {}) },
        },
      ],
      skipDuplicates: true,
    });
    const row = await prisma.outboxMessage.update({ where: { idempotencyKey: request.idempotencyKey }, data: { attempts: { increment: 1 } } });
    if (row.status === 'sent' && row.providerMessageId) return alreadySent(request, { provider: row.provider, providerMessageId: row.providerMessageId }, 'outbox');
    if (row.status === 'failed') {
      count(request, 'undeliverable');
      throw undeliverable(row.lastError ?? 'the recipient was undeliverable');
    }
    const message: OutgoingMessage = { idempotencyKey: request.idempotencyKey, channel: request.channel, template: request.template, customer: request.customer, subject: rendered.subject, text: rendered.text, data: request.data, ...(consolidated ? { invoices: consolidated } : {}) };
    const revocable = sender.revocable;
    const earlierAttempt = recordedAttempt(row.providerAttempt);
    if (revocable && earlierAttempt) {
      // An earlier attempt may have reached SendGrid before its worker died: cancel its batch, or,
      // too late for that, ask the search once it can know.
      const settled = await settleEarlierAttempt(revocable, earlierAttempt, async () => (await findEarlier(sender, message, row.createdAt))?.messageId);
      if (!settled.revoked && settled.messageId) return markFoundEarlier(request, sender, settled.messageId);
      // Revoked (or never taken): forgotten, so a later retry does not ask again.
      await prisma.outboxMessage.update({ where: { idempotencyKey: request.idempotencyKey }, data: { providerAttempt: Prisma.DbNull } });
    } else if (!revocable && row.attempts > 1) {
      // An earlier attempt may have reached the provider before its worker died.
      const earlier = await findEarlier(sender, message, row.createdAt);
      if (earlier) return markFoundEarlier(request, sender, earlier.messageId);
    }

    checkSendingWindow(request, Date.now());
    // A scheduled send (SendGrid) opens its attempt first: the message leaves at its sendAt.
    const attempt = revocable ? await revocable.open() : undefined;
    if (attempt) checkSendingWindow(request, Date.parse(attempt.sendAt));
    // Recorded before the send, so a retry after a crash knows which batch to cancel.
    if (attempt) await prisma.outboxMessage.update({ where: { idempotencyKey: request.idempotencyKey }, data: { providerAttempt: { ...attempt } } });
    try {
      const { messageId } = await sender.send(message, attempt);
      await prisma.outboxMessage.update({ where: { idempotencyKey: request.idempotencyKey }, data: { status: 'sent', providerMessageId: messageId, sentAt: new Date() } });
      count(request, 'sent');
      metrics.invoicesPerMessage.observe({ channel: request.channel }, consolidated?.length ?? 1);
      return { provider: sender.provider, providerMessageId: messageId, alreadySent: false };
    } catch (error) {
      if (!(error instanceof UndeliverableError)) {
        const refused = error instanceof RefusedError && attempt ? { providerAttempt: { ...attempt, refused: true } } : {};
        await prisma.outboxMessage.update({ where: { idempotencyKey: request.idempotencyKey }, data: { lastError: String(error), ...refused } });
        count(request, 'provider_error');
        throw error; // retryable: the provider or the network had a bad moment
      }
      await prisma.outboxMessage.update({ where: { idempotencyKey: request.idempotencyKey }, data: { status: 'failed', lastError: error.message } });
      count(request, 'undeliverable');
      throw undeliverable(error.message);
    }
  }

  async function markFoundEarlier(request: DeliverMessageRequest, sender: MessageSender, messageId: string): Promise<DeliveryReceipt> {
    await prisma.outboxMessage.update({ where: { idempotencyKey: request.idempotencyKey }, data: { status: 'sent', providerMessageId: messageId, sentAt: new Date() } });
    return alreadySent(request, { provider: sender.provider, providerMessageId: messageId }, 'provider_lookup');
  }

  /**
   * The rule holds at the moment the message leaves (`leavesAt`: now, or a scheduled send's
   * send_at): an activity that waited (a backlog, a worker down overnight) must not mail at
   * midnight, nor may a message scheduled near the window's end leave after it. Checked after the
   * outbox, so a message already accepted by the provider is still recognised and never sent again.
   */
  function checkSendingWindow(request: DeliverMessageRequest, leavesAt: number): void {
    const window = request.sendingWindow;
    if (!window) return;
    const inside = (at: number) => isInsideWindow(at, window.window, window.timezone, window.holidays);
    if (!inside(Date.now())) {
      count(request, 'outside_window');
      throw ApplicationFailure.create({ type: OUTSIDE_SENDING_WINDOW, message: `outside the customer's sending window (${window.timezone}); it opens at ${new Date(nextAllowedMoment(Date.now(), window.window, window.timezone, window.holidays)).toISOString()}`, nonRetryable: true });
    }
    if (!inside(leavesAt)) {
      // Open now, closed when it would leave: retried at that moment, when the window is closed and
      // the workflow waits for its next opening (a non-retryable refusal now would have the
      // workflow, which sees the window open, call again at once, over and over).
      count(request, 'outside_window');
      throw ApplicationFailure.create({ type: SENDS_AFTER_WINDOW, message: `it would leave at ${new Date(leavesAt).toISOString()}, after the customer's sending window closes (${window.timezone}); retried then`, nextRetryDelay: leavesAt - Date.now() });
    }
  }
}

function undeliverable(message: string): ApplicationFailure {
  return ApplicationFailure.create({ type: RECIPIENT_UNDELIVERABLE, message, nonRetryable: true });
}
