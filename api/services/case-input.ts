import type { CollectionPolicy } from '../../domain/policy.js';
import type { CollectionWorkflowInput, CustomerContact } from '../../workflows/definitions.js';
import { holidayYearsFor, publicHolidays } from './public-holidays.js';

export interface InvoiceRow {
  id: string;
  number: string;
  amountMinor: bigint;
  balanceMinor: bigint;
  currency: string;
  dueDate: Date;
  paymentLink: string | null;
}
export interface CustomerRow {
  id: string;
  name: string;
  billingEmail: string | null;
  phone: string | null;
  addressLine1: string | null;
  addressLine2: string | null;
  city: string | null;
  region: string | null;
  postalCode: string | null;
  country: string | null;
  timezone: string;
  locale: string;
}

/** How to reach the customer, as the workflow's snapshot holds it. */
export function contactFromRow(customer: CustomerRow): CustomerContact {
  const address =
    customer.addressLine1 && customer.city && customer.postalCode && customer.country
      ? {
          line1: customer.addressLine1,
          ...(customer.addressLine2 ? { line2: customer.addressLine2 } : {}),
          city: customer.city,
          ...(customer.region ? { region: customer.region } : {}),
          postalCode: customer.postalCode,
          country: customer.country,
        }
      : undefined;
  return {
    customerId: customer.id,
    name: customer.name,
    ...(customer.billingEmail ? { email: customer.billingEmail } : {}),
    ...(customer.phone ? { phone: customer.phone } : {}),
    ...(address ? { postalAddress: address } : {}),
    timezone: customer.timezone,
    locale: customer.locale,
  };
}

/** The workflow's start snapshot, from the database rows. */
export function caseInputFromRows(invoice: InvoiceRow, customer: CustomerRow, policy: CollectionPolicy): CollectionWorkflowInput {
  const dueDate = invoice.dueDate.toISOString().slice(0, 10);
  const holidays = policy.sendingWindows?.skipPublicHolidays && customer.country ? publicHolidays(customer.country, ...holidayYearsFor(dueDate)) : [];
  return {
    invoiceId: invoice.id,
    invoiceNumber: invoice.number,
    customer: contactFromRow(customer),
    amountMinor: Number(invoice.amountMinor),
    balanceMinor: Number(invoice.balanceMinor),
    currency: invoice.currency,
    dueDate,
    ...(invoice.paymentLink ? { paymentLink: invoice.paymentLink } : {}),
    policy,
    ...(holidays.length ? { holidays } : {}),
  };
}
