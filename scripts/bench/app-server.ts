// The app server as the benches start it: as `npm start` does (serverCommand), on its own DATA_DIR and port, as the
// leader of a process group (stopped with SIGTERM to the group), and JSON calls with its admin key.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { serverCommand } from '../testing/server-command';

const ROOT = join(__dirname, '..', '..');
export const ADMIN_KEY = `mdk_bench_${Date.now().toString(36)}_admin_key`;
export const ADMIN_PASSWORD = `bench-${Date.now().toString(36)}`;

export function startServer(dataDir: string, port: number): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const [node, ...args] = serverCommand();
    const child = spawn(node, args, {
      cwd: ROOT,
      env: {
        ...process.env,
        DATA_DIR: dataDir,
        PORT: String(port),
        HOSTNAME: '127.0.0.1',
        MODELDOCK_ADMIN_KEY: ADMIN_KEY,
        MODELDOCK_ADMIN_PASSWORD: ADMIN_PASSWORD,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
      detached: true,
    });
    child.stdout!.on('data', (d: Buffer) => {
      if (/listening/.test(String(d))) resolve(child);
    });
    child.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
}

export async function stopServer(child: ChildProcess): Promise<void> {
  const exited = new Promise((r) => child.once('exit', r));
  process.kill(-child.pid!, 'SIGTERM');
  await exited;
}

export async function call(port: number, method: string, path: string, body?: unknown, form?: FormData): Promise<unknown> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, {
    method,
    body: form ?? (body === undefined ? undefined : JSON.stringify(body)),
    headers: form ? { authorization: `Bearer ${ADMIN_KEY}` } : { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_KEY}` },
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${(await res.text()).slice(0, 300)}`);
  return res.json();
}

/** The q-quantile of sorted values (nearest rank). */
export const pct = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
