import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { hashPassword } from '../../api/console/auth/passwords.js';
import type { ConsoleRole } from '../../api/console/auth/users.js';
import { startHttpServer } from '../../api/http-server.js';
import type { PrismaClient } from '../../prisma/client.js';

export interface TestConsoleUser {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  readonly role: ConsoleRole;
  readonly password: string;
}

/** A console user in the test database, with a known password. */
export async function createConsoleUser(prisma: PrismaClient, role: ConsoleRole, overrides: { email?: string; name?: string; password?: string } = {}): Promise<TestConsoleUser> {
  const email = overrides.email ?? `${role}-${randomUUID().slice(0, 8)}@console.example`;
  const name = overrides.name ?? `Test ${role}`;
  const password = overrides.password ?? `pw-${randomUUID()}`;
  const row = await prisma.consoleUser.create({ data: { email, name, role, passwordHash: await hashPassword(password) } });
  return { id: row.id, email, name, role, password };
}

/** The app on a real HTTP server on 127.0.0.1 (a free port); `close` stops it. */
export async function serveApp(app: OpenAPIHono): Promise<{ baseUrl: string; close: () => Promise<void> }> {
  const server = startHttpServer(app, { hostname: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => (server.listening ? resolve() : server.once('listening', () => resolve())));
  const { port } = server.address() as AddressInfo;
  return { baseUrl: `http://127.0.0.1:${port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** `name=value` of each Set-Cookie, merged into one Cookie header with the `jar`'s. */
export function cookiesFrom(response: Response, jar = ''): string {
  const cookies = new Map(jar ? jar.split('; ').map((pair) => pair.split('=', 2) as [string, string]) : []);
  for (const header of response.headers.getSetCookie()) {
    const [pair] = header.split(';');
    const at = pair!.indexOf('=');
    const [name, value] = [pair!.slice(0, at), pair!.slice(at + 1)];
    if (value === '' || /max-age=0/i.test(header)) cookies.delete(name);
    else cookies.set(name, value);
  }
  return [...cookies].map(([name, value]) => `${name}=${value}`).join('; ');
}

/** The value of the first `_csrf` hidden field in a page. */
export function csrfFieldIn(html: string): string | undefined {
  return /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
}

export interface ConsoleSessionCookies {
  /** The Cookie header to send (the session cookie). */
  readonly cookie: string;
  /** The session's CSRF token, as every form of the console carries it. */
  readonly csrfToken: string;
}

/** POSTs a form as a browser on the console's own origin would (Origin header included unless overridden). */
export function postForm(baseUrl: string, path: string, fields: Record<string, string>, options: { cookie?: string; origin?: string | null; headers?: Record<string, string> } = {}): Promise<Response> {
  const origin = options.origin === undefined ? baseUrl : options.origin;
  return fetch(`${baseUrl}${path}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(origin ? { origin } : {}), ...(options.cookie ? { cookie: options.cookie } : {}), ...options.headers },
    body: new URLSearchParams(fields).toString(),
  });
}

/** GET with the cookie, redirects not followed. */
export function getPage(baseUrl: string, path: string, cookie?: string): Promise<Response> {
  return fetch(`${baseUrl}${path}`, { redirect: 'manual', headers: cookie ? { cookie } : {} });
}

/** Signs in over HTTP as a browser would: sign-in page, form POST, then the worklist for the session's CSRF token. */
export async function signIn(baseUrl: string, email: string, password: string): Promise<ConsoleSessionCookies> {
  const form = await getPage(baseUrl, '/console/sign-in');
  const jar = cookiesFrom(form);
  const signInToken = csrfFieldIn(await form.text());
  if (!signInToken) throw new Error('the sign-in page has no CSRF field');
  const answer = await postForm(baseUrl, '/console/sign-in', { _csrf: signInToken, email, password }, { cookie: jar });
  if (answer.status !== 303) throw new Error(`sign-in answered ${answer.status}: ${await answer.text()}`);
  const cookie = cookiesFrom(answer, jar);
  const home = await getPage(baseUrl, '/console', cookie);
  const csrfToken = csrfFieldIn(await home.text());
  if (home.status !== 200 || !csrfToken) throw new Error(`the worklist answered ${home.status} after signing in`);
  return { cookie, csrfToken };
}
