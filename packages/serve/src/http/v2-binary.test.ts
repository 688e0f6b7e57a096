import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleLatents } from '@ganforge/core';
import { rawRequest, startTestServer, type RawResponse, type TestServer } from '../testing/harness.ts';
import { writeTinyModel } from '../testing/tiny-generator.ts';
import { decodeBinaryInfer, wantsBinaryOutput } from './v2-binary.ts';

const z = Float32Array.from(sampleLatents({ seed: 3, n: 2, latentDim: 4, distribution: 'normal' }));
const le = (values: ArrayLike<number>) => {
  const b = Buffer.alloc(values.length * 4);
  for (let i = 0; i < values.length; i++) b.writeFloatLE(values[i]!, i * 4);
  return b;
};
/** A binary body: JSON header, then tensor bytes; returns it with its header length. */
const binaryBody = (head: object, ...tensors: Buffer[]) => {
  const json = Buffer.from(JSON.stringify(head));
  return { body: Buffer.concat([json, ...tensors]), length: String(json.length) };
};
/** A binary response's JSON header and the float32 values after it. */
function splitBinary(r: RawResponse): { head: unknown; floats: number[] } {
  const n = Number(r.headers['inference-header-content-length']);
  const head: unknown = JSON.parse(r.body.subarray(0, n).toString('utf8'));
  const rest = r.body.subarray(n);
  const floats: number[] = [];
  for (let i = 0; i < rest.length; i += 4) floats.push(rest.readFloatLE(i));
  return { head, floats };
}

describe('decodeBinaryInfer and wantsBinaryOutput', () => {
  it('reads each input with binary_data_size from the bytes after the header, in order', () => {
    const { body, length } = binaryBody(
      { inputs: [{ name: 'latent', shape: [2, 4], datatype: 'FP32', parameters: { binary_data_size: 32 } }] },
      le(z),
    );
    const decoded = decodeBinaryInfer(body, length) as { inputs: { data: number[] }[] };
    expect(decoded.inputs[0]!.data).toEqual(Array.from(z));
  });

  it('rejects a bad header length, sizes that are not whole FP32s or overrun, leftovers, data twice', () => {
    const input = (size: unknown, extra: object = {}) => ({
      inputs: [
        { name: 'latent', shape: [1, 4], datatype: 'FP32', parameters: { binary_data_size: size }, ...extra },
      ],
    });
    const cases: [Buffer, string, RegExp][] = [
      [Buffer.from('{}'), 'x', /inference-header-content-length/],
      [Buffer.from('{}'), '3', /inference-header-content-length/],
      [Buffer.from('{'), '1', /not valid JSON/],
      [binaryBody(input(6), le([0, 0])).body, binaryBody(input(6)).length, /multiple of 4/],
      [binaryBody(input(16), le([0])).body, binaryBody(input(16)).length, /16 bytes, 4 left/],
      [binaryBody(input(4), le([0, 1])).body, binaryBody(input(4)).length, /4 bytes after/],
      [
        binaryBody(input(4, { data: [0] }), le([0])).body,
        binaryBody(input(4, { data: [0] })).length,
        /both data and binary_data_size/,
      ],
    ];
    for (const [body, length, message] of cases)
      expect(() => decodeBinaryInfer(body, length)).toThrow(message);
  });

  it('an output asks for binary data by its own binary_data, else by the request binary_data_output', () => {
    expect(wantsBinaryOutput({}, 'image')).toBe(false);
    expect(wantsBinaryOutput({ parameters: { binary_data_output: true } }, 'image')).toBe(true);
    expect(
      wantsBinaryOutput({ outputs: [{ name: 'image', parameters: { binary_data: true } }] }, 'image'),
    ).toBe(true);
    const both = {
      parameters: { binary_data_output: true },
      outputs: [{ name: 'image', parameters: { binary_data: false } }],
    };
    expect(wantsBinaryOutput(both, 'image')).toBe(false);
  });
});

describe.each([{ fastPath: true }, { fastPath: false }])(
  'binary tensor data over REST (fast path: $fastPath)',
  ({ fastPath }) => {
    let t: TestServer;
    let expected: number[];
    beforeAll(async () => {
      const setup = async (dir: string) => {
        await writeTinyModel(dir, 'tiny', { latentDim: 4, weightSeed: 1 });
      };
      t = await startTestServer(setup, {
        maxN: 8,
        device: 'cpu',
        fastPath,
      });
      const r = await rawRequest(t.port, 'POST', '/v2/models/tiny/infer', {
        inputs: [{ name: 'latent', shape: [2, 4], datatype: 'FP32', data: Array.from(z) }],
      });
      expect(r.status).toBe(200);
      expected = Array.from(Float32Array.from(r.json().outputs[0].data as number[]));
    });
    afterAll(() => t?.close());

    const jsonInput = { name: 'latent', shape: [2, 4], datatype: 'FP32', data: Array.from(z) };
    const binaryInput = {
      name: 'latent',
      shape: [2, 4],
      datatype: 'FP32',
      parameters: { binary_data_size: 32 },
    };
    const octet = (length: string) => ({
      'content-type': 'application/octet-stream',
      'inference-header-content-length': length,
    });

    it('JSON request, binary output (request binary_data_output or the output binary_data)', async () => {
      for (const request of [
        { id: 'b1', parameters: { binary_data_output: true }, inputs: [jsonInput] },
        { id: 'b1', inputs: [jsonInput], outputs: [{ name: 'image', parameters: { binary_data: true } }] },
      ]) {
        const r = await rawRequest(t.port, 'POST', '/v2/models/tiny/infer', request);
        expect(r.status).toBe(200);
        expect(r.headers['content-type']).toBe('application/octet-stream');
        const { head, floats } = splitBinary(r);
        expect(head).toEqual({
          model_name: 'tiny',
          model_version: '1',
          id: 'b1',
          outputs: [
            { name: 'image', datatype: 'FP32', shape: [2, 8, 8, 1], parameters: { binary_data_size: 512 } },
          ],
        });
        expect(floats).toEqual(expected);
      }
    });

    it('binary request (octet-stream, Inference-Header-Content-Length): JSON or binary output', async () => {
      for (const path of ['/v2/models/tiny/infer', '/v2/models/tiny/versions/1/infer']) {
        const plain = binaryBody({ inputs: [binaryInput] }, le(z));
        const r = await rawRequest(t.port, 'POST', path, plain.body, octet(plain.length));
        expect(r.status).toBe(200);
        expect(Array.from(Float32Array.from(r.json().outputs[0].data as number[]))).toEqual(expected);
        const both = binaryBody({ parameters: { binary_data_output: true }, inputs: [binaryInput] }, le(z));
        const b = await rawRequest(t.port, 'POST', path, both.body, octet(both.length));
        expect(b.status).toBe(200);
        expect(splitBinary(b).floats).toEqual(expected);
      }
    });

    it('bad binary requests are 400s with the protocol error shape', async () => {
      const short = binaryBody({ inputs: [binaryInput] }, le(z).subarray(0, 16));
      const wrongShape = binaryBody(
        { inputs: [{ ...binaryInput, parameters: { binary_data_size: 16 } }] },
        le(z).subarray(0, 16),
      );
      for (const [body, length, message] of [
        [short.body, short.length, /32 bytes, 16 left/],
        [short.body, 'abc', /inference-header-content-length/],
        [wrongShape.body, wrongShape.length, /expected 8 numbers/],
      ] as const) {
        const r = await rawRequest(t.port, 'POST', '/v2/models/tiny/infer', body, octet(length));
        expect(r.status).toBe(400);
        expect(typeof r.json().error).toBe('string');
        expect(r.json().error).toMatch(message);
      }
      const ghost = binaryBody({ inputs: [binaryInput] }, le(z));
      const r = await rawRequest(t.port, 'POST', '/v2/models/ghost/infer', ghost.body, octet(ghost.length));
      expect(r.status).toBe(404);
      expect(typeof r.json().error).toBe('string');
    });
  },
);
