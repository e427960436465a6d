import { z } from '@hono/zod-openapi';
import { Hono } from 'hono';
import { problem } from '../problem.js';
import { currencyCode, identifier, minorUnits, receivedAt, text } from '../schemas/common.js';
import { type PaymentDependencies, recordPayment } from '../services/payment-command.js';
import { verify } from './signature.js';
import { parseSignedJson } from './signed-body.js';

const paymentEvent = z
  .object({
    id: identifier(255),
    type: z.literal('payment.succeeded', { message: 'only payment.succeeded events are accepted' }),
    data: z
      .object({
        paymentId: identifier(255),
        invoiceId: z.uuid('must be the case id (invoice id) the payment was made for'),
        amountMinor: minorUnits,
        currency: currencyCode,
        method: text(64),
        receivedAt,
      })
      .strict(),
  })
  .strict();

/**
 * POST /v1/webhooks/payments from the payment processor: authenticated by its HMAC signature
 * (no API key: processors sign instead), then the same path as the payments route: the case's
 * validated update, or, once the case has ended, the payment recorded on the invoice. A replayed
 * event finds its payment id already applied and changes nothing.
 */
export function paymentWebhook({ secret, now = () => Date.now(), ...deps }: PaymentDependencies & { secret: string; now?: () => number }): Hono {
  const routes = new Hono();
  routes.post('/v1/webhooks/payments', async (c) => {
    const raw = await c.req.text();
    const check = verify(secret, raw, c.req.header('x-signature'), Math.floor(now() / 1000));
    if (!check.ok) return problem(c, 401, { title: 'Unauthorized', detail: `Webhook signature refused: ${check.reason}.` });
    const parsed = parseSignedJson(c, raw, paymentEvent, 'payment');
    if (!parsed.ok) return parsed.answer;
    const { id, data } = parsed.event;
    const payment = { paymentId: data.paymentId, amountMinor: data.amountMinor, currency: data.currency, method: data.method, receivedAt: data.receivedAt, actor: `webhook:payments:${id}` };
    const outcome = await recordPayment(c, deps, data.invoiceId, payment);
    if ('answer' in outcome) return outcome.answer;
    // A case that had ended: the payment is recorded on the invoice; 200 tells the processor to stop retrying.
    if ('afterClose' in outcome) return c.json({ received: true, ...outcome.afterClose });
    return c.json({ received: true, balanceMinor: outcome.view.balanceMinor, stage: outcome.view.stage });
  });
  return routes;
}
