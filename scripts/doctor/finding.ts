/** One line of the doctor's report: what it saw and, for a problem, what to do about it. */
export interface Finding {
  readonly level: 'ok' | 'warn' | 'error';
  readonly subject: string;
  readonly detail: string;
  /** What to do; set for every warn and error. */
  readonly remedy?: string;
}

export const ok = (subject: string, detail: string): Finding => ({ level: 'ok', subject, detail });
export const warn = (subject: string, detail: string, remedy: string): Finding => ({ level: 'warn', subject, detail, remedy });
export const error = (subject: string, detail: string, remedy: string): Finding => ({ level: 'error', subject, detail, remedy });
