import type { FC } from 'hono/jsx';

/** What the last action did (after a 303 back) or why it was refused: announced to screen readers. */
export const PageMessages: FC<{ message?: string | undefined; error?: string | undefined }> = ({ message, error }) => (
  <>
    {message && (
      <p class="notice" role="status" id="status-message">
        {message}
      </p>
    )}
    {error && (
      <p class="errors" role="alert" id="error-message">
        {error}
      </p>
    )}
  </>
);
