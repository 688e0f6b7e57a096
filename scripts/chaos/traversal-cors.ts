/**
 * Experiment 6: path traversal and CORS. Raw requests (the request target sent byte for byte over a TCP
 * socket, no client-side normalization) try to reach files outside the models folder through the model
 * routes; each must get a 4xx and none of the planted marker contents. Then the CORS headers of the sample
 * routes, the model files and the embed script are checked for an allowed and a foreign Origin, with
 * `--cors-origin https://example.com` and with `--cors-origin none`.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import {
  check,
  copyShippedModel,
  endChild,
  http,
  SHIPPED_MODEL,
  startServe,
  type Experiment,
  type ExperimentContext,
  type ServeChild,
} from './support.ts';

const ALLOWED = 'https://example.com';
const FOREIGN = 'https://evil.example';

export const traversalCors: Experiment = {
  name: 'traversal-cors',
  title: 'Path traversal and CORS',
  describe: () =>
    'A temp folder holds `models/` (a copy of the shipped model plus `notes.txt`, which is not a model file, and ' +
    '`evil`, a symlink to a folder outside), and `outside/` with a `model.onnx` and `card.json` of marker text ' +
    'next to it. `ganforge serve --models <tmp>/models --cors-origin https://example.com` gets each traversal ' +
    'variant as a raw request target over a TCP socket; it must answer 4xx and the response must contain none ' +
    'of the markers (outside files, notes.txt, /etc/passwd, the root package.json). CORS: each resource is ' +
    `requested with \`Origin: ${FOREIGN}\` and \`Origin: ${ALLOWED}\`: the foreign origin must not get ` +
    '`Access-Control-Allow-Origin: *` (nor its own origin), the allowed one must get itself; then a second ' +
    'server with `--cors-origin none` must send no Access-Control-Allow-Origin at all.',
  timeoutMs: () => 240_000,
  async run(ctx) {
    const tmp = ctx.tempDir('traversal');
    const models = copyShippedModel(tmp);
    const marker = `CHAOS-MARKER-${randomBytes(6).toString('hex')}`;
    const outside = join(tmp, 'outside');
    mkdirSync(outside);
    writeFileSync(join(outside, 'model.onnx'), `${marker}-outside-onnx`);
    writeFileSync(join(outside, 'card.json'), JSON.stringify({ secret: `${marker}-outside-card` }));
    writeFileSync(join(tmp, 'secret.txt'), `${marker}-secret`);
    writeFileSync(join(models, SHIPPED_MODEL, 'notes.txt'), `${marker}-notes`);
    symlinkSync(outside, join(models, 'evil'), 'dir');
    const markers = [marker, 'root:x:0:0', '"name": "ganforge-workspace"'];

    ctx.log('traversal-cors: starting ganforge serve --cors-origin https://example.com');
    const server = await startServe(ctx, models, ['--cors-origin', ALLOWED]);
    try {
      await traversal(ctx, server, tmp, markers);
      await cors(ctx, server, 'https://example.com');
    } finally {
      await endChild(server.child);
    }
    if (ctx.signal.aborted) return;
    ctx.log('traversal-cors: starting ganforge serve --cors-origin none');
    const none = await startServe(ctx, models, ['--cors-origin', 'none']);
    try {
      await cors(ctx, none, 'none');
    } finally {
      await endChild(none.child);
    }
  },
};

async function traversal(ctx: ExperimentContext, server: ServeChild, tmp: string, markers: string[]) {
  const enc = (s: string) => s.replaceAll('/', '%2F');
  const m = SHIPPED_MODEL;
  const variants: { what: string; method?: string; target: string | Buffer }[] = [
    { what: '../ out of the models folder', target: '/v1/models/../../outside/card.json' },
    { what: '../ after the model name', target: `/v1/models/${m}/../../../outside/model.onnx` },
    { what: '../ to a file above the models folder', target: `/v1/models/${m}/../../secret.txt` },
    { what: '%2F-encoded ../ in the name', target: '/v1/models/..%2Foutside/card.json' },
    { what: '%2e%2e%2f in the name', target: '/v1/models/%2e%2e%2foutside/model.onnx' },
    { what: 'name `..` (encoded dots)', target: '/v1/models/%2e%2e/card.json' },
    { what: 'name `..` (mixed)', target: '/v1/models/.%2e/card.json' },
    { what: 'double-encoded ../', target: '/v1/models/%252e%252e%252foutside/card.json' },
    { what: 'model name, then encoded ../', target: `/v1/models/${m}%2F..%2F..%2Foutside/card.json` },
    { what: 'encoded backslashes', target: '/v1/models/..%5C..%5Coutside/card.json' },
    { what: 'raw backslashes', target: '/v1/models/..\\..\\outside\\card.json' },
    { what: 'absolute path as the name', target: `/v1/models/${enc(outside(tmp))}/card.json` },
    { what: 'absolute path after the route', target: `/v1/models/${m}/model.onnx/${enc('/etc/passwd')}` },
    { what: 'overlong UTF-8 slash', target: '/v1/models/..%c0%afoutside/card.json' },
    { what: 'symlinked model folder pointing outside', target: '/v1/models/evil/card.json' },
    { what: 'file in the model folder that is not a model file', target: `/v1/models/${m}/notes.txt` },
    { what: 'encoded null byte after the name', target: `/v1/models/${m}%00/card.json` },
    { what: 'encoded null byte after the file', target: `/v1/models/${m}/card.json%00.txt` },
    { what: 'raw null byte in the target', target: Buffer.from(`/v1/models/${m}\0/../../secret.txt`) },
    { what: 'traversal through the samples route', target: '/v1/models/..%2Foutside/samples.png?n=1' },
    { what: 'traversal through POST samples', method: 'POST', target: '/v1/models/..%2Foutside/samples' },
    { what: 'traversal through KServe v2 metadata', target: '/v2/models/..%2Foutside' },
    { what: 'traversal through /ort/', target: '/ort/..%2F..%2F..%2F..%2Fpackage.json' },
    { what: 'traversal through /embed/', target: '/embed/..%2F..%2F..%2Fpackage.json' },
    {
      what: 'absolute-form request target',
      target: `http://127.0.0.1:${server.port}/v1/models/../../outside/card.json`,
    },
  ];
  const control = await rawRequest(server.port, 'GET', `/v1/models/${m}/card.json`);
  ctx.record(
    check(
      `control: GET /v1/models/${m}/card.json`,
      `${control.status ?? 'no answer'}`,
      '200 (the route exists)',
      control.status === 200,
    ),
  );
  for (const v of variants) {
    if (ctx.signal.aborted) return;
    const r = await rawRequest(server.port, v.method ?? 'GET', v.target);
    const leaked = markers.filter((k) => r.raw.includes(k));
    const shown = (typeof v.target === 'string' ? v.target : v.target.toString('latin1'))
      .replaceAll(tmp, '<tmp>')
      .replaceAll(enc(tmp), '<tmp>')
      .replaceAll(`127.0.0.1:${server.port}`, '127.0.0.1:<port>')
      .replaceAll('\0', '\\0');
    ctx.record(
      check(
        `${v.what}: \`${v.method ?? 'GET'} ${shown}\``,
        `${r.status ?? `no answer (${r.error})`}${leaked.length ? `; LEAKED ${leaked.length} marker(s)` : ', no file content'}`,
        '4xx, no file content',
        r.status !== undefined && r.status >= 400 && r.status < 500 && leaked.length === 0,
      ),
    );
  }
}

function outside(tmp: string): string {
  return join(tmp, 'outside');
}

/** One request with the target sent verbatim; the whole raw response (headers + body) comes back. */
function rawRequest(
  port: number,
  method: string,
  target: string | Buffer,
): Promise<{ status: number | undefined; raw: string; error?: string }> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => socket.destroy(new Error('timeout')), 10_000);
    const body = method === 'POST' ? '{"n":1,"format":"json"}' : '';
    socket.on('connect', () => {
      socket.write(
        Buffer.concat([
          Buffer.from(`${method} `),
          Buffer.isBuffer(target) ? target : Buffer.from(target, 'latin1'),
          Buffer.from(
            ` HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n` +
              (body ? `Content-Type: application/json\r\nContent-Length: ${body.length}\r\n` : '') +
              `\r\n${body}`,
          ),
        ]),
      );
    });
    socket.on('data', (c: Buffer) => chunks.push(c));
    const done = (error?: string) => {
      clearTimeout(timer);
      const raw = Buffer.concat(chunks).toString('latin1');
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(raw);
      resolve({ status: m ? Number(m[1]) : undefined, raw, ...(error ? { error } : {}) });
    };
    socket.on('error', (e: NodeJS.ErrnoException) => done(e.code ?? e.message));
    socket.on('end', () => done());
    socket.on('close', () => done());
  });
}

async function cors(ctx: ExperimentContext, server: ServeChild, policy: string) {
  const m = SHIPPED_MODEL;
  const resources: {
    what: string;
    method: string;
    path: string;
    body?: string;
    headers?: Record<string, string>;
  }[] = [
    {
      what: 'POST samples',
      method: 'POST',
      path: `/v1/models/${m}/samples`,
      body: '{"n":1,"seed":1,"format":"json"}',
    },
    {
      what: 'preflight of POST samples',
      method: 'OPTIONS',
      path: `/v1/models/${m}/samples`,
      headers: { 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    },
    { what: 'GET samples.png', method: 'GET', path: `/v1/models/${m}/samples.png?n=1&seed=1` },
    { what: 'GET model.onnx', method: 'GET', path: `/v1/models/${m}/model.onnx` },
    { what: 'GET card.json', method: 'GET', path: `/v1/models/${m}/card.json` },
    { what: 'GET embed script', method: 'GET', path: '/embed/gan-sampler.js' },
  ];
  for (const res of resources) {
    if (ctx.signal.aborted) return;
    const acao: Record<string, string | undefined> = {};
    const statuses: string[] = [];
    for (const origin of [FOREIGN, ALLOWED]) {
      const r = await http({
        url: `${server.url}${res.path}`,
        method: res.method,
        ...(res.body ? { body: res.body } : {}),
        headers: { origin, ...res.headers },
        timeoutMs: 15_000,
      });
      const v = r.headers['access-control-allow-origin'];
      acao[origin] = Array.isArray(v) ? v.join(',') : v;
      statuses.push(String(r.status ?? r.error));
    }
    const show = (v: string | undefined) => (v === undefined ? 'no ACAO' : `ACAO \`${v}\``);
    const foreign = acao[FOREIGN];
    const allowed = acao[ALLOWED];
    const pass =
      policy === 'none'
        ? foreign === undefined && allowed === undefined
        : foreign !== '*' && foreign !== FOREIGN && allowed === ALLOWED;
    ctx.record(
      check(
        `--cors-origin ${policy}: ${res.what} (\`${res.method} ${res.path}\`)`,
        `evil.example: ${show(foreign)}; example.com: ${show(allowed)} (status ${statuses.join('/')})`,
        policy === 'none'
          ? 'no ACAO for either origin'
          : `evil.example: no ACAO (not \`*\`); example.com: ACAO \`${ALLOWED}\``,
        pass,
      ),
    );
  }
}
