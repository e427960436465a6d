import type { ContactPoint } from '../channels.js';
import type { CaseState } from './state.js';

/** The parts of a customer's contact a collections team can change while cases run. */
export interface ChangeableContact {
  readonly email?: string;
  readonly phone?: string;
  readonly postalAddress?: object;
  readonly timezone: string;
  readonly locale: string;
}

export type ContactField = 'email' | 'phone' | 'postalAddress' | 'timezone' | 'locale';
const contactFields: readonly ContactField[] = ['email', 'phone', 'postalAddress', 'timezone', 'locale'];

/** Which fields differ (postal addresses compared field by field, whatever the key order). */
export function changedContactFields(before: ChangeableContact, after: ChangeableContact): ContactField[] {
  return contactFields.filter((field) => canonical(before[field]) !== canonical(after[field]));
}

function canonical(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'object') return String(value);
  return JSON.stringify(Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => a.localeCompare(b)));
}

/**
 * A changed contact point is worth trying again: a bounce or a returned letter said the old
 * address was unusable, not the new one. Unchanged points keep their marks.
 */
export function withContactChanged(state: CaseState, fields: readonly ContactField[]): CaseState {
  const renewed = new Set<ContactPoint>(fields.filter((field): field is ContactPoint => field === 'email' || field === 'phone' || field === 'postalAddress'));
  if (!state.unreachable.some((point) => renewed.has(point))) return state;
  return { ...state, unreachable: state.unreachable.filter((point) => !renewed.has(point)) };
}
