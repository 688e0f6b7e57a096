import { z } from 'zod';
import { MODEL_NAME_PATTERN_SOURCE } from '@ganforge/core';
import type { RequestSchemas } from './schemas.ts';

const json = (schema: z.ZodType) =>
  z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'input', unrepresentable: 'any' });

const errorResponse = (description: string) => ({
  description,
  content: {
    'application/json': {
      schema: {
        type: 'object',
        required: ['error'],
        properties: {
          error: {
            type: 'object',
            required: ['code', 'message'],
            properties: {
              code: { type: 'string' },
              message: { type: 'string' },
              hint: { type: 'string' },
              field: { type: 'string' },
            },
          },
        },
      },
    },
  },
});

const nameParam = {
  name: 'name',
  in: 'path',
  required: true,
  schema: { type: 'string', pattern: MODEL_NAME_PATTERN_SOURCE },
};

/** The OpenAPI 3.0 document, built from the same zod schemas that validate requests. */
export function openApiDocument(schemas: RequestSchemas, version: string) {
  const query = json(schemas.samplesQuery) as { properties: Record<string, object>; required?: string[] };
  const queryParams = Object.entries(query.properties).map(([name, schema]) => ({
    name,
    in: 'query',
    required: query.required?.includes(name) ?? false,
    schema,
  }));
  const image = (types: string[]) => ({
    description: 'the generated image(s)',
    content: Object.fromEntries(types.map((t) => [t, { schema: { type: 'string', format: 'binary' } }])),
  });
  const common = {
    '400': errorResponse('invalid request (the field is named)'),
    '404': errorResponse('unknown model'),
    '429': errorResponse('queue full or rate limited; see Retry-After'),
    '503': errorResponse('model not ready'),
    '504': errorResponse('deadline exceeded'),
  };
  return {
    openapi: '3.0.3',
    info: {
      title: 'ganforge',
      version,
      description: 'Samples from GAN generators exported by ganforge (ONNX on onnxruntime-node).',
    },
    paths: {
      '/v1/models': {
        get: {
          summary:
            "List models with their cards and status (a class-conditional model's `classes` too, index = class id)",
          responses: { '200': { description: 'models' } },
        },
      },
      '/v1/models/{name}': {
        get: {
          summary: 'One model: card, status, execution provider',
          parameters: [nameParam],
          responses: { '200': { description: 'model' }, '404': common['404'] },
        },
      },
      '/v1/models/{name}/samples': {
        post: {
          summary:
            'Generate n samples from a seed or from given latents (class-conditional models: of a class, or one class per sample)',
          parameters: [nameParam],
          requestBody: { required: true, content: { 'application/json': { schema: json(schemas.samples) } } },
          responses: {
            '200': image(['image/png', 'image/webp', 'application/json', 'application/octet-stream']),
            ...common,
            '413': errorResponse('body too large'),
          },
        },
      },
      '/v1/models/{name}/samples.png': {
        get: {
          summary:
            'A cacheable sample grid (pure function of the query; ETag); class-conditional models: ?class=, or ?layout=per-class for one row per class',
          parameters: [nameParam, ...queryParams],
          responses: { '200': image(['image/png']), '304': { description: 'not modified' }, ...common },
        },
      },
      '/v1/models/{name}/samples.webp': {
        get: {
          summary: 'As samples.png, in lossless WebP',
          parameters: [nameParam, ...queryParams],
          responses: { '200': image(['image/webp']), '304': { description: 'not modified' }, ...common },
        },
      },
      '/v1/models/{name}/interpolations': {
        post: {
          summary: 'A walk through latent space between seeds (animated GIF/WebP, or frames)',
          parameters: [nameParam],
          requestBody: {
            required: true,
            content: { 'application/json': { schema: json(schemas.interpolations) } },
          },
          responses: {
            '200': image([
              'image/gif',
              'image/webp',
              'image/png',
              'application/json',
              'application/octet-stream',
            ]),
            ...common,
          },
        },
      },
      '/v2/health/live': {
        get: {
          summary: 'Open Inference Protocol: server live',
          responses: { '200': { description: 'live' } },
        },
      },
      '/v2/health/ready': {
        get: {
          summary: 'Open Inference Protocol: server ready',
          responses: { '200': { description: 'ready' }, '503': { description: 'not ready' } },
        },
      },
      '/v2/models/{name}': {
        get: {
          summary: 'Open Inference Protocol: model metadata',
          parameters: [nameParam],
          responses: { '200': { description: 'metadata' }, '404': common['404'] },
        },
      },
      '/v2/models/{name}/ready': {
        get: {
          summary: 'Open Inference Protocol: model ready',
          parameters: [nameParam],
          responses: {
            '200': { description: 'ready' },
            '503': { description: 'not ready' },
            '404': common['404'],
          },
        },
      },
      '/v2/models/{name}/infer': {
        post: {
          summary:
            "Open Inference Protocol: latent FP32 [N, latentDim] (and, class-conditional models, the class input's ids INT64 or INT32 [N]) in, image FP32 [N, H, W, C] out",
          parameters: [nameParam],
          requestBody: { required: true, content: { 'application/json': { schema: json(schemas.v2Infer) } } },
          responses: {
            '200': { description: 'inference response' },
            '400': { description: 'bad request ({"error": message})' },
            '404': { description: 'unknown model' },
          },
        },
      },
      '/healthz': { get: { summary: 'Liveness', responses: { '200': { description: 'live' } } } },
      '/readyz': {
        get: {
          summary: 'Readiness: every model loaded and warmed up',
          responses: { '200': { description: 'ready' }, '503': { description: 'not ready (models listed)' } },
        },
      },
      '/metrics': {
        get: {
          summary: 'Prometheus metrics',
          responses: { '200': { description: 'text exposition format' } },
        },
      },
    },
  };
}
