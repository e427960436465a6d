import { randomBytes } from 'node:crypto';
import type { Context } from 'hono';
import { getCookie, setCookie, deleteCookie } from 'hono/cookie';
import { CsrfField, renderPage } from '../layout.js';
import type { ConsoleApp, ConsoleDependencies, ConsoleEnv } from './env.js';
import { signInCsrfCookie } from './middleware.js';
import { decoyHash, verifyPassword } from './passwords.js';
import { clearSessionCookie, endSession, isSecureRequest, setSessionCookie, startSession } from './sessions.js';
import { clearFailures, lockedUntil, recordFailure } from './throttle.js';
import { normalizeEmail } from './users.js';

/** Where to go after signing in: only a console path, never another site (open redirect). */
const safeNext = (next: unknown): string => (typeof next === 'string' && /^\/console(\/|\?|$)/.test(next) && !next.startsWith('//') ? next : '/console');

const SignInForm = ({ csrfToken, email, next, error }: { csrfToken: string; email?: string; next: string; error?: string }) => (
  <>
    {error && (
      <p class="errors" role="alert" id="sign-in-error">
        {error}
      </p>
    )}
    <form method="post" action="/console/sign-in" class="form-narrow" aria-describedby={error ? 'sign-in-error' : undefined}>
      <CsrfField token={csrfToken} />
      <input type="hidden" name="next" value={next} />
      <label for="email">Email</label>
      <input id="email" name="email" type="email" autocomplete="username" required value={email ?? ''} />
      <label for="password">Password</label>
      <input id="password" name="password" type="password" autocomplete="current-password" required />
      <p>
        <button type="submit">Sign in</button>
      </p>
    </form>
  </>
);

/** GET/POST /console/sign-in and POST /console/sign-out. */
export function registerSignIn(app: ConsoleApp, deps: ConsoleDependencies): void {
  const { prisma, settings } = deps;
  const signInToken = (c: Context<ConsoleEnv>): string => {
    const existing = getCookie(c, signInCsrfCookie);
    if (existing) return existing;
    const token = randomBytes(32).toString('base64url');
    setCookie(c, signInCsrfCookie, token, { path: '/console', httpOnly: true, sameSite: 'Lax', secure: isSecureRequest(c, settings), maxAge: 3600 });
    return token;
  };

  app.get('/sign-in', (c) => {
    if (c.get('consoleSession')) return c.redirect(safeNext(c.req.query('next')), 303);
    return renderPage(c, { title: 'Sign in', children: <SignInForm csrfToken={signInToken(c)} next={safeNext(c.req.query('next'))} /> });
  });

  app.post('/sign-in', async (c) => {
    const form = await c.req.parseBody();
    const email = normalizeEmail(typeof form.email === 'string' ? form.email : '');
    const password = typeof form.password === 'string' ? form.password : '';
    const next = safeNext(form.next);
    const again = (status: 400 | 429, error: string) => renderPage(c, { title: 'Sign in', children: <SignInForm csrfToken={signInToken(c)} email={email} next={next} error={error} /> }, status);
    if (!email || !password) return again(400, 'Enter your email and password.');

    const locked = await lockedUntil(prisma, email);
    if (locked) return again(429, `Too many failed sign-ins for this email. Try again after ${locked.toISOString().slice(11, 16)} UTC.`);
    const user = await prisma.consoleUser.findUnique({ where: { email } });
    // The decoy costs an unknown email the same scrypt work as a wrong password: no timing tell.
    const matches = await verifyPassword(password, user?.passwordHash ?? decoyHash);
    if (!user || !matches || user.disabled) {
      await recordFailure(prisma, settings, email);
      // One message for an unknown email, a wrong password and a disabled user.
      return again(400, 'Email or password is wrong.');
    }
    await clearFailures(prisma, email);
    const { token } = await startSession(prisma, settings, user.id);
    setSessionCookie(c, settings, token);
    deleteCookie(c, signInCsrfCookie, { path: '/console' });
    return c.redirect(next, 303);
  });

  app.post('/sign-out', async (c) => {
    const session = c.get('consoleSession');
    if (session) await endSession(prisma, session.id);
    clearSessionCookie(c, settings);
    return c.redirect('/console/sign-in', 303);
  });
}
