import type { ConsoleApp, ConsoleDependencies } from '../auth/env.js';
import { requireConsoleUser } from '../auth/middleware.js';
import { formatAmount, formatWhen } from '../format.js';
import { renderPage } from '../layout.js';
import { loadWorklist, maxRunningCases } from './data.js';
import { filterAndSort, parseWorklistQuery, queryWith, sections, type SectionSpec, type SortField, type WorklistQuery, type WorkRow } from './sections.js';

const columns: readonly { field: SortField | null; label: (spec: SectionSpec) => string; numeric?: boolean }[] = [
  { field: 'invoice', label: () => 'Invoice' },
  { field: 'customer', label: () => 'Customer' },
  { field: null, label: () => 'Stage' },
  { field: 'balance', label: () => 'Balance', numeric: true },
  { field: 'when', label: (spec) => spec.whenLabel },
  { field: null, label: () => 'Detail' },
];

const Section = ({ spec, rows, query }: { spec: SectionSpec; rows: readonly WorkRow[]; query: WorklistQuery }) => {
  const view = query.views[spec.key];
  const headingId = `section-${spec.key}-heading`;
  return (
    <section id={`section-${spec.key}`} aria-labelledby={headingId}>
      <h2 id={headingId}>
        {spec.title} <span class="count">{rows.length}</span>
        <span class="visually-hidden"> {rows.length === 1 ? 'case' : 'cases'}</span>
      </h2>
      {rows.length === 0 ? (
        <p class="empty">{spec.empty}</p>
      ) : (
        <table aria-labelledby={headingId}>
          <thead>
            <tr>
              {columns.map((column) => {
                const label = column.label(spec);
                if (!column.field) return <th scope="col">{label}</th>;
                const sorted = view.field === column.field;
                const next = sorted && view.direction === 'asc' ? 'desc' : 'asc';
                return (
                  <th scope="col" class={column.numeric ? 'num' : undefined} aria-sort={sorted ? (view.direction === 'asc' ? 'ascending' : 'descending') : undefined}>
                    <a href={`/console${queryWith(query, spec.key, { field: column.field, direction: next })}#section-${spec.key}`}>
                      {label}
                      <span class="visually-hidden">, sort {next === 'asc' ? 'ascending' : 'descending'}</span>
                      {sorted ? (view.direction === 'asc' ? ' ▲' : ' ▼') : ''}
                    </a>
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr>
                <td>
                  <a href={`/console/cases/${encodeURIComponent(row.invoiceId)}`}>{row.invoiceNumber}</a>
                </td>
                <td>{row.customerId ? <a href={`/console/customers/${encodeURIComponent(row.customerId)}`}>{row.customerName || row.customerId}</a> : row.customerName}</td>
                <td>{row.stage.replaceAll('_', ' ')}</td>
                <td class="num">{formatAmount(row.balanceMinor, row.currency)}</td>
                <td>{formatWhen(row.when)}</td>
                <td>{row.detail}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
};

/** GET /console: the collector's day, every section filtered and sorted on the server from the query string. */
export function registerWorklist(app: ConsoleApp, deps: ConsoleDependencies): void {
  app.get('/', requireConsoleUser(), async (c) => {
    const query = parseWorklistQuery(c.req.query());
    const worklist = await loadWorklist(deps.prisma, deps.temporal, deps.taskQueue);
    const currencies = [...new Set(Object.values(worklist.rows).flatMap((rows) => rows.map((row) => row.currency)))].filter(Boolean).sort();
    const shown = sections.map((spec) => ({ spec, rows: filterAndSort(worklist.rows[spec.key], query.filters, query.views[spec.key]) }));
    return renderPage(c, {
      title: 'Worklist',
      current: 'worklist',
      children: (
        <>
          <form method="get" action="/console" class="filters" role="search" aria-label="Filter the worklist">
            <div>
              <label for="q">Customer or invoice contains</label>
              <input id="q" name="q" type="search" value={query.filters.text} />
            </div>
            <div>
              <label for="currency">Currency</label>
              <select id="currency" name="currency">
                <option value="">All currencies</option>
                {[...new Set([...currencies, ...(query.filters.currency ? [query.filters.currency] : [])])].map((code) => (
                  <option value={code} selected={code === query.filters.currency}>
                    {code}
                  </option>
                ))}
              </select>
            </div>
            <button type="submit">Filter</button>
            {(query.filters.text || query.filters.currency) && <a href="/console">Clear filters</a>}
          </form>
          {worklist.truncated && <p class="errors">More cases are running than the worklist reads at once ({maxRunningCases.toLocaleString('en-GB')}): some are missing here; GET /v1/cases lists them all.</p>}
          <nav aria-label="Worklist sections">
            <ul>
              {shown.map(({ spec, rows }) => (
                <li>
                  <a href={`#section-${spec.key}`}>
                    {spec.title}: {rows.length}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
          {shown.map(({ spec, rows }) => (
            <Section spec={spec} rows={rows} query={query} />
          ))}
        </>
      ),
    });
  });
}
