import { status as Status, type ServiceError } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleLatents } from '@ganforge/core';
import { metricValue, rawRequest } from '../testing/harness.ts';
import { tinyCard, writeTinyModel } from '../testing/tiny-generator.ts';
import { startGrpcTestServer, type GrpcTestServer } from '../testing/grpc-test-server.ts';

const MAX_N = 32;
let t: GrpcTestServer;
const get = (path: string) => rawRequest(t.port, 'GET', path);
const post = (path: string, body: object) => rawRequest(t.port, 'POST', path, body);

/** The ServiceError a call fails with (fails the test if it succeeds). */
async function failure(method: string, request: object): Promise<ServiceError> {
  try {
    await t.call(method, request);
  } catch (e) {
    return e as ServiceError;
  }
  throw new Error(`${method} succeeded`);
}

/** Little-endian float32 bytes of `values`. */
function rawBytes(values: ArrayLike<number>): Buffer {
  const out = Buffer.alloc(values.length * 4);
  for (let i = 0; i < values.length; i++) out.writeFloatLE(values[i]!, i * 4);
  return out;
}

function floatsOf(bytes: Buffer): number[] {
  return Array.from({ length: bytes.length / 4 }, (_, i) => bytes.readFloatLE(i * 4));
}

beforeAll(async () => {
  t = await startGrpcTestServer(
    async (dir) => {
      await writeTinyModel(dir, 'tiny', { latentDim: 4, weightSeed: 1 });
      await writeTinyModel(dir, 'rgb', { latentDim: 6, height: 4, width: 5, channels: 3, weightSeed: 2 });
      await writeTinyModel(dir, 'capped', {
        card: { ...tinyCard('capped'), serving: { maxSamplesPerRequest: 6 } },
      });
    },
    { maxN: MAX_N, device: 'cpu', version: '9.8.7' },
  );
});
afterAll(() => t?.close());

describe('gRPC health and metadata: the answers of REST /v2', () => {
  it('ServerLive, ServerReady, ServerMetadata', async () => {
    expect(await t.call('ServerLive', {})).toEqual({ live: true });
    expect(await t.call('ServerReady', {})).toEqual({ ready: true });
    expect((await get('/v2/health/ready')).json()).toEqual({ ready: true });
    const rest = (await get('/v2')).json();
    expect(rest).toEqual({ name: 'ganforge', version: '9.8.7', extensions: [] });
    expect(await t.call('ServerMetadata', {})).toEqual(rest);
  });

  it('ModelReady and ModelMetadata, for every model', async () => {
    for (const name of ['tiny', 'rgb']) {
      expect(await t.call('ModelReady', { name })).toEqual({ ready: true });
      const rest = (await get(`/v2/models/${name}`)).json();
      expect(await t.call('ModelMetadata', { name })).toEqual({ ...rest, properties: {} });
    }
    expect((await t.call('ModelMetadata', { name: 'rgb' })).outputs).toEqual([
      { name: 'image', datatype: 'FP32', shape: [-1, 4, 5, 3] },
    ]);
  });
});

describe('gRPC ModelInfer', () => {
  const z = Array.from(sampleLatents({ seed: 11, n: 2, latentDim: 4, distribution: 'normal' }));
  const restInfer = async (model: string, latents: number[], rows: number, d: number) => {
    const r = await post(`/v2/models/${model}/infer`, {
      inputs: [{ name: 'latent', shape: [rows, d], datatype: 'FP32', data: latents }],
    });
    expect(r.status).toBe(200);
    return r.json().outputs[0] as { shape: number[]; data: number[] };
  };

  it('fp32_contents in, fp32_contents out: exactly the floats of REST /v2 infer for the same latents', async () => {
    const r = await t.call('ModelInfer', {
      model_name: 'tiny',
      id: 'req-7',
      inputs: [{ name: 'latent', datatype: 'FP32', shape: [2, 4], contents: { fp32_contents: z } }],
      outputs: [{ name: 'image' }],
    });
    expect(r).toMatchObject({ model_name: 'tiny', model_version: '1', id: 'req-7', raw_output_contents: [] });
    expect(r.outputs).toHaveLength(1);
    expect(r.outputs[0]).toMatchObject({ name: 'image', datatype: 'FP32', shape: [2, 8, 8, 1] });
    const rest = await restInfer('tiny', z, 2, 4);
    expect(rest.data).toHaveLength(2 * 64);
    expect(r.outputs[0].contents.fp32_contents).toEqual(rest.data);
  });

  it('raw_input_contents in, raw_output_contents out (little-endian): the same floats as REST', async () => {
    const zRgb = Array.from(sampleLatents({ seed: 3, n: 3, latentDim: 6, distribution: 'normal' }));
    const r = await t.call('ModelInfer', {
      model_name: 'rgb',
      inputs: [{ name: 'latent', datatype: 'FP32', shape: [3, 6] }],
      raw_input_contents: [rawBytes(zRgb)],
    });
    expect(r.outputs[0]).toMatchObject({ name: 'image', datatype: 'FP32', shape: [3, 4, 5, 3] });
    expect(r.outputs[0].contents?.fp32_contents ?? []).toEqual([]);
    expect(r.raw_output_contents).toHaveLength(1);
    const rest = await restInfer('rgb', zRgb, 3, 6);
    expect(floatsOf(r.raw_output_contents[0])).toEqual(rest.data);
    // The same request with fp32 contents gets the same floats back, as fp32_contents.
    const fp32 = await t.call('ModelInfer', {
      model_name: 'rgb',
      inputs: [{ name: 'latent', datatype: 'FP32', shape: [3, 6], contents: { fp32_contents: zRgb } }],
    });
    expect(fp32.outputs[0].contents.fp32_contents).toEqual(rest.data);
  });
});

describe('gRPC errors: the REST status as a gRPC code, with the REST message', () => {
  it('unknown model -> NOT_FOUND on ModelInfer, ModelMetadata and ModelReady', async () => {
    const infer = await failure('ModelInfer', { model_name: 'ghost', inputs: [] });
    const rest = (await post('/v2/models/ghost/infer', {})).json();
    expect(infer.code).toBe(Status.NOT_FOUND);
    expect(infer.details).toBe(rest.error);
    expect(infer.details).toBe("no model named 'ghost'");
    expect(infer.metadata.get('ganforge-code')).toEqual([rest.code]);
    // REST's v1 shape shows the hint; gRPC sends it as metadata.
    const v1 = (await post('/v1/models/ghost/samples', { n: 1 })).json();
    expect(infer.metadata.get('ganforge-hint')).toEqual([v1.error.hint]);
    for (const method of ['ModelMetadata', 'ModelReady']) {
      const e = await failure(method, { name: 'ghost' });
      expect(e.code).toBe(Status.NOT_FOUND);
      expect(e.details).toBe((await get('/v2/models/ghost')).json().error);
    }
  });

  it('a bad tensor -> INVALID_ARGUMENT, with the message REST /v2 infer gives for the same tensor', async () => {
    const cases: {
      input: { name: string; shape: number[]; datatype: string };
      data: number[];
      outputs?: object[];
    }[] = [
      { input: { name: 'latent', shape: [1, 3], datatype: 'FP32' }, data: [0, 0, 0] },
      { input: { name: 'z', shape: [1, 4], datatype: 'FP32' }, data: [0, 0, 0, 0] },
      { input: { name: 'latent', shape: [1, 4], datatype: 'INT8' }, data: [0, 0, 0, 0] },
      { input: { name: 'latent', shape: [4], datatype: 'FP32' }, data: [0, 0, 0, 0] },
      { input: { name: 'latent', shape: [0, 4], datatype: 'FP32' }, data: [] },
      {
        input: { name: 'latent', shape: [1, 4], datatype: 'FP32' },
        data: [0, 0, 0, 0],
        outputs: [{ name: 'logits' }],
      },
    ];
    for (const c of cases) {
      const rest = await post('/v2/models/tiny/infer', {
        inputs: [{ ...c.input, data: c.data }],
        ...(c.outputs ? { outputs: c.outputs } : {}),
      });
      expect(rest.status).toBe(400);
      const e = await failure('ModelInfer', {
        model_name: 'tiny',
        inputs: [{ ...c.input, contents: { fp32_contents: c.data } }],
        ...(c.outputs ? { outputs: c.outputs } : {}),
      });
      expect(e.code, JSON.stringify(c)).toBe(Status.INVALID_ARGUMENT);
      expect(e.details).toBe(rest.json().error);
    }
  });

  it('the numbers: their count and finiteness, in fp32_contents or raw_input_contents', async () => {
    const input = { name: 'latent', datatype: 'FP32', shape: [2, 4] };
    const rest = (await post('/v2/models/tiny/infer', { inputs: [{ ...input, data: [1, 2, 3, 4] }] })).json();
    expect(rest.error).toBe('inputs[0].data: expected 8 numbers for shape [2, 4], got 4');
    const bad: [object, string][] = [
      [
        { inputs: [{ ...input, contents: { fp32_contents: [1, 2, 3, 4] } }] },
        rest.error.replace('inputs[0].data', 'inputs[0].contents.fp32_contents'),
      ],
      [
        { inputs: [{ ...input, contents: { fp32_contents: [1, 2, Number.NaN, 4, 5, 6, 7, 8] } }] },
        'inputs[0].contents.fp32_contents[2]: expected a finite number',
      ],
      [
        { inputs: [input], raw_input_contents: [rawBytes([1, 2, 3, 4])] },
        rest.error.replace('inputs[0].data', 'raw_input_contents[0]'),
      ],
      [
        { inputs: [input], raw_input_contents: [Buffer.alloc(7)] },
        'raw_input_contents[0]: 7 bytes is not a whole number of FP32 values (4 bytes each)',
      ],
      [
        { inputs: [{ ...input, contents: { int_contents: [1, 2, 3, 4, 5, 6, 7, 8] } }] },
        "inputs[0].contents.int_contents: an FP32 tensor's values go in fp32_contents (or raw_input_contents)",
      ],
    ];
    for (const [request, message] of bad) {
      const e = await failure('ModelInfer', { model_name: 'tiny', ...request });
      expect(e.code).toBe(Status.INVALID_ARGUMENT);
      expect(e.details).toBe(message);
    }
  });

  it("over --max-n or a card's limit -> INVALID_ARGUMENT (REST: 400); over --max-body-bytes -> RESOURCE_EXHAUSTED", async () => {
    for (const [model, n] of [
      ['tiny', MAX_N + 1],
      ['capped', 7],
    ] as const) {
      const data = new Array<number>(n * 4).fill(0);
      const input = { name: 'latent', datatype: 'FP32', shape: [n, 4] };
      const rest = await post(`/v2/models/${model}/infer`, { inputs: [{ ...input, data }] });
      expect(rest.status).toBe(400);
      const e = await failure('ModelInfer', {
        model_name: model,
        inputs: [{ ...input, contents: { fp32_contents: data } }],
      });
      expect(e.code).toBe(Status.INVALID_ARGUMENT);
      expect(e.details).toBe(rest.json().error);
    }
    const capped = await failure('ModelInfer', {
      model_name: 'capped',
      inputs: [{ name: 'latent', datatype: 'FP32', shape: [7, 4] }],
      raw_input_contents: [Buffer.alloc(7 * 4 * 4)],
    });
    expect(capped.details).toMatch(/takes at most 6 per request/);
    expect(capped.metadata.get('ganforge-hint')).toEqual([
      'ask for at most 6, in several requests if need be',
    ]);
    // A message past --max-body-bytes (1 MiB by default) is refused before it is read, as REST's 413.
    const huge = await failure('ModelInfer', {
      model_name: 'tiny',
      inputs: [{ name: 'latent', datatype: 'FP32', shape: [1, 4] }],
      raw_input_contents: [Buffer.alloc(2 << 20)],
    });
    expect(huge.code).toBe(Status.RESOURCE_EXHAUSTED);
  });
});

describe('gRPC metrics', () => {
  it('counts calls by method and code; generated samples count in the shared series', async () => {
    const samples = async () =>
      metricValue(
        (await get('/metrics')).body.toString(),
        'ganforge_samples_generated_total{model="tiny"}',
      ) ?? 0;
    const before = await samples();
    await t.call('ModelInfer', {
      model_name: 'tiny',
      inputs: [
        {
          name: 'latent',
          datatype: 'FP32',
          shape: [3, 4],
          contents: { fp32_contents: new Array(12).fill(0.5) },
        },
      ],
    });
    await failure('ModelInfer', { model_name: 'ghost', inputs: [] });
    const text = (await get('/metrics')).body.toString();
    expect(await samples()).toBe(before + 3);
    expect(metricValue(text, 'ganforge_grpc_requests_total{method="ModelInfer",code="OK"}')).toBeGreaterThan(
      0,
    );
    expect(
      metricValue(text, 'ganforge_grpc_requests_total{method="ModelInfer",code="NOT_FOUND"}'),
    ).toBeGreaterThan(0);
    expect(text).toMatch(/ganforge_grpc_request_duration_seconds_count\{method="ModelInfer"\} \d+/);
    expect(text).toMatch(/ganforge_batch_size_count\{model="tiny"\} \d+/);
  });
});
