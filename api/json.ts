import type { Prisma } from '../prisma/client.js';

/**
 * What a database row becomes in a JSON answer: BigInt minor units as numbers (they stay below
 * 2^53), dates as ISO 8601 strings, JSON columns as they are (their shape is theirs to define).
 */
export type Jsonified<T> = [T] extends [Prisma.JsonValue]
  ? [Prisma.JsonValue] extends [T]
    ? unknown
    : T
  : T extends bigint
    ? number
    : T extends Date
      ? string
      : T extends readonly (infer U)[]
        ? Jsonified<U>[]
        : T extends object
          ? { [K in keyof T]: Jsonified<T[K]> }
          : T;

export function toJson<T>(value: T): Jsonified<T> {
  return JSON.parse(JSON.stringify(value, (_, v: unknown) => (typeof v === 'bigint' ? Number(v) : v)));
}
