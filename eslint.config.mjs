// Lint: Next's recommended rules plus the layering of ../shared/STYLE.md, enforced by imports.
import nextVitals from 'eslint-config-next/core-web-vitals';
import nextTs from 'eslint-config-next/typescript';

const layer = (group, message) => ({ 'no-restricted-imports': ['error', { patterns: [{ group, message }] }] });

const config = [
  ...nextVitals,
  ...nextTs,
  { ignores: ['.next/**', 'node_modules/**', 'data/**', '.test-data/**', 'next-env.d.ts'] },
  {
    files: ['app/**/*.{ts,tsx}'],
    rules: layer(['**/db/**', '@/db/**', '**/inference/**', '@/inference/**'], 'app/ reaches data and models only through lib/server.'),
  },
  {
    files: ['components/**/*.{ts,tsx}'],
    rules: layer(['**/db/**', '@/db/**', '**/inference/**', '@/inference/**', '**/lib/server/**', '@/lib/server/**', '**/lib/api/**', '@/lib/api/**'], 'components/ are UI only: client-safe lib parts (schemas, query, format).'),
  },
  {
    files: ['db/**/*.ts', 'inference/**/*.ts'],
    rules: layer(['**/app/**', '**/components/**', '**/lib/server/**', '@/app/**', '@/components/**', '@/lib/server/**'], 'db/ and inference/ sit below the application layer.'),
  },
  {
    files: ['inference/**/*.ts'],
    rules: layer(['**/db/**', '@/db/**', 'next', 'next/**', '**/lib/**', '@/lib/**'], 'inference/ knows nothing of Next.js, the database or the app.'),
  },
];

export default config;
