import type { Logger } from 'pino';
import type { PrismaClient } from '../../prisma/client.js';
import { ApiKeyChangeListener, type ListenerOptions } from './api-key-change-listener.js';
import { type ApiKeyHolder, type ApiKeyLookup, directApiKeyLookup } from './api-key-lookup.js';
import { BoundedExpiringMap } from './bounded-expiring-map.js';

export interface CachedApiKeyLookup extends ApiKeyLookup {
  close(): Promise<void>;
}

export interface CacheOptions extends ListenerOptions {
  readonly maxEntries?: number;
  /** A safety net only: a change is told at once by the notification. */
  readonly ttlMs?: number;
}

/**
 * Valid keys, kept in memory while a LISTEN connection tells of every change to api_keys (the
 * trigger of migration 202612070100_api_key_changes): a revocation drops the key at commit.
 * While that connection is not listening, nothing is served from memory and every lookup reads
 * the database; the cache starts empty again once it listens, as changes in between went untold.
 * Unknown and revoked keys are never kept, so a key created a moment ago works at once.
 */
export function cachedApiKeyLookup(prisma: PrismaClient, databaseUrl: string, logger: Logger, options: CacheOptions = {}): CachedApiKeyLookup {
  const direct = directApiKeyLookup(prisma);
  const cache = new BoundedExpiringMap<string, ApiKeyHolder>(options.maxEntries ?? 10_000, options.ttlMs ?? 60_000);
  // Counts every change told and every clear. A read that began before one may have seen the key
  // before its revocation: its answer is returned, but not kept.
  let changes = 0;
  const forget = (keyHash?: string) => {
    changes += 1;
    if (keyHash) cache.delete(keyHash);
    else cache.clear();
  };
  const listener = new ApiKeyChangeListener(databaseUrl, { listening: () => forget(), lost: () => forget(), changed: (keyHash) => forget(keyHash) }, logger, options);
  listener.start();

  return {
    async find(keyHash) {
      const cached = listener.listening ? cache.get(keyHash) : undefined;
      if (cached) return cached;
      const changesBefore = changes;
      const found = await direct.find(keyHash);
      if (found && listener.listening && changes === changesBefore) cache.set(keyHash, found);
      return found;
    },
    close: () => listener.close(),
  };
}
