// File-system evidence that hostile input wrote nothing outside DATA_DIR: listings of the repository
// (minus build and test output) and of the server's own TMPDIR before and after, and a search for files named like
// the traversal payloads wherever a "../" from the server's folders could land.
import { existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DATA_DIR } from '../../fixtures';
import { MARK } from './values';

const SKIP = new Set(['node_modules', '.next', '.test-data', '.git', 'test-results', 'playwright-report']);

/** path → "size:mtime" for every file under `dir` (depth-limited, symlinks not followed). */
export function listing(dir: string, depth = 12, out = new Map<string, string>()): Map<string, string> {
  if (depth < 0) return out;
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const e of entries) {
    if (SKIP.has(e)) continue;
    const p = join(dir, e);
    let st;
    try {
      st = lstatSync(p);
    } catch {
      continue;
    }
    if (st.isDirectory()) listing(p, depth - 1, out);
    else out.set(p, `${st.size}:${st.mtimeMs}`);
  }
  return out;
}

export function changed(before: Map<string, string>, after: Map<string, string>): string[] {
  const out: string[] = [];
  for (const [p, sig] of after) if (before.get(p) !== sig) out.push(p);
  return out.sort();
}

/** Folders a traversal out of DATA_DIR (or the repo, the server's cwd) reaches: all their ancestors, and /tmp. */
export function landingDirs(...roots: string[]): string[] {
  const dirs = new Set<string>(['/', '/tmp']);
  for (const r of roots) {
    for (let d = r; ; d = dirname(d)) {
      dirs.add(d);
      if (dirname(d) === d) break;
    }
  }
  return [...dirs];
}

/** Files whose name carries the payload marker, in `shallow` folders (their own entries) and under `deep` ones. */
export function markedFiles(shallow: string[], deep: string[]): string[] {
  const hits: string[] = [];
  for (const d of shallow) {
    if (!existsSync(d)) continue;
    try {
      for (const e of readdirSync(d)) if (e.includes(MARK)) hits.push(join(d, e));
    } catch {
      /* unreadable */
    }
  }
  for (const d of deep) for (const p of listing(d, 6).keys()) if (p.slice(p.lastIndexOf('/') + 1).includes(MARK)) hits.push(p);
  return [...new Set(hits)].sort();
}

/** The TMPDIR of the server serving DATA_DIR (its pid file names the process; /proc has its environment). */
export function serverTmpDir(): string | null {
  const { pid } = JSON.parse(readFileSync(join(DATA_DIR, 'modeldock.pid'), 'utf8')) as { pid: number };
  const vars = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
  return vars.find((v) => v.startsWith('TMPDIR='))?.slice('TMPDIR='.length) ?? null;
}
