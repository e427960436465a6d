import { readFileSync } from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../scripts/migrator/migrator.js';
import { createTestDatabase, type TestDatabase } from './support/database.js';
import { type SchemaShape, shapeDifferences, shapeFromDatabase, shapeFromPrismaSchema } from './support/schema-shape.js';

const schema = readFileSync(new URL('../prisma/schema.prisma', import.meta.url), 'utf8');
let database: TestDatabase;
let migrated: SchemaShape;

beforeAll(async () => {
  database = await createTestDatabase('drift_test');
  await migrate({ databaseUrl: database.url, migrationsDir: new URL('../prisma/migrations', import.meta.url).pathname });
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  migrated = await shapeFromDatabase(client).finally(() => client.end());
});
afterAll(() => database?.drop());

describe('the migrated database and schema.prisma', () => {
  it('agree on tables, columns, types, nullability, unique and other indexes, enums and foreign keys', () => {
    expect(shapeDifferences(shapeFromPrismaSchema(schema), migrated)).toEqual([]);
  });

  it('cover the whole domain', () => {
    const tables = new Set(migrated.columns.map((line) => line.split('.')[0]));
    for (const table of ['customers', 'invoices', 'collection_policies', 'collection_events', 'payments', 'disputes', 'payment_plans', 'payment_plan_installments', 'fee_ledger_entries', 'legal_handoffs', 'outbox_messages', 'idempotency_records', 'api_keys']) {
      expect(tables, table).toContain(table);
    }
    expect(migrated.indexes).toContain('invoices unique (source, external_id)');
    expect(migrated.indexes).toContain('payments unique (external_payment_id)');
    expect(migrated.columns).toContain('invoices.amount_minor bigint not null');
  });

  // The comparison itself must be able to fail: each edit below is a drift it has to name.
  it.each([
    ['a column added to the schema only', (s: string) => s.replace('  number          String              @db.VarChar(64)', '  number          String              @db.VarChar(64)\n  note            String?'), 'invoices.note text null'],
    ['nullability changed', (s: string) => s.replace('name               String            @db.VarChar(255)', 'name               String?           @db.VarChar(255)'), 'customers.name character varying(255) null'],
    ['a type changed', (s: string) => s.replace('amountMinor     BigInt              @map("amount_minor")', 'amountMinor     Int                 @map("amount_minor")'), 'invoices.amount_minor integer not null'],
    ['a unique constraint dropped', (s: string) => s.replace('  @@unique([planId, sequence])\n', ''), 'payment_plan_installments unique (plan_id, sequence)'],
    ['an enum value added', (s: string) => s.replace('  written_off\n', '  written_off\n  sold\n'), 'invoice_status: open, paid, disputed, in_payment_plan, cancelled, written_off, sold, legal'],
  ])('notice %s', (_, edit, line) => {
    const edited = edit(schema);
    expect(edited).not.toBe(schema);
    expect(shapeDifferences(shapeFromPrismaSchema(edited), migrated).join('\n')).toContain(line);
  });
});
