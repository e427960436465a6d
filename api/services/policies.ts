import type { CollectionPolicy } from '../../domain/policy.js';
import type { PrismaClient } from '../../prisma/client.js';

/** Stores a policy version. Versions are immutable: running cases keep the snapshot they started with. */
export async function createPolicy(prisma: PrismaClient, policy: CollectionPolicy, makeDefault: boolean): Promise<'created' | 'exists'> {
  const { name, version, steps, graceDays, sendingWindows, feeRule, ...settings } = policy;
  try {
    await prisma.$transaction(async (tx) => {
      if (makeDefault) await tx.collectionPolicy.updateMany({ where: { isDefault: true }, data: { isDefault: false } });
      await tx.collectionPolicy.create({ data: { name, version, steps, graceDays, sendingWindows: sendingWindows ?? {}, feeRules: feeRule ?? {}, settings, isDefault: makeDefault } });
    });
    return 'created';
  } catch (error) {
    if ((error as { code?: string }).code === 'P2002') return 'exists';
    throw error;
  }
}
