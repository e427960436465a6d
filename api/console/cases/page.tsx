import type { Context } from 'hono';
import type { FC } from 'hono/jsx';
import { z } from 'zod';
import type { ConsoleApp, ConsoleDependencies, ConsoleEnv } from '../auth/env.js';
import { requireConsoleUser } from '../auth/middleware.js';
import { consoleActor, type ConsoleUser } from '../auth/users.js';
import { CommandForm, type FormOutcome, typedInput } from '../command-form.js';
import { formBody } from '../form-body.js';
import { formatAmount, formatWhen, inZone, words } from '../format.js';
import { renderPage } from '../layout.js';
import { type CaseForm, caseFormBySlug, caseForms, type RepeatedRows, rowCount } from './case-forms.js';
import { type CasePageData, loadCasePage } from './case-page-data.js';
import { PageMessages } from '../page-messages.js';

const invoiceId = z.uuid();

const canUse = (user: ConsoleUser, form: CaseForm) => user.role === 'admin' || user.role === form.role;

const When: FC<{ at: string; timezone: string }> = ({ at, timezone }) => (
  <>
    <time datetime={at}>{inZone(at, timezone)}</time>
    <br />
    <span class="utc">{formatWhen(at)}</span>
  </>
);

const Summary: FC<{ data: CasePageData }> = ({ data }) => {
  const { invoice, customer, state } = data;
  return (
    <dl class="facts">
      <dt>Customer</dt>
      <dd>
        <a href={`/console/customers/${customer.id}`}>{customer.name}</a> ({customer.timezone})
      </dd>
      <dt>Invoice status</dt>
      <dd>{words(invoice.status)}</dd>
      <dt>Stage</dt>
      <dd id="case-stage">{state ? words(state.stage) : data.closed ? `ended (${words(invoice.status)})` : 'unknown (the case cannot be reached)'}</dd>
      <dt>Issued / due</dt>
      <dd>
        {invoice.issueDate} / {invoice.dueDate}
      </dd>
      <dt>Policy</dt>
      <dd>{data.policy ? `${data.policy.name} v${data.policy.version}` : 'unknown'}</dd>
      {state?.nextAction && (
        <>
          <dt>Next</dt>
          <dd id="next-action">
            {state.nextAction.description}, <When at={state.nextAction.at} timezone={customer.timezone} />
          </dd>
        </>
      )}
    </dl>
  );
};

const Balance: FC<{ data: CasePageData }> = ({ data: { money: m } }) => (
  <table id="balance">
    <caption>Balance with fees ({m.currency})</caption>
    <tbody>
      {(
        [
          ['Invoice amount', m.amountMinor],
          ['Late fees', m.feesMinor],
          // `|| 0`: no "-£0.00" for nothing paid.
          ['Paid', -m.paidMinor || 0],
          ['Credited', -m.creditedMinor || 0],
        ] as const
      ).map(([label, value]) => (
        <tr>
          <th scope="row">{label}</th>
          <td class="num">{formatAmount(value, m.currency)}</td>
        </tr>
      ))}
      <tr class="total">
        <th scope="row">Balance</th>
        <td class="num" id="balance-total">
          {formatAmount(m.balanceMinor, m.currency)}
        </td>
      </tr>
    </tbody>
  </table>
);

const Holds: FC<{ data: CasePageData }> = ({ data: { state, customer, money: m } }) => {
  if (!state) return <p class="empty">The live case is not available: holds are not known.</p>;
  const holds = [
    state.disputed && (
      <li>
        <strong>Dispute</strong> opened by {state.disputed.openedBy} on <When at={state.disputed.openedAt} timezone={customer.timezone} />: {state.disputed.reason}
      </li>
    ),
    state.paused && (
      <li>
        <strong>Paused</strong> by {state.paused.by}: {state.paused.reason}
        {state.paused.until ? (
          <>
            {' '}
            (until <When at={state.paused.until} timezone={customer.timezone} />)
          </>
        ) : (
          ' (until resumed)'
        )}
      </li>
    ),
    state.promiseToPay && (
      <li>
        <strong>Promise to pay</strong> {formatAmount(state.promiseToPay.amountMinor, m.currency)} by {state.promiseToPay.date} (end of that day, {customer.timezone}), recorded by {state.promiseToPay.recordedBy}
      </li>
    ),
    state.paymentPlan && (
      <li>
        <strong>Payment plan</strong> agreed by {state.paymentPlan.agreedBy}
        {state.paymentPlan.clockHeldSince && ' (its clock is stopped by a hold)'}
        <table>
          <caption class="visually-hidden">Installments</caption>
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">Due</th>
              <th scope="col" class="num">
                Amount
              </th>
              <th scope="col" class="num">
                Paid
              </th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {state.paymentPlan.installments.map((installment) => (
              <tr>
                <td>{installment.sequence}</td>
                <td>{installment.dueDate}</td>
                <td class="num">{formatAmount(installment.amountMinor, m.currency)}</td>
                <td class="num">{formatAmount(installment.paidMinor, m.currency)}</td>
                <td>{installment.status}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </li>
    ),
  ].filter(Boolean);
  return holds.length ? <ul id="holds">{holds}</ul> : <p id="holds" class="empty">No hold: escalation follows the policy.</p>;
};

const STATUS_TEXT = { done: 'done', next: 'next', later: 'to come', not_reached: 'not reached' } as const;

const Ladder: FC<{ data: CasePageData }> = ({ data: { ladder, customer } }) => (
  <table id="ladder">
    <caption>The policy’s steps: what was sent, what comes next and when</caption>
    <thead>
      <tr>
        <th scope="col">Step</th>
        <th scope="col">Actions</th>
        <th scope="col">Planned by the policy</th>
        <th scope="col">Status</th>
        <th scope="col">Outcome</th>
      </tr>
    </thead>
    <tbody>
      {ladder.map((row) => (
        <tr data-step={row.stepId} data-status={row.status}>
          <th scope="row">
            {row.stepId} <span class="hint">(due date + {row.offset})</span>
          </th>
          <td>{row.actions.map(words).join(' + ')}</td>
          <td>
            <When at={row.plannedAt} timezone={customer.timezone} />
          </td>
          <td>
            {STATUS_TEXT[row.status]}
            {row.dueAt && (
              <>
                : <When at={row.dueAt} timezone={customer.timezone} />
              </>
            )}
          </td>
          <td>
            {row.outcomes.length ? (
              <ul class="plain">
                {row.outcomes.map((o) => (
                  <li>
                    {words(o.outcome)}
                    {o.channel && ` (${words(o.channel)})`} <time datetime={o.at}>{inZone(o.at, customer.timezone)}</time>
                    {o.note && `: ${o.note}`}
                  </li>
                ))}
              </ul>
            ) : (
              '—'
            )}
          </td>
        </tr>
      ))}
    </tbody>
  </table>
);

/** A short line of an audit entry's details (its JSON, without the keys everyone has). */
function detailLine(details: unknown): string {
  if (typeof details !== 'object' || details === null) return '';
  return Object.entries(details as Record<string, unknown>)
    .filter(([, value]) => value !== null && value !== undefined && typeof value !== 'object')
    .map(([key, value]) => `${key}: ${String(value)}`)
    .join('; ');
}

const Timeline: FC<{ data: CasePageData }> = ({ data: { timeline, customer } }) =>
  timeline.length ? (
    <table id="timeline">
      <caption>Audit log, oldest first (the case writes it moments after each change: reload if the latest is missing)</caption>
      <thead>
        <tr>
          <th scope="col">When ({customer.timezone})</th>
          <th scope="col">What</th>
          <th scope="col">Who</th>
          <th scope="col">Details</th>
        </tr>
      </thead>
      <tbody>
        {timeline.map((entry) => (
          <tr data-kind={entry.kind}>
            <td>
              <time datetime={entry.at}>{inZone(entry.at, customer.timezone)}</time>
            </td>
            <td>{words(entry.kind)}</td>
            <td>{entry.actor}</td>
            <td>{detailLine(entry.details)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  ) : (
    <p id="timeline" class="empty">
      Nothing recorded yet.
    </p>
  );

/**
 * Sets how many rows a form of repeated rows shows: a GET of the case page with that number (no
 * script), back at the form. Outside the form it sizes, so Enter in the form still submits the form.
 */
const RowCountForm: FC<{ invoiceId: string; formSlug: string; rows: RepeatedRows; count: number }> = ({ invoiceId, formSlug, rows, count }) => {
  const id = `${formSlug}-row-count`;
  return (
    <form method="get" action={`/console/cases/${invoiceId}#form-${formSlug}`} class="row-count-form" id={`form-${id}`}>
      <label for={id}>{rows.label}</label>
      <span class="hint" id={`${id}-hint`}>
        From 1 to {rows.max}: the form below then shows that many rows.
      </span>
      <input type="number" id={id} name={rows.param} min="1" max={rows.max} step="1" value={String(count)} required aria-describedby={`${id}-hint`} />
      <button type="submit">Show rows</button>
    </form>
  );
};

const Actions: FC<{ data: CasePageData; user: ConsoleUser; csrfToken: string; outcome?: FormOutcome | undefined; rowCounts: RowCounts }> = ({ data, user, csrfToken, outcome, rowCounts }) => {
  if (user.role === 'viewer') return <p class="empty" id="actions-note">Viewers read cases; collectors and admins act on them.</p>;
  if (data.closed) return <p class="empty" id="actions-note">This case has ended ({words(data.state?.closed?.reason ?? data.invoice.status)}): there is nothing more to do on it.</p>;
  const { state } = data;
  if (!state) return <p class="empty" id="actions-note">The case cannot be reached right now: commands are not offered. Try again shortly.</p>;
  const offered = caseForms.filter((form) => canUse(user, form) && (form.applies(state) || outcome?.formId === form.slug));
  return (
    <div class="command-forms">
      {offered.map((form) => {
        const count = form.rows ? (rowCounts[form.slug] ?? form.rows.initial) : 0;
        const commandForm = (
          <CommandForm
            spec={{ id: form.slug, legend: form.legend, action: `/console/cases/${data.invoice.id}/${form.slug}`, fields: form.fields(data.money.currency, data.customer.timezone, count), submit: form.submit, ...(form.danger ? { danger: true } : {}) }}
            csrfToken={csrfToken}
            outcome={outcome}
          />
        );
        if (!form.rows) return commandForm;
        return (
          <div class="with-row-count">
            <RowCountForm invoiceId={data.invoice.id} formSlug={form.slug} rows={form.rows} count={count} />
            {commandForm}
          </div>
        );
      })}
    </div>
  );
};

/** How many rows each form of repeated rows shows, by form slug; a form not named shows its initial count. */
type RowCounts = Readonly<Record<string, number>>;

/** The row counts the case page's query asks for (`?installments=12`). */
const rowCountsAsked = (c: Context<ConsoleEnv>): RowCounts => Object.fromEntries(caseForms.flatMap((form) => (form.rows ? [[form.slug, rowCount(form.rows, c.req.query(form.rows.param))]] : [])));

function renderCase(c: Context<ConsoleEnv>, data: CasePageData, options: { status?: 200 | 409 | 422; message?: string | undefined; error?: string; outcome?: FormOutcome; rowCounts?: RowCounts } = {}) {
  const user = c.get('consoleUser');
  return renderPage(
    c,
    {
      title: `Invoice ${data.invoice.number}`,
      children: (
        <>
          <PageMessages message={options.message} error={options.error} />
          <Summary data={data} />
          <h2>Balance</h2>
          <Balance data={data} />
          <h2>Holds</h2>
          <Holds data={data} />
          <h2>Ladder</h2>
          <Ladder data={data} />
          <h2 id="actions-heading">Actions</h2>
          <Actions data={data} user={user} csrfToken={c.get('csrfToken')} outcome={options.outcome} rowCounts={options.rowCounts ?? {}} />
          <h2>Timeline</h2>
          <Timeline data={data} />
        </>
      ),
    },
    options.status ?? 200,
  );
}

const notFound = (c: Context<ConsoleEnv>, id: string) => renderPage(c, { title: 'Not found', children: <p>There is no invoice {id}.</p> }, 404);

/** GET /console/cases/:invoiceId and a POST per command form (README "Console"). */
export function registerCasePage(app: ConsoleApp, deps: ConsoleDependencies): void {
  app.get('/cases/:invoiceId', requireConsoleUser(), async (c) => {
    const id = c.req.param('invoiceId');
    const data = invoiceId.safeParse(id).success ? await loadCasePage(deps, id) : null;
    if (!data) return notFound(c, id);
    return renderCase(c, data, { message: caseFormBySlug(c.req.query('done') ?? '')?.done, rowCounts: rowCountsAsked(c) });
  });

  for (const form of caseForms) {
    app.post(`/cases/:invoiceId/${form.slug}`, requireConsoleUser(form.role), async (c) => {
      const id = c.req.param('invoiceId');
      const data = invoiceId.safeParse(id).success ? await loadCasePage(deps, id) : null;
      if (!data) return notFound(c, id);
      const fields = await c.req.parseBody();
      const body = formBody(fields, { currency: data.money.currency, timezone: data.customer.timezone });
      const sent = await form.send(deps, id, body, consoleActor(c.get('consoleUser')));
      if (sent.kind === 'done') return c.redirect(`/console/cases/${id}?done=${form.slug}`, 303);
      if (sent.kind === 'not_found') return notFound(c, id);
      const after = (await loadCasePage(deps, id)) ?? data;
      if (sent.kind === 'not_running') return renderCase(c, after, { status: 409, error: `Not done: ${sent.detail}` });
      const outcome: FormOutcome = { formId: form.slug, detail: sent.detail, errors: 'errors' in sent ? sent.errors : [], input: typedInput(fields) };
      // A refusal shows every row that was posted again, as typed.
      const rowCounts = form.rows ? { [form.slug]: rowCount(form.rows, String(form.rows.posted(fields))) } : {};
      return renderCase(c, after, { status: 422, outcome, rowCounts });
    });
  }
}
