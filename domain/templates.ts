import { formatMoney } from './money.js';

/**
 * The words of each message. Amounts and dates are rendered in the customer's locale; the text
 * itself is English for now (a translation table per locale is a later step).
 */
export interface TemplateData {
  readonly customerName: string;
  readonly invoiceNumber: string;
  readonly currency: string;
  readonly amountMinor: number;
  readonly balanceMinor: number;
  readonly feesMinor: number;
  readonly dueDate: string;
  readonly daysOverdue: number;
  readonly paymentLink?: string;
  readonly installment?: { readonly sequence: number; readonly dueDate: string; readonly amountMinor: number };
}

export interface RenderedMessage {
  readonly subject: string;
  readonly text: string;
}

/** A calendar date (YYYY-MM-DD) as a date; an instant as date and time in the customer's timezone. */
function formatDeadline(text: string, locale: string, timezone: string): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) return new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(`${text}T00:00:00Z`));
  return new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeStyle: 'short', timeZone: timezone }).format(new Date(text));
}

export function renderMessage(template: string, data: TemplateData, locale: string, timezone: string): RenderedMessage {
  const money = (amountMinor: number) => formatMoney({ amountMinor, currency: data.currency }, locale);
  const date = (text: string) => formatDeadline(text, locale, timezone);
  const owed = `${money(data.balanceMinor)}${data.feesMinor > 0 ? ` (including late fees of ${money(data.feesMinor)})` : ''}`;
  const pay = data.paymentLink ? `\n\nPay online: ${data.paymentLink}` : '';
  const greeting = `Dear ${data.customerName},\n\n`;
  const sign = '\n\nKind regards,\nAccounts Receivable';
  const invoice = `invoice ${data.invoiceNumber}`;

  switch (template) {
    case 'courtesy_reminder':
      return { subject: `Invoice ${data.invoiceNumber} is due on ${date(data.dueDate)}`, text: `${greeting}A friendly reminder that ${invoice} for ${owed} is due on ${date(data.dueDate)}.${pay}${sign}` };
    case 'payment_receipt':
      return { subject: `Thank you: invoice ${data.invoiceNumber} is paid`, text: `${greeting}We have received full payment of ${invoice}. Thank you.${sign}` };
    case 'installment_reminder': {
      const i = data.installment;
      const what = i ? `installment ${i.sequence} of ${money(i.amountMinor)} due on ${date(i.dueDate)}` : 'your next installment';
      return { subject: `Payment plan for invoice ${data.invoiceNumber}: ${what}`, text: `${greeting}A reminder of ${what} under the payment plan for ${invoice}.${pay}${sign}` };
    }
    case 'final_notice':
      return {
        subject: `Final notice: invoice ${data.invoiceNumber} is ${data.daysOverdue} days overdue`,
        text: `${greeting}Despite our reminders, ${invoice} remains unpaid ${data.daysOverdue} days after its due date of ${date(data.dueDate)}. ${owed} is outstanding. Unless we receive payment, we will pass the matter to our legal partner.${pay}${sign}`,
      };
    case 'collector_call':
      return {
        subject: `Call ${data.customerName} about invoice ${data.invoiceNumber}`,
        text: `Invoice ${data.invoiceNumber} is ${data.daysOverdue} days overdue; ${owed} is outstanding (due ${date(data.dueDate)}).`,
      };
    default:
      return {
        subject: `Invoice ${data.invoiceNumber} is ${data.daysOverdue > 0 ? `${data.daysOverdue} days overdue` : 'due'}`,
        text: `${greeting}Our records show ${owed} outstanding on ${invoice}, due on ${date(data.dueDate)}${data.daysOverdue > 0 ? `, now ${data.daysOverdue} days overdue` : ''}. Please arrange payment or contact us if there is a problem.${pay}${sign}`,
      };
  }
}
