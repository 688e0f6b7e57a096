import { describe, expect, it } from 'vitest';
import { thrown } from '../testing/expected-errors.ts';
import { formatConfigPbtxt } from './config-pbtxt.ts';
import type { TritonModelConfig } from './model-config.ts';
import { assertConfigRoundTrip, modelConfigType, parseConfigPbtxt } from './model-config-proto.ts';

const config: TritonModelConfig = {
  name: 'mnist-dcgan',
  platform: 'onnxruntime_onnx',
  max_batch_size: 64,
  input: [{ name: 'latent', data_type: 'TYPE_FP32', dims: [100] }],
  output: [
    { name: 'image', data_type: 'TYPE_FP32', dims: [28, 28, 1] },
    { name: 'features', data_type: 'TYPE_FP16', dims: [-1, 128] },
  ],
  dynamic_batching: { max_queue_delay_microseconds: 100 },
  instance_group: [{ count: 2, kind: 'KIND_GPU' }],
};

function parseError(text: string): string {
  const e = thrown(() => parseConfigPbtxt(text));
  expect(e.code).toBe('triton_bad_config');
  return e.message;
}

describe("config.pbtxt against Triton's model_config.proto (protobufjs text format)", () => {
  it("the reflected ModelConfig is the shipped proto's: snake_case fields, the DataType enum, the scheduling oneof", () => {
    const type = modelConfigType();
    expect(type.fullName).toBe('.inference.ModelConfig');
    expect(type.fields.max_batch_size?.type).toBe('int32');
    expect(type.oneofs.scheduling_choice?.fieldsArray.map((f) => f.name)).toContain('dynamic_batching');
  });

  it('what formatConfigPbtxt writes parses back to exactly the configuration, list syntax and comments included', () => {
    const text = formatConfigPbtxt(config, 'a comment\nover two lines');
    expect(text).toContain('dims: [ 28, 28, 1 ]');
    expect(text.startsWith('# a comment\n# over two lines\nname: "mnist-dcgan"\n')).toBe(true);
    expect(parseConfigPbtxt(text)).toEqual(config);
    expect(() => assertConfigRoundTrip(text, config)).not.toThrow();
    expect(() => assertConfigRoundTrip(text, { ...config, max_batch_size: 8 })).toThrow(/does not read back/);
  });

  it('names with quotes, backslashes and control characters are escaped and read back unchanged', () => {
    const odd = { ...config, input: [{ name: 'a "b"\\c\n\td\u0001é', data_type: 'TYPE_FP32', dims: [3] }] };
    const text = formatConfigPbtxt(odd);
    expect(text).toContain(String.raw`name: "a \"b\"\\c\n\011d\001é"`);
    expect(parseConfigPbtxt(text)).toEqual(odd);
  });

  it("reads a config as Triton's documentation writes it (repeated blocks, scalar repeats, <> braces)", () => {
    const text = [
      'name: "m" platform: "onnxruntime_onnx" max_batch_size: 8',
      'input { name: "x" data_type: TYPE_FP32 dims: 3 dims: 4 }',
      'input < name: "y", data_type: TYPE_INT64, dims: [ 1 ] >',
      'output [ { name: "z" data_type: TYPE_FP32 dims: [ -1 ] } ]',
      'dynamic_batching { preferred_batch_size: [ 4, 8 ] max_queue_delay_microseconds: 100 }',
      'instance_group [ { kind: KIND_CPU count: 1 } ]',
    ].join('\n');
    expect(parseConfigPbtxt(text)).toEqual({
      name: 'm',
      platform: 'onnxruntime_onnx',
      max_batch_size: 8,
      input: [
        { name: 'x', data_type: 'TYPE_FP32', dims: [3, 4] },
        { name: 'y', data_type: 'TYPE_INT64', dims: [1] },
      ],
      output: [{ name: 'z', data_type: 'TYPE_FP32', dims: [-1] }],
      dynamic_batching: { preferred_batch_size: [4, 8], max_queue_delay_microseconds: 100 },
      instance_group: [{ kind: 'KIND_CPU', count: 1 }],
    });
  });

  it('refuses unknown fields, wrong enum names, mistyped values, repeats of a single field and two scheduling choices', () => {
    expect(parseError('name: "m" max_batch: 8')).toContain("unknown field 'max_batch'");
    expect(parseError('input { name: "x" data_type: FP32 }')).toContain('data_type: enum value expected');
    expect(parseError('instance_group { kind: KIND_TPU }')).toContain('kind: enum value expected');
    expect(parseError('max_batch_size: "8"')).toContain('integer value expected');
    expect(parseError('max_batch_size: 1.5')).toContain('integer value expected');
    expect(parseError('max_batch_size: 4294967296')).toContain('out of range');
    expect(parseError('name: "a" name: "b"')).toContain('multiple values');
    expect(parseError('dynamic_batching {} sequence_batching {}')).toContain(
      'scheduling_choice: multiple values',
    );
    expect(parseError('input { name: "x" dims: [ 1, 2 }')).toBeTruthy();
  });
});
