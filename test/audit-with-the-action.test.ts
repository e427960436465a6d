import { randomUUID } from 'node:crypto';
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { makeDeliverMessage } from '../activities/deliver-message.js';
import { makePostLateFee } from '../activities/post-late-fee.js';
import { localSinks } from '../activities/providers/local-sink.js';
import { type MessageSender, type Senders, UndeliverableError } from '../activities/providers/types.js';
import { createPrismaClient } from '../prisma/client.js';
import type { DeliverMessageRequest, DeliveryReceipt, SentEventRecord } from '../workflows/activity-interfaces.js';
import { createOverdueInvoice } from './support/fixtures.js';

/**
 * Since `audit-with-the-action`, the activity that acts writes the case's audit row for it: the
 * delivery each case's `step_sent` (in the place of the case's audit order the case reserved), the
 * late fee's posting its `late_fee_posted`. Run in Temporal's activity test environment against the
 * real database and the local sinks; a retry is the activity run again with the same input.
 */
const prisma = createPrismaClient(inject('databaseUrl'));
const sinks = localSinks(`/tmp/audit-with-the-action-${process.pid}`);
afterAll(() => prisma.$disconnect());

const deliver = (request: DeliverMessageRequest, senders: Senders = sinks) => new MockActivityEnvironment().run(makeDeliverMessage(prisma, senders), request) as Promise<DeliveryReceipt>;
const eventsOf = (invoiceId: string) => prisma.collectionEvent.findMany({ where: { invoiceId }, orderBy: { sequence: 'asc' } });

async function letterFor(invoices: Awaited<ReturnType<typeof createOverdueInvoice>>[]): Promise<DeliverMessageRequest> {
  const [first] = invoices;
  const sentEvents: SentEventRecord[] = invoices.map((made, index) => ({
    invoiceId: made.invoice.id,
    idempotencyKey: `collection-${made.invoice.id}:event:${7 + index}`,
    sequence: 7 + index,
    details: { stepId: 'letter_30', template: 'formal_letter', wanted: 'letter', channel: 'letter', messageKey: `message-${randomUUID()}`, invoicesInMessage: invoices.length, waitedFor: ['consolidation'] },
  }));
  return {
    idempotencyKey: `letter-${randomUUID()}`,
    invoiceId: first!.invoice.id,
    channel: 'letter',
    template: 'formal_letter',
    customer: first!.contact,
    data: { invoiceNumber: first!.invoice.number, currency: 'EUR', amountMinor: 125_000, balanceMinor: 125_000, feesMinor: 0, dueDate: first!.invoice.dueDate.toISOString().slice(0, 10), daysOverdue: 30 },
    sentEvents,
  };
}

describe('the delivery writes each case’s step_sent row', () => {
  it('writes one row per invoice of a merged message, at the sequence each case reserved, with the provider’s id', async () => {
    const first = await createOverdueInvoice(prisma);
    const second = await createOverdueInvoice(prisma, { sameCustomerAs: first.customer });
    const request = await letterFor([first, second]);
    const receipt = await deliver(request);
    for (const [index, made] of [first, second].entries()) {
      const rows = await eventsOf(made.invoice.id);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ kind: 'step_sent', category: 'action', action: 'letter', actor: 'system', sequence: 7 + index, provider: receipt.provider, providerMessageId: receipt.providerMessageId });
      expect(rows[0]!.details).toMatchObject({ stepId: 'letter_30', invoicesInMessage: 2, waitedFor: ['consolidation'] });
      expect(rows[0]!.details).not.toHaveProperty('sentByEarlierAttempt');
    }
  });

  it('a retry after the answer was lost finds the message sent and leaves the rows as they were: one each', async () => {
    const made = await createOverdueInvoice(prisma);
    const request = await letterFor([made]);
    const first = await deliver(request);
    const again = await deliver(request);
    expect(again).toMatchObject({ alreadySent: true, providerMessageId: first.providerMessageId });
    const rows = await eventsOf(made.invoice.id);
    expect(rows.map((r) => [r.kind, r.sequence, r.providerMessageId])).toEqual([['step_sent', 7, first.providerMessageId]]);
  });

  it('a worker that dies after the provider took the message writes nothing; the retry that finds the message at the provider writes the row, marked as sent by the earlier attempt', async () => {
    const made = await createOverdueInvoice(prisma);
    const request = await letterFor([made]);
    let taken: string | undefined;
    const dying: MessageSender = { provider: sinks.letter.provider, send: async (message, attempt) => {
      taken = (await sinks.letter.send(message, attempt)).messageId;
      throw new Error('the worker died before recording the send');
    } };
    await expect(deliver(request, { ...sinks, letter: dying })).rejects.toThrow(/worker died/);
    expect(await eventsOf(made.invoice.id)).toEqual([]);
    // The provider is asked what it holds (as Twilio is) and must not be sent to again.
    const asking: MessageSender = { provider: sinks.letter.provider, findSent: async () => [{ messageId: taken! }], send: () => Promise.reject(new Error('sent twice')) };
    const receipt = await deliver(request, { ...sinks, letter: asking });
    expect(receipt).toMatchObject({ alreadySent: true, providerMessageId: taken });
    const rows = await eventsOf(made.invoice.id);
    expect(rows.map((r) => [r.kind, r.sequence, r.providerMessageId])).toEqual([['step_sent', 7, taken]]);
    expect(rows[0]!.details).toMatchObject({ stepId: 'letter_30', sentByEarlierAttempt: true });
  });

  it('an undeliverable recipient writes no step_sent row (the case records step_failed in the reserved place)', async () => {
    const made = await createOverdueInvoice(prisma);
    const request = await letterFor([made]);
    const refusing: MessageSender = { provider: sinks.letter.provider, send: () => Promise.reject(new UndeliverableError('no such address')) };
    await expect(deliver(request, { ...sinks, letter: refusing })).rejects.toThrow(/no such address/);
    expect(await eventsOf(made.invoice.id)).toEqual([]);
  });
});

describe('the late fee’s posting writes its audit row', () => {
  it('in the same transaction as the ledger entry; a retry posts neither twice', async () => {
    const made = await createOverdueInvoice(prisma);
    const post = makePostLateFee(prisma);
    const event = { invoiceId: made.invoice.id, idempotencyKey: `collection-${made.invoice.id}:event:4`, sequence: 4, category: 'action', kind: 'late_fee_posted', action: 'late_fee', actor: 'system', occurredAt: new Date().toISOString(), details: { occurrence: 'late_fee_31', feeMinor: 1_875, balanceAfterMinor: 126_875 } } as const;
    const request = { idempotencyKey: `${made.invoice.id}:fee`, invoiceId: made.invoice.id, amountMinor: 1_875, currency: 'EUR', balanceAfterMinor: 126_875, rule: { kind: 'percent' }, event };
    expect(await new MockActivityEnvironment().run(post, request)).toEqual({ created: true });
    expect(await new MockActivityEnvironment().run(post, request)).toEqual({ created: false });
    const invoice = await prisma.invoice.findUniqueOrThrow({ where: { id: made.invoice.id }, include: { feeEntries: true, events: true } });
    expect(invoice.balanceMinor).toBe(126_875n);
    expect(invoice.feeEntries.map((f) => f.amountMinor)).toEqual([1_875n]);
    expect(invoice.events.map((e) => [e.kind, e.sequence, e.details])).toEqual([['late_fee_posted', 4, event.details]]);
  });
});
