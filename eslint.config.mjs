// Lint: Next's recommended rules plus the layering of the README's "Layout of the code", enforced by
// imports: app → lib/http → lib/server (one folder per domain, no cycles) → lib/runtime → db/,
// inference/, lib/metrics. Only db/ knows the database driver and its SQL.
import nextVitals from 'eslint-config-next/core-web-vitals';
import nextTs from 'eslint-config-next/typescript';

const TESTS = ['**/*.test.ts', '**/*.test.tsx', 'db/test-db.ts'];

/** `no-restricted-imports` for module folders: each group is [patterns, why] (or a pattern object as ESLint takes it). */
const layer = (...groups) => ({
  'no-restricted-imports': ['error', { patterns: groups.map((g) => (Array.isArray(g) ? { group: g[0], message: g[1] } : g)) }],
});
const under = (...folders) => folders.flatMap((f) => [`**/${f}/**`, `@/${f}/**`, `**/${f}`, `@/${f}`]);

const DRIVER_WHY = 'Only db/ knows the database: call a repository function of db/queries.';
// node-postgres by its package name only (a gitignore-style 'pg' would also match the folder db/pg).
const DRIVER = [
  { group: ['better-sqlite3', 'drizzle-orm', 'drizzle-orm/*'], message: DRIVER_WHY },
  { regex: '^pg(/.*)?$', message: DRIVER_WHY },
];
const NO_SQL = {
  selector:
    "CallExpression[callee.property.name=/^(prepare|pragma)$/][arguments.length>0], MemberExpression[property.name='$client'], Literal[value=/\\b(PRAGMA|data_version)\\b/i]",
  message: 'Only db/ prepares statements or runs SQL: add a repository function to db/.',
};
const ONE_GLOBAL = {
  selector: "Identifier[name='globalThis'], CallExpression[callee.object.name='Symbol'][callee.property.name='for']",
  message: 'Process-wide state lives on the runtime object (lib/runtime/runtime.ts), the one globalThis key.',
};

/** The domains of lib/server, each with those it may not import (so the graph stays acyclic: lookups < access, operations < monitoring < serving < registry, experiments < demo). */
const DOMAINS = {
  access: ['registry', 'serving', 'monitoring', 'experiments', 'demo', 'operations'],
  operations: ['registry', 'serving', 'monitoring', 'experiments', 'demo', 'access'],
  monitoring: ['registry', 'serving', 'experiments', 'demo'],
  serving: ['registry', 'experiments', 'demo'],
  registry: ['serving', 'experiments', 'demo'],
  experiments: ['registry', 'demo'],
};
const domainRules = Object.entries(DOMAINS).map(([domain, above]) => ({
  files: [`lib/server/${domain}/**/*.ts`],
  ignores: TESTS,
  rules: layer(
    [
      above.flatMap((d) => [`**/server/${d}/**`, `../${d}/**`, `@/lib/server/${d}/**`]),
      `lib/server/${domain} sits below ${above.join(', ')}: move the shared part down (lib/server/lookups.ts, lib/runtime, db/).`,
    ],
    [under('lib/http', 'app', 'components'), 'lib/server holds use cases: the HTTP edge calls them, never the other way.'],
    [['next', 'next/*'], 'lib/server knows nothing of Next.js (pages and route handlers are the edge).'],
    ...DRIVER,
  ),
}));

const config = [
  ...nextVitals,
  ...nextTs,
  { ignores: ['.next/**', 'node_modules/**', 'data/**', '.test-data/**', 'next-env.d.ts', 'scripts/bench/harness/**'] },
  { files: ['**/*.cjs'], rules: { '@typescript-eslint/no-require-imports': 'off' } },
  {
    files: ['app/**/*.{ts,tsx}'],
    rules: layer([under('db', 'inference', 'lib/runtime'), 'app/ reaches data and models only through lib/server (and lib/http for the edge).'], ...DRIVER),
  },
  {
    files: ['components/**/*.{ts,tsx}'],
    rules: layer([
      under('db', 'inference', 'lib/server', 'lib/http', 'lib/runtime', 'lib/env'),
      'components/ are UI only: client-safe lib parts (schemas, query, format).',
    ]),
  },
  {
    files: ['lib/http/**/*.ts'],
    ignores: TESTS,
    rules: layer(
      [under('db', 'inference'), 'lib/http is the edge: it calls lib/server (and the runtime it starts), never the database or the models.'],
      ...DRIVER,
    ),
  },
  {
    files: ['lib/server/*.ts'],
    ignores: TESTS,
    rules: layer(
      [['./*/**', '**/server/*/**', '@/lib/server/*/**'], 'lib/server/lookups.ts is below every domain.'],
      [under('lib/http'), 'lib/server holds use cases.'],
      ...DRIVER,
    ),
  },
  ...domainRules,
  {
    files: ['lib/runtime/**/*.ts'],
    ignores: [...TESTS, 'lib/runtime/workers/rollup.ts'],
    rules: layer(
      [
        under('lib/server', 'lib/http', 'app', 'components'),
        'lib/runtime is the process machinery below the use cases (only worker entry files compose them).',
      ],
      [['next', 'next/*'], 'lib/runtime knows nothing of Next.js.'],
      ...DRIVER,
    ),
  },
  {
    files: ['lib/metrics/**/*.ts', 'lib/schemas/**/*.ts', 'lib/query/**/*.ts', 'lib/*.ts'],
    ignores: TESTS,
    rules: layer([under('db', 'lib/server', 'lib/http', 'lib/runtime'), 'Pure and client-safe parts of lib/ stand alone.'], ...DRIVER),
  },
  {
    files: ['db/**/*.ts'],
    rules: layer([under('app', 'components', 'lib/server', 'lib/http', 'lib/runtime'), 'db/ sits below the application layer.']),
  },
  {
    files: ['inference/**/*.ts'],
    rules: layer(
      [under('db', 'lib', 'app', 'components'), 'inference/ knows nothing of the database or the app.'],
      [['next', 'next/*'], 'inference/ knows nothing of Next.js.'],
    ),
  },
  {
    files: ['scripts/**/*.ts'],
    rules: layer(...DRIVER),
  },
  {
    files: ['app/**/*.{ts,tsx}', 'components/**/*.{ts,tsx}', 'lib/**/*.ts', 'inference/**/*.ts', 'scripts/**/*.ts'],
    ignores: [...TESTS, 'lib/runtime/runtime.ts'],
    rules: { 'no-restricted-syntax': ['error', NO_SQL, ONE_GLOBAL] },
  },
  {
    files: ['lib/runtime/runtime.ts'],
    rules: { 'no-restricted-syntax': ['error', NO_SQL] },
  },
  {
    files: ['lib/**/*.ts', 'db/**/*.ts', 'inference/**/*.ts'],
    ignores: TESTS,
    rules: { 'import/no-cycle': ['error', { ignoreExternal: true }] },
  },
  // Repository functions and use cases answer promises on PostgreSQL: one left unawaited is a check
  // that does not happen (an unauthenticated request that went through) or a write raced by the
  // answer. Type-aware, on the server side only.
  {
    files: ['lib/http/**/*.ts', 'lib/server/**/*.ts', 'lib/runtime/**/*.ts', 'db/**/*.ts', 'app/**/route.ts'],
    ignores: [...TESTS, '**/*.pg.test.ts', '**/*.suite.ts', 'db/pg/test-*.ts'],
    languageOptions: { parserOptions: { projectService: true } },
    rules: { '@typescript-eslint/no-floating-promises': 'error' },
  },
];

export default config;
