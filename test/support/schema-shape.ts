import { createRequire } from 'node:module';

/**
 * The database shape, as a set of comparable lines: one per column (type, nullability), per index
 * (unique or not, columns), per enum (values) and per foreign key. Built from schema.prisma through
 * Prisma's own schema parser (the wasm module the CLI uses), and read back from pg_catalog, so a
 * migration that drifts from the schema shows up as lines on one side only.
 */
export interface SchemaShape {
  readonly columns: string[];
  readonly indexes: string[];
  readonly enums: string[];
  readonly foreignKeys: string[];
}

interface DmmfField {
  name: string;
  dbName?: string | null;
  kind: 'scalar' | 'enum' | 'object';
  type: string;
  isRequired: boolean;
  isList: boolean;
  nativeType?: [string, string[]] | null;
  relationFromFields?: string[];
  relationToFields?: string[];
}
interface DmmfModel {
  name: string;
  dbName: string | null;
  fields: DmmfField[];
}
interface Dmmf {
  datamodel: {
    models: DmmfModel[];
    enums: { name: string; dbName?: string | null; values: { name: string; dbName?: string | null }[] }[];
    indexes: { model: string; type: 'id' | 'unique' | 'normal' | 'fulltext'; fields: { name: string }[] }[];
  };
}

const require = createRequire(import.meta.url);
const schemaWasm = require('@prisma/prisma-schema-wasm') as { get_dmmf(params: string): string };

function postgresType(field: DmmfField, enumDbNames: Map<string, string>): string {
  if (field.kind === 'enum') return enumDbNames.get(field.type) ?? field.type;
  const [native, args] = field.nativeType ?? [undefined, []];
  switch (native) {
    case 'VarChar':
      return `character varying(${args[0]})`;
    case 'Char':
      return `character(${args[0]})`;
    case 'Uuid':
      return 'uuid';
    case 'Date':
      return 'date';
    case 'Timestamptz':
      return `timestamp(${args[0] ?? 6}) with time zone`;
    case 'BigInt':
      return 'bigint';
    case undefined:
      break;
    default:
      throw new Error(`schema-shape: native type @db.${native} has no mapping yet; add it here`);
  }
  const defaults: Record<string, string> = {
    String: 'text',
    Int: 'integer',
    BigInt: 'bigint',
    Boolean: 'boolean',
    Json: 'jsonb',
    DateTime: 'timestamp(3) without time zone',
    Float: 'double precision',
    Decimal: 'numeric(65,30)',
    Bytes: 'bytea',
  };
  const type = defaults[field.type];
  if (!type) throw new Error(`schema-shape: Prisma type ${field.type} has no mapping yet; add it here`);
  return field.isList ? `${type}[]` : type;
}

export function shapeFromPrismaSchema(schema: string): SchemaShape {
  const dmmf = JSON.parse(schemaWasm.get_dmmf(JSON.stringify({ prismaSchema: [['schema.prisma', schema]] }))) as Dmmf;
  const { models, enums, indexes } = dmmf.datamodel;
  const enumDbNames = new Map(enums.map((e) => [e.name, e.dbName ?? e.name]));
  const tableOf = new Map(models.map((m) => [m.name, m.dbName ?? m.name]));
  const columnOf = (model: string, field: string) => {
    const f = models.find((m) => m.name === model)?.fields.find((x) => x.name === field);
    return f?.dbName ?? field;
  };

  const columns = models.flatMap((model) =>
    model.fields
      .filter((field) => field.kind !== 'object')
      .map((field) => `${tableOf.get(model.name)}.${field.dbName ?? field.name} ${postgresType(field, enumDbNames)}${field.isRequired ? ' not null' : ' null'}`),
  );
  const indexLines = indexes.map(
    (index) => `${tableOf.get(index.model)} ${index.type === 'id' ? 'primary' : index.type === 'unique' ? 'unique' : 'index'} (${index.fields.map((f) => columnOf(index.model, f.name)).join(', ')})`,
  );
  const enumLines = enums.map((e) => `${e.dbName ?? e.name}: ${e.values.map((v) => v.dbName ?? v.name).join(', ')}`);
  const foreignKeys = models.flatMap((model) =>
    model.fields
      .filter((field) => field.kind === 'object' && (field.relationFromFields?.length ?? 0) > 0)
      .map(
        (field) =>
          `${tableOf.get(model.name)} (${field.relationFromFields!.map((f) => columnOf(model.name, f)).join(', ')}) -> ${tableOf.get(field.type)} (${field.relationToFields!.map((f) => columnOf(field.type, f)).join(', ')})`,
      ),
  );
  return { columns: columns.sort(), indexes: indexLines.sort(), enums: enumLines.sort(), foreignKeys: foreignKeys.sort() };
}

export interface Queryable {
  query<T>(sql: string): Promise<{ rows: T[] }>;
}

export async function shapeFromDatabase(db: Queryable): Promise<SchemaShape> {
  const ours = `n.nspname = 'public' AND t.relname <> '_prisma_migrations'`;
  const columns = await db.query<{ line: string }>(`
    SELECT t.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod) || CASE WHEN a.attnotnull THEN ' not null' ELSE ' null' END AS line
    FROM pg_attribute a JOIN pg_class t ON t.oid = a.attrelid JOIN pg_namespace n ON n.oid = t.relnamespace
    WHERE ${ours} AND t.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped`);
  const indexes = await db.query<{ line: string }>(`
    SELECT t.relname || CASE WHEN i.indisprimary THEN ' primary' WHEN i.indisunique THEN ' unique' ELSE ' index' END
           || ' (' || string_agg(a.attname, ', ' ORDER BY k.ord) || ')' AS line
    FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
    CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
    JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
    WHERE ${ours}
    GROUP BY t.relname, i.indexrelid, i.indisprimary, i.indisunique`);
  const enums = await db.query<{ line: string }>(`
    SELECT t.typname || ': ' || string_agg(e.enumlabel, ', ' ORDER BY e.enumsortorder) AS line
    FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace
    WHERE n.nspname = 'public' GROUP BY t.typname`);
  const foreignKeys = await db.query<{ line: string }>(`
    SELECT t.relname || ' (' || (SELECT string_agg(a.attname, ', ' ORDER BY k.ord) FROM unnest(c.conkey) WITH ORDINALITY k(attnum, ord) JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum)
           || ') -> ' || r.relname || ' (' || (SELECT string_agg(a.attname, ', ' ORDER BY k.ord) FROM unnest(c.confkey) WITH ORDINALITY k(attnum, ord) JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum) || ')' AS line
    FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid JOIN pg_class r ON r.oid = c.confrelid JOIN pg_namespace n ON n.oid = t.relnamespace
    WHERE c.contype = 'f' AND ${ours}`);
  const lines = (result: { rows: { line: string }[] }) => result.rows.map((row) => row.line).sort();
  return { columns: lines(columns), indexes: lines(indexes), enums: lines(enums), foreignKeys: lines(foreignKeys) };
}

/** Lines only one side has, per part: empty everywhere when the two agree. */
export function shapeDifferences(expected: SchemaShape, actual: SchemaShape): string[] {
  const parts = ['columns', 'indexes', 'enums', 'foreignKeys'] as const;
  return parts.flatMap((part) => {
    const want = new Set(expected[part]);
    const have = new Set(actual[part]);
    return [
      ...[...want].filter((line) => !have.has(line)).map((line) => `${part}: in schema.prisma, not in the database: ${line}`),
      ...[...have].filter((line) => !want.has(line)).map((line) => `${part}: in the database, not in schema.prisma: ${line}`),
    ];
  });
}
