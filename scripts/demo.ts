// `npm run demo`: asks the running app (MODELDOCK_URL, default http://127.0.0.1:3000) to create the
// demo model with 30 days of traffic and outcomes, then prints where to look.
const base = process.env.MODELDOCK_URL ?? `http://127.0.0.1:${process.env.PORT ?? 3000}`;

async function main(): Promise<void> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (process.env.MODELDOCK_ADMIN_KEY) headers.authorization = `Bearer ${process.env.MODELDOCK_ADMIN_KEY}`;
  const started = Date.now();
  let res: Response;
  try {
    res = await fetch(`${base}/api/v1/demo`, { method: 'POST', headers, body: '{}' });
  } catch {
    console.error(`Modeldock is not answering at ${base}: start it first (npm start), or set MODELDOCK_URL.`);
    process.exit(1);
  }
  const body = (await res.json()) as { model?: string; created?: boolean; detail?: string };
  if (!res.ok) {
    console.error(`The demo could not be created: ${body.detail ?? res.status}`);
    process.exit(1);
  }
  console.log(`${body.created ? 'Created' : 'Already there:'} ${body.model} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  console.log(`Monitoring: ${base}/models/${body.model}/monitoring`);
}

void main();
