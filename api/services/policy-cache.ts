import type { CollectionPolicy } from '../../domain/policy.js';
import type { PrismaClient } from '../../prisma/client.js';
import { policyFromRow } from './policy-from-row.js';

export interface StoredPolicy {
  readonly id: string;
  readonly policy: CollectionPolicy;
}

/**
 * Stored policies, read once per process. A policy version never changes once stored (only which
 * version is the default does, and that is never cached: each create reads it in its own
 * statement), so a cached version cannot go stale, in this process or with several API processes
 * beside it, and needs no invalidation. Kept per client, since each client is one database.
 * Versions not found are not remembered: one stored a moment later is found by the next request.
 */
class PolicyCache {
  private readonly byId = new Map<string, StoredPolicy>();
  private readonly byRef = new Map<string, StoredPolicy>();

  constructor(private readonly prisma: PrismaClient) {}

  private remember(row: Parameters<typeof policyFromRow>[0] & { id: string }): StoredPolicy {
    // A bound that is never reached by real policy counts; it only keeps a runaway from growing memory.
    if (this.byId.size >= 10_000) {
      this.byId.clear();
      this.byRef.clear();
    }
    const stored = { id: row.id, policy: policyFromRow(row) };
    this.byId.set(row.id, stored);
    this.byRef.set(`${row.name}@${row.version}`, stored);
    return stored;
  }

  async find(ref: { name: string; version: number }): Promise<StoredPolicy | null> {
    const cached = this.byRef.get(`${ref.name}@${ref.version}`);
    if (cached) return cached;
    const row = await this.prisma.collectionPolicy.findUnique({ where: { name_version: ref } });
    return row ? this.remember(row) : null;
  }

  async get(id: string): Promise<StoredPolicy> {
    const cached = this.byId.get(id);
    if (cached) return cached;
    return this.remember(await this.prisma.collectionPolicy.findUniqueOrThrow({ where: { id } }));
  }
}

const caches = new WeakMap<PrismaClient, PolicyCache>();

/** The id of the stored default policy now (never cached: which version is the default changes), or null when none is stored. */
export async function storedDefaultPolicyId(prisma: PrismaClient): Promise<string | null> {
  const row = await prisma.collectionPolicy.findFirst({ where: { isDefault: true }, orderBy: { createdAt: 'desc' }, select: { id: true } });
  return row?.id ?? null;
}

/** The policy cache of this client's database. */
export function storedPolicies(prisma: PrismaClient): PolicyCache {
  let cache = caches.get(prisma);
  if (!cache) caches.set(prisma, (cache = new PolicyCache(prisma)));
  return cache;
}
