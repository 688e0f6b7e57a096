import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  credentials,
  loadPackageDefinition,
  Metadata,
  type Client,
  type ServiceClientConstructor,
  type ServiceError,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { createServer, type GanforgeServer, type ServeOptions } from '../http/app.ts';

/**
 * For the gRPC tests: a ganforge server over a temp models folder (as testing/harness.ts starts one),
 * with its gRPC listener on a free port, and a plain @grpc/grpc-js client built from the shipped .proto
 * on its own (not through the server's loader), as any client would.
 */
export interface GrpcTestServer {
  readonly server: GanforgeServer;
  /** The HTTP port. */
  readonly port: number;
  /** host:port of the gRPC listener. */
  readonly grpcAddress: string;
  readonly client: Client;
  /** One unary call; rejects with the ServiceError (code, details, metadata). */
  call<T = any>(method: string, request: object): Promise<T>; // eslint-disable-line @typescript-eslint/no-explicit-any
  close(): Promise<void>;
}

const PROTO = fileURLToPath(
  new URL('../../spec/open-inference-protocol/open_inference_grpc.proto', import.meta.url),
);

/** A new client of inference.GRPCInferenceService at `address`. */
export function grpcClient(address: string): Client {
  const definition = loadSync(PROTO, {
    keepCase: true,
    longs: Number,
    enums: String,
    defaults: true,
    oneofs: true,
  });
  const pkg = loadPackageDefinition(definition) as {
    inference: { GRPCInferenceService: ServiceClientConstructor };
  };
  return new pkg.inference.GRPCInferenceService(address, credentials.createInsecure());
}

/** One unary call of `method` on `client`. */
export function unaryCall<T>(client: Client, method: string, request: object): Promise<T> {
  type Unary = (req: object, md: Metadata, cb: (err: ServiceError | null, res: T) => void) => void;
  const fn = (client as unknown as Record<string, Unary>)[method]!;
  return new Promise<T>((resolve, reject) =>
    fn.call(client, request, new Metadata(), (err, res) => (err ? reject(err) : resolve(res))),
  );
}

export async function startGrpcTestServer(
  setup: (modelsDir: string) => Promise<void>,
  options: Partial<ServeOptions> = {},
): Promise<GrpcTestServer> {
  const root = await mkdtemp(join(tmpdir(), 'ganforge-grpc-'));
  const modelsDir = join(root, 'models');
  await mkdir(modelsDir);
  await setup(modelsDir);
  const server = createServer({ modelsDir, logLevel: 'silent', watch: false, grpcPort: 0, ...options });
  const { port, grpc } = await server.listen(0, '127.0.0.1');
  if (!grpc) throw new Error('the gRPC listener did not start');
  const client = grpcClient(grpc.address);
  return {
    server,
    port,
    grpcAddress: grpc.address,
    client,
    call: (method, request) => unaryCall(client, method, request),
    async close() {
      client.close();
      await server.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}
