import { readFileSync } from 'node:fs';
import type { Config } from './schema.js';

export interface TemporalConnectionSettings {
  address: string;
  tls?: { clientCertPair: { crt: Buffer; key: Buffer } } | true;
  apiKey?: string;
}

/**
 * Connection settings shared by the worker (NativeConnection) and the API (Connection):
 * the dev server needs none; Temporal Cloud takes mTLS or an API key (which implies TLS).
 */
export function temporalConnectionSettings(config: Config): TemporalConnectionSettings {
  const settings: TemporalConnectionSettings = { address: config.TEMPORAL_ADDRESS };
  if (config.TEMPORAL_TLS_CERT_PATH && config.TEMPORAL_TLS_KEY_PATH) {
    settings.tls = {
      clientCertPair: { crt: readFileSync(config.TEMPORAL_TLS_CERT_PATH), key: readFileSync(config.TEMPORAL_TLS_KEY_PATH) },
    };
  }
  if (config.TEMPORAL_API_KEY) {
    settings.apiKey = config.TEMPORAL_API_KEY;
    settings.tls ??= true;
  }
  return settings;
}
