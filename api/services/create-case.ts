import type { Client } from '@temporalio/client';
import type { Priority } from '@temporalio/common';
import { type CustomerPause, type InvoiceStatus, Prisma, type PrismaClient } from '../../prisma/client.js';
import { rawRows } from '../../prisma/raw-rows.js';
import { type KeyClaim, keyClaimCtes, type RouteKeyClaim } from '../idempotency/key-claim.js';
import { collectionWorkflowId } from '../../workflows/definitions.js';
import type { CreateInvoice } from '../schemas/invoice.js';
import { caseWorkflowId } from './case-command.js';
import { isClosedStatus } from './closed-case.js';
import { activePauseWhere, notePausedCase } from './customer-pause.js';
import { storedDefaultPolicyId, storedPolicies } from './policy-cache.js';
import { casePolicy, startCase } from './start-case.js';

export type CreateCaseOutcome =
  | { readonly kind: 'created' | 'existing'; readonly invoiceId: string; readonly workflowId: string; readonly invoiceStatus: InvoiceStatus; readonly balanceMinor: bigint }
  | { readonly kind: 'unknown_policy'; readonly field: string; readonly ref: string }
  | { readonly kind: 'conflict'; readonly invoiceId: string; readonly fields: string[] }
  /** The request's Idempotency-Key is held by another request: nothing was written. */
  | { readonly kind: 'key_taken' };

interface Dependencies {
  readonly prisma: PrismaClient;
  readonly temporal: Client;
  readonly taskQueue: string;
}

/** What identifies the invoice's content: the same external id with any of these different is a conflict. */
function differingFields(existing: { number: string; issueDate: Date; dueDate: Date; amountMinor: bigint; currency: string; paymentLink: string | null; customer: { externalId: string } }, body: CreateInvoice): string[] {
  const fields: string[] = [];
  if (existing.number !== body.number) fields.push('number');
  if (existing.customer.externalId !== body.customer.externalId) fields.push('customer.externalId');
  if (existing.issueDate.toISOString().slice(0, 10) !== body.issueDate) fields.push('issueDate');
  if (existing.dueDate.toISOString().slice(0, 10) !== body.dueDate) fields.push('dueDate');
  if (existing.amountMinor !== BigInt(body.amountMinor)) fields.push('amountMinor');
  if (existing.currency !== body.currency) fields.push('currency');
  if ((existing.paymentLink ?? undefined) !== body.paymentLink) fields.push('paymentLink');
  return fields;
}

/** One row of the create statement: the invoice (new or found), its customer as now stored, the default policy's id and the customer's pause in force. */
interface CreateRow {
  created: boolean;
  id: string;
  number: string;
  customer_id: string;
  customer_external_id: string;
  issue_date: Date;
  due_date: Date;
  amount_minor: bigint;
  balance_minor: bigint;
  currency: string;
  status: InvoiceStatus;
  payment_link: string | null;
  policy_id: string | null;
  workflow_id: string | null;
  c_name: string;
  c_billing_email: string | null;
  c_phone: string | null;
  c_address_line1: string | null;
  c_address_line2: string | null;
  c_city: string | null;
  c_region: string | null;
  c_postal_code: string | null;
  c_country: string | null;
  c_timezone: string;
  c_locale: string;
  c_policy_id: string | null;
  default_policy_id: string | null;
  pause_id: string | null;
  pause_reason: string | null;
  pause_paused_by: string | null;
  pause_paused_at: Date | null;
  pause_until: Date | null;
}

/** The statement's one row: whether it claimed the request's key, and the invoice's columns (all null when a concurrent request inserted it, or when the key was not claimed). */
type StatementRow = { key_claimed: boolean } & (CreateRow | { [column in keyof CreateRow]: null });

/**
 * One statement, one round trip, one transaction: claims the request's Idempotency-Key, if it
 * has one (nothing else is written unless the claim succeeds), upserts the customer (INSERT … ON CONFLICT DO
 * UPDATE is atomic, also when two requests bring the same new customer at once), inserts the
 * invoice unless its (source, externalId) exists, and answers the invoice (new or existing), the
 * customer as stored, which policy is the default now, and the customer's pause in force.
 * Always one row; the invoice's columns are null when it was inserted by a concurrent request after
 * this statement's snapshot (or when the key was not claimed).
 *
 * The pause is read by `active_customer_pause` (a migration) after the upsert holds the customer's
 * row, with a snapshot of its own: a pause takes that row's lock first (customer-pause.ts), so a
 * pause that committed while this statement waited is seen. A pause that locks the row after this
 * statement committed lists this invoice, and starts the case itself if it is not running yet.
 */
function createStatement(body: CreateInvoice, ids: { invoiceId: string; invoicePolicyId: string | null; customerPolicyId: string | null }, keyClaim: KeyClaim | undefined) {
  const c = body.customer;
  const a = c.postalAddress;
  return Prisma.sql`
    WITH ${keyClaimCtes(keyClaim)}, customer AS (
      INSERT INTO customers (source, external_id, name, billing_email, phone, address_line1, address_line2, city, region, postal_code, country, timezone, locale, tier, policy_id)
      SELECT ${body.source}::text, ${c.externalId}::text, ${c.name}::text, ${c.email ?? null}::text, ${c.phone ?? null}::text, ${a?.line1 ?? null}::text, ${a?.line2 ?? null}::text, ${a?.city ?? null}::text,
             ${a?.region ?? null}::text, ${a?.postalCode ?? null}::text, ${a?.country ?? null}::text, ${c.timezone}::text, ${c.locale}::text, ${c.tier ?? null}::text, ${ids.customerPolicyId}::uuid
      FROM key_claimed WHERE key_claimed.claimed
      ON CONFLICT (source, external_id) DO UPDATE SET
        name = EXCLUDED.name, billing_email = EXCLUDED.billing_email, phone = EXCLUDED.phone,
        address_line1 = EXCLUDED.address_line1, address_line2 = EXCLUDED.address_line2, city = EXCLUDED.city, region = EXCLUDED.region,
        postal_code = EXCLUDED.postal_code, country = EXCLUDED.country, timezone = EXCLUDED.timezone, locale = EXCLUDED.locale, tier = EXCLUDED.tier,
        policy_id = COALESCE(EXCLUDED.policy_id, customers.policy_id), updated_at = now()
      RETURNING *
    ), inserted AS (
      INSERT INTO invoices (id, source, external_id, number, customer_id, issue_date, due_date, amount_minor, balance_minor, currency, payment_link, policy_id, workflow_id)
      SELECT ${ids.invoiceId}::uuid, ${body.source}::text, ${body.externalId}::text, ${body.number}::text, customer.id, ${body.issueDate}::date, ${body.dueDate}::date,
             ${body.amountMinor}::bigint, ${body.amountMinor}::bigint, ${body.currency}::text, ${body.paymentLink ?? null}::text, ${ids.invoicePolicyId}::uuid, ${collectionWorkflowId(ids.invoiceId)}::text
      FROM customer
      ON CONFLICT (source, external_id) DO NOTHING
      RETURNING id, number, customer_id, issue_date, due_date, amount_minor, balance_minor, currency, status, payment_link, policy_id, workflow_id
    ), invoice AS (
      SELECT true AS created, inserted.*, (SELECT external_id FROM customer) AS customer_external_id FROM inserted
      UNION ALL
      SELECT false, i.id, i.number, i.customer_id, i.issue_date, i.due_date, i.amount_minor, i.balance_minor, i.currency, i.status, i.payment_link, i.policy_id, i.workflow_id, c.external_id
      FROM invoices i JOIN customers c ON c.id = i.customer_id
      WHERE i.source = ${body.source} AND i.external_id = ${body.externalId} AND NOT EXISTS (SELECT 1 FROM inserted)
    )
    SELECT key_claimed.claimed AS key_claimed, invoice.created, invoice.id::text, invoice.number, invoice.customer_id::text, invoice.customer_external_id, invoice.issue_date, invoice.due_date,
           invoice.amount_minor, invoice.balance_minor, invoice.currency::text, invoice.status::text, invoice.payment_link, invoice.policy_id::text, invoice.workflow_id,
           customer.name AS c_name, customer.billing_email AS c_billing_email, customer.phone AS c_phone, customer.address_line1 AS c_address_line1,
           customer.address_line2 AS c_address_line2, customer.city AS c_city, customer.region AS c_region, customer.postal_code AS c_postal_code,
           customer.country::text AS c_country, customer.timezone AS c_timezone, customer.locale AS c_locale, customer.policy_id::text AS c_policy_id,
           (SELECT id::text FROM collection_policies WHERE is_default ORDER BY created_at DESC LIMIT 1) AS default_policy_id,
           pause.id::text AS pause_id, pause.reason AS pause_reason, pause.paused_by AS pause_paused_by, pause.paused_at AS pause_paused_at, pause.until AS pause_until
    FROM key_claimed LEFT JOIN (
      invoice CROSS JOIN customer
      LEFT JOIN LATERAL active_customer_pause(customer.id) pause ON true
    ) ON true`;
}

/** The same columns as the statement's, read by a later statement: for the invoice a concurrent request inserted. */
async function rowOfConcurrentInsert(prisma: PrismaClient, body: CreateInvoice): Promise<CreateRow> {
  const invoice = await prisma.invoice.findUniqueOrThrow({ where: { source_externalId: { source: body.source, externalId: body.externalId } }, include: { customer: true } });
  const [defaultPolicyId, pause] = await Promise.all([
    storedDefaultPolicyId(prisma),
    prisma.customerPause.findFirst({ where: activePauseWhere(invoice.customerId), orderBy: { pausedAt: 'desc' } }),
  ]);
  const c = invoice.customer;
  return {
    created: false, id: invoice.id, number: invoice.number, customer_id: invoice.customerId, customer_external_id: c.externalId, issue_date: invoice.issueDate, due_date: invoice.dueDate,
    amount_minor: invoice.amountMinor, balance_minor: invoice.balanceMinor, currency: invoice.currency, status: invoice.status, payment_link: invoice.paymentLink, policy_id: invoice.policyId, workflow_id: invoice.workflowId,
    c_name: c.name, c_billing_email: c.billingEmail, c_phone: c.phone, c_address_line1: c.addressLine1, c_address_line2: c.addressLine2, c_city: c.city, c_region: c.region, c_postal_code: c.postalCode,
    c_country: c.country, c_timezone: c.timezone, c_locale: c.locale, c_policy_id: c.policyId, default_policy_id: defaultPolicyId,
    pause_id: pause?.id ?? null, pause_reason: pause?.reason ?? null, pause_paused_by: pause?.pausedBy ?? null, pause_paused_at: pause?.pausedAt ?? null, pause_until: pause?.until ?? null,
  };
}

/**
 * Creates the invoice (upserting its customer) and starts its collection workflow. The same
 * invoice sent again returns the existing case; the same external id with other content is a
 * conflict naming the fields. Safe to call concurrently and to retry after a crash: the database
 * row and the workflow id are both unique, and a start that finds the workflow running is fine.
 *
 * A case that has ended is never started again. The invoice row decides first (it outlives the
 * run, which Temporal forgets after its retention period); the start refuses any earlier run of
 * the id as well (REJECT_DUPLICATE), which covers a case that ended after the row was read.
 *
 * With `keyClaim` (the route's Idempotency-Key) the statement claims the key too, storing the
 * claim's provisional answer with it, and 'key_taken' means another request holds it: nothing
 * was written.
 *
 * Round trips: one statement (key, customer, invoice, default policy, pause) before the start, plus a
 * policy read the first time a version is seen by this process (README "Benchmarks"), and one
 * after it only for a customer already paused (to note the case under the pause).
 */
export async function createCase(
  { prisma, temporal, taskQueue }: Dependencies,
  body: CreateInvoice,
  actor: string,
  { priority, keyClaim, invoiceId = crypto.randomUUID() }: { priority?: Priority; keyClaim?: RouteKeyClaim; /** The new invoice's id, when the caller names it first (a provisional answer). */ invoiceId?: string } = {},
): Promise<CreateCaseOutcome> {
  const policies = storedPolicies(prisma);
  const c = body.customer;
  const [invoicePolicy, customerPolicy] = await Promise.all([body.policy ? policies.find(body.policy) : null, c.policy ? policies.find(c.policy) : null]);
  if (body.policy && !invoicePolicy) return { kind: 'unknown_policy', field: 'policy', ref: `${body.policy.name}@${body.policy.version}` };
  if (c.policy && !customerPolicy) return { kind: 'unknown_policy', field: 'customer.policy', ref: `${c.policy.name}@${c.policy.version}` };

  const [claimedRow] = await rawRows<StatementRow>(prisma, createStatement(body, { invoiceId, invoicePolicyId: invoicePolicy?.id ?? null, customerPolicyId: customerPolicy?.id ?? null }, keyClaim), { preparedAs: 'create-case' });
  if (!claimedRow?.key_claimed) return { kind: 'key_taken' };
  if (keyClaim) keyClaim.claimed = true;
  const row = claimedRow.id !== null ? claimedRow : await rowOfConcurrentInsert(prisma, body);
  const invoice = {
    id: row.id, number: row.number, workflowId: row.workflow_id, status: row.status, amountMinor: row.amount_minor, balanceMinor: row.balance_minor, currency: row.currency,
    issueDate: row.issue_date, dueDate: row.due_date, paymentLink: row.payment_link, customer: { externalId: row.customer_external_id },
  };
  if (!row.created) {
    const fields = differingFields(invoice, body);
    if (fields.length > 0) return { kind: 'conflict', invoiceId: invoice.id, fields };
  }

  const existingAnswer = { kind: 'existing', invoiceId: invoice.id, workflowId: caseWorkflowId(invoice), invoiceStatus: invoice.status, balanceMinor: invoice.balanceMinor } as const;
  if (!row.created && isClosedStatus(invoice.status)) return existingAnswer;

  const customer = {
    id: row.customer_id, name: row.c_name, billingEmail: row.c_billing_email, phone: row.c_phone, addressLine1: row.c_address_line1, addressLine2: row.c_address_line2,
    city: row.c_city, region: row.c_region, postalCode: row.c_postal_code, country: row.c_country, timezone: row.c_timezone, locale: row.c_locale,
  };
  const policy = await casePolicy(prisma, { invoice: row.policy_id, customer: row.c_policy_id, storedDefault: row.default_policy_id });
  // The pause in force when the statement held the customer's row; a later pause finds this invoice and pauses (or starts) its case.
  const pause: CustomerPause | null = row.pause_id
    ? { id: row.pause_id, customerId: customer.id, reason: row.pause_reason!, pausedBy: row.pause_paused_by!, pausedAt: row.pause_paused_at!, until: row.pause_until, resumedBy: null, resumedAt: null }
    : null;
  const started = await startCase(temporal, taskQueue, { invoice: { ...invoice, source: body.source, externalId: body.externalId }, customer, policy, pause, startedBy: actor, ...(priority ? { priority } : {}) });
  if (started === 'started' && pause) await notePausedCase(prisma, pause.id, invoice.id);
  return row.created ? { ...existingAnswer, kind: 'created' } : existingAnswer;
}
