import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PrismaClient } from '../prisma/client.js';
import { createApiHarness } from './support/api.js';
import { createConsoleUser, getPage, postForm, serveApp, signIn } from './support/console.js';
import { createOverdueInvoice } from './support/fixtures.js';
import { onSuiteWorker, type WorkerHarness } from './support/worker.js';

/**
 * What a person sees when a console page fails unexpectedly: the real app on the run's database
 * and Temporal, except that reading one invoice fails as a lost database would, with internals in
 * the error's message that must not reach the page.
 */
let harness: WorkerHarness;
onSuiteWorker((h) => (harness = h));
let api: Awaited<ReturnType<typeof createApiHarness>>;
let server: Awaited<ReturnType<typeof serveApp>>;
const INTERNALS = 'connect ECONNREFUSED 10.9.8.7:5432 (user collections_rw)';

/** The harness's Prisma client, except that `invoice.findUnique` throws. */
function failingInvoiceReads(prisma: PrismaClient): PrismaClient {
  const invoice = new Proxy(prisma.invoice, {
    get: (target, name, receiver) =>
      name === 'findUnique'
        ? () => Promise.reject(new Error(INTERNALS))
        : (Reflect.get(target, name, receiver) as unknown),
  });
  return new Proxy(prisma, { get: (target, name, receiver) => (name === 'invoice' ? invoice : (Reflect.get(target, name, receiver) as unknown)) });
}

beforeAll(async () => {
  api = await createApiHarness(harness, { prisma: failingInvoiceReads(harness.prisma) });
  server = await serveApp(api.app);
});
afterAll(async () => {
  await server?.close();
});

describe('an unexpected error on a console page', () => {
  it('is an HTML page in the console’s layout with status 500 and the request id to quote, without the error’s internals; the API still answers problem JSON', async () => {
    const invoiceId = (await createOverdueInvoice(harness.prisma)).invoice.id;
    const user = await createConsoleUser(harness.prisma, 'collector');
    const { cookie, csrfToken } = await signIn(server.baseUrl, user.email, user.password);

    const page = await getPage(server.baseUrl, `/console/cases/${invoiceId}`, cookie);
    expect(page.status).toBe(500);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    // The console's own headers still apply to its error page.
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    const html = await page.text();
    const requestId = page.headers.get('x-request-id');
    expect(requestId).toBeTruthy();
    expect(html).toContain(`<code id="request-id">${requestId}</code>`);
    expect(html).toContain('<h1>Something went wrong</h1>');
    // Signed in: the page keeps the nav and the sign-out form.
    expect(html).toContain(`${user.name} (collector)`);
    for (const leak of ['ECONNREFUSED', '10.9.8.7', 'collections_rw']) expect(html, leak).not.toContain(leak);
    expect(html, 'no stack frame').not.toMatch(/\.(ts|js):\d+/);

    // A form's POST that fails the same way gets the same page, not JSON.
    const posted = await postForm(server.baseUrl, `/console/cases/${invoiceId}/disputes`, { _csrf: csrfToken, reason: 'damaged' }, { cookie });
    expect(posted.status).toBe(500);
    expect(posted.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await posted.text()).toContain(`<code id="request-id">${posted.headers.get('x-request-id')}</code>`);

    const fromApi = await api.call('GET', `/v1/cases/${invoiceId}`, { key: api.keys.collector });
    expect(fromApi.status).toBe(500);
    expect(fromApi.contentType).toMatch(/^application\/problem\+json/);
    expect(JSON.stringify(fromApi.body)).not.toContain('ECONNREFUSED');
  });
});
