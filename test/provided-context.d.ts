import 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    temporalNamespace: string;
    databaseUrl: string;
    /** The workflow bundle, built once per run by the global setup. */
    workflowBundlePath: string;
  }
}
