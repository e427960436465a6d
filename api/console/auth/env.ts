import type { Hono } from 'hono';
import type { CaseRouteDependencies } from '../../routes/cases.js';
import type { LoadedSession } from './sessions.js';
import type { ConsoleSettings } from './settings.js';
import type { ConsoleUser } from './users.js';

/**
 * The console's Hono environment. `consoleUser` and `csrfToken` are set for a signed-in request
 * (read them after `requireConsoleUser`, which guarantees them); `consoleSession` is undefined
 * when nobody is signed in.
 */
export type ConsoleEnv = {
  Variables: {
    requestId: string;
    consoleSession: LoadedSession | undefined;
    consoleUser: ConsoleUser;
    csrfToken: string;
  };
};

export type ConsoleApp = Hono<ConsoleEnv>;

/** What console pages get: the API's case dependencies and the console's settings. */
export interface ConsoleDependencies extends CaseRouteDependencies {
  readonly settings: ConsoleSettings;
}
