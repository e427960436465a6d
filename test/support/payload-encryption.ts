import { randomBytes } from 'node:crypto';
import type { DataConverter } from '@temporalio/common';
import { inject } from 'vitest';
import { encryptingDataConverter } from '../../codec/data-converter.js';
import { type EncryptionKey, encryptionKeyList } from '../../config/encryption-keys.js';

/** A fresh key in the PAYLOAD_ENCRYPTION_KEYS entry form, `id:base64key`. */
export function newKeyEntry(id: string): string {
  return `${id}:${randomBytes(32).toString('base64')}`;
}

/** Parses PAYLOAD_ENCRYPTION_KEYS text the way the processes do. */
export function keysFrom(text: string): EncryptionKey[] {
  return encryptionKeyList.parse(text);
}

/** The run's keys (made by the global setup), as every client and worker of the suite uses them. */
export function suiteDataConverter(): DataConverter {
  return encryptingDataConverter(keysFrom(inject('payloadEncryptionKeys')));
}
