import { describe, expect, it } from 'vitest';
import { AgingCharts } from '../api/console/charts/aging-chart.js';
import { CeiChart } from '../api/console/charts/cei-chart.js';
import { ChannelEffectivenessChart } from '../api/console/charts/channel-chart.js';
import { CollectionsWeeklyCharts } from '../api/console/charts/collections-chart.js';
import { DsoChart } from '../api/console/charts/dso-chart.js';
import { dayText } from '../api/console/charts/format.js';
import { PromisesChart } from '../api/console/charts/promises-chart.js';
import type { AgingBuckets, AgingReport, CustomerAging } from '../domain/reports/aging.js';
import type { CollectionsWeeklyReport } from '../domain/reports/collections-weekly.js';
import { isoDay } from './support/clock.js';

/**
 * The console's charts as the server renders them: small hand-made reports in, SVG and tables
 * out. Bars are read back from their data attributes and drawn widths; no browser is involved
 * (test/console-reports.test.ts looks at them in Chromium).
 */
const asOf = isoDay(0);
const html = (node: unknown) => String(node);
const zero: AgingBuckets = { currentMinor: 0, days1to30Minor: 0, days31to60Minor: 0, days61to90Minor: 0, over90Minor: 0, totalMinor: 0 };
const customer = (customerId: string, customerName: string, invoices: number, buckets: Partial<AgingBuckets>): CustomerAging => {
  const all = { ...zero, ...buckets };
  return { customerId, customerName, invoices, ...all, totalMinor: all.currentMinor + all.days1to30Minor + all.days31to60Minor + all.days61to90Minor + all.over90Minor };
};

// EUR: Beta 2,000 in 61–90 and 21,500 over 90; Alpha 9,000 current and 6,000 in 1–30. USD: Beta 20,000 in 31–60.
const aging: AgingReport = {
  asOf,
  currencies: [
    {
      currency: 'EUR',
      total: { currentMinor: 9_000, days1to30Minor: 6_000, days31to60Minor: 0, days61to90Minor: 2_000, over90Minor: 21_500, totalMinor: 38_500 },
      customers: [customer('cust-b', 'Beta Ltd', 2, { days61to90Minor: 2_000, over90Minor: 21_500 }), customer('cust-a', 'Alpha <GmbH> & Co', 3, { currentMinor: 9_000, days1to30Minor: 6_000 })],
    },
    { currency: 'USD', total: { ...zero, days31to60Minor: 20_000, totalMinor: 20_000 }, customers: [customer('cust-b', 'Beta Ltd', 1, { days31to60Minor: 20_000 })] },
  ],
};
const customerHref = (id: string) => `/console/customers/${id}`;

/** The `<figure>` of one currency (figures are never nested). */
function figureOf(markup: string, report: string, currency: string): string {
  const found = markup.match(new RegExp(`<figure class="report-figure" data-report="${report}" data-currency="${currency}">[\\s\\S]*?</figure>`));
  expect(found, `${report} figure for ${currency}`).not.toBeNull();
  return found![0];
}

const attribute = (tag: string, name: string) => tag.match(new RegExp(` ${name}="([^"]*)"`))?.[1];

/** The bars of each labelled row of a horizontal chart: bucket key → [value, drawn width]. */
function barRows(svg: string): Map<string, Record<string, [number, number]>> {
  const rows = new Map<string, Record<string, [number, number]>>();
  for (const row of svg.split('<g class="bar-row"').slice(1)) {
    const bars: Record<string, [number, number]> = {};
    for (const [rect] of row.split('</g>')[0]!.matchAll(/<rect class="bar"[^>]*>/g)) bars[attribute(rect, 'data-key')!] = [Number(attribute(rect, 'data-value')), Number(attribute(rect, 'width'))];
    rows.set(attribute(`<g${row}`, 'data-label')!, bars);
  }
  return rows;
}

/** Cells of a table row, tags stripped. */
const cells = (row: string) => [...row.matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((cell) => cell[1]!.replace(/<[^>]+>/g, ''));

describe('the aging chart', () => {
  it('draws one figure per currency whose stacked bars are the buckets of all customers and of each customer, never another currency’s money', () => {
    const markup = html(AgingCharts({ report: aging, customerHref }));
    expect([...markup.matchAll(/<svg [^>]*data-chart="aging" data-currency="(\w+)"/g)].map((match) => match[1])).toEqual(['EUR', 'USD']);
    const eur = barRows(figureOf(markup, 'aging', 'EUR'));
    expect([...eur.keys()]).toEqual(['All customers', 'Beta Ltd', 'Alpha &lt;GmbH&gt; &amp; Co']);
    const values = (row: Record<string, [number, number]> | undefined) => Object.fromEntries(Object.entries(row ?? {}).map(([key, [value]]) => [key, value]));
    expect(values(eur.get('All customers'))).toEqual({ currentMinor: 9_000, days1to30Minor: 6_000, days61to90Minor: 2_000, over90Minor: 21_500 });
    expect(values(eur.get('Beta Ltd'))).toEqual({ days61to90Minor: 2_000, over90Minor: 21_500 });
    // The axis ends at €400 (ticks of €100), 412 px long: 21,500 of 40,000 is 221.5 px, 2,000 is 20.6 px.
    expect(eur.get('All customers')!.over90Minor![1]).toBeCloseTo(221.5, 0);
    expect(eur.get('Beta Ltd')!.days61to90Minor![1]).toBeCloseTo(20.6, 0);
    expect(figureOf(markup, 'aging', 'EUR')).toMatch(/>€400<\/text>/);
    const usd = figureOf(markup, 'aging', 'USD');
    expect(values(barRows(usd).get('All customers'))).toEqual({ days31to60Minor: 20_000 });
    expect(usd).not.toContain('€');
    expect(figureOf(markup, 'aging', 'EUR')).not.toContain('US$');
  });

  it('lists every customer with a link to their page, the bucket amounts in major units, and the currency’s total', () => {
    const eur = figureOf(html(AgingCharts({ report: aging, customerHref })), 'aging', 'EUR');
    const rows = [...eur.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((row) => row[0]);
    expect(rows.map(cells)).toEqual([
      ['Customer', 'Invoices', 'Current', '1–30 days', '31–60 days', '61–90 days', 'Over 90 days', 'Total'],
      ['Beta Ltd', '2', '€0.00', '€0.00', '€0.00', '€20.00', '€215.00', '€235.00'],
      ['Alpha &lt;GmbH&gt; &amp; Co', '3', '€90.00', '€60.00', '€0.00', '€0.00', '€0.00', '€150.00'],
      ['All customers', '5', '€90.00', '€60.00', '€0.00', '€20.00', '€215.00', '€385.00'],
    ]);
    expect(rows[1]).toContain('<a href="/console/customers/cust-b">Beta Ltd</a>');
    expect(eur).not.toContain('<GmbH>');
  });

  it('draws the total and the ten largest customers, and lists all of them in the table', () => {
    const customers = Array.from({ length: 12 }, (_, index) => customer(`c${index}`, `Customer ${index}`, 1, { currentMinor: 1_000 * (12 - index) }));
    const total = { ...zero, currentMinor: 78_000, totalMinor: 78_000 };
    const markup = html(AgingCharts({ report: { asOf, currencies: [{ currency: 'JPY', total, customers }] }, customerHref }));
    const figure = figureOf(markup, 'aging', 'JPY');
    expect([...barRows(figure).keys()]).toEqual(['All customers', ...customers.slice(0, 10).map((c) => c.customerName)]);
    expect(figure.match(/<tr data-customer-id=/g)).toHaveLength(12);
    expect(figure).toContain('The 10 largest of 12 customers are drawn; the table lists all.');
    expect(figure).toContain('¥78,000');
  });

  it('is an image with a title and description screen readers announce, and labelled axes', () => {
    const svg = figureOf(html(AgingCharts({ report: aging, customerHref })), 'aging', 'EUR').match(/<svg[\s\S]*<\/svg>/)![0];
    expect(attribute(svg, 'role')).toBe('img');
    expect(attribute(svg, 'aria-labelledby')).toBe('aging-EUR-title aging-EUR-desc');
    expect(svg).toContain(`<title id="aging-EUR-title">Aging in EUR as of ${dayText(asOf)}</title>`);
    expect(svg).toMatch(/<desc id="aging-EUR-desc">Open balances by days past due\. All customers: €385\.00 \(current €90\.00, 1–30 days €60\.00, 31–60 days €0\.00, 61–90 days €20\.00, over 90 days €215\.00\)/);
    expect([...svg.matchAll(/<text class="axis-title"[^>]*>([^<]*)</g)].map((match) => match[1])).toEqual(['Open balance (EUR)', 'Customer']);
  });

  it('says there is nothing to age instead of drawing an empty chart', () => {
    const markup = html(AgingCharts({ report: { asOf, currencies: [] }, customerHref }));
    expect(markup).toBe(`<p class="empty no-data">No open balances as of ${dayText(asOf)}: there is nothing to age.</p>`);
  });
});

describe('collected per week', () => {
  const weekly: CollectionsWeeklyReport = {
    asOf,
    from: isoDay(-14),
    currencies: [
      { currency: 'GBP', totalMinor: 12_050, weeks: [{ weekStart: isoDay(-14), collectedMinor: 4_000, payments: 1 }, { weekStart: isoDay(-7), collectedMinor: 0, payments: 0 }, { weekStart: isoDay(0), collectedMinor: 8_050, payments: 2 }] },
      { currency: 'SEK', totalMinor: 500, weeks: [{ weekStart: isoDay(-14), collectedMinor: 0, payments: 0 }, { weekStart: isoDay(-7), collectedMinor: 500, payments: 1 }, { weekStart: isoDay(0), collectedMinor: 0, payments: 0 }] },
    ],
  };

  it('draws a column per week in each currency’s own chart, none for a week without payments, heights to scale', () => {
    const markup = html(CollectionsWeeklyCharts({ report: weekly }));
    const gbp = figureOf(markup, 'collections-weekly', 'GBP');
    const columns = [...gbp.matchAll(/<g class="column" data-label="([^"]+)">([\s\S]*?)<\/g>/g)].map(([, label, body]) => {
      const rect = body!.match(/<rect class="bar"[^>]*>/)?.[0];
      return [label, rect ? Number(attribute(rect, 'data-value')) : null, rect ? Number(attribute(rect, 'height')) : null];
    });
    // The axis ends at £100 (ticks of £20) over 200 px: £40 is 80 px, £80.50 is 161 px.
    expect(columns).toEqual([
      [expect.any(String), 4_000, 80],
      [expect.any(String), null, null],
      [expect.any(String), 8_050, 161],
    ]);
    expect(gbp).toMatch(/>£100<\/text>/);
    expect(gbp).toContain('<td class="num" data-minor="12050">£120.50</td>');
    expect(gbp).not.toContain('SEK');
    expect(figureOf(markup, 'collections-weekly', 'SEK')).toMatch(/<td class="num" data-minor="500">SEK\s5\.00<\/td>/);
  });

  it('labels every other week when twelve would crowd the axis, and still draws all twelve columns', () => {
    const weeks = Array.from({ length: 12 }, (_, index) => ({ weekStart: isoDay(-7 * (11 - index)), collectedMinor: 100 * (index + 1), payments: 1 }));
    const markup = html(CollectionsWeeklyCharts({ report: { asOf, from: weeks[0]!.weekStart, currencies: [{ currency: 'EUR', totalMinor: 7_800, weeks }] } }));
    const columns = [...markup.matchAll(/<g class="column" data-label="[^"]+">([\s\S]*?)<\/g>/g)].map(([, body]) => [body!.includes('<rect'), body!.includes('<text')]);
    expect(columns).toEqual(weeks.map((_, index) => [true, index % 2 === 0]));
  });

  it('says no payments were received rather than drawing empty axes', () => {
    expect(html(CollectionsWeeklyCharts({ report: { asOf, from: isoDay(-14), currencies: [] } }))).toBe(`<p class="empty no-data">No payments received from ${dayText(isoDay(-14))} to ${dayText(asOf)}.</p>`);
  });
});

describe('DSO, CEI, promises and channels', () => {
  it('DSO: a bar of days per currency, "no figure" for a currency without sales, money in the table in its own currency', () => {
    const markup = html(DsoChart({ report: { asOf, days: 90, from: isoDay(-89), currencies: [{ currency: 'EUR', receivablesMinor: 38_500, creditSalesMinor: 22_000, dso: 157.5 }, { currency: 'USD', receivablesMinor: 20_000, creditSalesMinor: 0, dso: null }] } }));
    const rows = barRows(markup);
    expect(rows.get('EUR')).toEqual({ dso: [157.5, expect.any(Number)] });
    expect(rows.get('USD')).toEqual({});
    expect(markup).toMatch(/data-label="EUR">[\s\S]*?>157\.5 days<\/text>/);
    expect(markup).toMatch(/data-label="USD">[\s\S]*?>no figure<\/text>/);
    expect(markup).toContain('<td class="num" data-minor="20000">US$200.00</td>');
  });

  it('CEI: bars on a 0–100 % axis per currency with the formula’s terms in the table', () => {
    const markup = html(CeiChart({ report: { from: isoDay(-29), to: asOf, currencies: [{ currency: 'EUR', beginningReceivablesMinor: 41_500, creditSalesMinor: 9_000, endingReceivablesMinor: 38_500, endingCurrentReceivablesMinor: 9_000, cei: 28.9 }] } }));
    // 28.9 % of the 412 px axis is 119.1 px, whatever the amounts.
    expect(barRows(markup).get('EUR')!.cei![1]).toBeCloseTo(119.1, 0);
    expect(markup).toMatch(/>100 %<\/text>/);
    expect(cells(markup.match(/<tr data-currency="EUR">[\s\S]*?<\/tr>/)![0])).toEqual(['EUR', '€415.00', '€90.00', '€385.00', '€90.00', '28.9 %']);
    expect(html(CeiChart({ report: { from: isoDay(-29), to: asOf, currencies: [] } }))).toContain('class="empty no-data"');
  });

  it('promises: kept, broken and undecided counts with the kept ratio; none made says so', () => {
    const markup = html(PromisesChart({ report: { from: isoDay(-29), to: asOf, made: 6, kept: 1, broken: 2, unresolved: 3, keptRatio: 0.333 } }));
    const rows = barRows(markup);
    expect([...rows].map(([label, bars]) => [label, Object.values(bars)[0]![0]])).toEqual([['Kept', 1], ['Broken', 2], ['Not decided', 3]]);
    expect(markup).toContain('33.3 % kept');
    expect(html(PromisesChart({ report: { from: isoDay(-29), to: asOf, made: 0, kept: 0, broken: 0, unresolved: 0, keptRatio: null } }))).toBe(`<p class="empty no-data">No promises to pay recorded from ${dayText(isoDay(-29))} to ${dayText(asOf)}.</p>`);
  });

  it('channels: the share followed by a payment per channel, no bar where nothing was decided; no messages says so', () => {
    const channels = [
      { channel: 'email', decided: 2, followedByPayment: 2, pending: 1, ratio: 1 },
      { channel: 'sms', decided: 1, followedByPayment: 0, pending: 0, ratio: 0 },
      { channel: 'letter', decided: 2, followedByPayment: 1, pending: 0, ratio: 0.5 },
      { channel: 'call_task', decided: 0, followedByPayment: 0, pending: 0, ratio: null },
    ] as const;
    const markup = html(ChannelEffectivenessChart({ report: { from: isoDay(-29), to: asOf, windowDays: 7, channels } }));
    const rows = barRows(markup);
    // The whole 412 px axis is 100 %.
    expect(rows.get('Email')!.email![1]).toBeCloseTo(412, 0);
    expect(rows.get('Letter')!.letter![1]).toBeCloseTo(206, 0);
    expect(rows.get('SMS')).toEqual({});
    expect(rows.get('Call task')).toEqual({});
    expect(cells(markup.match(/<tr data-channel="email">[\s\S]*?<\/tr>/)![0])).toEqual(['Email', '2', '2', '1', '100 %']);
    const none = channels.map((channel) => ({ ...channel, decided: 0, followedByPayment: 0, pending: 0, ratio: null }));
    expect(html(ChannelEffectivenessChart({ report: { from: isoDay(-29), to: asOf, windowDays: 7, channels: none } }))).toContain('No messages sent from');
  });
});
