import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { makeDeliverMessage } from '../activities/deliver-message.js';
import { AWAITING_PROVIDER_SEARCH } from '../activities/earlier-attempt.js';
import { localSinks } from '../activities/providers/local-sink.js';
import { SendGridEmailSender, type SendGridOptions } from '../activities/providers/sendgrid.js';
import type { MessageSender, Senders } from '../activities/providers/types.js';
import { createPrismaClient } from '../prisma/client.js';
import type { DeliverMessageRequest, DeliveryReceipt } from '../workflows/activity-interfaces.js';
import { createOverdueInvoice } from './support/fixtures.js';
import { type ProviderServers, startProviderServers } from './support/provider-servers.js';
import { fakeCredentials } from './support/real-providers.js';

/**
 * The delivery activity (in Temporal's activity test environment) with the real SendGrid SDK
 * against the stand-in, SendGrid's clock shrunk to seconds (cut-off 1 s, lead 8 s). A worker dying after
 * SendGrid took the mail is stood in for by a sender that throws after the real send returned
 * (the real kill is in crash-safety); the retry is the activity run again on the same key.
 */
const prisma = createPrismaClient(inject('databaseUrl'));
const searchLagMs = 2_000;
let servers: ProviderServers;

beforeAll(async () => {
  servers = await startProviderServers({ sendgrid: { cancelCutoffMs: 1_000, searchLagMs } });
});
afterAll(async () => {
  await Promise.allSettled([servers?.close(), prisma.$disconnect()]);
});

function sendgrid(options: Partial<SendGridOptions> = {}): SendGridEmailSender {
  return new SendGridEmailSender({ apiKey: fakeCredentials.sendgridKey, from: fakeCredentials.from, baseUrl: servers.baseUrl, cancelCutoffMs: 1_000, clockAllowanceMs: 200, sendLeadMs: 8_000, searchSettleMs: 1_000, ...options });
}

/** The same sender, except that the worker "dies" once SendGrid has taken the mail. */
function dyingAfterSend(real: SendGridEmailSender): MessageSender {
  return { provider: real.provider, revocable: real.revocable, findSent: (earlier) => real.findSent(earlier), send: async (message, attempt) => {
    await real.send(message, attempt);
    throw new Error('the worker died before recording the send');
  } };
}

const sendersWith = (email: MessageSender): Senders => ({ ...localSinks(`/tmp/sendgrid-delivery-retries-${process.pid}`), email });
const deliver = (email: MessageSender, request: DeliverMessageRequest) => new MockActivityEnvironment().run(makeDeliverMessage(prisma, sendersWith(email)), request) as Promise<DeliveryReceipt>;
const until = (instant: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, instant - Date.now())));

async function emailRequest(extra: Partial<DeliverMessageRequest> = {}): Promise<DeliverMessageRequest> {
  const made = await createOverdueInvoice(prisma);
  return {
    idempotencyKey: `${made.invoice.id}:sendgrid-retry`,
    invoiceId: made.invoice.id,
    channel: 'email',
    template: 'overdue_notice',
    customer: made.contact,
    data: { invoiceNumber: made.invoice.number, currency: 'EUR', amountMinor: 125_000, balanceMinor: 125_000, feesMinor: 0, dueDate: made.invoice.dueDate.toISOString().slice(0, 10), daysOverdue: 30 },
    ...extra,
  };
}

const outboxOf = (request: DeliverMessageRequest) => prisma.outboxMessage.findUniqueOrThrow({ where: { idempotencyKey: request.idempotencyKey } });
const sendAtOf = (attempt: unknown) => Date.parse((attempt as { sendAt: string }).sendAt);
const deliveredFor = (request: DeliverMessageRequest) => servers.sendgridDelivered().filter((m) => m.idempotencyKey === request.idempotencyKey);

describe('the delivery activity with SendGrid scheduled sends', () => {
  it('records the batch before sending; a retry cancels it and sends under a new one: SendGrid delivers one email', async () => {
    const real = sendgrid();
    const request = await emailRequest();
    await expect(deliver(dyingAfterSend(real), request)).rejects.toThrow(/worker died/);
    const crashed = await outboxOf(request);
    expect(crashed.status).toBe('pending');
    const firstBatch = (crashed.providerAttempt as { batchId: string }).batchId;
    expect(servers.accepted.find((a) => a.idempotencyKey === request.idempotencyKey)?.body).toMatchObject({ batch_id: firstBatch });

    const receipt = await deliver(real, request);
    expect(receipt.alreadySent).toBe(false);
    const row = await outboxOf(request);
    expect(row.status).toBe('sent');
    expect((row.providerAttempt as { batchId: string }).batchId).not.toBe(firstBatch);
    await until(sendAtOf(row.providerAttempt) + 300);
    expect(servers.accepted.filter((a) => a.idempotencyKey === request.idempotencyKey)).toHaveLength(2);
    expect(deliveredFor(request).map((m) => m.id)).toEqual([receipt.providerMessageId]);
  });

  it('too late to cancel: the retry waits until the search has settled, then finds the earlier email and sends nothing', async () => {
    const real = sendgrid({ searchSettleMs: searchLagMs + 500 });
    const request = await emailRequest();
    await expect(deliver(dyingAfterSend(real), request)).rejects.toThrow(/worker died/);
    const sendAt = sendAtOf((await outboxOf(request)).providerAttempt);
    await until(sendAt - 800); // inside the cut-off
    const waiting = await deliver(real, request).catch((error: unknown) => error);
    expect(waiting).toBeInstanceOf(ApplicationFailure);
    expect(waiting).toMatchObject({ type: AWAITING_PROVIDER_SEARCH, nonRetryable: false });
    expect(Number((waiting as ApplicationFailure).nextRetryDelay)).toBeGreaterThan(searchLagMs);

    await until(sendAt + searchLagMs + 600);
    const receipt = await deliver(real, request);
    expect(receipt.alreadySent).toBe(true);
    expect(servers.accepted.filter((a) => a.idempotencyKey === request.idempotencyKey)).toHaveLength(1);
    expect(deliveredFor(request).map((m) => m.id)).toEqual([receipt.providerMessageId]);
  });

  it('too late to cancel with a search that lags past the settle time: the email is delivered twice (the documented gap)', async () => {
    const real = sendgrid({ searchSettleMs: searchLagMs - 1_500 });
    const request = await emailRequest();
    await expect(deliver(dyingAfterSend(real), request)).rejects.toThrow(/worker died/);
    const sendAt = sendAtOf((await outboxOf(request)).providerAttempt);
    await until(sendAt + searchLagMs - 1_000);
    const receipt = await deliver(real, request);
    expect(receipt.alreadySent).toBe(false);
    await until(sendAtOf((await outboxOf(request)).providerAttempt) + 300);
    expect(deliveredFor(request)).toHaveLength(2);
  });

  it('checks the sending window at send_at: open now but closed when the email would leave, it is retried then, and nothing is sent', async () => {
    // A window that closes at the next full hour, and a lead that reaches past it.
    const now = Date.now();
    const nextHour = Math.ceil((now + 1) / 3_600_000) * 3_600_000;
    const timezone = new Date(now).getUTCHours() === 23 ? 'Etc/GMT+1' : 'UTC'; // keep the window inside one local day
    const localHour = timezone === 'UTC' ? new Date(now).getUTCHours() : 22;
    const real = sendgrid({ sendLeadMs: nextHour - now + 5_000 });
    const request = await emailRequest({ sendingWindow: { window: { startHour: localHour, endHour: localHour + 1, weekdays: [1, 2, 3, 4, 5, 6, 7] }, timezone, holidays: [] } });
    const refused = await deliver(real, request).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ApplicationFailure);
    expect(refused).toMatchObject({ type: 'SendsAfterWindow', nonRetryable: false });
    expect(Number((refused as ApplicationFailure).nextRetryDelay)).toBeGreaterThan(nextHour - Date.now());
    expect(servers.accepted.filter((a) => a.idempotencyKey === request.idempotencyKey)).toEqual([]);
    expect((await outboxOf(request)).providerAttempt).toBeNull();
  });
});
