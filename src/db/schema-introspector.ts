import {
  type ColumnMetadata,
  type DatabaseIntrospector,
  type DatabaseMetadata,
  type DatabaseMetadataOptions,
  DEFAULT_MIGRATION_LOCK_TABLE,
  DEFAULT_MIGRATION_TABLE,
  type Dialect,
  type Kysely,
  type SchemaMetadata,
  sql,
  type TableMetadata,
} from 'kysely';

/*
 * Kysely's Migrator asks the introspector whether its two tables exist, before every migration
 * run. Kysely's own PostgreSQL introspector answers by listing every column of every table in the
 * whole database, with a function call per column that resolves the table by name: on a database
 * shared with other applications that is slow, and it fails ("schema … does not exist") when
 * another application drops a schema meanwhile, which stopped Latch from starting. This one looks
 * at Latch's own schema only.
 */

/** `dialect`, with introspection limited to `schema` (else the connection's current schema). */
export function introspectingOneSchema(dialect: Dialect, schema: string | undefined): Dialect {
  return {
    createAdapter: () => dialect.createAdapter(),
    createDriver: () => dialect.createDriver(),
    createQueryCompiler: () => dialect.createQueryCompiler(),
    createIntrospector: (db) => new OneSchemaIntrospector(db, schema),
  };
}

class OneSchemaIntrospector implements DatabaseIntrospector {
  constructor(
    private readonly db: Kysely<unknown>,
    private readonly schema: string | undefined,
  ) {}

  async getSchemas(): Promise<SchemaMetadata[]> {
    const { rows } = await sql<{ name: string }>`
      select nspname as name from pg_catalog.pg_namespace order by nspname`.execute(this.db);
    return rows;
  }

  async getTables(
    options: DatabaseMetadataOptions = { withInternalKyselyTables: false },
  ): Promise<TableMetadata[]> {
    const { rows } = await sql<ColumnRow>`
      select n.nspname as schema, c.relname as table, c.relkind as kind, a.attname as column,
             t.typname as type, a.attnotnull as not_null, a.attidentity as identity,
             pg_catalog.pg_get_expr(d.adbin, d.adrelid) as default_value
      from pg_catalog.pg_class c
      join pg_catalog.pg_namespace n on n.oid = c.relnamespace
      left join pg_catalog.pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
      left join pg_catalog.pg_type t on t.oid = a.atttypid
      left join pg_catalog.pg_attrdef d on d.adrelid = c.oid and d.adnum = a.attnum
      where n.nspname = coalesce(${this.schema ?? null}::text, current_schema())
        and c.relkind in ('r', 'p', 'v', 'm', 'f')
      order by c.relname, a.attnum`.execute(this.db);
    const tables = new Map<string, TableMetadata & { columns: ColumnMetadata[] }>();
    for (const row of rows) {
      if (!options.withInternalKyselyTables && KYSELY_TABLES.includes(row.table)) continue;
      let table = tables.get(row.table);
      if (!table) {
        table = { name: row.table, schema: row.schema, isView: 'vm'.includes(row.kind), columns: [] };
        tables.set(row.table, table);
      }
      if (row.column === null) continue;
      const identity = Boolean(row.identity);
      table.columns.push({
        name: row.column,
        dataType: row.type ?? '',
        isNullable: !row.not_null,
        hasDefaultValue: row.default_value !== null || identity,
        isAutoIncrementing: identity || (row.default_value ?? '').startsWith('nextval('),
      });
    }
    return [...tables.values()];
  }

  async getMetadata(options?: DatabaseMetadataOptions): Promise<DatabaseMetadata> {
    return { tables: await this.getTables(options) };
  }
}

/** Kysely's own bookkeeping, which the Migrator asks about and nobody else wants listed. */
const KYSELY_TABLES: string[] = [DEFAULT_MIGRATION_TABLE, DEFAULT_MIGRATION_LOCK_TABLE];

interface ColumnRow {
  schema: string;
  table: string;
  kind: string;
  column: string | null;
  type: string | null;
  not_null: boolean | null;
  identity: string | null;
  default_value: string | null;
}
