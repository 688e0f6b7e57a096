import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { status as Status, type ServiceError } from '@grpc/grpc-js';
import sharp from 'sharp';
import { sampleLatents } from '@ganforge/core';
import { startGrpcTestServer, type GrpcTestServer } from '../testing/grpc-test-server.ts';
import {
  BATCHING_OPTIONS,
  metricValue,
  rawRequest,
  startTestServer,
  type RawResponse,
  type TestServer,
} from '../testing/harness.ts';
import {
  TINY_CLASSES,
  tinyConditionalReference,
  writeTinyConditionalModel,
} from '../testing/tiny-conditional.ts';
import { writeTinyModel } from '../testing/tiny-generator.ts';
import { classListing, resolveClass } from './classes.ts';

/** What every class error ends with: the tiny conditional model's classes. */
const LISTED = `this model's classes are 0 "T-shirt/top", 1 "Trouser", 2 "Pullover", 3 "Dress"`;
const D = 4;
const PIXELS = 36;

const seeded = (seed: number, n: number) =>
  Float32Array.from(sampleLatents({ seed, n, latentDim: D, distribution: 'normal' }));

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < actual.length; i++) expect(Math.abs(actual[i]! - expected[i]!)).toBeLessThan(1e-5);
}

const le64 = (values: readonly number[]) => {
  const b = Buffer.alloc(values.length * 8);
  values.forEach((v, i) => b.writeBigInt64LE(BigInt(v), i * 8));
  return b;
};
const le32f = (values: ArrayLike<number>) => {
  const b = Buffer.alloc(values.length * 4);
  for (let i = 0; i < values.length; i++) b.writeFloatLE(values[i]!, i * 4);
  return b;
};

let t: GrpcTestServer;
let reference: Awaited<ReturnType<typeof tinyConditionalReference>>;

beforeAll(async () => {
  reference = await tinyConditionalReference();
  t = await startGrpcTestServer(async (dir) => {
    await writeTinyConditionalModel(dir, 'cond');
    await writeTinyModel(dir, 'plain');
  });
});
afterAll(async () => {
  await t?.close();
  await reference?.close();
});

const post = (path: string, body: object) => rawRequest(t.port, 'POST', path, body);
const get = (path: string) => rawRequest(t.port, 'GET', path);
const samples = (body: object) => post('/v1/models/cond/samples', { format: 'json', ...body });

function expectClassError(r: RawResponse, message: string, field?: string): void {
  expect(r.status, r.body.toString()).toBe(400);
  const error = r.json().error;
  expect(error.code).toBe('invalid_request');
  expect(error.message).toBe(message);
  if (field) expect(error.field).toBe(field);
}

describe('v1 samples of a class-conditional model', () => {
  it('class by index and by name: the model run on the seed latents with that class', async () => {
    const byIndex = await samples({ n: 3, seed: 4, class: 2 });
    const byName = await samples({ n: 3, seed: 4, class: 'Pullover' });
    expect(byIndex.status).toBe(200);
    expect(byName.body.equals(byIndex.body)).toBe(true);
    const json = byIndex.json();
    expect(json.classes).toEqual([2, 2, 2]);
    expect((json.latents as number[][]).flat()).toEqual(Array.from(seeded(4, 3)));
    expectClose((json.images as number[][]).flat(), await reference.run(seeded(4, 3), [2, 2, 2]));
  });

  it('one class per sample (n from the list), by index or name; the latent does not depend on the class', async () => {
    const r = await samples({ seed: 9, classes: [0, 'Dress', '1'] });
    expect(r.status).toBe(200);
    const json = r.json();
    expect(json.n).toBe(3);
    expect(json.classes).toEqual([0, 3, 1]);
    expectClose((json.images as number[][]).flat(), await reference.run(seeded(9, 3), [0, 3, 1]));
    const other = (await samples({ seed: 9, n: 3, class: 3 })).json();
    expect(other.latents).toEqual(json.latents);
  });

  it('without a class, sample i is class i mod K; given latents take classes too', async () => {
    const json = (await samples({ n: 6, seed: 1 })).json();
    expect(json.classes).toEqual([0, 1, 2, 3, 0, 1]);
    expectClose((json.images as number[][]).flat(), await reference.run(seeded(1, 6), [0, 1, 2, 3, 0, 1]));
    const latents = [Array.from(seeded(2, 1)), Array.from(seeded(3, 1))];
    const given = (await samples({ latents, classes: ['Trouser', 3] })).json();
    expect(given.classes).toEqual([1, 3]);
    expectClose(
      (given.images as number[][]).flat(),
      await reference.run(Float32Array.from(latents.flat()), [1, 3]),
    );
  });

  it('the same seed and class give the same bytes; another class other bytes', async () => {
    const a = await post('/v1/models/cond/samples', { n: 4, seed: 11, class: 1 });
    const b = await post('/v1/models/cond/samples', { n: 4, seed: 11, class: 'Trouser' });
    const c = await post('/v1/models/cond/samples', { n: 4, seed: 11, class: 0 });
    expect(a.headers['content-type']).toBe('image/png');
    expect(b.body.equals(a.body)).toBe(true);
    expect(c.body.equals(a.body)).toBe(false);
  });

  it('samples.png?class= by index or name: the same image and ETag, the same as POST', async () => {
    const byIndex = await get('/v1/models/cond/samples.png?n=4&seed=5&class=3');
    const byName = await get('/v1/models/cond/samples.png?n=4&seed=5&class=Dress');
    const again = await get('/v1/models/cond/samples.png?n=4&seed=5&class=3');
    const other = await get('/v1/models/cond/samples.png?n=4&seed=5&class=0');
    expect(byIndex.status).toBe(200);
    expect(byName.body.equals(byIndex.body)).toBe(true);
    expect(again.body.equals(byIndex.body)).toBe(true);
    expect(byName.headers.etag).toBe(byIndex.headers.etag);
    expect(other.headers.etag).not.toBe(byIndex.headers.etag);
    const posted = await post('/v1/models/cond/samples', { n: 4, seed: 5, class: 3 });
    expect(posted.body.equals(byIndex.body)).toBe(true);
    const slash = await get('/v1/models/cond/samples.png?n=2&class=T-shirt%2Ftop');
    expect(slash.status).toBe(200);
  });

  it('layout=per-class: one row per class, column j the same latent in every row', async () => {
    const r = await get('/v1/models/cond/samples.png?layout=per-class&n=3&seed=7&padding=0');
    expect(r.status, r.body.toString()).toBe(200);
    const { data, info } = await sharp(r.body).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([3 * 6, TINY_CLASSES.length * 6]);
    // The same grid as POST with the seed's 3 latents repeated for each class, rows of 3.
    const latents = Array.from({ length: 4 }, () => Array.from({ length: 3 }, (_, j) => j)).flat();
    const rows = seeded(7, 3);
    const posted = await post('/v1/models/cond/samples', {
      latents: latents.map((j) => Array.from(rows.subarray(j * D, (j + 1) * D))),
      classes: [0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3],
      grid: { columns: 3, padding: 0 },
    });
    const expected = await sharp(posted.body).raw().toBuffer();
    expect(data.equals(expected)).toBe(true);
    // Without n: 8 per class.
    const whole = await get('/v1/models/cond/samples.png?layout=per-class&padding=0');
    expect((await sharp(whole.body).metadata()).width).toBe(8 * 6);
  });

  it('interpolations keep one class: the one asked for, else class 0', async () => {
    const walk = (body: object) =>
      post('/v1/models/cond/interpolations', { from: 1, to: 2, steps: 3, format: 'json', ...body });
    const named = (await walk({ class: 'Trouser' })).json();
    expect(named.class).toBe(1);
    const latents = Float32Array.from((named.latents as number[][]).flat());
    expectClose((named.images as number[][]).flat(), await reference.run(latents, [1, 1, 1]));
    expect((await walk({})).json().class).toBe(0);
  });
});

describe('class errors: 400 naming the problem and listing the classes, before any session.run', () => {
  it('an unknown class, by name or index, in the body or the query', async () => {
    expectClassError(
      await samples({ n: 2, class: 'Foo' }),
      `body field 'class': unknown class "Foo": ${LISTED}`,
      'class',
    );
    expectClassError(await samples({ n: 2, class: 4 }), `body field 'class': unknown class 4: ${LISTED}`);
    expectClassError(await samples({ n: 2, class: -1 }), `body field 'class': unknown class -1: ${LISTED}`);
    expectClassError(
      await samples({ classes: [0, 'Sneaker'] }),
      `body field 'classes[1]': unknown class "Sneaker": ${LISTED}`,
      'classes[1]',
    );
    expectClassError(
      await get('/v1/models/cond/samples.png?class=Foo'),
      `query field 'class': unknown class "Foo": ${LISTED}`,
    );
    expectClassError(
      await get('/v1/models/cond/samples.png?class=9'),
      `query field 'class': unknown class "9": ${LISTED}`,
    );
  });

  it('a classes list of the wrong length, or class with classes', async () => {
    expectClassError(
      await samples({ n: 3, classes: [0, 1] }),
      `body field 'classes': 2 classes for 3 samples: give one per sample; ${LISTED}`,
      'classes',
    );
    expectClassError(
      await samples({ n: 2, class: 0, classes: [0, 1] }),
      `body field 'classes': give 'class' (one for every sample) or 'classes' (one per sample), not both; ${LISTED}`,
    );
    expectClassError(
      await get('/v1/models/cond/samples.png?layout=per-class&class=1'),
      "query field 'class': layout=per-class has one row per class and one column per sample (n)",
    );
  });

  it('an unconditional model takes no class, and keeps answering as before without one', async () => {
    const message = (where: string) =>
      `${where}: model 'plain' is not class-conditional (its card has no conditioning section), so it takes no class`;
    expectClassError(
      await post('/v1/models/plain/samples', { class: 0 }),
      message("body field 'class'"),
      'class',
    );
    expectClassError(
      await post('/v1/models/plain/samples', { classes: [0] }),
      message("body field 'classes'"),
    );
    expectClassError(await get('/v1/models/plain/samples.png?class=0'), message("query field 'class'"));
    expectClassError(
      await get('/v1/models/plain/samples.png?layout=per-class'),
      message("query field 'layout'"),
    );
    const ok = await post('/v1/models/plain/samples', { n: 2, format: 'json' });
    expect(ok.status).toBe(200);
    expect(ok.json().classes).toBeUndefined();
  });
});

describe('v2 infer with the class input', () => {
  const latent = (n: number, seed = 3) => ({
    name: 'latent',
    datatype: 'FP32',
    shape: [n, D],
    data: Array.from(seeded(seed, n)),
  });
  const label = (ids: number[], datatype = 'INT64') => ({
    name: 'class',
    datatype,
    shape: [ids.length],
    data: ids,
  });
  const infer = (body: object, model = 'cond') => post(`/v2/models/${model}/infer`, body);

  it('metadata lists the class input beside the latent', async () => {
    const meta = (await get('/v2/models/cond')).json();
    expect(meta.inputs).toEqual([
      { name: 'latent', datatype: 'FP32', shape: [-1, D] },
      { name: 'class', datatype: 'INT64', shape: [-1] },
    ]);
    expect((await get('/v2/models/plain')).json().inputs).toHaveLength(1);
    const listed = (await get('/v1/models')).json().models as { name: string; classes?: string[] }[];
    expect(listed.find((m) => m.name === 'cond')!.classes).toEqual([...TINY_CLASSES]);
    expect(listed.find((m) => m.name === 'plain')!.classes).toBeUndefined();
  });

  it('INT64 or INT32 ids, in either input order: the model run on them', async () => {
    const want = await reference.run(seeded(3, 3), [3, 0, 2]);
    for (const inputs of [
      [latent(3), label([3, 0, 2])],
      [label([3, 0, 2], 'INT32'), latent(3)],
    ]) {
      const r = await infer({ inputs });
      expect(r.status, r.body.toString()).toBe(200);
      expect(r.json().outputs[0].shape).toEqual([3, 6, 6, 1]);
      expectClose(r.json().outputs[0].data, want);
    }
  });

  it('binary tensor data: FP32 latents and INT64 ids after the JSON header', async () => {
    const z = seeded(6, 2);
    const head = Buffer.from(
      JSON.stringify({
        inputs: [
          { name: 'latent', datatype: 'FP32', shape: [2, D], parameters: { binary_data_size: 2 * D * 4 } },
          { name: 'class', datatype: 'INT64', shape: [2], parameters: { binary_data_size: 16 } },
        ],
        parameters: { binary_data_output: true },
      }),
    );
    const r = await rawRequest(
      t.port,
      'POST',
      '/v2/models/cond/infer',
      Buffer.concat([head, le32f(z), le64([1, 3])]),
      { 'content-type': 'application/octet-stream', 'inference-header-content-length': String(head.length) },
    );
    expect(r.status, r.body.toString()).toBe(200);
    const n = Number(r.headers['inference-header-content-length']);
    const bytes = r.body.subarray(n);
    const floats = Array.from({ length: bytes.length / 4 }, (_, i) => bytes.readFloatLE(i * 4));
    expectClose(floats, await reference.run(z, [1, 3]));
  });

  it('gRPC: int64_contents or raw_input_contents', async () => {
    const z = seeded(8, 2);
    const want = await reference.run(z, [2, 1]);
    const tensors = [
      { name: 'latent', datatype: 'FP32', shape: [2, D] },
      { name: 'class', datatype: 'INT64', shape: [2] },
    ];
    const typed = await t.call('ModelInfer', {
      model_name: 'cond',
      inputs: [
        { ...tensors[0], contents: { fp32_contents: Array.from(z) } },
        { ...tensors[1], contents: { int64_contents: [2, 1] } },
      ],
    });
    expectClose(typed.outputs[0].contents.fp32_contents, want);
    const raw = await t.call('ModelInfer', {
      model_name: 'cond',
      inputs: tensors,
      raw_input_contents: [le32f(z), le64([2, 1])],
    });
    const out = raw.raw_output_contents[0] as Buffer;
    expectClose(
      Array.from({ length: out.length / 4 }, (_, i) => out.readFloatLE(i * 4)),
      want,
    );
    const bad = await t
      .call('ModelInfer', {
        model_name: 'cond',
        inputs: [
          { ...tensors[0], contents: { fp32_contents: Array.from(z) } },
          { ...tensors[1], contents: { int64_contents: [2, 7] } },
        ],
      })
      .catch((e: ServiceError) => e);
    expect((bad as ServiceError).code).toBe(Status.INVALID_ARGUMENT);
    expect((bad as ServiceError).details).toBe(
      `inputs[1].contents.int64_contents[1]: unknown class 7: ${LISTED}`,
    );
  });

  it('errors: an unknown id, no class input, a wrong shape or datatype, a class input on an unconditional model', async () => {
    const cases: [object, string, string?][] = [
      [{ inputs: [latent(2), label([0, 4])] }, `inputs[1].data[1]: unknown class 4: ${LISTED}`],
      [
        { inputs: [latent(2)] },
        `inputs: model 'cond' is class-conditional: give its class ids as a second input 'class' (INT64 [N]); ${LISTED}`,
      ],
      [
        { inputs: [latent(2), label([0])] },
        'inputs[1].shape: expected [2] (one class id per latent), got [1]',
      ],
      [
        { inputs: [latent(1), label([0], 'FP32')] },
        "inputs[1].datatype: the class input 'class' is INT64 (or INT32), got 'FP32'",
      ],
      [
        { inputs: [latent(1), { ...label([0]), name: 'label' }] },
        "inputs[1].name: expected 'latent' or 'class', got 'label'",
      ],
      [
        { inputs: [latent(1), label([0])] },
        "inputs: model 'plain' takes one input, 'latent' (it is not class-conditional), got 2",
        'plain',
      ],
    ];
    for (const [body, message, model] of cases) {
      const r = await infer(body, model);
      expect(r.status, message).toBe(400);
      expect(r.json().error).toBe(message);
    }
  });
});

describe('the OpenAPI document', () => {
  it('describes class, classes and layout', async () => {
    const doc = (await get('/openapi.json')).json();
    const params = (doc.paths['/v1/models/{name}/samples.png'].get.parameters as { name: string }[]).map(
      (p) => p.name,
    );
    expect(params).toEqual(expect.arrayContaining(['class', 'layout']));
    const body = doc.paths['/v1/models/{name}/samples'].post.requestBody.content['application/json'].schema;
    expect(Object.keys(body.properties)).toEqual(expect.arrayContaining(['class', 'classes']));
  });
});

describe('requests of different classes batched together', () => {
  let b: TestServer;
  beforeAll(async () => {
    b = await startTestServer(
      (dir) => writeTinyConditionalModel(dir, 'cond').then(() => {}),
      BATCHING_OPTIONS,
    );
  });
  afterAll(() => b?.close());

  it('each request gets its own classes: one session.run, class ids joined with the latents', async () => {
    const metrics = async () => (await rawRequest(b.port, 'GET', '/metrics')).body.toString();
    const before = await metrics();
    const ids = (i: number) => (i % 2 === 0 ? [i % 4, i % 4] : [(i + 1) % 4, (i + 2) % 4]);
    // Even requests name one class for both samples, odd ones a class each.
    const asks = Array.from({ length: 8 }, (_, i) =>
      i % 2 === 0 ? { n: 2, seed: i, class: i % 4 } : { seed: i, classes: ids(i) },
    );
    const answers = await Promise.all(
      asks.map((a) => rawRequest(b.port, 'POST', '/v1/models/cond/samples', { ...a, format: 'json' })),
    );
    const after = await metrics();
    const delta = (series: string) => (metricValue(after, series) ?? 0) - (metricValue(before, series) ?? 0);
    expect(delta('ganforge_batch_size_count{model="cond"}')).toBeLessThan(8);
    expect(delta('ganforge_batch_size_sum{model="cond"}')).toBe(16);
    for (const [i, answer] of answers.entries()) {
      const json = answer.json();
      expect(json.classes).toEqual(ids(i));
      expect((json.images as number[][]).flat()).toHaveLength(2 * PIXELS);
      expectClose((json.images as number[][]).flat(), await reference.run(seeded(i, 2), ids(i)));
    }
  });
});

describe('resolveClass and classListing', () => {
  const cond = { inputName: 'class', classes: ['1', '0', 'Bag'] };
  it('a string is a class name first, then an index; a number is an index', () => {
    expect(resolveClass(cond, '1', 'x')).toBe(0);
    expect(resolveClass(cond, '2', 'x')).toBe(2);
    expect(resolveClass(cond, 1, 'x')).toBe(1);
    expect(() => resolveClass(cond, 1.5, 'x')).toThrow(
      'x: unknown class 1.5: this model\'s classes are 0 "1", 1 "0", 2 "Bag"',
    );
  });
  it('lists at most 32 classes, then the count', () => {
    const many = Array.from({ length: 40 }, (_, i) => `c${i}`);
    expect(classListing(many)).toMatch(/^0 "c0", 1 "c1", .*, 31 "c31", \.\.\. \(40 classes in all\)$/);
  });
});
