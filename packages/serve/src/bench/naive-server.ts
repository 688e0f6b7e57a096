// The peer of the serving benchmark: the ~30-line server a user would write without ganforge —
// node:http, one onnxruntime-node session with its default options, one session.run per request on
// the main thread, no batching, no framework, no validation beyond JSON.parse. It answers the same
// POST /v1/models/<name>/samples {"n", "seed", "format": "npy"} with the same bytes as ganforge.
// Prints one JSON line {url} when listening.
import { createServer } from 'node:http';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { parseModelCard, sampleLatents } from '@ganforge/core';
import { encodeNpy } from '../render/npy.ts';

const { modelsDir, model } = JSON.parse(process.argv[2] ?? '{}') as { modelsDir: string; model: string };
const card = parseModelCard(JSON.parse(readFileSync(join(modelsDir, model, 'card.json'), 'utf8')));
const session = await ort.InferenceSession.create(join(modelsDir, model, 'model.onnx'));
const { size: latentDim, distribution } = card.latent;
const { height, width, channels } = card.output;

const server = createServer((req, res) => {
  let body = '';
  req.on('data', (c: Buffer) => (body += c.toString()));
  req.on('end', () => {
    void (async () => {
      try {
        const { n = 1, seed = 0 } = JSON.parse(body) as { n?: number; seed?: number };
        const latents = sampleLatents({ seed, n, latentDim, distribution });
        const out = await session.run({
          [card.onnx.inputName]: new ort.Tensor('float32', latents, [n, latentDim]),
        });
        const data = out[card.onnx.outputName]!.data as Float32Array;
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        res.end(encodeNpy(data, [n, height, width, channels]));
      } catch (e) {
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: String(e) }));
      }
    })();
  });
});
server.listen(0, '127.0.0.1', () => {
  const addr = server.address() as { port: number };
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${addr.port}` })}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
