import { mkdtemp, rm } from 'node:fs/promises';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  countExpressRequests,
  exchange,
  headerOf,
  stalledRequest,
  type Exchange,
} from '../testing/exchange.ts';
import { metricValue, rawRequest, waitFor } from '../testing/harness.ts';
import { writeTinyModel } from '../testing/tiny-generator.ts';
import { createServer, type GanforgeServer, type ServeOptions } from './app.ts';

/**
 * The fast path (fast-path.ts) under admission refusal and during shutdown answers as the Express
 * routes do. A request for 256 images of 128x128x3 as npy (50 MB) on a connection that never reads
 * stays in progress — admitted, in flight — until its socket is destroyed: no timing involved.
 */
const BIG = { latentDim: 4, height: 128, width: 128, channels: 3 } as const;
const OPTIONS: Partial<ServeOptions> = { workers: 1, intraOpThreads: 1, maxN: 256, queueLimit: 256 };
const HOLD = { n: 256, seed: 1, format: 'npy' } as const;
const v2Body = { inputs: [{ name: 'latent', shape: [1, 4], datatype: 'FP32', data: [0.1, 0.2, 0.3, 0.4] }] };

let root: string;
let models: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'ganforge-fast-life-'));
  models = join(root, 'models');
  await writeTinyModel(models, 'big', BIG);
  await writeTinyModel(models, 'tiny');
});
afterAll(() => rm(root, { recursive: true, force: true }));

async function start(options: Partial<ServeOptions>) {
  const server: GanforgeServer = createServer({
    modelsDir: models,
    logLevel: 'silent',
    watch: false,
    device: 'cpu',
    ...OPTIONS,
    ...options,
  });
  const expressRequests = countExpressRequests(server);
  const { port } = await server.listen(0, '127.0.0.1');
  await server.loaded;
  return { server, port, expressRequests };
}

/** Holds a 256-sample request in progress until the returned socket is destroyed. */
async function hold(port: number): Promise<Socket> {
  const socket = stalledRequest(port, '/v1/models/big/samples', HOLD);
  await waitFor(
    async () => {
      const text = (await rawRequest(port, 'GET', '/metrics')).body.toString();
      return metricValue(text, 'ganforge_samples_in_progress') === HOLD.n;
    },
    30_000,
    'the held request to be admitted',
  );
  return socket;
}

function expectSame(a: Exchange, b: Exchange, what: string): void {
  expect(a.status, what).toBe(b.status);
  expect(a.headers, what).toEqual(b.headers);
  expect(a.body.equals(b.body), what).toBe(true);
}

describe('429 under admission refusal', () => {
  let s: Awaited<ReturnType<typeof start>>;
  let held: Socket | undefined;
  beforeAll(async () => {
    s = await start({});
    held = await hold(s.port);
  });
  afterAll(async () => {
    held?.destroy();
    await s?.server.close();
  });

  // Each pair: the fast path's form of a request, then a form of it the fast path leaves to Express
  // (a query string on the POST, a conditional header on the GET, the versioned v2 path), on the same
  // server, in the same state.
  const pairs = [
    [
      'POST samples',
      ['POST', '/v1/models/tiny/samples', { n: 1, format: 'npy' }],
      ['POST', '/v1/models/tiny/samples?via=express', { n: 1, format: 'npy' }],
    ],
    [
      'GET samples.png',
      ['GET', '/v1/models/tiny/samples.png?n=1'],
      [
        'GET',
        '/v1/models/tiny/samples.png?n=1',
        undefined,
        { 'if-modified-since': 'Tue, 01 Dec 2026 00:00:00 GMT' },
      ],
    ],
    [
      'v2 infer',
      ['POST', '/v2/models/tiny/infer', v2Body],
      ['POST', '/v2/models/tiny/versions/1/infer', v2Body],
    ],
  ] as const;

  it.each(pairs)('%s: 429 with Retry-After, the same on both paths', async (what, fastForm, expressForm) => {
    const before = s.expressRequests();
    const [m1, p1, b1, h1] = fastForm as readonly [string, string, object?, Record<string, string>?];
    const a = await exchange(s.port, m1, p1, b1, h1);
    expect(s.expressRequests(), 'the fast form went through Express').toBe(before);
    const [m2, p2, b2, h2] = expressForm as readonly [string, string, object?, Record<string, string>?];
    const b = await exchange(s.port, m2, p2, b2, h2);
    expect(s.expressRequests(), 'the other form did not go through Express').toBe(before + 1);
    expect(a.status).toBe(429);
    expect(Number(headerOf(a, 'retry-after'))).toBeGreaterThanOrEqual(1);
    expect(a.body.toString()).toMatch(/queue_full/);
    expectSame(a, b, what);
  });
});

describe('503 + Connection: close while shutting down', () => {
  const probes = [
    ['POST', '/v1/models/tiny/samples', { n: 1, format: 'npy' }],
    ['GET', '/v1/models/tiny/samples.png?n=1', undefined],
    ['POST', '/v2/models/tiny/infer', v2Body],
  ] as const;

  /** The probes' answers on kept-alive connections of a server that is draining a held request. */
  async function answersWhileDraining(options: Partial<ServeOptions>): Promise<Exchange[]> {
    const s = await start(options);
    const agents = probes.map(() => new Agent({ keepAlive: true, maxSockets: 1 }));
    try {
      for (const agent of agents) {
        const warm = await exchange(s.port, 'GET', '/healthz', undefined, {}, agent);
        expect(warm.status).toBe(200);
      }
      const held = await hold(s.port);
      const closing = s.server.close();
      const answers: Exchange[] = [];
      for (const [i, [method, path, body]] of probes.entries()) {
        const before = s.expressRequests();
        answers.push(await exchange(s.port, method, path, body, {}, agents[i]!));
        // While shutting down the fast path takes nothing: Express answers 503 for every route.
        expect(s.expressRequests()).toBe(before + 1);
      }
      held.destroy();
      await closing;
      return answers;
    } finally {
      for (const agent of agents) agent.destroy();
      await s.server.close();
    }
  }

  it('answers the fast routes exactly as the Express routes do', async () => {
    const fast = await answersWhileDraining({});
    const express = await answersWhileDraining({ fastPath: false });
    for (const [i, a] of fast.entries()) {
      expect(a.status).toBe(503);
      expect(headerOf(a, 'connection')).toBe('close');
      expectSame(a, express[i]!, `${probes[i]![0]} ${probes[i]![1]}`);
    }
  });
});
