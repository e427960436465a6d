/** An amount of money: integer minor units (cents, pence, yen) and an ISO 4217 currency code. Never floats. */
export interface Money {
  readonly amountMinor: number;
  readonly currency: string;
}

const ISO_4217 = /^[A-Z]{3}$/;

/**
 * Currencies the runtime's ICU knows. Intl is deterministic data, not I/O, so domain code may use it.
 * Computed lazily: workflow bundles load this module before the sandbox has finished starting.
 */
let knownCurrencies: ReadonlySet<string> | undefined;
export function isKnownCurrency(code: string): boolean {
  knownCurrencies ??= new Set(Intl.supportedValuesOf('currency'));
  return ISO_4217.test(code) && knownCurrencies.has(code);
}

export class MoneyError extends Error {
  override name = 'MoneyError';
}

export function money(amountMinor: number, currency: string): Money {
  if (!Number.isSafeInteger(amountMinor)) throw new MoneyError(`amount must be a whole number of minor units, got ${amountMinor}`);
  if (!isKnownCurrency(currency)) throw new MoneyError(`currency must be an ISO 4217 code like EUR, got ${JSON.stringify(currency)}`);
  return { amountMinor, currency };
}

function assertSameCurrency(a: Money, b: Money): void {
  if (a.currency !== b.currency) throw new MoneyError(`currency mismatch: ${a.currency} and ${b.currency}`);
}

export function add(a: Money, b: Money): Money {
  assertSameCurrency(a, b);
  return money(a.amountMinor + b.amountMinor, a.currency);
}

export function subtract(a: Money, b: Money): Money {
  assertSameCurrency(a, b);
  return money(a.amountMinor - b.amountMinor, a.currency);
}

/** Number of minor-unit digits the currency uses (2 for EUR, 0 for JPY, 3 for KWD). */
export function minorUnitDigits(currency: string): number {
  return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

/** Formats for people, in their locale: formatMoney({ amountMinor: 123456, currency: 'EUR' }, 'de-DE') → "1.234,56 €". */
export function formatMoney(value: Money, locale: string): string {
  const digits = minorUnitDigits(value.currency);
  const major = value.amountMinor / 10 ** digits;
  return new Intl.NumberFormat(locale, { style: 'currency', currency: value.currency, minimumFractionDigits: digits, maximumFractionDigits: digits }).format(major);
}
