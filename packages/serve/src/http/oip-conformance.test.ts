import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleLatents } from '@ganforge/core';
import { startTestServer, type TestServer } from '../testing/harness.ts';
import { oipExchange, oipPathOf } from '../testing/oip-exchange.ts';
import { documentedSchema, oipErrors, oipSpec } from '../testing/oip-schema.ts';
import { writeTinyModel } from '../testing/tiny-generator.ts';

// Every /v2 request these tests send, and every answer, is validated against the Open Inference
// Protocol's OpenAPI document as shipped (spec/open-inference-protocol/open_inference_rest.yaml).

const z = Array.from(sampleLatents({ seed: 5, n: 2, latentDim: 4, distribution: 'normal' }));
const latent = (shape: number[], data: unknown[], datatype = 'FP32') => ({
  name: 'latent',
  shape,
  datatype,
  data,
});

describe('the OIP document and its validators', () => {
  it('loads the shipped yaml and names the schemas of its operations', () => {
    const { doc } = oipSpec();
    const infer = '/v2/models/${MODEL_NAME}/versions/${MODEL_VERSION}/infer';
    expect(documentedSchema(infer, 'POST', 'request')).toBe('inference_request');
    expect(documentedSchema(infer, 'POST', { status: 200 })).toBe('inference_response');
    expect(documentedSchema(infer, 'POST', { status: 400 })).toBe('inference_error_response');
    expect(documentedSchema('/v2/', 'GET', { status: 200 })).toBe('metadata_server_response');
    expect(Object.keys(doc.components.schemas)).toContain('metadata_model_response');
    expect(oipPathOf('/v2/models/tiny')).toBe('/v2/models/${MODEL_NAME}/versions/${MODEL_VERSION}');
    expect(oipPathOf('/v2/models/tiny/versions/1/ready')).toMatch(/\/ready$/);
    expect(oipPathOf('/v1/models/tiny')).toBeUndefined();
  });

  it('rejects what does not conform (so a broken answer fails these tests)', () => {
    expect(oipErrors('metadata_model_error_response', { error: { code: 'x', message: 'y' } })).not.toEqual(
      [],
    );
    expect(oipErrors('metadata_model_error_response', { code: 'x' })).not.toEqual([]);
    expect(oipErrors('inference_error_response', { error: { message: 'y' } })).not.toEqual([]);
    const tensor = { name: 'a', datatype: 'FP32', shape: [-1, 4] };
    expect(oipErrors('metadata_model_response', { name: 'm', platform: 'p', inputs: [tensor] })).toEqual([]);
    const noShape = { name: 'a', datatype: 'FP32', shape: [null, 4] };
    expect(oipErrors('metadata_model_response', { name: 'm', platform: 'p', inputs: [noShape] })).not.toEqual(
      [],
    );
    expect(oipErrors('metadata_server_response', { name: 'ganforge', version: '1' })).not.toEqual([]);
    expect(oipErrors('inference_request', {})).not.toEqual([]);
    const out = { name: 'image', datatype: 'FP32', shape: [1.5], data: [0] };
    expect(oipErrors('inference_response', { model_name: 'm', outputs: [out] })).not.toEqual([]);
    expect(oipErrors('inference_response', { outputs: [] })).not.toEqual([]);
  });
});

describe.each([{ fastPath: true }, { fastPath: false }])(
  'every /v2 exchange conforms to the OIP document (fast path: $fastPath)',
  ({ fastPath }) => {
    let t: TestServer;
    beforeAll(async () => {
      t = await startTestServer(
        async (dir) => {
          await writeTinyModel(dir, 'tiny', { latentDim: 4, weightSeed: 1 });
          await writeTinyModel(dir, 'rgb', { latentDim: 6, height: 4, width: 5, channels: 3, weightSeed: 2 });
        },
        { maxN: 8, device: 'cpu', fastPath },
      );
    });
    afterAll(() => t?.close());

    /** One exchange that must conform; returns its status and JSON body. */
    async function conforming(method: 'GET' | 'POST', path: string, body?: unknown) {
      const c = await oipExchange(t.port, method, path, body);
      expect(c.problems, `${method} ${path}`).toEqual([]);
      return c;
    }

    it('server live, ready and metadata', async () => {
      expect((await conforming('GET', '/v2/health/live')).response.status).toBe(200);
      expect((await conforming('GET', '/v2/health/ready')).response.status).toBe(200);
      for (const path of ['/v2', '/v2/']) {
        const c = await conforming('GET', path);
        expect(c.responseSchema).toBe('metadata_server_response');
        expect(c.response.json().name).toBe('ganforge');
      }
    });

    it('model metadata and model ready, with and without the version; -1 for the batch dimension', async () => {
      for (const name of ['tiny', 'rgb']) {
        for (const base of [`/v2/models/${name}`, `/v2/models/${name}/versions/1`]) {
          const meta = await conforming('GET', base);
          expect(meta.responseSchema).toBe('metadata_model_response');
          const body = meta.response.json();
          expect(body.versions).toEqual(['1']);
          expect(body.inputs[0].shape[0]).toBe(-1);
          expect(body.outputs[0].shape[0]).toBe(-1);
          expect((await conforming('GET', `${base}/ready`)).response.json()).toEqual({ name, ready: true });
        }
      }
    });

    it('infer (flat and nested data, id, outputs, versioned form): request and response', async () => {
      const requests: [string, object][] = [
        ['/v2/models/tiny/infer', { id: 'r1', inputs: [latent([2, 4], z)], outputs: [{ name: 'image' }] }],
        ['/v2/models/tiny/infer', { inputs: [latent([2, 4], [z.slice(0, 4), z.slice(4)])] }],
        ['/v2/models/tiny/versions/1/infer', { id: 'r2', inputs: [latent([1, 4], z.slice(0, 4))] }],
        [
          '/v2/models/rgb/infer',
          { parameters: {}, inputs: [{ ...latent([1, 6], [...z, 0, 0].slice(0, 6)), parameters: {} }] },
        ],
      ];
      let first: unknown;
      for (const [path, body] of requests) {
        const c = await conforming('POST', path, body);
        expect(c.response.status).toBe(200);
        expect(c.responseSchema).toBe('inference_response');
        const out = c.response.json();
        expect(out.model_version).toBe('1');
        if ('id' in body) expect(out.id).toBe(body.id);
        if (path === '/v2/models/tiny/infer') {
          if (first === undefined) first = out.outputs[0].data;
          else expect(out.outputs[0].data).toEqual(first);
        }
      }
    });

    it('errors: 404 for an unknown model or version, 400 for a bad tensor, all {error: string}', async () => {
      const ok = { inputs: [latent([1, 4], z.slice(0, 4))] };
      const notFound: ['GET' | 'POST', string, unknown][] = [
        ['GET', '/v2/models/ghost', undefined],
        ['GET', '/v2/models/ghost/ready', undefined],
        ['POST', '/v2/models/ghost/infer', ok],
        ['GET', '/v2/models/ghost/versions/1', undefined],
        ['GET', '/v2/models/tiny/versions/7', undefined],
        ['GET', '/v2/models/tiny/versions/7/ready', undefined],
        ['POST', '/v2/models/tiny/versions/7/infer', ok],
        ['POST', '/v2/models/tiny/versions/01/infer', ok],
      ];
      for (const [method, path, body] of notFound) {
        const c = await conforming(method, path, body);
        expect(c.response.status, `${method} ${path}`).toBe(404);
        expect(typeof c.response.json().error, path).toBe('string');
      }
      const version = (await conforming('GET', '/v2/models/tiny/versions/7')).response.json();
      expect(version).toEqual({
        error: "model 'tiny' has no version '7' (it serves version '1')",
        code: 'model_version_not_found',
      });
      const bad: [unknown, RegExp][] = [
        [{ inputs: [latent([1, 3], [0, 0, 0])] }, /shape: expected \[N, 4\]/],
        [{ inputs: [{ ...latent([1, 4], [0, 0, 0, 0]), name: 'z' }] }, /name: expected 'latent'/],
        [{ inputs: [latent([1, 4], [0, 0, 0, 0], 'INT8')] }, /datatype/],
        [{ inputs: [latent([2, 4], [0, 0, 0, 0])] }, /expected 8 numbers/],
        [{ inputs: [latent([1, 4], [0, 0, 'x', 0])] }, /data/],
        [{ inputs: [latent([1, 4], [0, 0, 0, 0])], outputs: [{ name: 'logits' }] }, /unknown output/],
        [{ inputs: [latent([9, 4], new Array<number>(36).fill(0))] }, /N must be 1\.\.8/],
      ];
      for (const path of ['/v2/models/tiny/infer', '/v2/models/tiny/versions/1/infer']) {
        for (const [body, message] of bad) {
          const c = await conforming('POST', path, body);
          expect(c.response.status, JSON.stringify(body)).toBe(400);
          expect(c.responseSchema).toBe('inference_error_response');
          expect(c.response.json().error).toMatch(message);
        }
      }
    });

    it('requests that break the document (no inputs, not JSON) get a conforming 400', async () => {
      for (const body of [{}, { inputs: [latent([1, 4], [0, 0, 0, 0])], bogus: 1 }, '{"inputs": [']) {
        const c = await oipExchange(t.port, 'POST', '/v2/models/tiny/infer', body);
        const requestProblems = c.problems.filter((p) => p.startsWith('request'));
        if (typeof body === 'object' && 'inputs' in body) expect(requestProblems).toEqual([]);
        else expect(requestProblems).not.toEqual([]);
        expect(c.problems.filter((p) => !p.startsWith('request'))).toEqual([]);
        expect(c.response.status).toBe(400);
        expect(typeof c.response.json().error).toBe('string');
      }
    });
  },
);
