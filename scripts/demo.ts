// `npm run demo`: creates the demo model (30 days of traffic and outcomes whose world drifts from
// day 15). With MODELDOCK_ADMIN_KEY (or MODELDOCK_API_KEY, an admin key) it asks the running app at
// MODELDOCK_URL (default http://127.0.0.1:3000); without a key it writes to DATA_DIR's database
// directly, which the running app picks up on its own.
const base = process.env.MODELDOCK_URL ?? `http://127.0.0.1:${process.env.PORT ?? 3000}`;
const key = process.env.MODELDOCK_API_KEY ?? process.env.MODELDOCK_ADMIN_KEY;

async function overHttp(): Promise<{ model: string; created: boolean }> {
  let res: Response;
  try {
    res = await fetch(`${base}/api/v1/demo`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: '{}' });
  } catch {
    console.error(`Modeldock is not answering at ${base}: start it first (npm start), or set MODELDOCK_URL.`);
    process.exit(1);
  }
  const body = (await res.json()) as { model?: string; created?: boolean; detail?: string };
  if (!res.ok) {
    console.error(`The demo could not be created: ${body.detail ?? res.status}`);
    process.exit(1);
  }
  return { model: body.model!, created: Boolean(body.created) };
}

async function inProcess(): Promise<{ model: string; created: boolean }> {
  const { migrateRuntimeDatabase } = await import('../lib/runtime/start');
  const { closeRuntime } = await import('../lib/runtime/runtime');
  const { initStore } = await import('../lib/runtime/artifact-store');
  const { createDemo } = await import('../lib/server/demo/create-demo');
  await migrateRuntimeDatabase();
  await initStore();
  try {
    return await createDemo();
  } finally {
    await closeRuntime();
  }
}

async function main(): Promise<void> {
  const started = Date.now();
  const demo = key ? await overHttp() : await inProcess();
  console.log(`${demo.created ? 'Created' : 'Already there:'} ${demo.model} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  console.log(`Monitoring: ${base}/models/${demo.model}/monitoring`);
}

void main();
