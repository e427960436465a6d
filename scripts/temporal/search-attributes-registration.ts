import type { Connection } from '@temporalio/client';
// The SDK keeps the type → IndexedValueType encoder out of its index ("exported for use in tests
// to register search attributes"); importing it beats a hand-written copy of the mapping.
import {
  encodeSearchAttributeIndexedValueType,
  type SearchAttributeKey,
  type SearchAttributeType,
} from '@temporalio/common/lib/search-attributes.js';
import { allSearchAttributeKeys } from '../../workflows/search-attributes.js';

export interface RegistrationResult {
  readonly added: string[];
  readonly alreadyPresent: string[];
}

/**
 * Registers the project's custom search attributes in a namespace, adding only the missing ones.
 * Needed because `start-dev --search-attribute` takes effect only when the namespace is first
 * created; an existing SQLite file keeps the old set. Safe to run at every start.
 */
export async function registerSearchAttributes(
  connection: Connection,
  namespace: string,
  keys: readonly SearchAttributeKey<SearchAttributeType>[] = allSearchAttributeKeys,
): Promise<RegistrationResult> {
  const existing = (await connection.operatorService.listSearchAttributes({ namespace })).customAttributes ?? {};
  const missing: typeof keys[number][] = [];
  const alreadyPresent: string[] = [];
  for (const key of keys) {
    const wanted = encodeSearchAttributeIndexedValueType(key.type);
    const current = existing[key.name];
    if (current === undefined) missing.push(key);
    else if (current !== wanted) {
      throw new Error(`Search attribute ${key.name} exists in namespace ${namespace} with another type (${current}); this project needs ${key.type}.`);
    } else alreadyPresent.push(key.name);
  }
  if (missing.length > 0) {
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(missing.map((key) => [key.name, encodeSearchAttributeIndexedValueType(key.type)!])),
    });
  }
  return { added: missing.map((key) => key.name), alreadyPresent };
}
