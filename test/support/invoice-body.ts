import { randomUUID } from 'node:crypto';
import { isoDay } from './clock.js';

/** An invoice as an ERP POSTs it to /v1/invoices (tests and benches). */
export interface InvoiceBody {
  source: string;
  externalId: string;
  number: string;
  customer: { externalId: string; name: string; email: string; phone: string; postalAddress: { line1: string; city: string; postalCode: string; country: string }; timezone: string; locale: string };
  issueDate: string;
  dueDate: string;
  amountMinor: number;
  currency: string;
  paymentLink: string;
  policy?: { name: string; version: number };
}

/** A new invoice of a new customer; overrides may replace any field (or add a wrong one, to be refused). */
export function invoiceBody(overrides: Record<string, unknown> = {}): InvoiceBody {
  const suffix = randomUUID().slice(0, 13);
  return {
    source: 'erp-test',
    externalId: `INV-${suffix}`,
    number: `N-${suffix}`,
    customer: {
      externalId: `CUST-${suffix}`,
      name: 'Acme Wholesale Ltd',
      email: 'ap@acme.example',
      phone: '+442071234567',
      postalAddress: { line1: '1 High Street', city: 'London', postalCode: 'EC1A 1AA', country: 'GB' },
      timezone: 'Europe/London',
      locale: 'en-GB',
    },
    // Far enough ahead that even the courtesy reminder (3 days before) is not due: stage `upcoming`.
    issueDate: isoDay(-30),
    dueDate: isoDay(30),
    amountMinor: 125_000,
    currency: 'GBP',
    paymentLink: 'https://pay.example/x',
    ...overrides,
  } as InvoiceBody;
}
