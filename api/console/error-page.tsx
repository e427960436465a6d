import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ConsoleEnv } from './auth/env.js';
import { renderPage } from './layout.js';

/** Whether a request is the console's: its failures are pages for people, not problem JSON. */
export const isConsolePath = (path: string): boolean => path === '/console' || path.startsWith('/console/');

/**
 * The page for a console request that failed, with the status kept and the request id to quote
 * (the server log has the cause under it) and nothing of the error itself. `refusal`: the message
 * of a refusal the request caused (a 4xx, like a body that cannot be read), which is safe to show.
 */
export function renderConsoleError(c: Context, status: ContentfulStatusCode, requestId: string, refusal?: string) {
  // The app's error handler sees every request: the console's session is there only when the
  // console's middleware ran before the failure (renderPage shows the nav only with one).
  return renderPage(
    c as unknown as Context<ConsoleEnv>,
    {
      title: refusal === undefined ? 'Something went wrong' : 'Request refused',
      children: (
        <>
          <p>{refusal ?? 'The console could not complete this request because of an error on the server. Try again in a moment; if it keeps happening, pass the reference below to whoever runs the console.'}</p>
          <p>
            Reference: <code id="request-id">{requestId}</code>
          </p>
          <p>
            <a href="/console">Back to the worklist</a>
          </p>
        </>
      ),
    },
    status,
  );
}
