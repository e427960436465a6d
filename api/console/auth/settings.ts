/** How console sessions and sign-in behave; `consoleSettings()` fills in the defaults. */
export interface ConsoleSettings {
  /** A session ends after this long without a request. */
  readonly sessionIdleMinutes: number;
  /** …and this long after sign-in, however busy. */
  readonly sessionMaxHours: number;
  /** Trust `X-Forwarded-Proto: https` from a TLS-terminating proxy in front: cookies get Secure and `__Host-`. */
  readonly trustProxy: boolean;
  /** Origins allowed to POST besides the request's own (behind a proxy that rewrites the host). */
  readonly allowedOrigins: readonly string[];
  /** Failed sign-ins for one email within `throttleWindowMinutes` before it is locked for as long. */
  readonly maxFailedSignIns: number;
  readonly throttleWindowMinutes: number;
}

export function consoleSettings(overrides: Partial<ConsoleSettings> = {}): ConsoleSettings {
  return { sessionIdleMinutes: 120, sessionMaxHours: 12, trustProxy: false, allowedOrigins: [], maxFailedSignIns: 5, throttleWindowMinutes: 15, ...overrides };
}
