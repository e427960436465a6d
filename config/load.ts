import type { z } from 'zod';
import { configSchema, type Config } from './schema.js';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

function describe(issue: z.core.$ZodIssue): string {
  const variable = issue.path.join('.') || '(environment)';
  return `${variable} ${issue.message}`;
}

/** Reads and validates the environment once. Never echoes values: they may be secrets. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  // An empty variable means "not set", as in most twelve-factor tooling.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const result = configSchema.safeParse(present);
  if (!result.success) throw new ConfigError(result.error.issues.map(describe));
  return result.data;
}

let cached: Config | undefined;

/** Runs a configuration step; on a ConfigError prints what is wrong and exits with EX_CONFIG (78). */
export function orExitOnConfigError<T>(step: () => T): T {
  try {
    return step();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
}

/** The process's configuration; on a bad or missing value prints what is wrong and exits. */
export function loadConfig(): Config {
  cached ??= orExitOnConfigError(() => parseConfig(process.env));
  return cached;
}
