import { createHmac, generateKeyPairSync, sign as ecdsaSign } from 'node:crypto';
import pino from 'pino';
import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalSinkLegalPartner } from '../activities/providers/legal-partner.js';
import { createApp } from '../api/app.js';
import type { collectionWorkflow } from '../workflows/collection-workflow.js';
import { cancelUpdate, caseStateQuery, collectionWorkflowId, collectionWorkflowType } from '../workflows/definitions.js';
import { eventually } from './support/eventually.js';
import { caseInput, createOverdueInvoice, secondScalePolicy } from './support/fixtures.js';
import { createWorkerHarness, type WorkerHarness } from './support/worker.js';

/** Delivery webhooks of SendGrid (ECDSA), Lob (HMAC-SHA256) and Twilio (HMAC-SHA1 over URL and params), signed as each provider signs. */
const sendgridKeys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const lobSecret = 'lob_webhook_secret_0123456789';
const twilioToken = 'twilio-auth-token-for-tests';
const twilioUrl = 'https://api.example.com/v1/webhooks/twilio';

let harness: WorkerHarness;
let stopWorker: () => Promise<void>;
let app: ReturnType<typeof createApp>;
beforeAll(async () => {
  harness = await createWorkerHarness();
  stopWorker = await harness.startWorker();
  app = createApp({
    logger: pino({ level: 'silent' }),
    readinessChecks: {},
    cases: {
      prisma: harness.prisma,
      temporal: harness.client,
      taskQueue: harness.taskQueue,
      legalPartner: new LocalSinkLegalPartner(harness.sinkDir),
      providerWebhooks: {
        sendgridPublicKey: sendgridKeys.publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
        lobSecret,
        twilioAuthToken: twilioToken,
        twilioWebhookUrl: twilioUrl,
      },
    },
  });
});
afterAll(async () => {
  await stopWorker?.();
  await harness?.close();
});

const now = () => String(Math.floor(Date.now() / 1000));

/** A case whose first step has gone out through the local sink; returns its outbox row. Its later step is an email. */
async function caseWithSent(action: 'email' | 'letter' | 'sms', laterOffset = 'P1D') {
  const made = await createOverdueInvoice(harness.prisma);
  const policy = secondScalePolicy({ steps: [{ id: 'first', offset: 'PT1S', actions: [{ type: action }] }, { id: 'later', offset: laterOffset, actions: [{ type: 'email' }] }] });
  const handle = await harness.client.workflow.start<typeof collectionWorkflow>(collectionWorkflowType, {
    workflowId: collectionWorkflowId(made.invoice.id),
    taskQueue: harness.taskQueue,
    args: [caseInput(made, policy)],
  });
  const row = await eventually(() => harness.prisma.outboxMessage.findFirst({ where: { invoiceId: made.invoice.id, status: 'sent' } }), (r) => r !== null);
  return { handle, row: row!, invoiceId: made.invoice.id, policy };
}

const unreachable = async (handle: Awaited<ReturnType<typeof caseWithSent>>['handle'], contact: string) =>
  (await eventually(() => handle.query(caseStateQuery), (v) => v.unreachableContacts.includes(contact))).unreachableContacts;

describe('SendGrid event webhook', () => {
  const post = (raw: string, timestamp: string, privateKey = sendgridKeys.privateKey) =>
    app.request('/v1/webhooks/sendgrid', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-twilio-email-event-webhook-timestamp': timestamp, 'x-twilio-email-event-webhook-signature': ecdsaSign('sha256', Buffer.from(timestamp + raw), privateKey).toString('base64') },
      body: raw,
    });

  it('marks the email bounced: later steps skip it, the audit log says so', async () => {
    // The later email step is due 4 s in: after the bounce, which lands about 1 s in.
    const { handle, row, invoiceId, policy } = await caseWithSent('email', 'PT4S');
    const raw = JSON.stringify([{ event: 'delivered', idempotency_key: row.idempotencyKey }, { event: 'bounce', reason: '550 mailbox unknown', idempotency_key: row.idempotencyKey, sg_message_id: `${row.providerMessageId}.filter` }]);
    const response = await post(raw, now());
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ received: true, signalled: 1 });
    expect(await unreachable(handle, 'email')).toEqual(['email']);
    const event = await eventually(() => harness.prisma.collectionEvent.findFirst({ where: { invoiceId, kind: 'delivery_failed' } }), (e) => e !== null);
    expect(event).toMatchObject({ actor: 'webhook:sendgrid', details: { channel: 'email', reason: 'bounce: 550 mailbox unknown' } });
    expect((await harness.prisma.outboxMessage.findUniqueOrThrow({ where: { id: row.id } })).status).toBe('failed');

    // The later step leaves the bounced address alone and falls back to SMS.
    const ofThisCase = async (channel: 'email' | 'sms') => (await harness.sent(channel)).filter((entry) => entry.idempotencyKey.startsWith(invoiceId));
    const sms = await eventually(() => ofThisCase('sms'), (sent) => sent.length === 1);
    const ladder = `${invoiceId}:${policy.name}@${policy.version}:ladder-1`;
    expect(sms.map((entry) => entry.idempotencyKey)).toEqual([`${ladder}:later:email:fallback-sms`]);
    expect((await ofThisCase('email')).map((entry) => entry.idempotencyKey)).toEqual([`${ladder}:first:email`]);
    const view = await eventually(() => handle.query(caseStateQuery), (v) => v.recentActions.length === 2);
    expect(view.recentActions.map((a) => `${a.stepId}:${a.channel}:${a.status}`)).toEqual(['first:email:sent', 'later:sms:fell_back']);
    const kinds = await eventually(async () => (await harness.prisma.collectionEvent.findMany({ where: { invoiceId }, orderBy: { sequence: 'asc' } })).map((e) => e.kind), (k) => k.length === 4);
    // The bounce may reach the case before the correspondence's answer that the first email left;
    // what matters is that the later step came after the bounce.
    expect([...kinds].sort()).toEqual(['case_opened', 'delivery_failed', 'step_sent', 'step_sent']);
    expect(kinds.at(-1)).toBe('step_sent');
    expect(kinds.indexOf('delivery_failed')).toBeLessThan(kinds.lastIndexOf('step_sent'));
    const outbox = await harness.prisma.outboxMessage.findMany({ where: { invoiceId }, orderBy: { createdAt: 'asc' } });
    expect(outbox.map((o) => `${o.action}:${o.status}`)).toEqual(['email:failed', 'sms:sent']);
    await handle.terminate('test done');
  });

  it('acknowledges a bounce for a case that has ended (200, no retry) and records it in the audit log once', async () => {
    const { handle, row, invoiceId } = await caseWithSent('email');
    await handle.executeUpdate(cancelUpdate, { args: [{ reason: 'paid elsewhere', actor: 'test' }] });
    await handle.result();
    const raw = JSON.stringify([{ event: 'bounce', reason: '550 mailbox unknown', idempotency_key: row.idempotencyKey }]);
    for (const attempt of [1, 2]) {
      const response = await post(raw, now());
      expect({ attempt, status: response.status, body: await response.json() }).toEqual({ attempt, status: 200, body: { received: true, signalled: 0 } });
    }
    const events = await harness.prisma.collectionEvent.findMany({ where: { invoiceId, kind: 'delivery_failed_after_close' } });
    expect(events).toMatchObject([{ actor: 'webhook:sendgrid', action: 'email', details: { channel: 'email', reason: 'bounce: 550 mailbox unknown', invoiceStatus: 'cancelled' } }]);
    expect((await harness.prisma.outboxMessage.findUniqueOrThrow({ where: { id: row.id } })).status).toBe('failed');
  });

  it('a bounce of a merged email marks the email unusable on every case it listed, each audit log says so', async () => {
    const policy = secondScalePolicy({ steps: [{ id: 'first', offset: 'PT1S', actions: [{ type: 'email' }] }, { id: 'later', offset: 'P1D', actions: [{ type: 'email' }] }], consolidation: { window: 'PT3S' } });
    const made: Awaited<ReturnType<typeof createOverdueInvoice>>[] = [];
    for (let i = 0; i < 3; i++) made.push(await createOverdueInvoice(harness.prisma, made[0] ? { sameCustomerAs: made[0].customer } : {}));
    const handles = await Promise.all(
      made.map((m) => harness.client.workflow.start<typeof collectionWorkflow>(collectionWorkflowType, { workflowId: collectionWorkflowId(m.invoice.id), taskQueue: harness.taskQueue, args: [caseInput(m, policy)] })),
    );
    const row = (await eventually(
      () => harness.prisma.outboxMessage.findFirst({ where: { idempotencyKey: { startsWith: `correspondence-${made[0]!.customer.id}:message-` }, status: 'sent' } }),
      (r) => r !== null,
      15_000,
    ))!;
    const invoiceIds = made.map((m) => m.invoice.id);
    expect(((row.payload as { invoiceIds?: string[] }).invoiceIds ?? []).sort()).toEqual([...invoiceIds].sort());

    const raw = JSON.stringify([{ event: 'bounce', reason: '550 mailbox unknown', idempotency_key: row.idempotencyKey, sg_message_id: `${row.providerMessageId}.filter` }]);
    const response = await post(raw, now());
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ received: true, signalled: 1 });
    for (const handle of handles) expect(await unreachable(handle, 'email')).toEqual(['email']);
    const events = await eventually(() => harness.prisma.collectionEvent.findMany({ where: { invoiceId: { in: invoiceIds }, kind: 'delivery_failed' } }), (rows) => rows.length === 3);
    expect(events.map((e) => e.invoiceId).sort()).toEqual([...invoiceIds].sort());
    for (const event of events) expect(event).toMatchObject({ actor: 'webhook:sendgrid', details: { channel: 'email', reason: 'bounce: 550 mailbox unknown' } });
    expect((await harness.prisma.outboxMessage.findUniqueOrThrow({ where: { id: row.id } })).status).toBe('failed');
    await Promise.all(handles.map((h) => h.terminate('test done')));
  }, 30_000);

  it('refuses a signature from another key, and a stale timestamp', async () => {
    const raw = JSON.stringify([{ event: 'bounce', idempotency_key: 'x' }]);
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    expect((await post(raw, now(), other)).status).toBe(401);
    expect((await post(raw, String(Number(now()) - 3_600))).status).toBe(401);
  });

  it.each([
    ['a body that is not JSON', 'event=bounce&email=a@b.example', 'body'],
    ['JSON that is not a list of events', '{"event":"bounce"}', 'body'],
    ['events without an event name', '[{"email":"a@b.example"}]', '0.event'],
  ])('refuses a signed body that is %s with 400 naming the field, not 500', async (_, raw, field) => {
    const response = await post(raw, now());
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(((await response.json()) as { errors: { field: string }[] }).errors[0]?.field).toBe(field);
  });
});

describe('Lob webhook', () => {
  const post = (raw: string, timestamp: string, secret = lobSecret) =>
    app.request('/v1/webhooks/lob', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'lob-signature-timestamp': timestamp, 'lob-signature': createHmac('sha256', secret).update(`${timestamp}.${raw}`).digest('hex') },
      body: raw,
    });

  it('marks the postal address bad when a letter is returned to sender', async () => {
    const { handle, row } = await caseWithSent('letter');
    const raw = JSON.stringify({ event_type: { id: 'letter.returned_to_sender' }, body: { id: row.providerMessageId, object: 'letter' } });
    expect((await post(raw, now())).status).toBe(200);
    expect(await unreachable(handle, 'postalAddress')).toEqual(['postalAddress']);
    await handle.terminate('test done');
  });

  it('acknowledges a returned letter whose case is gone from Temporal (terminated) and records it', async () => {
    const { handle, row, invoiceId } = await caseWithSent('letter');
    await handle.terminate('stopped by an operator');
    const raw = JSON.stringify({ event_type: { id: 'letter.returned_to_sender' }, body: { id: row.providerMessageId, object: 'letter' } });
    const response = await post(raw, now());
    expect({ status: response.status, body: await response.json() }).toEqual({ status: 200, body: { received: true, signalled: 0 } });
    const events = await harness.prisma.collectionEvent.findMany({ where: { invoiceId, kind: 'delivery_failed_after_close' } });
    expect(events).toMatchObject([{ actor: 'webhook:lob', details: { channel: 'letter', reason: 'returned to sender', invoiceStatus: 'open' } }]);
  });

  it('refuses a forged signature', async () => {
    expect((await post('{"event_type":{"id":"letter.returned_to_sender"}}', now(), 'not-lobs-secret-at-all')).status).toBe(401);
  });

  it.each([
    ['a body that is not JSON', '<xml>letter.returned_to_sender</xml>', 'body'],
    ['JSON null', 'null', 'body'],
    ['an event without its type', '{"body":{"id":"ltr_1"}}', 'event_type'],
  ])('refuses a signed body that is %s with 400 naming the field, not 500', async (_, raw, field) => {
    const response = await post(raw, now());
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(((await response.json()) as { errors: { field: string }[] }).errors[0]?.field).toBe(field);
  });
});

describe('Twilio status callback', () => {
  const post = (params: Record<string, string>, token = twilioToken) =>
    app.request('/v1/webhooks/twilio', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilio.getExpectedTwilioSignature(token, twilioUrl, params) },
      body: new URLSearchParams(params).toString(),
    });

  it('marks the phone unreachable when an SMS is undelivered', async () => {
    const { handle, row } = await caseWithSent('sms');
    const response = await post({ MessageSid: row.providerMessageId!, MessageStatus: 'undelivered', ErrorCode: '30005' });
    expect(await response.json()).toEqual({ received: true, signalled: 1 });
    expect(await unreachable(handle, 'phone')).toEqual(['phone']);
    await handle.terminate('test done');
  });

  it('refuses a signed body that is not a status callback (JSON, not a form) with 400 naming the body', async () => {
    const raw = JSON.stringify({ MessageSid: 'SM1', MessageStatus: 'undelivered' });
    // Twilio signs the URL and the form fields; JSON decodes as one field named by the whole text.
    const signature = twilio.getExpectedTwilioSignature(twilioToken, twilioUrl, Object.fromEntries(new URLSearchParams(raw)));
    const response = await app.request('/v1/webhooks/twilio', { method: 'POST', headers: { 'content-type': 'application/json', 'x-twilio-signature': signature }, body: raw });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ status: 400, errors: [{ field: 'body' }] });
  });

  it('refuses a forged signature and ignores statuses that are not failures', async () => {
    expect((await post({ MessageSid: 'SM1', MessageStatus: 'undelivered' }, 'wrong-token')).status).toBe(401);
    expect(await (await post({ MessageSid: 'SM1', MessageStatus: 'delivered' })).json()).toEqual({ received: true, signalled: 0 });
  });
});
