import { formatMoney } from './money.js';

/**
 * The words of each message, in the customer's language where we have it (English and German
 * today; other locales get English wording with amounts and dates in their own format).
 */
export interface TemplateData {
  readonly customerName: string;
  readonly invoiceNumber: string;
  readonly currency: string;
  readonly amountMinor: number;
  readonly balanceMinor: number;
  readonly feesMinor: number;
  /** YYYY-MM-DD. */
  readonly dueDate: string;
  readonly daysOverdue: number;
  readonly paymentLink?: string;
  readonly installment?: { readonly sequence: number; readonly dueDate: string; readonly amountMinor: number };
}

export interface RenderedMessage {
  readonly subject: string;
  readonly text: string;
}

/** A calendar day (YYYY-MM-DD) in the customer's words, e.g. "1 March 2026". */
export function formatCalendarDay(day: string, locale: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(`${day}T00:00:00Z`));
}

/** A calendar date (YYYY-MM-DD) as a date; an instant as date and time in the customer's timezone. */
function formatDeadline(text: string, locale: string, timezone: string): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) return formatCalendarDay(text, locale);
  return new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeStyle: 'short', timeZone: timezone }).format(new Date(text));
}

interface Words {
  readonly owed: (balance: string, fees: string | undefined) => string;
  readonly pay: (link: string) => string;
  readonly greeting: (name: string) => string;
  readonly sign: string;
  readonly templates: Record<string, (w: Filled) => RenderedMessage>;
  readonly fallback: (w: Filled) => RenderedMessage;
}

interface Filled {
  readonly d: TemplateData;
  readonly owed: string;
  readonly pay: string;
  readonly hello: string;
  readonly sign: string;
  readonly due: string;
  readonly money: (amountMinor: number) => string;
  readonly date: (text: string) => string;
}

const english: Words = {
  owed: (balance, fees) => `${balance}${fees ? ` (including late fees of ${fees})` : ''}`,
  pay: (link) => `\n\nPay online: ${link}`,
  greeting: (name) => `Dear ${name},\n\n`,
  sign: '\n\nKind regards,\nAccounts Receivable',
  templates: {
    courtesy_reminder: (w) => ({ subject: `Invoice ${w.d.invoiceNumber} is due on ${w.due}`, text: `${w.hello}A friendly reminder that invoice ${w.d.invoiceNumber} for ${w.owed} is due on ${w.due}.${w.pay}${w.sign}` }),
    payment_receipt: (w) => ({ subject: `Thank you: invoice ${w.d.invoiceNumber} is paid`, text: `${w.hello}We have received full payment of invoice ${w.d.invoiceNumber}. Thank you.${w.sign}` }),
    installment_reminder: (w) => {
      const i = w.d.installment;
      const what = i ? `installment ${i.sequence} of ${w.money(i.amountMinor)} due on ${w.date(i.dueDate)}` : 'your next installment';
      return { subject: `Payment plan for invoice ${w.d.invoiceNumber}: ${what}`, text: `${w.hello}A reminder of ${what} under the payment plan for invoice ${w.d.invoiceNumber}.${w.pay}${w.sign}` };
    },
    final_notice: (w) => ({
      subject: `Final notice: invoice ${w.d.invoiceNumber} is ${w.d.daysOverdue} days overdue`,
      text: `${w.hello}Despite our reminders, invoice ${w.d.invoiceNumber} remains unpaid ${w.d.daysOverdue} days after its due date of ${w.due}. ${w.owed} is outstanding. Unless we receive payment, we will pass the matter to our legal partner.${w.pay}${w.sign}`,
    }),
    collector_call: (w) => ({ subject: `Call ${w.d.customerName} about invoice ${w.d.invoiceNumber}`, text: `Invoice ${w.d.invoiceNumber} is ${w.d.daysOverdue} days overdue; ${w.owed} is outstanding (due ${w.due}).` }),
  },
  fallback: (w) => ({
    subject: `Invoice ${w.d.invoiceNumber} is ${w.d.daysOverdue > 0 ? `${w.d.daysOverdue} days overdue` : 'due'}`,
    text: `${w.hello}Our records show ${w.owed} outstanding on invoice ${w.d.invoiceNumber}, due on ${w.due}${w.d.daysOverdue > 0 ? `, now ${w.d.daysOverdue} days overdue` : ''}. Please arrange payment or contact us if there is a problem.${w.pay}${w.sign}`,
  }),
};

const german: Words = {
  owed: (balance, fees) => `${balance}${fees ? ` (einschließlich Mahngebühren von ${fees})` : ''}`,
  pay: (link) => `\n\nOnline bezahlen: ${link}`,
  greeting: () => 'Sehr geehrte Damen und Herren,\n\n',
  sign: '\n\nMit freundlichen Grüßen\nDebitorenbuchhaltung',
  templates: {
    courtesy_reminder: (w) => ({ subject: `Rechnung ${w.d.invoiceNumber} ist am ${w.due} fällig`, text: `${w.hello}wir erinnern freundlich daran, dass die Rechnung ${w.d.invoiceNumber} über ${w.owed} am ${w.due} fällig ist.${w.pay}${w.sign}` }),
    payment_receipt: (w) => ({ subject: `Vielen Dank: Rechnung ${w.d.invoiceNumber} ist bezahlt`, text: `${w.hello}wir haben die vollständige Zahlung der Rechnung ${w.d.invoiceNumber} erhalten. Vielen Dank.${w.sign}` }),
    installment_reminder: (w) => {
      const i = w.d.installment;
      const what = i ? `Rate ${i.sequence} über ${w.money(i.amountMinor)}, fällig am ${w.date(i.dueDate)}` : 'Ihre nächste Rate';
      return { subject: `Ratenzahlung zu Rechnung ${w.d.invoiceNumber}: ${what}`, text: `${w.hello}wir erinnern an die ${what} aus der Ratenvereinbarung zu Rechnung ${w.d.invoiceNumber}.${w.pay}${w.sign}` };
    },
    final_notice: (w) => ({
      subject: `Letzte Mahnung: Rechnung ${w.d.invoiceNumber} ist seit ${w.d.daysOverdue} Tagen überfällig`,
      text: `${w.hello}trotz unserer Erinnerungen ist die Rechnung ${w.d.invoiceNumber} ${w.d.daysOverdue} Tage nach Fälligkeit am ${w.due} unbezahlt. Offen sind ${w.owed}. Geht keine Zahlung ein, übergeben wir die Forderung unserem Rechtspartner.${w.pay}${w.sign}`,
    }),
    collector_call: (w) => ({ subject: `${w.d.customerName} wegen Rechnung ${w.d.invoiceNumber} anrufen`, text: `Rechnung ${w.d.invoiceNumber} ist seit ${w.d.daysOverdue} Tagen überfällig; offen sind ${w.owed} (fällig am ${w.due}).` }),
  },
  fallback: (w) => ({
    subject: `Rechnung ${w.d.invoiceNumber} ${w.d.daysOverdue > 0 ? `ist seit ${w.d.daysOverdue} Tagen überfällig` : 'ist fällig'}`,
    text: `${w.hello}laut unseren Unterlagen sind zur Rechnung ${w.d.invoiceNumber}, fällig am ${w.due}, noch ${w.owed} offen${w.d.daysOverdue > 0 ? ` (seit ${w.d.daysOverdue} Tagen überfällig)` : ''}. Bitte veranlassen Sie die Zahlung oder melden Sie sich bei Fragen.${w.pay}${w.sign}`,
  }),
};

const languages: Record<string, Words> = { en: english, de: german };

/** How a letter to the customer opens and closes in its language: shared by single-invoice messages and statements. */
export function letterFrame(locale: string): { readonly greeting: (name: string) => string; readonly sign: string } {
  const words = languages[locale.split('-')[0]!.toLowerCase()] ?? english;
  return { greeting: words.greeting, sign: words.sign };
}

export function renderMessage(template: string, data: TemplateData, locale: string, timezone: string): RenderedMessage {
  const words = languages[locale.split('-')[0]!.toLowerCase()] ?? english;
  const money = (amountMinor: number) => formatMoney({ amountMinor, currency: data.currency }, locale);
  const date = (text: string) => formatDeadline(text, locale, timezone);
  const filled: Filled = {
    d: data,
    owed: words.owed(money(data.balanceMinor), data.feesMinor > 0 ? money(data.feesMinor) : undefined),
    pay: data.paymentLink ? words.pay(data.paymentLink) : '',
    hello: words.greeting(data.customerName),
    sign: words.sign,
    due: date(data.dueDate),
    money,
    date,
  };
  return (words.templates[template] ?? words.fallback)(filled);
}
