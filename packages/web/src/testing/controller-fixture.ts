/**
 * For the SamplerController tests in Node: onnxruntime-web set up for Node, a models folder holding the
 * shipped models/mnist-dcgan generator (and a corrupt copy, "broken") served by mountWeb over HTTP as
 * the browser fetches it, and controllers over attributes as the element has them. Not exported from
 * ./testing's index: it loads onnxruntime-web, which the other helpers' users do not need; tests outside
 * this package (a conditional model trained in test/) import it as @ganforge/web/testing/controller.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as ort from 'onnxruntime-web';
import { afterAll, beforeAll, expect } from 'vitest';
import { GanforgeError } from '@ganforge/core';
import { readSettings, type SamplerAttribute } from '../browser/attributes.ts';
import { OnnxGenerator } from '../browser/onnx-generator.ts';
import {
  SamplerController,
  type LoadDetail,
  type SampleGenerator,
  type SampleResult,
  type SamplerControllerOptions,
  type SamplerErrorDetail,
} from '../browser/sampler-controller.ts';
import { ortDistDir } from '../mount.ts';
import { startSamplerServer, type RunningServer } from './web-servers.ts';

/** The shipped generator: latent 100, U(-1, 1), 28x28x1 images. */
export const SHIPPED_MODEL = fileURLToPath(new URL('../../../../models/mnist-dcgan/', import.meta.url));
export const SHIPPED_LATENT_DIM = 100;

/** A controller and everything it reported: hook calls in order, results, errors, loads, sessions. */
export interface ControllerHarness {
  readonly controller: SamplerController;
  /** The attributes its settings are read from, at the start of each request. */
  readonly attrs: Partial<Record<SamplerAttribute, string>>;
  /** 'loading <model>', 'load <model>', 'dispose <session index>', 'sample <seed>', 'settled <code|ok>'. */
  readonly log: string[];
  readonly results: SampleResult[];
  readonly settled: (SamplerErrorDetail | undefined)[];
  readonly loads: LoadDetail[];
  /** The real OnnxGenerators it made, in order. */
  readonly generators: OnnxGenerator[];
}

export interface ControllerFixture {
  readonly server: RunningServer;
  /** GET requests for each model's model.onnx, counted by the server. */
  readonly onnxFetches: Readonly<Record<string, number>>;
  /** A controller with the real OnnxGenerator; hooks in `options` are called after being recorded. */
  harness(
    attributes: Partial<Record<SamplerAttribute, string>>,
    options?: Partial<SamplerControllerOptions>,
  ): ControllerHarness;
  close(): Promise<void>;
}

export interface ControllerFixtureOptions {
  /** More models to serve: name -> a model directory holding card.json and model.onnx. */
  readonly models?: Readonly<Record<string, string>>;
}

export async function startControllerFixture(
  options: ControllerFixtureOptions = {},
): Promise<ControllerFixture> {
  // The Node entry of onnxruntime-web loads its wasm from its own dist folder; one thread, no worker.
  // Set before the first session, so OnnxGenerator's configureRuntime leaves it as it is.
  ort.env.wasm.wasmPaths = pathToFileURL(ortDistDir() + sep).href;
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.proxy = false;
  ort.env.logLevel = 'error';
  const dir = mkdtempSync(join(tmpdir(), 'ganforge-controller-'));
  for (const name of ['mnist-dcgan', 'broken']) {
    mkdirSync(join(dir, name));
    copyFileSync(join(SHIPPED_MODEL, 'card.json'), join(dir, name, 'card.json'));
  }
  copyFileSync(join(SHIPPED_MODEL, 'model.onnx'), join(dir, 'mnist-dcgan', 'model.onnx'));
  writeFileSync(join(dir, 'broken', 'model.onnx'), 'not an onnx file');
  for (const [name, from] of Object.entries(options.models ?? {})) {
    mkdirSync(join(dir, name));
    for (const file of ['card.json', 'model.onnx']) copyFileSync(join(from, file), join(dir, name, file));
  }
  const onnxFetches: Record<string, number> = {};
  const server = await startSamplerServer({
    modelsDir: dir,
    before: [
      (req, _res, next) => {
        const name = /^\/v1\/models\/([^/]+)\/model\.onnx$/.exec(req.path)?.[1];
        if (name !== undefined) onnxFetches[name] = (onnxFetches[name] ?? 0) + 1;
        next();
      },
    ],
  });

  const harness: ControllerFixture['harness'] = (attributes, options = {}) => {
    const attrs = { ...attributes };
    const h: Omit<ControllerHarness, 'controller'> = {
      attrs,
      log: [],
      results: [],
      settled: [],
      loads: [],
      generators: [],
    };
    const { log } = h;
    const also = options.hooks ?? {};
    const controller = new SamplerController({
      settings: () => readSettings((name) => attrs[name] ?? null),
      defaultServer: new URL(server.url),
      baseUrl: () => server.url,
      createGenerator: async (bytes, backend, base): Promise<SampleGenerator> => {
        const g = await OnnxGenerator.load(bytes, backend, base);
        const index = h.generators.push(g) - 1;
        // The real session; its release is noted in the log.
        return {
          runtime: g.runtime,
          run: (...args) => g.run(...args),
          dispose: () => (log.push(`dispose ${index}`), g.dispose()),
        };
      },
      ...options,
      hooks: {
        loading: (model) => (log.push(`loading ${model}`), also.loading?.(model)),
        load: (d) => (h.loads.push(d), log.push(`load ${d.model}`), also.load?.(d)),
        render: (r) => also.render?.(r),
        sample: (r) => (h.results.push(r), log.push(`sample ${r.detail.seed}`), also.sample?.(r)),
        settled: (e) => (h.settled.push(e), log.push(`settled ${e?.code ?? 'ok'}`), also.settled?.(e)),
      },
    });
    return { ...h, controller };
  };

  return {
    server,
    onnxFetches,
    harness,
    close: async () => {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Call at a test file's top level: a fixture started before the file's tests and closed after them. Its
 * members may be used from inside the tests (not before beforeAll has run).
 */
export function useControllerFixture(options: ControllerFixtureOptions = {}): ControllerFixture {
  let fx: ControllerFixture | undefined;
  beforeAll(async () => {
    fx = await startControllerFixture(options);
  });
  afterAll(() => fx?.close());
  const started = (): ControllerFixture => {
    if (!fx) throw new Error('the controller fixture starts in beforeAll');
    return fx;
  };
  return {
    get server() {
      return started().server;
    },
    get onnxFetches() {
      return started().onnxFetches;
    },
    harness: (attributes, harnessOptions) => started().harness(attributes, harnessOptions),
    close: () => started().close(),
  };
}

/**
 * Runs a request that must fail: it rejects with a GanforgeError, the controller reports that error as settled,
 * and its current result is still `kept`. Returns the error's code, message and hint.
 */
export async function expectRefusal(
  h: ControllerHarness,
  kept: SampleResult | undefined,
  request: () => Promise<unknown>,
): Promise<{ code: string; message: string; hint: string | undefined }> {
  const e = await request().then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(GanforgeError);
  const { code, message, hint } = e as GanforgeError;
  expect(h.settled.at(-1)).toEqual({ code, message, hint });
  expect(h.controller.current).toBe(kept);
  return { code, message, hint };
}

/** The largest absolute difference of two equally long arrays. */
export function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} vs ${b.length}`);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}
