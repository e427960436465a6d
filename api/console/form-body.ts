import { DateTime } from 'luxon';
import { minorUnitDigits } from '../../domain/money.js';

/**
 * A console form as the JSON body its API command takes, so the command's own schema validates it
 * (nothing here validates). Forms only send text: dotted names (`installments.0.dueDate`) nest, an
 * empty field is left out, amounts (`…Minor`) are typed in major units and become minor units, a
 * local date-time (`until`) is read in the customer's timezone. A value that cannot be converted is
 * passed on as typed, for the schema to refuse with its own message.
 */
export interface FormContext {
  /** The currency amounts are typed in (none: the form has no amounts). */
  readonly currency?: string;
  readonly timezone: string;
}

const MONEY = /Minor$/;
const LOCAL_INSTANTS = new Set(['until']);

export function minorFromMajor(text: string, currency: string): number | string {
  const digits = minorUnitDigits(currency);
  const match = /^(\d{1,15})(?:[.,](\d+))?$/.exec(text.trim());
  if (!match || (match[2]?.length ?? 0) > digits) return text;
  return Number(match[1]) * 10 ** digits + Number((match[2] ?? '').padEnd(digits, '0') || '0');
}

function localInstant(text: string, timezone: string): string {
  const local = DateTime.fromISO(text, { zone: timezone });
  return local.isValid && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(text) ? local.toUTC().toISO()! : text;
}

function convert(name: string, text: string, context: FormContext): unknown {
  if (MONEY.test(name) && context.currency) return minorFromMajor(text, context.currency);
  if (LOCAL_INSTANTS.has(name)) return localInstant(text, context.timezone);
  return text;
}

type Tree = { [key: string]: Tree | unknown };

/** Arrays from objects whose keys are all indices, in index order, without rows left wholly empty. */
function arrays(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value as Tree).map(([key, inner]) => [key, arrays(inner)] as const);
  if (entries.length && entries.every(([key]) => /^\d+$/.test(key))) {
    return entries.sort(([a], [b]) => Number(a) - Number(b)).map(([, inner]) => inner);
  }
  return Object.fromEntries(entries);
}

export function formBody(form: Record<string, unknown>, context: FormContext): Record<string, unknown> {
  const tree: Tree = {};
  for (const [name, value] of Object.entries(form)) {
    if (name.startsWith('_') || typeof value !== 'string' || value.trim() === '') continue;
    const path = name.split('.');
    let node = tree;
    for (const key of path.slice(0, -1)) node = (node[key] ??= {}) as Tree;
    node[path.at(-1)!] = convert(path.at(-1)!, value.trim(), context);
  }
  return arrays(tree) as Record<string, unknown>;
}
