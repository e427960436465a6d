import type { ConsoleApp } from '../auth/env.js';
import { requireConsoleUser } from '../auth/middleware.js';
import { renderPage } from '../layout.js';

/** GET /console: the collector's day (sections filled in by the worklist queries). */
export function registerWorklist(app: ConsoleApp): void {
  app.get('/', requireConsoleUser(), (c) => renderPage(c, { title: 'Worklist', current: 'worklist', children: <p>Today's work.</p> }));
}
