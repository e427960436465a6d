import type { Context } from 'hono';
import type { FC } from 'hono/jsx';
import type { AgingBuckets } from '../../../domain/reports/aging.js';
import { contactChangeSchema, customerIdParam, pauseCustomerSchema } from '../../schemas/customers.js';
import type { CaseFailureReporter } from '../../services/case-updates.js';
import { changeCustomerContact } from '../../services/customer-contact.js';
import { pauseCustomer, resumeCustomer } from '../../services/customer-pause.js';
import { fieldErrors } from '../../validation.js';
import type { ConsoleApp, ConsoleDependencies, ConsoleEnv } from '../auth/env.js';
import { requireConsoleUser } from '../auth/middleware.js';
import { consoleActor } from '../auth/users.js';
import { CommandForm, type FormOutcome, typedInput } from '../command-form.js';
import { formBody } from '../form-body.js';
import { formatAmount, formatWhen, inZone, words } from '../format.js';
import { renderPage } from '../layout.js';
import { contactBody, contactFields } from './contact-form.js';
import { type CustomerPageData, loadCustomerPage } from './customer-page-data.js';
import { PageMessages } from '../page-messages.js';

const DONE = { contact: 'Contact changed: every open case uses it from its next message.', pause: 'Customer paused: every open case holds.', resume: 'Customer resumed: the cases its pause held resume.' } as const;
type CustomerCommand = keyof typeof DONE;

const BUCKETS: readonly [keyof AgingBuckets, string][] = [
  ['currentMinor', 'Current'],
  ['days1to30Minor', '1–30 days'],
  ['days31to60Minor', '31–60 days'],
  ['days61to90Minor', '61–90 days'],
  ['over90Minor', 'Over 90 days'],
  ['totalMinor', 'Total'],
];

const When: FC<{ at: string; timezone: string }> = ({ at, timezone }) => (
  <>
    <time datetime={at}>{inZone(at, timezone)}</time> ({formatWhen(at)})
  </>
);

const Totals: FC<{ data: CustomerPageData }> = ({ data }) =>
  data.openTotals.length ? (
    <table id="open-totals">
      <caption>Total open, per currency (never added across currencies)</caption>
      <thead>
        <tr>
          <th scope="col">Currency</th>
          <th scope="col" class="num">
            Open cases
          </th>
          <th scope="col" class="num">
            Owed
          </th>
        </tr>
      </thead>
      <tbody>
        {data.openTotals.map((total) => (
          <tr data-currency={total.currency}>
            <th scope="row">{total.currency}</th>
            <td class="num">{total.cases}</td>
            <td class="num">{formatAmount(total.balanceMinor, total.currency)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  ) : (
    <p id="open-totals" class="empty">
      Nothing is owed.
    </p>
  );

const Aging: FC<{ data: CustomerPageData }> = ({ data }) =>
  data.aging.currencies.length ? (
    <table id="aging">
      <caption>Aging of what is open, by days past due as of {data.aging.asOf} (UTC)</caption>
      <thead>
        <tr>
          <th scope="col">Currency</th>
          {BUCKETS.map(([, label]) => (
            <th scope="col" class="num">
              {label}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {data.aging.currencies.map(({ currency, total }) => (
          <tr data-currency={currency}>
            <th scope="row">{currency}</th>
            {BUCKETS.map(([key]) => (
              <td class="num" data-bucket={key}>
                {formatAmount(total[key], currency)}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  ) : (
    <p id="aging" class="empty">
      Nothing open to age.
    </p>
  );

const Invoices: FC<{ data: CustomerPageData }> = ({ data }) => (
  <table id="invoices">
    <caption>Every invoice of the customer, oldest due first</caption>
    <thead>
      <tr>
        <th scope="col">Invoice</th>
        <th scope="col">Status</th>
        <th scope="col">Stage</th>
        <th scope="col">Due</th>
        <th scope="col" class="num">
          Amount
        </th>
        <th scope="col" class="num">
          Balance
        </th>
        <th scope="col">Next action</th>
      </tr>
    </thead>
    <tbody>
      {data.invoices.map((invoice) => (
        <tr data-invoice={invoice.invoiceId}>
          <th scope="row">
            <a href={`/console/cases/${invoice.invoiceId}`}>{invoice.number}</a>
          </th>
          <td>{words(invoice.status)}</td>
          <td>
            {invoice.stage ? words(invoice.stage) : '—'}
            {invoice.pausedByCustomer && ' (customer pause)'}
          </td>
          <td>{invoice.dueDate}</td>
          <td class="num">{formatAmount(invoice.amountMinor, invoice.currency)}</td>
          <td class="num">{formatAmount(invoice.balanceMinor, invoice.currency)}</td>
          <td>{invoice.nextActionAt ? <time datetime={invoice.nextActionAt}>{inZone(invoice.nextActionAt, data.customer.timezone)}</time> : '—'}</td>
        </tr>
      ))}
    </tbody>
  </table>
);

const Contacting: FC<{ data: CustomerPageData }> = ({ data }) => {
  const tz = data.customer.timezone;
  const caps = data.contactCaps;
  const used = data.correspondence;
  return (
    <dl class="facts" id="contacting">
      <dt>Last contact</dt>
      <dd>
        {data.lastContact ? (
          <>
            {words(data.lastContact.channel)} to {data.lastContact.recipient}, <When at={data.lastContact.at} timezone={tz} />
          </>
        ) : (
          'none yet'
        )}
      </dd>
      <dt>Next contact</dt>
      <dd>
        {data.nextAction ? (
          <>
            {data.nextAction.description ?? 'next action'}, <When at={data.nextAction.at} timezone={tz} />
          </>
        ) : (
          'nothing scheduled'
        )}
      </dd>
      <dt>Messages in the last 7 days</dt>
      <dd id="caps-used">
        {used ? used.sentLast7Days : 0}
        {caps ? ` of at most ${caps.perWeek} a week (${caps.perWeekPerChannel} per channel, ${caps.minimumGap} apart)` : ' (the policy sets no contact caps)'}
        {used && Object.keys(used.sentLast7DaysByChannel).length > 0 && (
          <>
            {': '}
            {Object.entries(used.sentLast7DaysByChannel)
              .map(([channel, count]) => `${words(channel)} ${count}`)
              .join(', ')}
          </>
        )}
        {used && used.waiting > 0 && `; ${used.waiting} waiting`}
        {used?.nextMessageAt && (
          <>
            ; next message <When at={used.nextMessageAt} timezone={tz} />
          </>
        )}
      </dd>
    </dl>
  );
};

function renderCustomer(c: Context<ConsoleEnv>, data: CustomerPageData, options: { status?: 200 | 422; message?: string | undefined; error?: string; outcome?: FormOutcome } = {}) {
  const user = c.get('consoleUser');
  const csrfToken = c.get('csrfToken');
  const acts = user.role !== 'viewer';
  const base = `/console/customers/${data.customer.id}`;
  const tz = data.customer.timezone;
  return renderPage(
    c,
    {
      title: data.customer.name,
      children: (
        <>
          <PageMessages message={options.message} error={options.error} />
          <dl class="facts">
            <dt>Customer</dt>
            <dd>
              {data.customer.source}/{data.customer.externalId}
              {data.customer.tier && `, tier ${data.customer.tier}`}
            </dd>
            <dt>Timezone and locale</dt>
            <dd>
              {tz}, {data.customer.locale}
            </dd>
            <dt>Pause</dt>
            <dd id="customer-pause">
              {data.pause ? (
                <>
                  paused by {data.pause.pausedBy} since <When at={data.pause.since} timezone={tz} />: {data.pause.reason}
                  {data.pause.until && (
                    <>
                      {' '}
                      (until <When at={data.pause.until} timezone={tz} />)
                    </>
                  )}
                </>
              ) : (
                'not paused'
              )}
            </dd>
          </dl>
          <h2>What is owed</h2>
          <Totals data={data} />
          <h2>Aging</h2>
          <Aging data={data} />
          <h2>Invoices</h2>
          <Invoices data={data} />
          <h2>Contacting</h2>
          <Contacting data={data} />
          <h2>Actions</h2>
          {acts ? (
            <div class="command-forms">
              {data.pause ? (
                <CommandForm spec={{ id: 'resume', legend: 'Resume the customer', action: `${base}/resume`, fields: [], submit: 'Resume customer' }} csrfToken={csrfToken} outcome={options.outcome} />
              ) : (
                <CommandForm
                  spec={{
                    id: 'pause',
                    legend: 'Pause the customer (every open case holds)',
                    action: `${base}/pause`,
                    fields: [
                      { name: 'reason', label: 'Reason for the pause', type: 'textarea', required: true },
                      { name: 'until', label: `Until (optional, ${tz} time)`, type: 'datetime-local' },
                    ],
                    submit: 'Pause customer',
                  }}
                  csrfToken={csrfToken}
                  outcome={options.outcome}
                />
              )}
              <CommandForm spec={{ id: 'contact', legend: 'Change the contact', action: `${base}/contact`, fields: contactFields(data.customer), submit: 'Save contact' }} csrfToken={csrfToken} outcome={options.outcome} />
            </div>
          ) : (
            <p class="empty">Viewers read customers; collectors and admins act on them.</p>
          )}
        </>
      ),
    },
    options.status ?? 200,
  );
}

const notFound = (c: Context<ConsoleEnv>, id: string) => renderPage(c, { title: 'Not found', children: <p>There is no customer {id}.</p> }, 404);

/** Cases the command could not reach, as one line for the page (the cases that were reached are done). */
function unreached(cases: readonly { invoiceNumber: string; outcome: string; detail?: string }[]): string | undefined {
  const failed = cases.filter((row) => row.outcome === 'failed');
  return failed.length ? `Not every case could be reached: ${failed.map((row) => `${row.invoiceNumber} (${row.detail ?? row.outcome})`).join(', ')}. Send it again.` : undefined;
}

/** GET /console/customers/:customerId and its pause, resume and contact forms (README "Console"). */
export function registerCustomerPage(app: ConsoleApp, deps: ConsoleDependencies): void {
  const load = async (c: Context<ConsoleEnv>) => {
    const id = c.req.param('customerId') ?? '';
    return customerIdParam.safeParse({ customerId: id }).success ? loadCustomerPage(deps, id) : null;
  };
  // The console has no logger of its own: a case's failure is shown on the page instead (with the request id).
  const failures = (c: Context<ConsoleEnv>): CaseFailureReporter => ({ reference: c.get('requestId'), report: () => undefined });

  app.get('/customers/:customerId', requireConsoleUser(), async (c) => {
    const data = await load(c);
    if (!data) return notFound(c, c.req.param('customerId'));
    const done = c.req.query('done');
    return renderCustomer(c, data, { message: done && done in DONE ? DONE[done as CustomerCommand] : undefined });
  });

  /** A customer command's form: its schema's refusal inline (422), a case it could not reach named, or 303 back with the news. */
  const command = (name: CustomerCommand, run: (c: Context<ConsoleEnv>, data: CustomerPageData, form: Record<string, unknown>) => Promise<{ errors: FormOutcome['errors']; detail: string } | { unreached?: string | undefined }>) =>
    app.post(`/customers/:customerId/${name}`, requireConsoleUser('collector'), async (c) => {
      const data = await load(c);
      if (!data) return notFound(c, c.req.param('customerId'));
      const form = await c.req.parseBody();
      const result = await run(c, data, form);
      const after = (await load(c)) ?? data;
      if ('errors' in result) return renderCustomer(c, after, { status: 422, outcome: { formId: name, detail: result.detail, errors: result.errors, input: typedInput(form) } });
      if (result.unreached) return renderCustomer(c, after, { error: result.unreached });
      return c.redirect(`/console/customers/${data.customer.id}?done=${name}`, 303);
    });

  command('contact', async (c, data, form) => {
    const parsed = contactChangeSchema.safeParse(contactBody(form, data.customer));
    if (!parsed.success) return { detail: `The contact has ${parsed.error.issues.length} problem(s).`, errors: fieldErrors(parsed.error, 'body') };
    const changed = await changeCustomerContact(deps, data.customer.id, parsed.data, consoleActor(c.get('consoleUser')), failures(c));
    return { unreached: changed ? unreached(changed.cases) : undefined };
  });

  command('pause', async (c, data, form) => {
    const parsed = pauseCustomerSchema.safeParse(formBody(form, { timezone: data.customer.timezone }));
    if (!parsed.success) return { detail: `The pause has ${parsed.error.issues.length} problem(s).`, errors: fieldErrors(parsed.error, 'body') };
    const paused = await pauseCustomer(deps, data.customer.id, parsed.data, consoleActor(c.get('consoleUser')), failures(c));
    return { unreached: paused ? unreached(paused.cases) : undefined };
  });

  command('resume', async (c, data) => {
    const resumed = await resumeCustomer(deps, data.customer.id, consoleActor(c.get('consoleUser')), failures(c));
    if (resumed === 'not_paused') return { detail: 'The customer is not paused.', errors: [] };
    return { unreached: resumed ? unreached(resumed.cases) : undefined };
  });
}
