// `npm test`: every suite in order (lint, format, typecheck, unit, unit on PostgreSQL, build, e2e, the e2e API suite on PostgreSQL), then one line
// `N passed, N failed` totalling them all. Exits non-zero when anything failed.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const out = join(root, '.test-data');
mkdirSync(out, { recursive: true });

function run(cmd, args, env = {}) {
  console.log(`\n$ ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  return r.status === 0;
}

function readJson(path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return null;
  }
}

const totals = { passed: 0, failed: 0 };
const rows = [];
// The titles of failed tests, printed again just above the totals: a CI page that shows only the
// end of the output still names them.
const failures = [];
function record(name, passed, failed) {
  totals.passed += passed;
  totals.failed += failed;
  rows.push(`${name}: ${passed} passed, ${failed} failed`);
}
/** A step that is one check (lint, typecheck, build): it passes or fails as a whole. */
function check(name, cmd, args, env) {
  const ok = run(cmd, args, env);
  record(name, ok ? 1 : 0, ok ? 0 : 1);
  return ok;
}

check('chromium', 'bash', ['scripts/ensure-chromium.sh']);
check('prometheus', 'bash', ['scripts/ensure-prometheus.sh']);
const pgReady = check('postgres', 'bash', ['scripts/ensure-postgres.sh']);
check('haproxy', 'bash', ['scripts/ensure-haproxy.sh']);
check('lint', 'npx', ['eslint', '.']);
check('format', 'npx', ['prettier', '--check', '.']);
check('typecheck', 'npx', ['tsc', '--noEmit']);

const vitestJson = join(out, 'vitest.json');
rmSync(vitestJson, { force: true });
const unitOk = run('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestJson}`]);
const unit = readJson(vitestJson);
vitestFailures('unit', unit);
if (unit) record('unit', unit.numPassedTests, unit.numFailedTests + (unitOk || unit.numFailedTests > 0 ? 0 : 1));
else record('unit', 0, 1);

// The PostgreSQL suite: store-level tests against a throwaway cluster its global setup starts.
const pgJson = join(out, 'vitest-pg.json');
rmSync(pgJson, { force: true });
if (pgReady) {
  const pgOk = run('npx', ['vitest', 'run', '-c', 'vitest.pg.config.ts', '--reporter=default', '--reporter=json', `--outputFile.json=${pgJson}`]);
  const pgUnit = readJson(pgJson);
  vitestFailures('unit (PostgreSQL)', pgUnit);
  if (pgUnit) record('unit (PostgreSQL)', pgUnit.numPassedTests, pgUnit.numFailedTests + (pgOk || pgUnit.numFailedTests > 0 ? 0 : 1));
  else record('unit (PostgreSQL)', 0, 1);
} else {
  record('unit (PostgreSQL)', 0, 1);
}

/** Failed tests of a vitest JSON report, as `suite: file › title`. */
function vitestFailures(name, report) {
  for (const file of report?.testResults ?? []) {
    for (const t of file.assertionResults ?? []) {
      if (t.status === 'failed') failures.push(`${name}: ${file.name.replace(root + '/', '')} › ${t.fullName ?? t.title}`);
    }
  }
}

/** Failed, flaky and timed-out tests of a Playwright JSON report (its suites nest), with the first line of the error. */
function playwrightFailures(name, suites) {
  for (const suite of suites) {
    for (const spec of suite.specs ?? []) {
      for (const t of spec.tests ?? []) {
        if (t.status !== 'unexpected' && t.status !== 'flaky') continue;
        const error = (t.results ?? []).map((r) => r.error?.message ?? r.errors?.[0]?.message).find(Boolean) ?? '';
        const first = error
          .replace(/\u001b\[[0-9;]*m/g, '')
          .split('\n')[0]
          .slice(0, 300);
        failures.push(`${name}: [${t.projectName}] ${spec.file}:${spec.line} › ${spec.title}${first ? ` — ${first}` : ''}`);
      }
    }
    playwrightFailures(name, suite.suites ?? []);
  }
}

const built = check('build', 'npx', ['next', 'build']);

/** A Playwright run recorded under `name` from the JSON report it writes (`report`, in .test-data). */
function playwrightSuite(name, report, cmd, args) {
  const json = join(out, report);
  rmSync(json, { force: true });
  const ok = run(cmd, args);
  const result = readJson(json);
  if (!result) return record(name, 0, 1);
  playwrightFailures(name, result.suites ?? []);
  const failed = result.stats.unexpected + result.stats.flaky;
  record(name, result.stats.expected, failed + (ok || failed > 0 ? 0 : 1));
}

if (built) playwrightSuite('e2e', 'playwright.json', 'npx', ['playwright', 'test']);
else record('e2e', 0, 1);

// The API suite again, its shared server on PostgreSQL: a throwaway cluster for the run
// (scripts/pg/with-cluster.ts), the same specs, their database peeks on that engine (e2e/db.ts).
if (built && pgReady) {
  const command = ['tsx', 'scripts/pg/with-cluster.ts', '--', 'npx', 'playwright', 'test', '--project=api', '--project=store'];
  playwrightSuite('e2e API (PostgreSQL)', 'playwright-pg.json', 'npx', command);
} else {
  record('e2e API (PostgreSQL)', 0, 1);
}

if (failures.length) console.log('\nFailed:\n' + failures.map((f) => `  ${f}`).join('\n'));
console.log('\n' + rows.join('\n'));
console.log(`${totals.passed} passed, ${totals.failed} failed`);
process.exit(totals.failed > 0 ? 1 : 0);
