/** A refusal or failure the operator must act on; the message names the migration. */
export class MigrationError extends Error {
  override name = 'MigrationError';
}
