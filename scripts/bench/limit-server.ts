// The physical limit of this stack for the serving benchmark: bare node:http + onnxruntime-node on
// the same model, no validation beyond JSON.parse, no logging. Usage: tsx limit-server.ts MODEL PORT
import { createServer } from 'node:http';
import * as ort from 'onnxruntime-node';

async function main(): Promise<void> {
  const [modelPath, port] = process.argv.slice(2);
  const session = await ort.InferenceSession.create(modelPath, { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential' });
  const input = session.inputNames[0];
  createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const rows = (JSON.parse(Buffer.concat(chunks).toString()) as { instances: number[][] }).instances;
      const width = rows[0].length;
      const flat = new Float32Array(rows.length * width);
      rows.forEach((r, i) => flat.set(r, i * width));
      const out = await session.run({ [input]: new ort.Tensor('float32', flat, [rows.length, width]) });
      const first = out[session.outputNames[0]].data as Float32Array;
      const body = JSON.stringify({ predictions: Array.from(first) });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
  }).listen(Number(port), '127.0.0.1', () => console.log('ready'));
}

void main();
