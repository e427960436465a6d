import { minorUnitDigits } from '../../../domain/money.js';

/** The console speaks English; amounts keep their own currency's symbol and decimals. */
export const CONSOLE_LOCALE = 'en-GB';

/**
 * Formatters are made once per kind and currency: building an Intl.NumberFormat costs far more
 * than using one, and an aging table of a thousand customers formats tens of thousands of amounts.
 */
const formatters = new Map<string, Intl.NumberFormat>();
function formatter(key: string, options: () => Intl.NumberFormatOptions): Intl.NumberFormat {
  let found = formatters.get(key);
  if (!found) formatters.set(key, (found = new Intl.NumberFormat(CONSOLE_LOCALE, options())));
  return found;
}

const digitsOf = new Map<string, number>();
const digits = (currency: string): number => {
  let found = digitsOf.get(currency);
  if (found === undefined) digitsOf.set(currency, (found = minorUnitDigits(currency)));
  return found;
};

/** Minor units as people read them: 38500 EUR → "€385.00", 1500 JPY → "¥1,500". */
export function moneyText(amountMinor: number, currency: string): string {
  const places = digits(currency);
  return formatter(`money:${currency}`, () => ({ style: 'currency', currency, minimumFractionDigits: places, maximumFractionDigits: places })).format(amountMinor / 10 ** places);
}

/** An axis tick: whole major units without decimals ("€300"), fractions with them ("€0.50"). */
export function tickMoneyText(amountMinor: number, currency: string): string {
  const places = digits(currency);
  const whole = amountMinor % 10 ** places === 0;
  return formatter(`tick:${currency}:${whole}`, () => ({ style: 'currency', currency, minimumFractionDigits: whole ? 0 : places, maximumFractionDigits: places })).format(amountMinor / 10 ** places);
}

const oneDecimal = () => formatter('one-decimal', () => ({ maximumFractionDigits: 1 }));

/** A ratio of 0..1 as a percent with at most one decimal: 0.333 → "33.3 %". */
export const ratioText = (ratio: number): string => percentText(ratio * 100);

export const percentText = (percent: number): string => `${oneDecimal().format(percent)} %`;

/** A number of days with at most one decimal: 157.5 → "157.5 days". */
export const daysText = (days: number): string => `${oneDecimal().format(days)} days`;

export const countText = (count: number): string => formatter('count', () => ({})).format(count);

const longDay = new Intl.DateTimeFormat(CONSOLE_LOCALE, { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
const shortDay = new Intl.DateTimeFormat(CONSOLE_LOCALE, { day: 'numeric', month: 'short', timeZone: 'UTC' });

/** A UTC calendar day for a label: "2026-06-08" → "8 Jun 2026". */
export const dayText = (day: string): string => longDay.format(new Date(`${day}T00:00:00Z`));

/** A short UTC calendar day for an axis: "2026-06-08" → "8 Jun". */
export const shortDayText = (day: string): string => shortDay.format(new Date(`${day}T00:00:00Z`));
