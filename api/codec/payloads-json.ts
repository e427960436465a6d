import { z } from 'zod';
import type { Payload } from '@temporalio/common';

// Protobuf's JSON form of bytes is base64 (standard or URL-safe alphabet).
const base64 = z.string().regex(/^[A-Za-z0-9+/_-]*={0,2}$/, 'must be base64 (protobuf JSON bytes)');

/** The body of a codec-server request and answer: Temporal's Payloads message as protobuf JSON. */
export const payloadsJsonSchema = z.object({
  payloads: z
    .array(z.object({ metadata: z.record(z.string(), base64).optional(), data: base64.optional() }).strict())
    .max(10_000, 'must hold at most 10000 payloads per request'),
});
export type PayloadsJson = z.infer<typeof payloadsJsonSchema>;

export function payloadsFromJson(json: PayloadsJson): Payload[] {
  return json.payloads.map((payload) => ({
    metadata: Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([key, value]) => [key, new Uint8Array(Buffer.from(value, 'base64'))])),
    data: new Uint8Array(Buffer.from(payload.data ?? '', 'base64')),
  }));
}

export function payloadsToJson(payloads: readonly Payload[]): PayloadsJson {
  return {
    payloads: payloads.map((payload) => ({
      metadata: Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([key, value]) => [key, Buffer.from(value ?? new Uint8Array()).toString('base64')])),
      data: Buffer.from(payload.data ?? new Uint8Array()).toString('base64'),
    })),
  };
}
