import { randomUUID } from 'node:crypto';
import type { PrismaClient } from '../../prisma/client.js';

/** A customer and an overdue invoice in the database, as the API will create them. */
export async function createOverdueInvoice(prisma: PrismaClient, overrides: { amountMinor?: bigint; currency?: string } = {}) {
  const suffix = randomUUID().slice(0, 8);
  const amountMinor = overrides.amountMinor ?? 125_000n;
  const customer = await prisma.customer.create({
    data: {
      source: 'test-erp',
      externalId: `CUST-${suffix}`,
      name: 'Müller Großhandel GmbH',
      billingEmail: 'ap@mueller-grosshandel.example',
      phone: '+4930123456',
      addressLine1: 'Hauptstraße 1',
      city: 'Berlin',
      postalCode: '10115',
      country: 'DE',
      timezone: 'Europe/Berlin',
      locale: 'de-DE',
    },
  });
  const invoice = await prisma.invoice.create({
    data: {
      source: 'test-erp',
      externalId: `INV-${suffix}`,
      number: `2026-${suffix}`,
      customerId: customer.id,
      issueDate: new Date('2026-10-01'),
      dueDate: new Date('2026-10-31'),
      amountMinor,
      balanceMinor: amountMinor,
      currency: overrides.currency ?? 'EUR',
    },
  });
  return { customer, invoice };
}
