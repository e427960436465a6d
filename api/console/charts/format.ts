import { formatMoney, minorUnitDigits } from '../../../domain/money.js';

/** The console speaks English; amounts keep their own currency's symbol and decimals. */
export const CONSOLE_LOCALE = 'en-GB';

/** Minor units as people read them: 38500 EUR → "€385.00", 1500 JPY → "¥1,500". */
export const moneyText = (amountMinor: number, currency: string): string => formatMoney({ amountMinor, currency }, CONSOLE_LOCALE);

/** An axis tick: whole major units without decimals ("€300"), fractions with them ("€0.50"). */
export function tickMoneyText(amountMinor: number, currency: string): string {
  const digits = minorUnitDigits(currency);
  const whole = amountMinor % 10 ** digits === 0;
  return new Intl.NumberFormat(CONSOLE_LOCALE, { style: 'currency', currency, minimumFractionDigits: whole ? 0 : digits, maximumFractionDigits: digits }).format(amountMinor / 10 ** digits);
}

/** A ratio of 0..1 as a percent with at most one decimal: 0.333 → "33.3 %". */
export const ratioText = (ratio: number): string => percentText(ratio * 100);

export const percentText = (percent: number): string => `${new Intl.NumberFormat(CONSOLE_LOCALE, { maximumFractionDigits: 1 }).format(percent)} %`;

/** A number of days with at most one decimal: 157.5 → "157.5 days". */
export const daysText = (days: number): string => `${new Intl.NumberFormat(CONSOLE_LOCALE, { maximumFractionDigits: 1 }).format(days)} days`;

export const countText = (count: number): string => new Intl.NumberFormat(CONSOLE_LOCALE).format(count);

/** A UTC calendar day for a label: "2026-06-08" → "8 Jun 2026". */
export const dayText = (day: string): string => new Intl.DateTimeFormat(CONSOLE_LOCALE, { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${day}T00:00:00Z`));

/** A short UTC calendar day for an axis: "2026-06-08" → "8 Jun". */
export const shortDayText = (day: string): string => new Intl.DateTimeFormat(CONSOLE_LOCALE, { day: 'numeric', month: 'short', timeZone: 'UTC' }).format(new Date(`${day}T00:00:00Z`));
