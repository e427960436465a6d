import { randomUUID } from 'node:crypto';
import { defaultPolicy } from '../../domain/default-policy.js';
import { type CollectionPolicy, parsePolicy } from '../../domain/policy.js';
import type { PrismaClient } from '../../prisma/client.js';
import { caseInputFromRows, contactFromRow } from '../../api/services/case-input.js';
import type { CollectionWorkflowInput } from '../../workflows/definitions.js';
import { utcMidnight } from './clock.js';

export interface CustomerOverrides {
  email?: string | null;
  phone?: string | null;
  withAddress?: boolean;
  addressLine1?: string;
}

/** A customer and an overdue invoice in the database, as the API will create them, and the case input for it. */
export async function createOverdueInvoice(prisma: PrismaClient, overrides: { amountMinor?: bigint; currency?: string; customer?: CustomerOverrides; sameCustomerAs?: { id: string } } = {}) {
  const suffix = randomUUID().slice(0, 8);
  const amountMinor = overrides.amountMinor ?? 125_000n;
  const c = overrides.customer ?? {};
  const withAddress = c.withAddress ?? true;
  const customer = overrides.sameCustomerAs ? await prisma.customer.findUniqueOrThrow({ where: { id: overrides.sameCustomerAs.id } }) : await prisma.customer.create({
    data: {
      source: 'test-erp',
      externalId: `CUST-${suffix}`,
      name: 'Müller Großhandel GmbH',
      billingEmail: c.email === undefined ? 'ap@mueller-grosshandel.example' : c.email,
      phone: c.phone === undefined ? '+4930123456' : c.phone,
      ...(withAddress ? { addressLine1: c.addressLine1 ?? 'Hauptstraße 1', city: 'Berlin', postalCode: '10115', country: 'DE' } : {}),
      timezone: 'Europe/Berlin',
      locale: 'de-DE',
    },
  });
  const invoice = await prisma.invoice.create({
    data: {
      source: 'test-erp',
      externalId: `INV-${suffix}`,
      number: `N-${suffix}`,
      customerId: customer.id,
      issueDate: utcMidnight(-60),
      dueDate: utcMidnight(-30),
      amountMinor,
      balanceMinor: amountMinor,
      currency: overrides.currency ?? 'EUR',
      paymentLink: `https://pay.example/${suffix}`,
    },
  });
  const contact = contactFromRow(customer);
  return { customer, invoice, contact };
}

/** A ladder in seconds (the day-scale schedule is unit-tested): email, letter, fee, call, legal; no prior-notice rule. */
export function secondScalePolicy(overrides: Partial<CollectionPolicy> = {}): CollectionPolicy {
  return parsePolicy({
    ...defaultPolicy,
    name: 'test-seconds',
    graceDays: 0,
    sendingWindows: null,
    steps: [
      { id: 'reminder', offset: 'PT1S', actions: [{ type: 'email', template: 'overdue_notice' }] },
      { id: 'letter', offset: 'PT2S', actions: [{ type: 'letter', template: 'formal_letter' }] },
      { id: 'late_fee', offset: 'PT3S', actions: [{ type: 'late_fee' }] },
      { id: 'call', offset: 'PT4S', actions: [{ type: 'call_task', template: 'collector_call' }] },
      { id: 'legal', offset: 'PT5S', actions: [{ type: 'legal_handoff' }] },
    ],
    feeRule: { kind: 'flat', amountMinor: 4_000, recurrence: 'once' },
    installmentReminderBefore: 'PT1S',
    installmentGrace: 'PT1S',
    // Each message leaves at once: consolidation and caps are tested on their own (test/correspondence.test.ts).
    consolidation: undefined,
    contactCaps: undefined,
    // The ladders of these tests predate the prior-notice rule (the default's is in days); tests of it set their own.
    priorNotice: {},
    ...overrides,
  });
}

export function caseInput(
  made: { invoice: Parameters<typeof caseInputFromRows>[0]; customer: Parameters<typeof caseInputFromRows>[1] },
  policy: CollectionPolicy = secondScalePolicy(),
  scheduleAnchor: Date | undefined = new Date(),
): CollectionWorkflowInput {
  return { ...caseInputFromRows(made.invoice, made.customer, policy), ...(scheduleAnchor ? { scheduleAnchor: scheduleAnchor.toISOString() } : {}) };
}
