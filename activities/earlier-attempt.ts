import { ApplicationFailure } from '@temporalio/activity';
import type { MessageSender, RevocableAttempt } from './providers/types.js';

/** A retry that waits until the provider's search can be trusted about an attempt too late to revoke. */
export const AWAITING_PROVIDER_SEARCH = 'AwaitingProviderSearch';

/** The attempt recorded in an outbox or hand-off row (a JSON column), if any. */
export function recordedAttempt(json: unknown): RevocableAttempt | undefined {
  const value = json as Partial<RevocableAttempt> | null | undefined;
  return typeof value?.batchId === 'string' && typeof value.sendAt === 'string' ? (value as RevocableAttempt) : undefined;
}

/**
 * An earlier attempt whose outcome is unknown (its worker died after recording it): revoke it,
 * so that nothing of it is ever delivered, and the caller sends again (undefined). Too late to
 * revoke: if the provider took it, it leaves at `sendAt`; the provider's search is asked once it
 * has settled (the activity is retried until then) and says whether it went (its id) or not.
 */
export async function settleEarlierAttempt(revocable: NonNullable<MessageSender['revocable']>, earlier: RevocableAttempt, search: () => Promise<string | undefined>): Promise<{ revoked: true } | { revoked: false; messageId: string | undefined }> {
  if (earlier.refused) return { revoked: true }; // the provider answered it with an error: nothing to revoke
  if ((await revocable.revoke(earlier)) === 'revoked') return { revoked: true };
  const askAt = Date.parse(earlier.sendAt) + revocable.searchSettleMs;
  const wait = askAt - Date.now();
  if (wait > 0) {
    throw ApplicationFailure.create({
      type: AWAITING_PROVIDER_SEARCH,
      message: `an earlier attempt (batch ${earlier.batchId}) may leave at ${earlier.sendAt} and was too late to cancel; asking the provider's search at ${new Date(askAt).toISOString()}`,
      nextRetryDelay: wait,
    });
  }
  return { revoked: false, messageId: await search() };
}
