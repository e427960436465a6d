import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { AesGcmPayloadCodec, ENCRYPTED_ENCODING, KEY_ID_METADATA_KEY } from '../codec/aes-gcm-codec.js';
import { createApiHarness } from './support/api.js';
import { keysFrom, newKeyEntry } from './support/payload-encryption.js';
import { createWorkerHarness, type WorkerHarness } from './support/worker.js';

const token = randomBytes(32).toString('hex');
const uiOrigin = 'http://127.0.0.1:8233';
const b64 = (text: string) => Buffer.from(text).toString('base64');
const text = (base64: string | undefined) => Buffer.from(base64 ?? '', 'base64').toString();
const jsonPayload = (value: unknown) => ({ metadata: { encoding: b64('json/plain') }, data: b64(JSON.stringify(value)) });
type PayloadsBody = { payloads: { metadata: Record<string, string>; data: string }[] };

let harness: WorkerHarness;
let api: Awaited<ReturnType<typeof createApiHarness>>;
const keys = keysFrom(inject('payloadEncryptionKeys'));
beforeAll(async () => {
  harness = await createWorkerHarness();
  api = await createApiHarness(harness, {}, { codec: { codec: new AesGcmPayloadCodec(keys), token, corsOrigins: [uiOrigin] } });
});
afterAll(async () => {
  await harness?.close();
});

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  api.call('POST', path, { headers: { 'x-namespace': 'default', ...headers }, ...(typeof body === 'string' ? { raw: body } : { body }) });

describe('the codec server', () => {
  const secret = { email: 'ap@geheim.example' };

  it('encrypts with the newest key and decrypts again, for the codec token, an admin key and the Web UI’s path-token endpoint', async () => {
    const encoded = await post('/codec/encode', { payloads: [jsonPayload(secret)] }, { authorization: `Bearer ${token}` });
    expect(encoded.status).toBe(200);
    const [payload] = (encoded.body as unknown as PayloadsBody).payloads;
    expect(text(payload!.metadata.encoding)).toBe(ENCRYPTED_ENCODING);
    expect(text(payload!.metadata[KEY_ID_METADATA_KEY])).toBe(keys[0]!.id);
    expect(text(payload!.data)).not.toContain('geheim');

    for (const [path, headers] of [
      ['/codec/decode', { authorization: `Bearer ${token}` }],
      ['/codec/decode', { authorization: `Bearer ${api.keys.admin}` }],
      [`/codec/${token}/decode`, {}],
    ] as const) {
      const decoded = await post(path, { payloads: [payload] }, headers);
      expect(decoded.status, path).toBe(200);
      const [plain] = (decoded.body as unknown as PayloadsBody).payloads;
      expect(text(plain!.metadata.encoding)).toBe('json/plain');
      expect(JSON.parse(text(plain!.data))).toEqual(secret);
    }
  });

  it('passes payloads it did not encrypt through unchanged (history written before encryption)', async () => {
    const decoded = await post('/codec/decode', { payloads: [jsonPayload(secret)] }, { authorization: `Bearer ${token}` });
    expect(decoded.body).toEqual({ payloads: [jsonPayload(secret)] });
  });

  it('refuses callers without the token or an admin key, and decodes nothing for them', async () => {
    const [encrypted] = await new AesGcmPayloadCodec(keys).encode([{ metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from(JSON.stringify(secret)) }]);
    const payload = { metadata: Object.fromEntries(Object.entries(encrypted!.metadata!).map(([k, v]) => [k, Buffer.from(v!).toString('base64')])), data: Buffer.from(encrypted!.data!).toString('base64') };
    const refusals = [
      ['/codec/decode', {}, 401],
      ['/codec/decode', { authorization: 'Bearer not-the-token' }, 401],
      ['/codec/decode', { authorization: `Basic ${b64(`admin:${token}`)}` }, 401],
      ['/codec/decode', { authorization: `Bearer ${api.keys.collector}` }, 403],
      ['/codec/decode', { authorization: `Bearer ${api.keys.system}` }, 403],
      [`/codec/${'x'.repeat(64)}/decode`, {}, 401],
      [`/codec/${api.keys.admin}/decode`, {}, 401], // API keys never go in a URL
    ] as const;
    for (const [path, headers, status] of refusals) {
      const answer = await post(path, { payloads: [payload] }, headers);
      expect(answer.status, `${path} ${JSON.stringify(headers)}`).toBe(status);
      expect(answer.contentType).toBe('application/problem+json');
      expect(JSON.stringify(answer.body)).not.toContain('geheim');
    }
  });

  it('refuses malformed requests with a 4xx naming what is wrong', async () => {
    const auth = { authorization: `Bearer ${token}` };
    expect(await post('/codec/decode', '{"payloads": [', auth)).toMatchObject({ status: 400 });
    expect(await post('/codec/decode', { payload: [] }, auth)).toMatchObject({ status: 400, body: { errors: expect.arrayContaining([expect.objectContaining({ field: 'payloads' })]) } });
    expect(await post('/codec/decode', { payloads: [{ data: 'not base64!' }] }, auth)).toMatchObject({ status: 400, body: { errors: [expect.objectContaining({ field: 'payloads.0.data' })] } });
    expect(await post('/codec/decode', { payloads: [{ metadata: { encoding: 42 } }] }, auth)).toMatchObject({ status: 400, body: { errors: [expect.objectContaining({ field: 'payloads.0.metadata.encoding' })] } });
    expect((await post('/codec/translate', { payloads: [] }, auth)).status).toBe(404);
  });

  it('refuses to decode a payload under a key it does not have (422 naming the key id), and a tampered one', async () => {
    const auth = { authorization: `Bearer ${token}` };
    const foreign = new AesGcmPayloadCodec(keysFrom(newKeyEntry('retired-2019')));
    const [encrypted] = await foreign.encode([{ metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from('"x"') }]);
    const asJson = (p: typeof encrypted) => ({ metadata: Object.fromEntries(Object.entries(p!.metadata!).map(([k, v]) => [k, Buffer.from(v!).toString('base64')])), data: Buffer.from(p!.data!).toString('base64') });
    const unknown = await post('/codec/decode', { payloads: [asJson(encrypted)] }, auth);
    expect(unknown).toMatchObject({ status: 422 });
    expect(String(unknown.body.detail)).toContain('key id "retired-2019"');

    const [ours] = await new AesGcmPayloadCodec(keys).encode([{ metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from('"x"') }]);
    const tampered = asJson(ours);
    const bytes = Buffer.from(tampered.data, 'base64');
    bytes[bytes.length - 1]! ^= 1;
    expect(await post('/codec/decode', { payloads: [{ ...tampered, data: bytes.toString('base64') }] }, auth)).toMatchObject({ status: 422 });
  });

  it('answers the Web UI’s CORS preflight for its origin only', async () => {
    const preflight = (origin: string) =>
      api.app.request('/codec/decode', { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-namespace,authorization' } });
    const allowed = await preflight(uiOrigin);
    expect(allowed.status).toBeLessThan(300);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(uiOrigin);
    expect(allowed.headers.get('access-control-allow-headers')?.toLowerCase()).toEqual(expect.stringContaining('x-namespace'));
    expect(allowed.headers.get('access-control-allow-headers')?.toLowerCase()).toEqual(expect.stringContaining('authorization'));
    const other = await preflight('https://evil.example');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});
