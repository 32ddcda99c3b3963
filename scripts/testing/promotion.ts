// Runs ./promotion-probe.ts in a child with V8's GC trace and returns the bytes its
// minor GCs promoted while it measured (see the probe). For tests only.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

export function promotedMb(probeCase: 'batcher' | 'map-clear' | 'in-flight' | 'set'): number {
  const out = execFileSync(
    process.execPath,
    ['--expose-gc', '--trace-gc-nvp', '--import', 'tsx', join(root, 'scripts', 'testing', 'promotion-probe.ts'), probeCase],
    { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 120_000 },
  );
  const lines = out.split('\n');
  const from = lines.indexOf('promotion-probe: measuring');
  const to = lines.indexOf('promotion-probe: done');
  if (from < 0 || to < from) throw new Error(`the probe did not finish:\n${out.slice(-2000)}`);
  let bytes = 0;
  for (const line of lines.slice(from + 1, to)) {
    if (!line.includes(' gc=s ')) continue;
    const m = / promoted=(\d+)/.exec(line);
    if (m) bytes += Number(m[1]);
  }
  return bytes / 1e6;
}
