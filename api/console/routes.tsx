/**
 * The collector console (README "Console"): server-rendered pages under /console, built with
 * Hono's JSX; plain HTML forms that POST and answer 303 (no client JavaScript needed).
 *
 * For the helpers adding pages (case, customer, reports), the pieces to use:
 * - `ConsolePages`: a function `(app, deps) => void` that adds routes to the console sub-app, paths
 *   relative to /console (`app.get('/cases/:invoiceId', …)`). Add yours to `consolePages` below.
 * - `requireConsoleUser(...roles)` (auth/middleware.tsx): put it before every handler. No roles:
 *   any signed-in user (viewers included) may read; 'collector': the collector commands (admin
 *   passes too); 'admin': write-off and cancel. No session → 303 to sign-in; wrong role → 403 page.
 * - `c.get('consoleUser')` → `{ id, email, name, role }`; `consoleActor(user)` (auth/users.ts) is the
 *   actor to put in a command's argument. `c.get('csrfToken')` → the token for `<CsrfField token={…} />`.
 * - `verifyCsrf` runs before every console POST already (here): a form without `<CsrfField>` is refused.
 * - `renderPage(c, { title, current, children }, status)` (layout.tsx) renders `<Layout>` with the
 *   signed-in user's nav and sign-out form; `Layout` itself for anything unusual.
 * - Styles: api/console/assets/console.css (served at /console/assets/console.css); nothing external.
 */
import { readFileSync } from 'node:fs';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { csrf } from 'hono/csrf';
import { HTTPException } from 'hono/http-exception';
import { secureHeaders } from 'hono/secure-headers';
import type { ConsoleApp, ConsoleDependencies, ConsoleEnv } from './auth/env.js';
import { loadConsoleSession, verifyCsrf } from './auth/middleware.js';
import { registerSignIn } from './auth/sign-in.js';
import { renderPage } from './layout.js';
import { registerCasePage } from './cases/page.js';
import { registerCustomerPage } from './customers/page.js';
import { registerReports } from './reports/routes.js';
import { registerWorklist } from './worklist/page.js';

export type ConsolePages = (app: ConsoleApp, deps: ConsoleDependencies) => void;

/** Every page group of the console, in registration order. */
export const consolePages: readonly ConsolePages[] = [registerWorklist, registerCasePage, registerCustomerPage, registerReports];

const stylesheet = readFileSync(new URL('./assets/console.css', import.meta.url), 'utf8');

/** The console as a Hono sub-app; `createApp` mounts it at /console. */
export function consoleRoutes(deps: ConsoleDependencies): ConsoleApp {
  const app = new Hono<ConsoleEnv>();
  // Everything comes from this app: scripts, styles, images, form targets.
  app.use(secureHeaders({ contentSecurityPolicy: { defaultSrc: ["'self'"], formAction: ["'self'"], frameAncestors: ["'none'"], objectSrc: ["'none'"], baseUri: ["'none'"] } }));
  app.use(bodyLimit({ maxSize: 64 * 1024 }));
  // Before the session middleware: the stylesheet needs no database read.
  app.get('/assets/console.css', (c) => c.body(stylesheet, 200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'public, max-age=300' }));
  const originCheck = csrf({
    origin: (origin, c) => {
      const url = new URL(c.req.url);
      if (origin === url.origin || deps.settings.allowedOrigins.includes(origin)) return true;
      // Behind a trusted TLS proxy the browser's origin is https:// on the same host.
      return deps.settings.trustProxy && origin === `https://${c.req.header('x-forwarded-host') ?? url.host}`;
    },
  });
  app.use(async (c, next) => {
    let passed = false;
    try {
      await originCheck(c, () => {
        passed = true;
        return next();
      });
    } catch (error) {
      // Only the check's own refusal (it throws before calling next) becomes this page.
      if (passed || !(error instanceof HTTPException) || error.status !== 403) throw error;
      c.set('consoleSession', undefined);
      return renderPage(c, { title: 'Request refused', children: <p>This form was not sent from this console's own pages.</p> }, 403);
    }
  });
  app.use(loadConsoleSession(deps));
  app.use(verifyCsrf());

  registerSignIn(app, deps);
  for (const register of consolePages) register(app, deps);
  app.all('*', (c) => renderPage(c, { title: 'Not found', children: <p>There is no console page at {c.req.path}.</p> }, 404));
  return app;
}
