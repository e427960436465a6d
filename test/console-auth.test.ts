import { Hono } from 'hono';
import { LocalSinkLegalPartner } from '../activities/providers/legal-partner.js';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import type { ConsoleDependencies, ConsoleEnv } from '../api/console/auth/env.js';
import { loadConsoleSession, requireConsoleUser, verifyCsrf } from '../api/console/auth/middleware.js';
import { consoleSettings } from '../api/console/auth/settings.js';
import { consoleActor } from '../api/console/auth/users.js';
import { caseStateQuery, collectionWorkflowId, openDisputeUpdate } from '../workflows/definitions.js';
import { createApiHarness, invoiceBody } from './support/api.js';
import { cookiesFrom, createConsoleUser, csrfFieldIn, getPage, postForm, serveApp, signIn } from './support/console.js';
import { onSuiteWorker, type WorkerHarness } from './support/worker.js';

/**
 * Sign-in for people over HTTP, against the real app on a real server, worker, Temporal and
 * PostgreSQL: passwords, session cookies and their flags, CSRF tokens and the Origin check,
 * sign-out, expiry, throttling, and roles.
 */
let harness: WorkerHarness;
onSuiteWorker((h) => (harness = h));
let api: Awaited<ReturnType<typeof createApiHarness>>;
let server: Awaited<ReturnType<typeof serveApp>>;
/** The same app behind a trusted TLS-terminating proxy (X-Forwarded-Proto). */
let proxied: Awaited<ReturnType<typeof serveApp>>;
beforeAll(async () => {
  api = await createApiHarness(harness);
  server = await serveApp(api.app);
  proxied = await serveApp((await createApiHarness(harness, {}, { console: { trustProxy: true } })).app);
});
afterAll(async () => {
  await server?.close();
  await proxied?.close();
});

const errorOn = (html: string) => /<p class="errors" role="alert"[^>]*>([^<]*)<\/p>/.exec(html)?.[1];

/** The sign-in page's cookie and token, then a POST of the form with these credentials. */
async function trySignIn(baseUrl: string, email: string, password: string, headers: Record<string, string> = {}) {
  const page = await fetch(`${baseUrl}/console/sign-in`, { headers });
  const jar = cookiesFrom(page);
  const token = csrfFieldIn(await page.text())!;
  const answer = await postForm(baseUrl, '/console/sign-in', { _csrf: token, email, password }, { cookie: jar, headers, ...(headers['x-forwarded-proto'] ? { origin: baseUrl.replace('http:', 'https:') } : {}) });
  return { answer, html: await answer.text(), jar };
}

/** Whether the cookie still opens the worklist (200), or is sent to sign in (303). */
const worklistStatus = async (cookie: string) => (await getPage(server.baseUrl, '/console', cookie)).status;

describe('signing in', () => {
  it('the right password opens a session and goes to the worklist; a wrong password and an unknown email get the same message and no session', async () => {
    const user = await createConsoleUser(harness.prisma, 'collector');
    const right = await trySignIn(server.baseUrl, user.email, user.password);
    expect(right.answer.status).toBe(303);
    expect(right.answer.headers.get('location')).toBe('/console');
    const cookie = cookiesFrom(right.answer, right.jar);
    expect(cookie).toMatch(/console_session=/);
    expect(await worklistStatus(cookie)).toBe(200);

    const wrongPassword = await trySignIn(server.baseUrl, user.email, `${user.password}x`);
    const unknownEmail = await trySignIn(server.baseUrl, `nobody-${user.id}@console.example`, user.password);
    for (const attempt of [wrongPassword, unknownEmail]) {
      expect(attempt.answer.status).toBe(400);
      expect(errorOn(attempt.html)).toBe('Email or password is wrong.');
      expect(attempt.answer.headers.getSetCookie().some((c) => c.startsWith('console_session='))).toBe(false);
    }
    expect(await harness.prisma.consoleSession.count({ where: { userId: user.id } })).toBe(1);
  });

  it('after 5 failures for one email within 15 minutes even the right password is refused (429), for unknown emails alike; the count lives in the database', async () => {
    const user = await createConsoleUser(harness.prisma, 'collector');
    for (let i = 0; i < 5; i += 1) expect((await trySignIn(server.baseUrl, user.email, 'wrong password!')).answer.status).toBe(400);
    const locked = await trySignIn(server.baseUrl, user.email, user.password);
    expect(locked.answer.status).toBe(429);
    expect(errorOn(locked.html)).toMatch(/^Too many failed sign-ins for this email\. Try again after \d\d:\d\d UTC\.$/);
    expect(await harness.prisma.consoleSession.count({ where: { userId: user.id } })).toBe(0);
    expect(await harness.prisma.consoleSignInFailure.findUnique({ where: { email: user.email } })).toMatchObject({ failures: 5, lockedUntil: expect.any(Date) });

    const unknown = `ghost-${user.id}@console.example`;
    for (let i = 0; i < 5; i += 1) await trySignIn(server.baseUrl, unknown, 'wrong password!');
    expect((await trySignIn(server.baseUrl, unknown, 'wrong password!')).answer.status).toBe(429);
  });

  it('a sign-in POST without the sign-in form’s token is refused (403) and opens no session', async () => {
    const user = await createConsoleUser(harness.prisma, 'collector');
    const answer = await postForm(server.baseUrl, '/console/sign-in', { email: user.email, password: user.password });
    expect(answer.status).toBe(403);
    expect(await harness.prisma.consoleSession.count({ where: { userId: user.id } })).toBe(0);
  });

  it('only a console path is followed after sign-in (no open redirect to another site)', async () => {
    const user = await createConsoleUser(harness.prisma, 'viewer');
    const page = await getPage(server.baseUrl, '/console/sign-in?next=https://evil.example/');
    const jar = cookiesFrom(page);
    const token = csrfFieldIn(await page.text())!;
    const answer = await postForm(server.baseUrl, '/console/sign-in', { _csrf: token, email: user.email, password: user.password, next: 'https://evil.example/' }, { cookie: jar });
    expect(answer.headers.get('location')).toBe('/console');
  });
});

describe('session cookies', () => {
  it('over plain HTTP: console_session, HttpOnly, SameSite=Lax, Path=/, not Secure (X-Forwarded-Proto ignored unless the proxy is trusted)', async () => {
    const user = await createConsoleUser(harness.prisma, 'collector');
    const { answer } = await trySignIn(server.baseUrl, user.email, user.password, {});
    const cookie = answer.headers.getSetCookie().find((c) => c.startsWith('console_session='))!;
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Lax/);
    expect(cookie).toMatch(/; Path=\//);
    expect(cookie).not.toMatch(/; Secure/);

    const spoofed = await trySignIn(server.baseUrl, user.email, user.password, { 'x-forwarded-proto': 'https' });
    // The untrusted header changes nothing: the https Origin it implies is not this server's.
    expect(spoofed.answer.status).toBe(403);
  });

  it('behind a trusted TLS proxy: __Host-console_session, Secure, HttpOnly, SameSite=Lax, Path=/, no Domain; and only that cookie opens the console', async () => {
    const user = await createConsoleUser(harness.prisma, 'collector');
    const tls = { 'x-forwarded-proto': 'https' };
    const { answer, jar } = await trySignIn(proxied.baseUrl, user.email, user.password, tls);
    expect(answer.status).toBe(303);
    const cookie = answer.headers.getSetCookie().find((c) => c.startsWith('__Host-console_session='))!;
    expect(cookie).toMatch(/; Secure/);
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Lax/);
    expect(cookie).toMatch(/; Path=\//);
    expect(cookie).not.toMatch(/Domain=/i);
    const jarWithSession = cookiesFrom(answer, jar);
    expect((await fetch(`${proxied.baseUrl}/console`, { redirect: 'manual', headers: { cookie: jarWithSession, ...tls } })).status).toBe(200);
    // The same token under the plain name, or over plain HTTP, is not a session.
    const token = /__Host-console_session=([^;]+)/.exec(jarWithSession)![1]!;
    expect((await fetch(`${proxied.baseUrl}/console`, { redirect: 'manual', headers: { cookie: `console_session=${token}`, ...tls } })).status).toBe(303);
    expect((await fetch(`${proxied.baseUrl}/console`, { redirect: 'manual', headers: { cookie: jarWithSession } })).status).toBe(303);
  });

  it('stores only a hash of the session token', async () => {
    const user = await createConsoleUser(harness.prisma, 'viewer');
    const { cookie } = await signIn(server.baseUrl, user.email, user.password);
    const token = /console_session=([^;]+)/.exec(cookie)![1]!;
    const rows = await harness.prisma.consoleSession.findMany({ where: { userId: user.id } });
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(token);
    expect(rows[0]!.tokenHash).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('CSRF', () => {
  it('a POST without the session’s CSRF token (or with another session’s) is refused with 403 and changes nothing', async () => {
    const user = await createConsoleUser(harness.prisma, 'collector');
    const other = await createConsoleUser(harness.prisma, 'collector');
    const session = await signIn(server.baseUrl, user.email, user.password);
    const otherSession = await signIn(server.baseUrl, other.email, other.password);
    expect((await postForm(server.baseUrl, '/console/sign-out', {}, { cookie: session.cookie })).status).toBe(403);
    expect((await postForm(server.baseUrl, '/console/sign-out', { _csrf: otherSession.csrfToken }, { cookie: session.cookie })).status).toBe(403);
    expect(await worklistStatus(session.cookie)).toBe(200);
    expect(await harness.prisma.consoleSession.count({ where: { userId: user.id } })).toBe(1);
  });

  it('a session cookie presented from another Origin does nothing, even with the right token (Origin check, 403)', async () => {
    const user = await createConsoleUser(harness.prisma, 'collector');
    const session = await signIn(server.baseUrl, user.email, user.password);
    const answer = await postForm(server.baseUrl, '/console/sign-out', { _csrf: session.csrfToken }, { cookie: session.cookie, origin: 'https://evil.example' });
    expect(answer.status).toBe(403);
    expect(await worklistStatus(session.cookie)).toBe(200);
  });
});

describe('sign-out and expiry', () => {
  it('sign-out deletes the session: the old cookie is sent to sign in afterwards', async () => {
    const user = await createConsoleUser(harness.prisma, 'collector');
    const session = await signIn(server.baseUrl, user.email, user.password);
    const answer = await postForm(server.baseUrl, '/console/sign-out', { _csrf: session.csrfToken }, { cookie: session.cookie });
    expect(answer.status).toBe(303);
    expect(answer.headers.get('location')).toBe('/console/sign-in');
    expect(answer.headers.getSetCookie().find((c) => c.startsWith('console_session='))).toMatch(/Max-Age=0/);
    expect(await harness.prisma.consoleSession.count({ where: { userId: user.id } })).toBe(0);
    const after = await getPage(server.baseUrl, '/console', session.cookie);
    expect(after.status).toBe(303);
    expect(after.headers.get('location')).toBe('/console/sign-in?next=%2Fconsole');
  });

  it('a session past its absolute end, or idle longer than the idle limit, redirects to sign-in and is deleted', async () => {
    const settings = consoleSettings();
    const user = await createConsoleUser(harness.prisma, 'collector');
    const absolute = await signIn(server.baseUrl, user.email, user.password);
    await harness.prisma.consoleSession.updateMany({ where: { userId: user.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await worklistStatus(absolute.cookie)).toBe(303);
    expect(await harness.prisma.consoleSession.count({ where: { userId: user.id } })).toBe(0);

    const idle = await signIn(server.baseUrl, user.email, user.password);
    await harness.prisma.consoleSession.updateMany({ where: { userId: user.id }, data: { lastSeenAt: new Date(Date.now() - settings.sessionIdleMinutes * 60_000 - 1000) } });
    const answer = await getPage(server.baseUrl, '/console', idle.cookie);
    expect(answer.status).toBe(303);
    expect(answer.headers.get('location')).toMatch(/^\/console\/sign-in/);
    expect(await harness.prisma.consoleSession.count({ where: { userId: user.id } })).toBe(0);
  });

  it('a disabled user’s session ends at their next request', async () => {
    const user = await createConsoleUser(harness.prisma, 'collector');
    const session = await signIn(server.baseUrl, user.email, user.password);
    await harness.prisma.consoleUser.update({ where: { id: user.id }, data: { disabled: true } });
    expect(await worklistStatus(session.cookie)).toBe(303);
  });
});

describe('roles', () => {
  /**
   * A collector command guarded as the console's case page guards its forms (loadConsoleSession,
   * verifyCsrf, requireConsoleUser('collector')), built here so this file does not depend on the
   * case page; it sends the real openDispute update.
   */
  function guardedDisputeRoute(deps: ConsoleDependencies) {
    const app = new Hono<ConsoleEnv>();
    app.use(loadConsoleSession(deps));
    app.use(verifyCsrf());
    app.post('/cases/:invoiceId/disputes', requireConsoleUser('collector'), async (c) => {
      const form = await c.req.parseBody();
      await harness.client.workflow.getHandle(collectionWorkflowId(c.req.param('invoiceId'))).executeUpdate(openDisputeUpdate, { args: [{ reason: String(form.reason), actor: consoleActor(c.get('consoleUser')) }] });
      return c.redirect(`/console/cases/${c.req.param('invoiceId')}`, 303);
    });
    return app;
  }

  it('a viewer’s forged POST (valid session and token) to a collector command is refused with 403 and the case stays undisputed; a collector’s same POST opens the dispute', async () => {
    const guarded = guardedDisputeRoute({ prisma: harness.prisma, temporal: harness.client, taskQueue: harness.taskQueue, legalPartner: new LocalSinkLegalPartner(harness.sinkDir), settings: consoleSettings() });
    const composed = new Hono().route('/console-guarded', guarded).route('/', api.app);
    const guardedServer = await serveApp(composed);
    onTestFinished(() => guardedServer.close());
    const created = await api.call('POST', '/v1/invoices', { key: api.keys.system, body: invoiceBody() });
    expect(created.status).toBe(201);
    const invoiceId = String(created.body.invoiceId);
    const state = () => harness.client.workflow.getHandle(collectionWorkflowId(invoiceId)).query(caseStateQuery);

    const viewer = await createConsoleUser(harness.prisma, 'viewer');
    const viewerSession = await signIn(guardedServer.baseUrl, viewer.email, viewer.password);
    const forged = await postForm(guardedServer.baseUrl, `/console-guarded/cases/${invoiceId}/disputes`, { _csrf: viewerSession.csrfToken, reason: 'forged' }, { cookie: viewerSession.cookie });
    expect(forged.status).toBe(403);
    expect(await forged.text()).toContain('Your role (viewer) cannot do this');
    expect((await state()).disputed).toBeNull();

    const collector = await createConsoleUser(harness.prisma, 'collector');
    const collectorSession = await signIn(guardedServer.baseUrl, collector.email, collector.password);
    const allowed = await postForm(guardedServer.baseUrl, `/console-guarded/cases/${invoiceId}/disputes`, { _csrf: collectorSession.csrfToken, reason: 'goods damaged' }, { cookie: collectorSession.cookie });
    expect(allowed.status).toBe(303);
    expect((await state()).disputed).toMatchObject({ reason: 'goods damaged', openedBy: `console:${collector.email}` });
  });
});
