import 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    temporalNamespace: string;
    /** The dev server's scratch folder (its SQLite file); empty when the run uses TEMPORAL_ADDRESS. */
    temporalDataDir: string;
    databaseUrl: string;
    /** The workflow bundle, built once per run by the global setup. */
    workflowBundlePath: string;
    /** The run's PAYLOAD_ENCRYPTION_KEYS (one fresh key), used by every client and worker. */
    payloadEncryptionKeys: string;
  }
}
