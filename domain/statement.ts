import { DateTime } from 'luxon';
import type { InvoiceLine } from './correspondence/requests.js';
import { formatMoney } from './money.js';
import { formatCalendarDay, letterFrame, type RenderedMessage } from './templates.js';

/**
 * One message about several invoices of one customer (a consolidated reminder, letter, SMS or call
 * task): every invoice with its number, due date, days overdue, open amount with fees and payment
 * link, in the tone of the most escalated request (`template`).
 */
type Tone = 'upcoming' | 'reminder' | 'final';

function toneOf(template: string): Tone {
  if (template === 'courtesy_reminder') return 'upcoming';
  if (template === 'final_notice') return 'final';
  return 'reminder';
}

interface StatementWords {
  readonly subject: (tone: Tone, count: number, total: string) => string;
  readonly intro: (tone: Tone, count: number, total: string) => string;
  readonly line: (l: { number: string; due: string; days: number; open: string; fees?: string; link?: string }) => string;
  readonly close: (tone: Tone) => string;
}

const english: StatementWords = {
  subject: (tone, count, total) => (tone === 'upcoming' ? `${count} invoices due soon: ${total}` : tone === 'final' ? `Final notice: ${count} overdue invoices, ${total} outstanding` : `${count} overdue invoices: ${total} outstanding`),
  intro: (tone, count, total) =>
    tone === 'upcoming' ? `A friendly reminder of ${count} invoices that fall due soon, ${total} in total:` : `Our records show ${count} invoices with ${total} outstanding in total:`,
  line: (l) => `- Invoice ${l.number}: due ${l.due}${l.days > 0 ? `, ${l.days} days overdue` : ''}; ${l.open} open${l.fees ? ` (including late fees of ${l.fees})` : ''}${l.link ? `. Pay online: ${l.link}` : ''}`,
  close: (tone) => (tone === 'final' ? 'Unless we receive payment, we will pass these invoices to our legal partner.' : 'Please arrange payment or contact us if there is a problem.'),
};

const german: StatementWords = {
  subject: (tone, count, total) => (tone === 'upcoming' ? `${count} Rechnungen bald fällig: ${total}` : tone === 'final' ? `Letzte Mahnung: ${count} überfällige Rechnungen, offen ${total}` : `${count} überfällige Rechnungen: offen ${total}`),
  intro: (tone, count, total) =>
    tone === 'upcoming' ? `wir erinnern freundlich an ${count} Rechnungen, die bald fällig werden, insgesamt ${total}:` : `laut unseren Unterlagen sind ${count} Rechnungen mit insgesamt ${total} offen:`,
  line: (l) => `- Rechnung ${l.number}: fällig am ${l.due}${l.days > 0 ? `, seit ${l.days} Tagen überfällig` : ''}; offen ${l.open}${l.fees ? ` (einschließlich Mahngebühren von ${l.fees})` : ''}${l.link ? `. Online bezahlen: ${l.link}` : ''}`,
  close: (tone) => (tone === 'final' ? 'Geht keine Zahlung ein, übergeben wir die Forderungen unserem Rechtspartner.' : 'Bitte veranlassen Sie die Zahlung oder melden Sie sich bei Fragen.'),
};

const languages: Record<string, StatementWords> = { en: english, de: german };

export function renderStatement(template: string, lines: readonly InvoiceLine[], customerName: string, locale: string, timezone: string, now: number): RenderedMessage {
  const words = languages[locale.split('-')[0]!.toLowerCase()] ?? english;
  const currency = lines[0]?.currency ?? 'EUR';
  const money = (amountMinor: number) => formatMoney({ amountMinor, currency }, locale);
  const date = (day: string) => formatCalendarDay(day, locale);
  const frame = letterFrame(locale);
  const today = DateTime.fromMillis(now, { zone: timezone }).startOf('day');
  const daysOverdue = (day: string) => Math.max(0, Math.floor(today.diff(DateTime.fromISO(day, { zone: timezone }), 'days').days));
  const tone = toneOf(template);
  const total = money(lines.reduce((sum, l) => sum + l.balanceMinor, 0));
  const sorted = [...lines].sort((a, b) => a.dueDate.localeCompare(b.dueDate) || a.invoiceNumber.localeCompare(b.invoiceNumber));
  const listed = sorted.map((l) =>
    words.line({ number: l.invoiceNumber, due: date(l.dueDate), days: daysOverdue(l.dueDate), open: money(l.balanceMinor), ...(l.feesMinor > 0 ? { fees: money(l.feesMinor) } : {}), ...(l.paymentLink ? { link: l.paymentLink } : {}) }),
  );
  return {
    subject: words.subject(tone, lines.length, total),
    text: `${frame.greeting(customerName)}${words.intro(tone, lines.length, total)}\n\n${listed.join('\n')}\n\n${words.close(tone)}${frame.sign}`,
  };
}
