import { Client } from '@sendgrid/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SendGridEmailSender } from '../activities/providers/sendgrid.js';
import type { OutgoingMessage, RevocableAttempt } from '../activities/providers/types.js';
import { isoDay } from './support/clock.js';
import { type ProviderServers, startProviderServers } from './support/provider-servers.js';
import { fakeCredentials } from './support/real-providers.js';

/**
 * The real SendGrid SDK, through our adapter, against the local server that answers like SendGrid's
 * scheduled sends (mocked: the real API cannot be reached from here). SendGrid's clock is shrunk:
 * a cancel cut-off of 1 s instead of 10 minutes, emails leaving 6 s after the call.
 */
const timing = { cancelCutoffMs: 1_000, sendLeadMs: 6_000, clockAllowanceMs: 200, searchSettleMs: 1_000 };
const searchLagMs = 1_500;
let servers: ProviderServers;
let sender: SendGridEmailSender;
const raw = new Client();

beforeAll(async () => {
  servers = await startProviderServers({ sendgrid: { cancelCutoffMs: timing.cancelCutoffMs, searchLagMs, maxCancelledBatches: 10 } });
  sender = new SendGridEmailSender({ apiKey: fakeCredentials.sendgridKey, from: fakeCredentials.from, baseUrl: servers.baseUrl, ...timing });
  raw.setApiKey(fakeCredentials.sendgridKey);
  raw.setDefaultRequest('baseUrl', servers.baseUrl);
});
afterAll(async () => {
  await servers?.close();
});

let counter = 0;
function message(): OutgoingMessage {
  counter += 1;
  return {
    idempotencyKey: `sendgrid-scheduled-${Date.now()}-${counter}`,
    channel: 'email',
    template: 'overdue_notice',
    customer: { customerId: 'c', name: 'Müller Großhandel GmbH', email: 'ap@mueller-grosshandel.example', timezone: 'Europe/Berlin', locale: 'de' },
    subject: 'Overdue',
    text: 'Please pay',
    data: { invoiceNumber: `INV-${counter}`, currency: 'EUR', amountMinor: 1, balanceMinor: 1, feesMinor: 0, dueDate: isoDay(-30), daysOverdue: 30 },
  };
}

const delivered = (key: string) => servers.sendgridDelivered().filter((m) => m.idempotencyKey === key);
const until = (instant: string, extraMs = 300) => new Promise((resolve) => setTimeout(resolve, Math.max(0, Date.parse(instant) - Date.now()) + extraMs));
const statusOf = (error: unknown) => (error as { code?: number }).code;
/** An instant `ms` from now in whole seconds, as send_at takes it. */
const wholeSecondsFromNow = (ms: number) => new Date(Math.ceil((Date.now() + ms) / 1000) * 1000).toISOString();

describe('SendGrid scheduled sends (a local server answering like SendGrid)', () => {
  it('schedules each email under a batch of its own, send_at a lead ahead, and SendGrid delivers it only at send_at', async () => {
    const mail = message();
    const attempt = await sender.revocable.open();
    expect(Date.parse(attempt.sendAt)).toBeGreaterThanOrEqual(Date.now() + timing.sendLeadMs - 1_000);
    const { messageId } = await sender.send(mail, attempt);
    const taken = servers.accepted.find((a) => a.id === messageId)!;
    expect(taken.body).toMatchObject({ batch_id: attempt.batchId, send_at: Date.parse(attempt.sendAt) / 1000, custom_args: { idempotency_key: mail.idempotencyKey } });
    expect(delivered(mail.idempotencyKey)).toEqual([]);
    await until(attempt.sendAt);
    expect(delivered(mail.idempotencyKey).map((m) => m.id)).toEqual([messageId]);
  });

  it('cancels an earlier attempt’s batch: that email is never delivered, the one sent again under a new batch is', async () => {
    const mail = message();
    const first = await sender.revocable.open();
    await sender.send(mail, first);
    expect(await sender.revocable.revoke(first)).toBe('revoked');
    const second = await sender.revocable.open();
    expect(second.batchId).not.toBe(first.batchId);
    const { messageId } = await sender.send(mail, second);
    await until(second.sendAt > first.sendAt ? second.sendAt : first.sendAt);
    expect(servers.accepted.filter((a) => a.idempotencyKey === mail.idempotencyKey)).toHaveLength(2);
    expect(delivered(mail.idempotencyKey).map((m) => m.id)).toEqual([messageId]);
  });

  it('counts a batch an earlier retry already cancelled as revoked', async () => {
    const mail = message();
    const attempt = await sender.revocable.open();
    await sender.send(mail, attempt);
    expect(await sender.revocable.revoke(attempt)).toBe('revoked');
    expect(await sender.revocable.revoke(attempt)).toBe('revoked');
    await until(attempt.sendAt);
    expect(delivered(mail.idempotencyKey)).toEqual([]);
  });

  it('reports a revoke within the cut-off as too late, without trusting a cancel; SendGrid refuses the cancel and delivers the email', async () => {
    const mail = message();
    const attempt = await sender.revocable.open();
    const { messageId } = await sender.send(mail, attempt);
    await until(attempt.sendAt, -timing.cancelCutoffMs + 100); // inside the last second before send_at
    expect(await sender.revocable.revoke(attempt)).toBe('too_late');
    await expect(raw.request({ method: 'POST', url: '/v3/user/scheduled_sends', body: { batch_id: attempt.batchId, status: 'cancel' } })).rejects.toSatisfy((e) => statusOf(e) === 400);
    await until(attempt.sendAt);
    expect(delivered(mail.idempotencyKey).map((m) => m.id)).toEqual([messageId]);
  });

  it('holds a paused batch past its send_at and delivers it when the pause is deleted', async () => {
    const mail = message();
    const attempt = await sender.revocable.open();
    const { messageId } = await sender.send(mail, attempt);
    await raw.request({ method: 'POST', url: '/v3/user/scheduled_sends', body: { batch_id: attempt.batchId, status: 'pause' } });
    const [, statuses] = await raw.request({ method: 'GET', url: `/v3/user/scheduled_sends/${attempt.batchId}` });
    expect(statuses).toEqual([{ batch_id: attempt.batchId, status: 'pause' }]);
    await until(attempt.sendAt);
    expect(delivered(mail.idempotencyKey)).toEqual([]);
    await raw.request({ method: 'DELETE', url: `/v3/user/scheduled_sends/${attempt.batchId}` });
    expect(delivered(mail.idempotencyKey).map((m) => m.id)).toEqual([messageId]);
  });

  it('lets the Email Activity search see a delivered email only after its lag', async () => {
    const mail = message();
    const attempt = await sender.revocable.open();
    const { messageId } = await sender.send(mail, attempt);
    const earlier = { message: mail, since: new Date() };
    await until(attempt.sendAt);
    expect(delivered(mail.idempotencyKey)).toHaveLength(1);
    expect(await sender.findSent(earlier)).toEqual([]);
    await until(attempt.sendAt, searchLagMs + 300);
    expect(await sender.findSent(earlier)).toEqual([{ messageId }]);
  });

  it('validates batch ids, refuses send_at more than 72 hours ahead, and an eleventh cancelled batch at one time', async () => {
    const [validated, body] = await raw.request({ method: 'GET', url: `/v3/mail/batch/${(await sender.revocable.open()).batchId}` });
    expect(validated.statusCode).toBe(200);
    expect(body).toHaveProperty('batch_id');
    await expect(raw.request({ method: 'GET', url: '/v3/mail/batch/not-a-batch' })).rejects.toSatisfy((e) => statusOf(e) === 400);
    await expect(sender.send(message(), { batchId: 'not-a-batch', sendAt: wholeSecondsFromNow(timing.sendLeadMs) })).rejects.toMatchObject({ name: 'RefusedError' });
    const far = await sender.revocable.open();
    await expect(sender.send(message(), { ...far, sendAt: wholeSecondsFromNow(73 * 3_600_000) })).rejects.toMatchObject({ name: 'RefusedError' });

    // Ten batches, each with a message waiting for send_at, cancelled at one time: the eleventh is refused.
    const lead = { ...timing, sendLeadMs: 60_000 };
    const patient = new SendGridEmailSender({ apiKey: fakeCredentials.sendgridKey, from: fakeCredentials.from, baseUrl: servers.baseUrl, ...lead });
    const attempts: RevocableAttempt[] = [];
    for (let i = 0; i < 11; i++) {
      const attempt = await patient.revocable.open();
      await patient.send(message(), attempt);
      attempts.push(attempt);
    }
    // (Earlier tests' cancels no longer count: their emails' send_at has passed.)
    for (const attempt of attempts.slice(0, 10)) expect(await patient.revocable.revoke(attempt)).toBe('revoked');
    await expect(patient.revocable.revoke(attempts[10]!)).rejects.toSatisfy((e) => statusOf(e) === 400);
    // Deleting a cancellation frees its place (and its email would be delivered again at send_at).
    await raw.request({ method: 'DELETE', url: `/v3/user/scheduled_sends/${attempts[0]!.batchId}` });
    expect(await patient.revocable.revoke(attempts[10]!)).toBe('revoked');
  });

  it('refuses a lead that does not leave a retry time to cancel before the cut-off', () => {
    expect(() => new SendGridEmailSender({ apiKey: 'SG.x', from: 'a@b.example', sendLeadMs: 10 * 60_000 })).toThrow(/must exceed the cancel cut-off/);
  });
});
