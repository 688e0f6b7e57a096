import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import textformat from 'protobufjs/ext/textformat.js';
import { GanforgeError } from '@ganforge/core';

/**
 * Triton's model_config.proto (triton-inference-server/common, BSD-3-Clause), shipped unchanged in this package's
 * spec/triton/. It defines the ModelConfig message a config.pbtxt holds in protobuf text format.
 */
export const MODEL_CONFIG_PROTO = fileURLToPath(
  new URL('../../spec/triton/model_config.proto', import.meta.url),
);

let modelConfig: protobuf.Type | undefined;

/** inference.ModelConfig, reflected by protobufjs with the proto's own (snake_case) field names. */
export function modelConfigType(): protobuf.Type {
  modelConfig ??= new protobuf.Root()
    .loadSync(MODEL_CONFIG_PROTO, { keepCase: true })
    .lookupType('inference.ModelConfig');
  return modelConfig;
}

/**
 * Parses config.pbtxt text as Triton's ModelConfig (protobufjs's text-format parser driven by the reflected
 * message types: unknown fields, wrong enum names, mistyped values, repeated non-repeated fields and two members of
 * one oneof are errors), checks it with ModelConfig.verify and returns it as a plain object: proto field names,
 * enum names as strings, 64-bit integers as numbers, unset fields absent.
 */
export function parseConfigPbtxt(text: string, where = 'config.pbtxt'): Record<string, unknown> {
  const type = modelConfigType();
  let message: protobuf.Message;
  try {
    message = textformat.fromText(type, text);
  } catch (e) {
    throw new GanforgeError(
      'triton_bad_config',
      `${where} is not a valid Triton model configuration: ${(e as Error).message}`,
      {
        hint: "see Triton's model_config.proto for the fields a config.pbtxt may hold",
        cause: e,
      },
    );
  }
  const problem = type.verify(message);
  if (problem !== null) {
    throw new GanforgeError(
      'triton_bad_config',
      `${where} does not verify as inference.ModelConfig: ${problem}`,
    );
  }
  return type.toObject(message, { enums: String, longs: Number, arrays: false, defaults: false });
}

/** Whether `actual` (a parsed config) holds `expected`'s values; an absent field reads as its proto default. */
function holds(expected: unknown, actual: unknown): boolean {
  if (Array.isArray(expected)) {
    const list = actual === undefined ? [] : actual;
    return (
      Array.isArray(list) && list.length === expected.length && expected.every((v, i) => holds(v, list[i]))
    );
  }
  if (expected !== null && typeof expected === 'object') {
    const obj = (actual ?? {}) as Record<string, unknown>;
    return typeof obj === 'object' && Object.entries(expected).every(([k, v]) => holds(v, obj[k]));
  }
  const fallback = typeof expected === 'number' ? 0 : typeof expected === 'string' ? '' : false;
  return (actual ?? fallback) === expected;
}

/**
 * Checks that config.pbtxt text parses against model_config.proto back to exactly the configuration it was written
 * from (every field ganforge sets, nothing else set), so a formatting slip never reaches a Triton server.
 */
export function assertConfigRoundTrip(text: string, expected: object, where = 'config.pbtxt'): void {
  const parsed = parseConfigPbtxt(text, where);
  const extra = Object.keys(parsed).filter((k) => !(k in expected));
  if (!holds(expected, parsed) || extra.length > 0) {
    throw new GanforgeError(
      'triton_bad_config',
      `${where} does not read back as the configuration it was written from`,
      {
        hint: 'this is a bug in ganforge; please report it with the model',
      },
    );
  }
}
