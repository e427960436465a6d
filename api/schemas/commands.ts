import { z } from '@hono/zod-openapi';
import { currencyCode, identifier, instant, minorUnits, text } from './common.js';

export const recordPaymentSchema = z
  .object({
    paymentId: identifier(255).openapi({ example: 'pi_3PqR2s', description: 'The payment processor’s id: a payment id seen before changes nothing.' }),
    amountMinor: minorUnits,
    currency: currencyCode,
    method: text(64).openapi({ example: 'bank_transfer' }),
    receivedAt: instant.optional().openapi({ description: 'When the money arrived; default: now.' }),
  })
  .strict()
  .openapi('RecordPayment');

export const invoiceIdParam = z.object({ invoiceId: z.uuid('must be a case id (the invoice id, a UUID)').openapi({ param: { name: 'invoiceId', in: 'path' } }) });
