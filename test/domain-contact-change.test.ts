import { describe, expect, it } from 'vitest';
import { changedContactFields, withContactChanged } from '../domain/case/contact-change.js';
import { initialCaseState } from '../domain/case/state.js';

const contact = { email: 'ap@old.example', phone: '+4930123456', postalAddress: { line1: 'Hauptstraße 1', city: 'Berlin', postalCode: '10115', country: 'DE' }, timezone: 'Europe/Berlin', locale: 'de-DE' };

describe('a contact change', () => {
  it('names the fields whose value changed, comparing addresses field by field whatever their key order', () => {
    expect(changedContactFields(contact, { ...contact, postalAddress: { country: 'DE', postalCode: '10115', city: 'Berlin', line1: 'Hauptstraße 1' } })).toEqual([]);
    expect(changedContactFields(contact, { ...contact, email: 'ap@new.example', locale: 'en-GB' })).toEqual(['email', 'locale']);
    expect(changedContactFields(contact, { ...contact, postalAddress: { ...contact.postalAddress, line1: 'Hauptstraße 2' } })).toEqual(['postalAddress']);
    const { phone: _removed, ...withoutPhone } = contact;
    expect(changedContactFields(contact, withoutPhone)).toEqual(['phone']);
    expect(changedContactFields(contact, { ...contact, timezone: 'Europe/Vienna' })).toEqual(['timezone']);
  });

  it('clears the unreachable mark of a changed contact point only', () => {
    const state = { ...initialCaseState({ invoiceId: 'i', currency: 'EUR', amountMinor: 1, balanceMinor: 1 }), unreachable: ['email', 'phone'] as const };
    expect(withContactChanged(state, ['email', 'locale']).unreachable).toEqual(['phone']);
    expect(withContactChanged(state, ['timezone'])).toBe(state);
  });
});
