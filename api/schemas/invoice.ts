import { z } from '@hono/zod-openapi';
import { currencyCode, identifier, locale, minorUnits, plausibleDate, text, timezone } from './common.js';

export const policyRefSchema = z
  .object({ name: z.string().min(1).max(128), version: z.number().int().positive() })
  .strict()
  .openapi('PolicyRef', { description: 'A stored collection policy version (see POST /v1/policies).' });

export const postalAddressSchema = z
  .object({
    line1: text(255),
    line2: text(255).optional(),
    city: text(128),
    region: text(128).optional(),
    postalCode: text(32),
    country: z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 country code, like DE'),
  })
  .openapi('PostalAddress');

export const customerSchema = z
  .object({
    externalId: identifier(128).openapi({ example: 'CUST-1001' }),
    name: text(255).openapi({ example: 'Müller Großhandel GmbH' }),
    email: z.email('must be an email address').max(320).optional().openapi({ example: 'ap@mueller.example' }),
    phone: z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 phone number, like +4930123456').optional(),
    postalAddress: postalAddressSchema.optional(),
    timezone,
    locale,
    tier: text(32).optional(),
    policy: policyRefSchema.optional().openapi({ description: 'This customer’s policy; the invoice’s own policy wins, the default policy is the fallback.' }),
  })
  .strict()
  .openapi('Customer');

export const createInvoiceSchema = z
  .object({
    source: identifier(64).openapi({ example: 'erp-main', description: 'The system the invoice comes from; external ids are unique per source.' }),
    externalId: identifier(128).openapi({ example: 'INV-2026-0042' }),
    number: text(64).openapi({ example: '2026-0042' }),
    customer: customerSchema,
    issueDate: plausibleDate,
    dueDate: plausibleDate,
    amountMinor: minorUnits,
    currency: currencyCode,
    paymentLink: z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).max(2048).optional(),
    policy: policyRefSchema.optional(),
  })
  .strict()
  .refine((invoice) => invoice.issueDate <= invoice.dueDate, { message: 'must not be before issueDate', path: ['dueDate'] })
  .openapi('CreateInvoice');

export type CreateInvoice = z.infer<typeof createInvoiceSchema>;
