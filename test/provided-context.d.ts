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
    /** Project `cluster`: the real server's folder (scripts/temporal/start-cluster.sh); empty elsewhere. */
    temporalClusterDir: string;
    /** Project `cluster`: why its tests are skipped (the server cannot be built here); empty when they run. */
    temporalClusterUnavailable: string;
  }
}
