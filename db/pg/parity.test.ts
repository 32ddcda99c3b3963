// The two schemas describe one database: every SQLite table has its PostgreSQL twin with the same
// columns (name, nullability, kind of value, default or not), primary key, indexes (name, columns,
// uniqueness, partial or not) and foreign keys (columns, target, on delete). Fails when one schema
// changes without the other. What only PostgreSQL has is listed here, with its reason (db/pg/schema.ts).
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { is, Table } from 'drizzle-orm';
import { getTableConfig as pgConfig, PgTable } from 'drizzle-orm/pg-core';
import { getTableConfig as sqliteConfig, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { describe, expect, it } from 'vitest';
import * as sqliteSchema from '../schema';
import { applyPgCustomSteps } from './custom-steps';
import * as pgSchema from './schema';

/** Tables and columns PostgreSQL adds (see db/pg/schema.ts's header for why). */
const PG_ONLY = {
  tables: ['artifacts', 'artifact_chunks', 'fleet_state'],
  columns: { prediction_requests: ['logged_at', 'xid'] } as Record<string, string[]>,
  indexes: { prediction_requests: ['prediction_requests_xid_idx'] } as Record<string, string[]>,
  /** The partition key joins the primary key (PostgreSQL requires it of a partitioned table). */
  primaryKeys: { prediction_requests: ['id', 'logged_at'] } as Record<string, string[]>,
};

/** The kind of value a column holds, whatever the dialect calls its type. */
function kind(sqlType: string, dataType: string): string {
  const t = sqlType.toLowerCase();
  if (t === 'blob' || t === 'bytea') return 'bytes';
  if (t === 'real' || t === 'double precision') return 'float';
  if (t === 'jsonb' || dataType === 'json') return 'json';
  if (t === 'boolean' || dataType === 'boolean') return 'boolean';
  if (t === 'integer' || t === 'bigint') return 'integer';
  if (t === 'text') return 'text';
  return t;
}

interface Shape {
  columns: Record<string, { kind: string; notNull: boolean; hasDefault: boolean; enum?: readonly string[] }>;
  primaryKey: string[];
  indexes: Record<string, { columns: string[]; unique: boolean; partial: boolean }>;
  foreignKeys: string[];
}

type AnyColumn = {
  name: string;
  notNull: boolean;
  hasDefault: boolean;
  primary: boolean;
  dataType: string;
  enumValues?: readonly string[];
  getSQLType(): string;
};
type AnyIndex = { config: { name: string; unique: boolean; where?: unknown; columns: unknown[] } };

function shape(
  columns: AnyColumn[],
  primaryKeys: { columns: { name: string }[] }[],
  indexes: AnyIndex[],
  foreignKeys: { reference(): { columns: { name: string }[]; foreignTable: Table; foreignColumns: { name: string }[] }; onDelete?: string }[],
  tableName: (t: Table) => string,
): Shape {
  const cols: Shape['columns'] = {};
  for (const c of columns) {
    cols[c.name] = {
      kind: kind(c.getSQLType(), c.dataType),
      notNull: c.notNull || c.primary,
      // An identity column is PostgreSQL's autoincrement: both hand out the value.
      hasDefault: c.hasDefault || c.primary,
      ...(c.enumValues?.length ? { enum: c.enumValues } : {}),
    };
  }
  const pk = columns.filter((c) => c.primary).map((c) => c.name);
  for (const p of primaryKeys) pk.push(...p.columns.map((c) => c.name));
  const idx: Shape['indexes'] = {};
  for (const i of indexes) {
    idx[i.config.name] = {
      columns: i.config.columns.map((c) => (c as { name: string }).name),
      unique: i.config.unique,
      partial: i.config.where !== undefined,
    };
  }
  const fks = foreignKeys.map((fk) => {
    const r = fk.reference();
    return `${r.columns.map((c) => c.name).join(',')} -> ${tableName(r.foreignTable)}(${r.foreignColumns.map((c) => c.name).join(',')}) on delete ${fk.onDelete ?? 'no action'}`;
  });
  return { columns: cols, primaryKey: pk, indexes: idx, foreignKeys: fks.sort() };
}

const sqliteTables = (Object.values(sqliteSchema) as unknown[]).filter((v): v is SQLiteTable => is(v, SQLiteTable));
const pgTables = (Object.values(pgSchema) as unknown[]).filter((v): v is PgTable => is(v, PgTable));

function sqliteShape(t: SQLiteTable): Shape {
  const c = sqliteConfig(t);
  return shape(
    c.columns as unknown as AnyColumn[],
    c.primaryKeys,
    c.indexes as unknown as AnyIndex[],
    c.foreignKeys,
    (ft) => sqliteConfig(ft as SQLiteTable).name,
  );
}

function pgShape(t: PgTable): Shape {
  const c = pgConfig(t);
  const s = shape(c.columns as unknown as AnyColumn[], c.primaryKeys, c.indexes as unknown as AnyIndex[], c.foreignKeys, (ft) => pgConfig(ft as PgTable).name);
  for (const col of PG_ONLY.columns[c.name] ?? []) delete s.columns[col];
  for (const i of PG_ONLY.indexes[c.name] ?? []) delete s.indexes[i];
  const pk = PG_ONLY.primaryKeys[c.name];
  if (pk) {
    expect(s.primaryKey).toEqual(pk);
    s.primaryKey = pk.filter((col) => !(PG_ONLY.columns[c.name] ?? []).includes(col));
    // The SQLite twin's primary key is the same key without the partition column.
    for (const col of s.primaryKey) s.columns[col] = { ...s.columns[col], notNull: true, hasDefault: true };
  }
  return s;
}

describe('SQLite and PostgreSQL schemas', () => {
  const pgByName = new Map(pgTables.map((t) => [pgConfig(t).name, t]));

  it('have the same tables (PostgreSQL adds only the declared ones)', () => {
    const sqliteNames = sqliteTables.map((t) => sqliteConfig(t).name).sort();
    const pgNames = [...pgByName.keys()].filter((n) => !PG_ONLY.tables.includes(n)).sort();
    expect(pgNames).toEqual(sqliteNames);
    expect(sqliteNames.length).toBeGreaterThan(15);
  });

  it('keep times in ms (…_at, ts, hour) as bigint: they pass 2^31 (hour 2026-12-01 is 1.79e12)', () => {
    const narrow = pgTables.flatMap((t) =>
      pgConfig(t)
        .columns.filter((c) => /(^|_)(at|ts|hour)$/.test(c.name) && c.getSQLType() !== 'bigint')
        .map((c) => `${pgConfig(t).name}.${c.name}: ${c.getSQLType()}`),
    );
    expect(narrow).toEqual([]);
  });

  for (const table of sqliteTables) {
    const name = sqliteConfig(table).name;
    it(`${name}: same columns, keys, indexes and references`, () => {
      const twin = pgByName.get(name);
      expect(twin, `db/pg/schema.ts has no ${name}`).toBeDefined();
      const a = sqliteShape(table);
      const b = pgShape(twin!);
      if (PG_ONLY.primaryKeys[name]) {
        // SQLite's single-column primary key is marked on the column; PostgreSQL's composite one on the table.
        for (const col of b.primaryKey) a.columns[col] = { ...a.columns[col], notNull: true, hasDefault: true };
      }
      expect(b).toEqual(a);
    });
  }
});

describe('PostgreSQL migrations', () => {
  const ROOT = join(__dirname, '..', '..');
  const MIGRATIONS = join(__dirname, 'migrations');

  it('agree with db/pg/schema.ts: drizzle-kit generate finds no change to write', () => {
    const out = mkdtempSync(join(tmpdir(), 'modeldock-pg-migrations-'));
    try {
      cpSync(MIGRATIONS, out, { recursive: true });
      const before = readdirSync(out).sort();
      const log = execFileSync('npx', ['drizzle-kit', 'generate', '--dialect', 'postgresql', '--schema', './db/pg/schema.ts', '--out', relative(ROOT, out)], {
        cwd: ROOT,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      expect(log).toMatch(/No schema changes/);
      expect(readdirSync(out).sort()).toEqual(before);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 60_000);

  it('partition clauses are the custom steps applied to what drizzle-kit wrote', () => {
    for (const file of readdirSync(MIGRATIONS).filter((f) => f.endsWith('.sql'))) {
      const committed = readFileSync(join(MIGRATIONS, file), 'utf8');
      const generated = committed.replace(/\) PARTITION BY [^;]*;/g, ');');
      expect(applyPgCustomSteps(generated), file).toBe(committed);
    }
    expect(readFileSync(join(MIGRATIONS, '0000_init.sql'), 'utf8')).toContain(') PARTITION BY RANGE ("logged_at");');
  });
});
