// For tests of the artifact backends: temp files as writeTemp leaves them (written, hashed), in a
// folder of the test's own.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TempFile } from './types';

const made: string[] = [];
export function testDir(label: string): string {
  const dir = mkdtempSync(join(tmpdir(), `modeldock-${label}-`));
  made.push(dir);
  return dir;
}
/** For afterAll: removes the folders testDir made. */
export function removeTestDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export const sha256Of = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

let n = 0;
export async function tempFileOf(dir: string, bytes: Uint8Array): Promise<TempFile> {
  const path = join(dir, `upload-${n++}.part`);
  await writeFile(path, bytes);
  return { path, sha256: sha256Of(bytes), size: bytes.length };
}

/** Random bytes: no two test files share content (or chunks) unless a test makes them. */
export const noise = (size: number) => randomBytes(size);
