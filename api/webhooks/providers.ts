import { createHmac, timingSafeEqual, verify as verifySignature } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { Hono } from 'hono';
import { z } from '@hono/zod-openapi';
import twilio from 'twilio';
import type { PrismaClient } from '../../prisma/client.js';
import { problem } from '../problem.js';
import { reportDeliveryFailure } from './delivery-failures.js';
import { checkEvent, parseSignedJson } from './signed-body.js';

export interface ProviderWebhookSettings {
  /** SendGrid's Event Webhook verification key (base64 DER, as SendGrid shows it). */
  readonly sendgridPublicKey?: string;
  readonly lobSecret?: string;
  /** Twilio signs with the account's auth token over the exact URL it called. */
  readonly twilioAuthToken?: string;
  readonly twilioWebhookUrl?: string;
}

const WINDOW_SECONDS = 600;
const SENDGRID_FAILURES = new Set(['bounce', 'dropped', 'spamreport', 'unsubscribe', 'group_unsubscribe']);
/** The fields we read of each provider's events; the rest of an event is theirs and passes untouched. */
const sendgridEvents = z.array(z.looseObject({ event: z.string(), reason: z.string().optional(), sg_message_id: z.string().optional(), idempotency_key: z.string().optional() }));
const lobEvent = z.looseObject({
  event_type: z.looseObject({ id: z.string() }),
  body: z.looseObject({ id: z.string().optional(), metadata: z.looseObject({ idempotency_key: z.string().optional() }).nullish() }).optional(),
});
/** A Twilio status callback names the message or the call it is about. */
const twilioCallback = z.record(z.string(), z.string()).refine((params) => Boolean(params.MessageSid || params.CallSid), 'must be a Twilio status callback: a form with MessageSid or CallSid');

const withinWindow = (timestamp: string | undefined, now: number) => timestamp !== undefined && /^\d+$/.test(timestamp) && Math.abs(now - Number(timestamp)) <= WINDOW_SECONDS;

/** Delivery events from SendGrid (bounces, drops), Lob (returned letters) and Twilio (failed SMS and calls), each verified as its provider signs. */
export function providerWebhooks(deps: { prisma: PrismaClient; temporal: Client }, settings: ProviderWebhookSettings, now = () => Math.floor(Date.now() / 1000)): Hono {
  const routes = new Hono();

  if (settings.sendgridPublicKey) {
    const key = { key: Buffer.from(settings.sendgridPublicKey, 'base64'), format: 'der' as const, type: 'spki' as const };
    routes.post('/v1/webhooks/sendgrid', async (c) => {
      const raw = await c.req.text();
      const signature = c.req.header('x-twilio-email-event-webhook-signature');
      const timestamp = c.req.header('x-twilio-email-event-webhook-timestamp');
      // SendGrid signs timestamp + raw body with ECDSA P-256 / SHA-256.
      const valid = signature && withinWindow(timestamp, now()) && verifySignature('sha256', Buffer.from(`${timestamp}${raw}`), key, Buffer.from(signature, 'base64'));
      if (!valid) return problem(c, 401, { title: 'Unauthorized', detail: 'SendGrid event signature or timestamp refused.' });
      const parsed = parseSignedJson(c, raw, sendgridEvents, 'SendGrid');
      if (!parsed.ok) return parsed.answer;
      let signalled = 0;
      for (const event of parsed.event) {
        if (!SENDGRID_FAILURES.has(event.event)) continue;
        const outcome = await reportDeliveryFailure(deps, { lookup: { ...(event.idempotency_key ? { idempotencyKey: event.idempotency_key } : {}), ...(event.sg_message_id ? { providerMessageId: event.sg_message_id.split('.')[0]! } : {}) }, channel: 'email', reason: `${event.event}${event.reason ? `: ${event.reason}` : ''}`, actor: 'webhook:sendgrid' });
        if (outcome === 'signalled') signalled += 1;
      }
      return c.json({ received: true, signalled });
    });
  }

  if (settings.lobSecret) {
    const secret = settings.lobSecret;
    routes.post('/v1/webhooks/lob', async (c) => {
      const raw = await c.req.text();
      const timestamp = c.req.header('lob-signature-timestamp');
      const given = Buffer.from(c.req.header('lob-signature') ?? '', 'hex');
      const expected = createHmac('sha256', secret).update(`${timestamp}.${raw}`).digest();
      if (!withinWindow(timestamp, now()) || given.length !== expected.length || !timingSafeEqual(given, expected)) {
        return problem(c, 401, { title: 'Unauthorized', detail: 'Lob signature or timestamp refused.' });
      }
      const parsed = parseSignedJson(c, raw, lobEvent, 'Lob');
      if (!parsed.ok) return parsed.answer;
      const event = parsed.event;
      if (event.event_type.id !== 'letter.returned_to_sender' || !event.body?.id) return c.json({ received: true, signalled: 0 });
      const key = event.body.metadata?.idempotency_key;
      const outcome = await reportDeliveryFailure(deps, { lookup: key ? { idempotencyKey: key } : { providerMessageId: event.body.id }, channel: 'letter', reason: 'returned to sender', actor: 'webhook:lob' });
      return c.json({ received: true, signalled: outcome === 'signalled' ? 1 : 0 });
    });
  }

  if (settings.twilioAuthToken && settings.twilioWebhookUrl) {
    const { twilioAuthToken: token, twilioWebhookUrl: url } = settings;
    routes.post('/v1/webhooks/twilio', async (c) => {
      const params = Object.fromEntries(new URLSearchParams(await c.req.text()));
      if (!twilio.validateRequest(token, c.req.header('x-twilio-signature') ?? '', url, params)) {
        return problem(c, 401, { title: 'Unauthorized', detail: 'Twilio signature refused.' });
      }
      // Any text decodes as a form: a signed body that is not a status callback is refused here.
      const callback = checkEvent(c, params, twilioCallback, 'Twilio');
      if (!callback.ok) return callback.answer;
      const failedSms = params.MessageSid && (params.MessageStatus === 'undelivered' || params.MessageStatus === 'failed');
      const failedCall = params.CallSid && params.CallStatus === 'failed';
      if (!failedSms && !failedCall) return c.json({ received: true, signalled: 0 });
      const outcome = await reportDeliveryFailure(deps, {
        lookup: { providerMessageId: (failedSms ? params.MessageSid : params.CallSid)! },
        channel: failedSms ? 'sms' : 'call_task',
        reason: `${failedSms ? params.MessageStatus : params.CallStatus}${params.ErrorCode ? ` (Twilio ${params.ErrorCode})` : ''}`,
        actor: 'webhook:twilio',
      });
      return c.json({ received: true, signalled: outcome === 'signalled' ? 1 : 0 });
    });
  }
  return routes;
}
