import { createHash, randomBytes } from 'node:crypto';
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { PrismaClient } from '../../../prisma/client.js';
import type { ConsoleSettings } from './settings.js';
import type { ConsoleUser } from './users.js';

const hashToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

/** HTTPS as the browser sees it: the request's own scheme, or the proxy's word when trusted. */
export function isSecureRequest(c: Context, settings: ConsoleSettings): boolean {
  if (new URL(c.req.url).protocol === 'https:') return true;
  return settings.trustProxy && c.req.header('x-forwarded-proto')?.split(',')[0]?.trim() === 'https';
}

/**
 * `__Host-` over TLS: the browser then insists on Secure, Path=/ and no Domain, so no sibling
 * subdomain can plant or overwrite it. Over plain HTTP (local development, tests) a plain name,
 * since browsers refuse `__Host-` cookies without Secure.
 */
export const sessionCookieName = (secure: boolean): string => (secure ? '__Host-console_session' : 'console_session');

/**
 * SameSite=Lax, not Strict: a link to a case pasted into chat or an email opens signed in
 * (Strict would show the sign-in page on every such top-level navigation). Lax never sends the
 * cookie on a cross-site POST, and every POST also needs the form's CSRF token and a same Origin.
 */
export function setSessionCookie(c: Context, settings: ConsoleSettings, token: string): void {
  const secure = isSecureRequest(c, settings);
  setCookie(c, sessionCookieName(secure), token, { path: '/', httpOnly: true, secure, sameSite: 'Lax', maxAge: settings.sessionMaxHours * 3600 });
}

export function clearSessionCookie(c: Context, settings: ConsoleSettings): void {
  const secure = isSecureRequest(c, settings);
  deleteCookie(c, sessionCookieName(secure), { path: '/', secure, httpOnly: true, sameSite: 'Lax' });
}

export interface LoadedSession {
  readonly id: string;
  readonly user: ConsoleUser;
  readonly csrfToken: string;
}

/** Starts a session: a 256-bit token for the cookie (only its hash is stored) and a CSRF token for the forms. */
export async function startSession(prisma: PrismaClient, settings: ConsoleSettings, userId: string): Promise<{ token: string }> {
  const token = randomBytes(32).toString('base64url');
  await prisma.consoleSession.create({
    data: { tokenHash: hashToken(token), userId, csrfSecret: randomBytes(32).toString('base64url'), expiresAt: new Date(Date.now() + settings.sessionMaxHours * 3_600_000) },
  });
  return { token };
}

/** The session the request's cookie names, if it is live: not past its absolute end, not idle too long, its user not disabled. */
export async function loadSession(c: Context, prisma: PrismaClient, settings: ConsoleSettings): Promise<LoadedSession | undefined> {
  const token = getCookie(c, sessionCookieName(isSecureRequest(c, settings)));
  if (!token) return undefined;
  const session = await prisma.consoleSession.findUnique({ where: { tokenHash: hashToken(token) }, include: { user: true } });
  if (!session) return undefined;
  const now = Date.now();
  if (session.expiresAt.getTime() <= now || session.lastSeenAt.getTime() + settings.sessionIdleMinutes * 60_000 <= now || session.user.disabled) {
    await prisma.consoleSession.deleteMany({ where: { id: session.id } });
    return undefined;
  }
  // Written at most once a minute: the idle limit is minutes, a write per page view is waste.
  if (now - session.lastSeenAt.getTime() > 60_000) await prisma.consoleSession.update({ where: { id: session.id }, data: { lastSeenAt: new Date(now) } });
  const { id, email, name, role } = session.user;
  return { id: session.id, user: { id, email, name, role }, csrfToken: session.csrfSecret };
}

export async function endSession(prisma: PrismaClient, sessionId: string): Promise<void> {
  await prisma.consoleSession.deleteMany({ where: { id: sessionId } });
}
