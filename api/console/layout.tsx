import type { Context } from 'hono';
import { raw } from 'hono/html';
import type { Child, FC } from 'hono/jsx';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ConsoleEnv } from './auth/env.js';
import type { ConsoleUser } from './auth/users.js';

/** The hidden field every console form carries; `verifyCsrf` refuses a POST without it. */
export const CsrfField: FC<{ token: string }> = ({ token }) => <input type="hidden" name="_csrf" value={token} />;

export type NavItem = 'worklist' | 'reports';

export interface LayoutProps {
  /** The page's own title; the document title is "<title> · Collections console". */
  readonly title: string;
  /** Marks the nav link of the section the page belongs to (aria-current). */
  readonly current?: NavItem;
  /** Signed in: the nav and the sign-out form are shown. */
  readonly user?: ConsoleUser;
  readonly csrfToken?: string;
  readonly children?: Child;
}

/** The page shell: skip link, header with nav (Worklist, Reports, sign out), one `<main>` landmark. */
export const Layout: FC<LayoutProps> = ({ title, current, user, csrfToken, children }) => (
  <html lang="en">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <title>{`${title} · Collections console`}</title>
      <link rel="stylesheet" href="/console/assets/console.css" />
    </head>
    <body>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="site-header">
        <span class="brand">Collections console</span>
        {user && (
          <nav aria-label="Console">
            <ul>
              <li>
                <a href="/console" aria-current={current === 'worklist' ? 'page' : undefined}>
                  Worklist
                </a>
              </li>
              <li>
                <a href="/console/reports" aria-current={current === 'reports' ? 'page' : undefined}>
                  Reports
                </a>
              </li>
            </ul>
          </nav>
        )}
        {user && csrfToken && (
          <form method="post" action="/console/sign-out" class="sign-out">
            <CsrfField token={csrfToken} />
            <span>
              {user.name} ({user.role})
            </span>{' '}
            <button type="submit">Sign out</button>
          </form>
        )}
      </header>
      <main id="main" tabindex={-1}>
        <h1>{title}</h1>
        {children}
      </main>
    </body>
  </html>
);

/** Renders a whole page (doctype and shell) for the signed-in user of `c`, if any. */
export function renderPage(c: Context<ConsoleEnv>, props: Omit<LayoutProps, 'user' | 'csrfToken'>, status: ContentfulStatusCode = 200) {
  const session = c.get('consoleSession');
  return c.html(
    <>
      {raw('<!DOCTYPE html>')}
      <Layout {...props} {...(session ? { user: session.user, csrfToken: session.csrfToken } : {})} />
    </>,
    status,
  );
}
