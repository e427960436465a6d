import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { METADATA_ENCODING_KEY, type Payload, type PayloadCodec, ValueError } from '@temporalio/common';
// A CommonJS module: Node's ESM loader cannot see its named exports, so take the default.
import proto from '@temporalio/proto';
import type { EncryptionKey } from '../config/encryption-keys.js';

const { Payload: PayloadMessage } = proto.temporal.api.common.v1;

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA_KEY = 'encryption-key-id';
const IV_BYTES = 12;
const TAG_BYTES = 16;

const text = new TextEncoder();
const fromBytes = new TextDecoder();

/** Whether a payload carries this codec's encoding; anything else (old, unencrypted history) passes through. */
export function isEncrypted(payload: Payload): boolean {
  const encoding = payload.metadata?.[METADATA_ENCODING_KEY];
  return encoding !== undefined && encoding !== null && fromBytes.decode(encoding) === ENCRYPTED_ENCODING;
}

/** The key id an encrypted payload names, or undefined for a payload this codec did not encrypt. */
export function keyIdOf(payload: Payload): string | undefined {
  const id = payload.metadata?.[KEY_ID_METADATA_KEY];
  return isEncrypted(payload) && id ? fromBytes.decode(id) : undefined;
}

/**
 * AES-256-GCM over the whole serialized payload (its metadata included, so the converter's encoding
 * is hidden too). The data is iv (12 bytes) + ciphertext + tag (16 bytes); the key id is both in
 * the metadata and authenticated as additional data, so relabelling a payload fails to decrypt.
 * Encrypts with the first key; decrypts with whichever key the payload names.
 */
export class AesGcmPayloadCodec implements PayloadCodec {
  private readonly keysById: ReadonlyMap<string, Buffer>;
  private readonly current: EncryptionKey;

  constructor(keys: readonly EncryptionKey[]) {
    const [newest] = keys;
    if (!newest) throw new ValueError('AesGcmPayloadCodec needs at least one key');
    this.current = newest;
    this.keysById = new Map(keys.map(({ id, key }) => [id, key]));
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => this.encrypt(payload));
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => (isEncrypted(payload) ? this.decrypt(payload) : payload));
  }

  private encrypt(payload: Payload): Payload {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.current.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(text.encode(this.current.id));
    const plain = PayloadMessage.encode(payload).finish();
    const data = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
    return {
      metadata: { [METADATA_ENCODING_KEY]: text.encode(ENCRYPTED_ENCODING), [KEY_ID_METADATA_KEY]: text.encode(this.current.id) },
      data: new Uint8Array(data),
    };
  }

  private decrypt(payload: Payload): Payload {
    const keyId = keyIdOf(payload);
    const key = keyId === undefined ? undefined : this.keysById.get(keyId);
    if (keyId === undefined || !key) {
      throw new ValueError(
        `Cannot decrypt a payload encrypted with key id "${keyId ?? '(none)'}": no such key among ${[...this.keysById.keys()].join(', ')}. Add the key to PAYLOAD_ENCRYPTION_KEYS (or the key file) behind the newest one.`,
      );
    }
    const data = Buffer.from(payload.data ?? new Uint8Array());
    if (data.length < IV_BYTES + TAG_BYTES) throw new ValueError(`Cannot decrypt a payload under key id "${keyId}": it is too short to be one this codec wrote`);
    const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
    decipher.setAAD(text.encode(keyId));
    decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
    let plain: Buffer;
    try {
      plain = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
    } catch {
      throw new ValueError(`Cannot decrypt a payload under key id "${keyId}": authentication failed (the data was altered, or the key with that id is not the one that encrypted it)`);
    }
    return PayloadMessage.decode(plain);
  }
}
