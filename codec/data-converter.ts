import type { DataConverter } from '@temporalio/common';
import type { EncryptionKey } from '../config/encryption-keys.js';
import { modulePath } from '../config/module-path.js';
import { AesGcmPayloadCodec } from './aes-gcm-codec.js';

/** Give the same path to bundleWorkflowCode when building a workflow bundle ahead of time. */
export const failureConverterPath = modulePath('./failure-converter.ts', import.meta.url);

/** What every client and worker uses: payloads encrypted with the newest key, failure messages inside the encrypted payloads. */
export function encryptingDataConverter(keys: readonly EncryptionKey[]): DataConverter {
  return { payloadCodecs: [new AesGcmPayloadCodec(keys)], failureConverterPath };
}
