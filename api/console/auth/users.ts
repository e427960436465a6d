export const consoleRoles = ['collector', 'admin', 'viewer'] as const;
/**
 * As the API keys' roles (api/auth/api-keys.ts, api/routes/commands.ts): a viewer only reads; a
 * collector may send the collector commands; an admin everything, write-off and cancel included.
 */
export type ConsoleRole = (typeof consoleRoles)[number];

/** Who is signed in: `c.get('consoleUser')` after `requireConsoleUser`. */
export interface ConsoleUser {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  readonly role: ConsoleRole;
}

export const normalizeEmail = (email: string): string => email.trim().toLowerCase();

/** The actor the console's commands carry into the audit log (an API key's name there). */
export const consoleActor = (user: ConsoleUser): string => `console:${user.email}`;
