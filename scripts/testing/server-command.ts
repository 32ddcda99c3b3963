// How a test or a bench starts the server: exactly as `npm start` does (package.json's "start", read
// here so there is one spelling of it), with this node as the interpreter: [node, ...flags, entry].
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

export function serverCommand(...args: string[]): string[] {
  const start = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;
  const [node, ...rest] = start.split(/\s+/);
  if (node !== 'node') throw new Error(`package.json "start" must run node directly, not ${node}`);
  return [process.execPath, ...rest, ...args];
}
