import type { CaseView } from '../../../workflows/definitions.js';
import { type CaseCommand, commands, type SendCommand } from '../../routes/commands.js';
import { MAX_INSTALLMENTS } from '../../schemas/commands.js';
import type { ConsoleRole } from '../auth/users.js';
import type { FormField } from '../command-form.js';

/**
 * The case page's forms: one per collector command of the API (api/routes/commands.ts), each
 * sent through that command's own schema and update (`CaseCommand.send`). Field names are the
 * API body's, so the schema's and the case's errors land next to the field they name.
 */
export interface CaseForm {
  /** The API command's path (`disputes/resolve`); the form posts to /console/cases/:id/<slug>. */
  readonly path: string;
  readonly slug: string;
  readonly legend: string;
  readonly submit: string;
  readonly danger?: boolean;
  /** The status message after it went through. */
  readonly done: string;
  /** The console role it needs: the API's collector commands need 'collector', the rest 'admin'. */
  readonly role: ConsoleRole;
  readonly send: SendCommand;
  /** `rows`: how many rows a form of repeated rows shows (see `rows`); the others ignore it. */
  readonly fields: (currency: string, timezone: string, rows: number) => readonly FormField[];
  /** A form of repeated rows (a plan's installments): how many it shows, chosen by a GET field of the case page. */
  readonly rows?: RepeatedRows;
  /** Shown only when it can apply to the case as it is now (the case still refuses what does not). */
  readonly applies: (state: CaseView) => boolean;
}

export interface RepeatedRows {
  /** The case page's query parameter that sets the number of rows. */
  readonly param: string;
  readonly label: string;
  readonly initial: number;
  readonly max: number;
  /** How many rows a posted form had, so a refusal shows them all again. */
  readonly posted: (fields: Readonly<Record<string, unknown>>) => number;
}

/** The number of rows asked for (a query parameter, typed by a person): a whole number within 1…max, else the form's initial count. */
export function rowCount(rows: RepeatedRows, asked: string | undefined): number {
  const count = Number(asked);
  return asked && Number.isInteger(count) && count >= 1 ? Math.min(count, rows.max) : rows.initial;
}

type FormText = Omit<CaseForm, 'slug' | 'role' | 'send' | 'path'>;

const reason = (label: string): FormField => ({ name: 'reason', label, type: 'textarea', required: true });
const amount = (name: string, label: string, currency: string, hint?: string): FormField => ({ name, label: `${label} (${currency})`, type: 'money', ...(hint ? { hint } : {}) });
const installmentRows: RepeatedRows = {
  param: 'installments',
  label: 'Number of installments',
  initial: 3,
  max: MAX_INSTALLMENTS,
  posted: (fields) => Math.max(0, ...Object.keys(fields).map((name) => Number(/^installments\.(\d+)\.dueDate$/.exec(name)?.[1] ?? -1) + 1)),
};

const forms: Readonly<Record<string, FormText>> = {
  disputes: { legend: 'Open a dispute', submit: 'Open dispute', done: 'Dispute opened: escalation stops.', fields: () => [reason('Reason for the dispute')], applies: (s) => !s.disputed },
  'disputes/resolve': {
    legend: 'Resolve the dispute',
    submit: 'Resolve dispute',
    done: 'Dispute resolved.',
    fields: (currency) => [
      {
        name: 'resolution',
        label: 'Resolution',
        type: 'select',
        options: [
          { value: 'resume', label: 'Resume collection' },
          { value: 'credit', label: 'Credit part of the invoice' },
          { value: 'cancel', label: 'Cancel the invoice' },
        ],
      },
      amount('creditMinor', 'Credit', currency, 'Only for a credit.'),
      { name: 'note', label: 'Note', type: 'textarea' },
    ],
    applies: (s) => Boolean(s.disputed),
  },
  'call-outcomes': {
    legend: 'Record a call outcome or a promise to pay',
    submit: 'Record call outcome',
    done: 'Call outcome recorded.',
    fields: (currency) => [
      {
        name: 'outcome',
        label: 'Outcome',
        type: 'select',
        options: [
          { value: 'reached', label: 'Reached' },
          { value: 'promise_to_pay', label: 'Promise to pay' },
          { value: 'no_answer', label: 'No answer' },
          { value: 'wrong_number', label: 'Wrong number' },
        ],
      },
      { name: 'promiseDate', label: 'Promised payment date', type: 'date', hint: 'For a promise to pay: escalation waits until the end of that day in the customer’s timezone.' },
      amount('promisedAmountMinor', 'Promised amount', currency, 'Default: the whole balance.'),
      { name: 'note', label: 'Note', type: 'textarea' },
    ],
    applies: () => true,
  },
  'payment-plan': {
    legend: 'Agree a payment plan',
    submit: 'Agree plan',
    done: 'Payment plan agreed.',
    rows: installmentRows,
    fields: (currency, _timezone, rows) =>
      Array.from({ length: rows }, (_, i) => [
        { name: `installments.${i}.dueDate`, label: `Installment ${i + 1} due date`, type: 'date' as const, ...(i === 0 ? { hint: 'The installments must add up to the balance; leave rows you do not need empty.' } : {}) },
        amount(`installments.${i}.amountMinor`, `Installment ${i + 1} amount`, currency),
      ]).flat(),
    applies: (s) => !s.disputed && !s.paymentPlan,
  },
  pause: {
    legend: 'Pause the case',
    submit: 'Pause',
    done: 'Case paused.',
    fields: (_, timezone) => [reason('Reason for the pause'), { name: 'until', label: `Until (optional, ${timezone} time)`, type: 'datetime-local' }],
    applies: (s) => !s.paused,
  },
  resume: { legend: 'Resume the case', submit: 'Resume', done: 'Case resumed.', fields: () => [], applies: (s) => Boolean(s.paused) },
  'fees/waive': {
    legend: 'Waive late fees',
    submit: 'Waive fees',
    done: 'Fees waived.',
    fields: (currency) => [amount('amountMinor', 'Amount to waive', currency, 'Default: every fee charged so far.'), reason('Reason for the waiver')],
    applies: (s) => s.feesMinor > 0,
  },
  'write-off': { legend: 'Write the invoice off', submit: 'Write off', danger: true, done: 'Invoice written off: the case has ended.', fields: () => [reason('Reason for the write-off')], applies: () => true },
  cancel: { legend: 'Cancel the invoice', submit: 'Cancel invoice', danger: true, done: 'Invoice cancelled: the case has ended.', fields: () => [reason('Reason for cancelling')], applies: () => true },
};

const consoleRoleOf = (command: CaseCommand): ConsoleRole => (command.roles.includes('collector') ? 'collector' : 'admin');

/** Every API command the console offers, in the order of the page; a command without a form (payments) is not offered. */
export const caseForms: readonly CaseForm[] = Object.entries(forms).map(([path, text]) => {
  const command = commands.find((c) => c.path === path);
  if (!command?.send) throw new Error(`the console offers the command ${path}, which the API does not send as an update`);
  return { ...text, path, slug: path.replaceAll('/', '-'), role: consoleRoleOf(command), send: command.send };
});

export const caseFormBySlug = (slug: string): CaseForm | undefined => caseForms.find((form) => form.slug === slug);
