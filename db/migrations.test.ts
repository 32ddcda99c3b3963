// Migrations are reproducible: the schema and the committed snapshots agree (drizzle-kit generates
// nothing), the hand-written parts are the declared custom steps (db/custom-steps.ts), and a fresh
// database gets the physical layout those steps ask for.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyCustomSteps, WITHOUT_ROWID_TABLES } from './custom-steps';
import { freshHandle } from './test-db';

const MIGRATIONS = join(__dirname, 'migrations');
const ROOT = join(__dirname, '..');

describe('migrations', () => {
  it('agree with db/schema.ts: drizzle-kit generate finds no change to write', () => {
    const out = mkdtempSync(join(tmpdir(), 'modeldock-migrations-'));
    try {
      cpSync(MIGRATIONS, out, { recursive: true });
      const before = readdirSync(out).sort();
      const log = execFileSync('npx', ['drizzle-kit', 'generate', '--dialect', 'sqlite', '--schema', './db/schema.ts', '--out', relative(ROOT, out)], {
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

  it("0001's WITHOUT ROWID is the custom step applied to what drizzle-kit wrote", () => {
    const committed = readFileSync(join(MIGRATIONS, '0001_prediction_log.sql'), 'utf8');
    const generated = committed.replace(') WITHOUT ROWID;', ');');
    expect(generated).not.toContain('WITHOUT ROWID');
    expect(applyCustomSteps(generated)).toBe(committed);
    // Applying the steps twice changes nothing more; 0004's rebuild of the table has them already.
    expect(applyCustomSteps(committed)).toBe(committed);
    const rebuild = readFileSync(join(MIGRATIONS, '0004_prediction_key_history.sql'), 'utf8');
    expect(applyCustomSteps(rebuild)).toBe(rebuild);
  });

  it('gives a fresh database the layout of the custom steps', () => {
    const { db } = freshHandle();
    for (const table of WITHOUT_ROWID_TABLES) {
      const sql = db.$client.prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?").pluck().get(table) as string;
      expect(sql, table).toMatch(/\)\s*WITHOUT ROWID$/);
    }
  });
});
