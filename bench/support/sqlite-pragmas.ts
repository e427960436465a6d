// The dev server's SQLite file as the benches that measure throughput run it. By default every
// write transaction is fsynced (rollback journal, synchronous=FULL) through the store's single
// connection, which on this machine's disk caps the whole server at a few hundred transactions a
// second, for ours and the raw reference alike. A production Temporal runs on PostgreSQL or
// Cassandra (README "Temporal: a real server"), so the benches drop the fsyncs unless asked not to.
export const benchSqlitePragmas: Record<string, string> = { journal_mode: 'WAL', synchronous: 'OFF' };

export function sqliteNote(durable: boolean): string {
  return durable ? 'Dev server: its default SQLite settings (every transaction fsynced).' : 'Dev server: SQLite with journal_mode=WAL, synchronous=OFF (--durable-sqlite keeps the default fsyncs).';
}
