import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { status as Status, type ServiceError } from '@grpc/grpc-js';
import { afterAll, describe, expect, it } from 'vitest';
import { GanforgeError } from '@ganforge/core';
import { createServer } from '../http/app.ts';
import { metricValue, rawRequest, waitFor } from '../testing/harness.ts';
import { writeTinyModel } from '../testing/tiny-generator.ts';
import {
  grpcClient,
  startGrpcTestServer,
  unaryCall,
  type GrpcTestServer,
} from '../testing/grpc-test-server.ts';

const SLOW = { hidden: { width: 1024, layers: 100 } } as const;
const N = 256;

describe('gRPC under load and on shutdown', () => {
  let t: GrpcTestServer | undefined;
  afterAll(() => t?.close());

  it('past --queue-limit: RESOURCE_EXHAUSTED with Retry-After as REST answers 429; on close: readiness false, the call in flight finishes', async () => {
    t = await startGrpcTestServer((dir) => writeTinyModel(dir, 'slow', SLOW).then(() => {}), {
      workers: 1,
      intraOpThreads: 1,
      maxN: N,
      queueLimit: N,
    });
    const s = t;
    const inFlight = s.call('ModelInfer', {
      model_name: 'slow',
      inputs: [{ name: 'latent', datatype: 'FP32', shape: [N, 4] }],
      raw_input_contents: [Buffer.alloc(N * 4 * 4)],
    });
    await waitFor(
      async () =>
        (metricValue(
          (await rawRequest(s.port, 'GET', '/metrics')).body.toString(),
          'ganforge_samples_in_progress',
        ) ?? 0) >= N,
      15_000,
      'the gRPC request to be admitted',
    );
    // One more sample passes the limit, over either protocol.
    const one = { name: 'latent', datatype: 'FP32', shape: [1, 4] };
    const rest = await rawRequest(s.port, 'POST', '/v2/models/slow/infer', {
      inputs: [{ ...one, data: [0, 0, 0, 0] }],
    });
    expect(rest.status).toBe(429);
    const refused = (await s
      .call('ModelInfer', {
        model_name: 'slow',
        inputs: [{ ...one, contents: { fp32_contents: [0, 0, 0, 0] } }],
      })
      .catch((e: unknown) => e)) as ServiceError;
    expect(refused.code).toBe(Status.RESOURCE_EXHAUSTED);
    expect(refused.details).toBe(rest.json().error);
    expect(refused.details).toMatch(/at capacity/);
    expect(Number(refused.metadata.get('retry-after')[0])).toBeGreaterThanOrEqual(1);
    expect(refused.metadata.get('ganforge-code')).toEqual(['queue_full']);

    // Shutting down with the call in flight: readiness turns false at once, new inferences are refused
    // with REST's 503 message, and the call in flight still gets its images.
    const closing = s.server.close();
    expect(await s.call('ServerReady', {})).toEqual({ ready: false });
    expect(await s.call('ModelReady', { name: 'slow' })).toEqual({ ready: false });
    expect(await s.call('ServerLive', {})).toEqual({ live: true });
    const late = (await s
      .call('ModelInfer', { model_name: 'slow', inputs: [] })
      .catch((e: unknown) => e)) as ServiceError;
    expect(late.code).toBe(Status.UNAVAILABLE);
    expect(late.details).toBe('the server is shutting down');
    const r = await inFlight;
    expect(r.outputs[0].shape).toEqual([N, 8, 8, 1]);
    expect(r.raw_output_contents[0].length).toBe(N * 64 * 4);
    await closing;
    // Closed: a new client finds nothing listening.
    const after = grpcClient(s.grpcAddress);
    try {
      const e = (await unaryCall(after, 'ServerLive', {}).catch((err: unknown) => err)) as ServiceError;
      expect(e.code).toBe(Status.UNAVAILABLE);
    } finally {
      after.close();
    }
  });
});

describe('gRPC listener', () => {
  it('a busy --grpc-port is a one-line error naming the flag', async () => {
    const blocker = createNetServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const busy = (blocker.address() as AddressInfo).port;
    const dir = await mkdtemp(join(tmpdir(), 'ganforge-grpc-busy-'));
    await writeTinyModel(dir, 'a');
    const server = createServer({
      modelsDir: dir,
      logLevel: 'silent',
      watch: false,
      workers: 1,
      grpcPort: busy,
    });
    try {
      const e = (await server.listen(0, '127.0.0.1').catch((err: unknown) => err)) as GanforgeError;
      expect(e).toBeInstanceOf(GanforgeError);
      expect(e.code).toBe('port_in_use');
      expect(e.message).toBe(`gRPC: cannot listen on 127.0.0.1:${busy}: the port is already in use`);
      expect(e.hint).toMatch(/--grpc-port/);
    } finally {
      await server.close();
      blocker.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('is off unless grpcPort is given', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ganforge-grpc-off-'));
    const server = createServer({ modelsDir: dir, logLevel: 'silent', watch: false, workers: 1 });
    try {
      expect((await server.listen(0, '127.0.0.1')).grpc).toBeUndefined();
    } finally {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
