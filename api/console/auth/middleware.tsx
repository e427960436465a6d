import { timingSafeEqual } from 'node:crypto';
import { getCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import { renderPage } from '../layout.js';
import type { ConsoleDependencies, ConsoleEnv } from './env.js';
import { loadSession } from './sessions.js';
import type { ConsoleRole } from './users.js';

/** The sign-in form's CSRF token lives in this cookie until a session exists (double submit). */
export const signInCsrfCookie = 'console_sign_in_csrf';

const sameToken = (a: string | undefined, b: string | undefined): boolean => {
  if (!a || !b) return false;
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
};

/** Sets `consoleSession` (and `consoleUser`, `csrfToken` when signed in) on every console request. */
export function loadConsoleSession(deps: ConsoleDependencies) {
  return createMiddleware<ConsoleEnv>(async (c, next) => {
    const session = await loadSession(c, deps.prisma, deps.settings);
    c.set('consoleSession', session);
    if (session) {
      c.set('consoleUser', session.user);
      c.set('csrfToken', session.csrfToken);
    }
    await next();
  });
}

/**
 * Signed in, and (when roles are given) one of them; admin may do everything, as with API keys.
 * `requireConsoleUser()` lets any signed-in user read; `requireConsoleUser('collector')` guards
 * the collector commands; `requireConsoleUser('admin')` write-off and cancel. No session → 303 to
 * the sign-in page (which comes back here afterwards); a wrong role → a 403 page.
 */
export function requireConsoleUser(...roles: ConsoleRole[]) {
  return createMiddleware<ConsoleEnv>(async (c, next) => {
    const session = c.get('consoleSession');
    if (!session) {
      const back = c.req.method === 'GET' ? `?next=${encodeURIComponent(new URL(c.req.url).pathname + new URL(c.req.url).search)}` : '';
      return c.redirect(`/console/sign-in${back}`, 303);
    }
    if (roles.length && session.user.role !== 'admin' && !roles.includes(session.user.role)) {
      return renderPage(c, { title: 'Not allowed', children: <p>Your role ({session.user.role}) cannot do this; it needs {[...roles, 'admin'].join(' or ')}.</p> }, 403);
    }
    await next();
  });
}

/**
 * Every console POST carries the session's CSRF token in the form field `_csrf` (or the header
 * `X-CSRF-Token`); without it the POST is refused with 403 before any handler runs. The sign-in
 * POST, which has no session yet, is checked against the sign-in cookie instead. Applied to
 * every console route by `consoleRoutes`, after Hono's `csrf()` Origin check.
 */
export function verifyCsrf() {
  return createMiddleware<ConsoleEnv>(async (c, next) => {
    if (c.req.method !== 'POST') return next();
    const type = c.req.header('content-type') ?? '';
    const form = type.startsWith('application/x-www-form-urlencoded') || type.startsWith('multipart/form-data') ? await c.req.parseBody() : {};
    const presented = typeof form._csrf === 'string' ? form._csrf : c.req.header('x-csrf-token');
    const session = c.get('consoleSession');
    const isSignIn = c.req.path === '/console/sign-in';
    const expected = isSignIn ? getCookie(c, signInCsrfCookie) : session?.csrfToken;
    if (!isSignIn && !session) return c.redirect('/console/sign-in', 303);
    if (!sameToken(presented, expected)) {
      return renderPage(c, { title: 'Request refused', children: <p>This form has expired or did not come from this console. Go back, reload the page and try again.</p> }, 403);
    }
    await next();
  });
}
