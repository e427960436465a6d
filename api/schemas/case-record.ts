import { z } from '@hono/zod-openapi';
import { CollectionAction, EventCategory, FeeEntryKind, InvoiceStatus, type Prisma } from '../../prisma/client.js';
import type { Jsonified } from '../json.js';
import { caseViewSchema } from './case-view.js';
import { assertSameType, type SameType } from './same-type.js';

/** The invoice as the database records it (GET /v1/cases/{invoiceId}): each schema is the row's JSON, checked against the Prisma model at compile time. */
const instant = z.string().openapi({ format: 'date-time' });
const minor = z.number().int();
const uuid = z.string().openapi({ format: 'uuid' });
const jsonColumn = z.unknown().openapi({ description: 'JSON: its shape depends on the kind of entry.' });

export const customerRecordSchema = z
  .strictObject({
    id: uuid,
    source: z.string(),
    externalId: z.string(),
    name: z.string(),
    billingEmail: z.string().nullable(),
    phone: z.string().nullable(),
    addressLine1: z.string().nullable(),
    addressLine2: z.string().nullable(),
    city: z.string().nullable(),
    region: z.string().nullable(),
    postalCode: z.string().nullable(),
    country: z.string().nullable(),
    timezone: z.string(),
    locale: z.string(),
    tier: z.string().nullable(),
    policyId: uuid.nullable(),
    createdAt: instant,
    updatedAt: instant,
  })
  .openapi('CustomerRecord');

const paymentRecordSchema = z
  .strictObject({
    id: uuid,
    invoiceId: uuid,
    externalPaymentId: z.string(),
    amountMinor: minor,
    currency: z.string(),
    method: z.string(),
    actor: z.string(),
    receivedAt: instant,
    recordedAt: instant,
  })
  .openapi('PaymentRecord');

const feeEntryRecordSchema = z
  .strictObject({
    id: uuid,
    invoiceId: uuid,
    idempotencyKey: z.string(),
    kind: z.enum(FeeEntryKind),
    amountMinor: minor.openapi({ description: 'Signed: fees positive, waivers negative.' }),
    currency: z.string(),
    rule: jsonColumn,
    balanceAfterMinor: minor,
    actor: z.string(),
    postedAt: instant,
  })
  .openapi('FeeEntryRecord');

export const invoiceRecordSchema = z
  .strictObject({
    id: uuid,
    source: z.string(),
    externalId: z.string(),
    number: z.string(),
    customerId: uuid,
    issueDate: instant.openapi({ description: 'The date, at 00:00 UTC.' }),
    dueDate: instant.openapi({ description: 'The date, at 00:00 UTC.' }),
    amountMinor: minor,
    balanceMinor: minor,
    currency: z.string(),
    status: z.enum(InvoiceStatus),
    paymentLink: z.string().nullable(),
    policyId: uuid.nullable(),
    workflowId: z.string().nullable(),
    createdAt: instant,
    updatedAt: instant,
    customer: customerRecordSchema,
    payments: z.array(paymentRecordSchema),
    feeEntries: z.array(feeEntryRecordSchema),
  })
  .openapi('InvoiceRecord');

export const collectionEventSchema = z
  .strictObject({
    id: uuid,
    invoiceId: uuid,
    category: z.enum(EventCategory),
    kind: z.string(),
    action: z.enum(CollectionAction).nullable(),
    provider: z.string().nullable(),
    providerMessageId: z.string().nullable(),
    idempotencyKey: z.string().nullable(),
    sequence: z.number().int().nullable(),
    actor: z.string(),
    details: jsonColumn,
    occurredAt: instant,
    recordedAt: instant,
  })
  .openapi('CollectionEvent');

export const caseRecordSchema = z
  .strictObject({
    invoice: invoiceRecordSchema,
    // null when Temporal no longer holds the case (it ended long ago). A union, not .nullable(): a
    // nullable registered schema would be written as the CaseView component itself.
    state: z.union([caseViewSchema, z.null()]),
    events: z.array(collectionEventSchema).openapi({ description: 'The audit log, in the order the case recorded it.' }),
  })
  .openapi('CaseRecord');

/** The rows the case route reads, as queried there. */
export const caseRecordInclude = { customer: true, payments: true, feeEntries: true } as const satisfies Prisma.InvoiceInclude;
type InvoiceRow = Prisma.InvoiceGetPayload<{ include: typeof caseRecordInclude }>;
type EventRow = Prisma.CollectionEventGetPayload<object>;

assertSameType<SameType<z.output<typeof invoiceRecordSchema>, Jsonified<InvoiceRow>>>();
assertSameType<SameType<z.output<typeof collectionEventSchema>, Jsonified<EventRow>>>();
