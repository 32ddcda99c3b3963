// The physical limit for many models in one process: bare node:http + onnxruntime-node with every
// model loaded (the app's session options), no validation beyond JSON.parse, no logging, no batching.
// POST /m/<i> runs model i. Usage: tsx limit-models-server.ts PORT MODEL...
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import * as ort from 'onnxruntime-node';
import { servingSessionOptions } from '../../inference/session-memory';

async function main(): Promise<void> {
  const [port, ...paths] = process.argv.slice(2);
  const options = servingSessionOptions({ intraOpThreads: 1, prepackWeights: process.env.ORT_PREPACK_WEIGHTS !== 'false' });
  const sessions: ort.InferenceSession[] = [];
  for (const p of paths) sessions.push(await ort.InferenceSession.create(readFileSync(p), options));
  createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const session = sessions[Number(req.url!.slice(3))];
      const rows = (JSON.parse(Buffer.concat(chunks).toString()) as { instances: unknown[] }).instances;
      const dims = [rows.length];
      for (let v: unknown = rows[0]; Array.isArray(v); v = v[0]) dims.push(v.length);
      const flat = Float32Array.from(rows.flat(dims.length) as number[]);
      const out = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', flat, dims) });
      const body = JSON.stringify({ predictions: Array.from(out[session.outputNames[0]].data as Float32Array) });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
  }).listen(Number(port), '127.0.0.1', () => console.log('ready'));
}

void main();
