import type { Customer } from '../../../prisma/client.js';
import type { FormField } from '../command-form.js';

const ADDRESS_FIELDS = ['line1', 'line2', 'city', 'region', 'postalCode', 'country'] as const;
const ADDRESS_COLUMNS = { line1: 'addressLine1', line2: 'addressLine2', city: 'city', region: 'region', postalCode: 'postalCode', country: 'country' } as const;

/** The contact form's fields, filled with the customer's contact now. */
export function contactFields(customer: Customer): FormField[] {
  const address = (field: (typeof ADDRESS_FIELDS)[number]) => customer[ADDRESS_COLUMNS[field]] ?? '';
  return [
    { name: 'email', label: 'Billing email', type: 'email', initial: customer.billingEmail ?? '', hint: 'Empty: no email.' },
    { name: 'phone', label: 'Phone (E.164, like +4930123456)', type: 'tel', initial: customer.phone ?? '', hint: 'Empty: no phone.' },
    { name: 'timezone', label: 'Timezone (IANA, like Europe/Berlin)', type: 'text', initial: customer.timezone },
    { name: 'locale', label: 'Locale (BCP 47, like de-DE)', type: 'text', initial: customer.locale },
    { name: 'postalAddress.line1', label: 'Address line 1', type: 'text', initial: address('line1'), hint: 'Every address field empty: no postal address.' },
    { name: 'postalAddress.line2', label: 'Address line 2', type: 'text', initial: address('line2') },
    { name: 'postalAddress.city', label: 'City', type: 'text', initial: address('city') },
    { name: 'postalAddress.region', label: 'Region', type: 'text', initial: address('region') },
    { name: 'postalAddress.postalCode', label: 'Postal code', type: 'text', initial: address('postalCode') },
    { name: 'postalAddress.country', label: 'Country (ISO code, like DE)', type: 'text', initial: address('country') },
  ];
}

/**
 * The contact form as the body of the API's contact change (PATCH /v1/customers/{id}/contact):
 * only what differs from the contact now, an emptied email, phone or address as null (removed),
 * the address whole when any part of it changed. Validated by that command's schema, not here.
 */
export function contactBody(form: Record<string, unknown>, customer: Customer): Record<string, unknown> {
  const typed = (name: string) => (typeof form[name] === 'string' ? (form[name] as string).trim() : '');
  const body: Record<string, unknown> = {};
  const email = typed('email');
  if (email !== (customer.billingEmail ?? '')) body.email = email || null;
  const phone = typed('phone');
  if (phone !== (customer.phone ?? '')) body.phone = phone || null;
  for (const name of ['timezone', 'locale'] as const) {
    const value = typed(name);
    if (value !== customer[name]) body[name] = value;
  }
  const address = Object.fromEntries(ADDRESS_FIELDS.map((field) => [field, typed(`postalAddress.${field}`)]));
  if (ADDRESS_FIELDS.some((field) => address[field] !== (customer[ADDRESS_COLUMNS[field]] ?? ''))) {
    body.postalAddress = ADDRESS_FIELDS.every((field) => address[field] === '') ? null : Object.fromEntries(Object.entries(address).filter(([, value]) => value !== ''));
  }
  return body;
}
