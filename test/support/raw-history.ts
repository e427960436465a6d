import { Client, type ConnectionLike } from '@temporalio/client';
import type { Payload, PayloadCodec } from '@temporalio/common';
// A CommonJS module: Node's ESM loader cannot see its named exports, so take the default.
import proto, { type temporal } from '@temporalio/proto';

const { History } = proto.temporal.api.history.v1;

/**
 * A workflow's history as the server stores it, fetched by a client WITHOUT the codec: what an
 * operator of the Temporal server, its database or its UI sees with no key.
 */
export async function rawHistory(connection: ConnectionLike, namespace: string, workflowId: string): Promise<temporal.api.history.v1.IHistory> {
  const plain = new Client({ connection, namespace });
  return plain.workflow.getHandle(workflowId).fetchHistory();
}

/** The history serialized as protobuf, the bytes the server persists. */
export function historyBytes(history: temporal.api.history.v1.IHistory): Buffer {
  return Buffer.from(History.encode(history).finish());
}

/** Every Payload anywhere in a message (inputs, results, summaries, failures' encoded attributes…). */
export function payloadsIn(value: unknown, found: Payload[] = []): Payload[] {
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return found;
  const record = value as Record<string, unknown>;
  if (record.data instanceof Uint8Array && record.metadata && typeof record.metadata === 'object') {
    found.push(record as Payload);
    return found;
  }
  for (const child of Object.values(record)) payloadsIn(child, found);
  return found;
}

/** The bytes of every payload of a history after the codec has decoded it. */
export async function decodedPayloadBytes(history: temporal.api.history.v1.IHistory, codec: PayloadCodec): Promise<Buffer> {
  const decoded = await codec.decode(payloadsIn(history));
  return Buffer.concat(decoded.map((payload) => Buffer.from(payload.data ?? new Uint8Array())));
}

/** The strings of `needles` found in `haystack` (UTF-8). */
export function occurring(haystack: Buffer, needles: readonly string[]): string[] {
  return needles.filter((needle) => haystack.includes(Buffer.from(needle, 'utf8')));
}
