import { credentials, Metadata, type ChannelOptions, type Client, type ServiceError } from '@grpc/grpc-js';
import { openInferenceService, type ModelInferRequest, type ModelInferResponse } from './proto.ts';
import type { ModelMetadataResponse, ServerMetadataResponse } from './proto.ts';

/** A promise-returning client of `inference.GRPCInferenceService` (plaintext), from the same .proto. */
export interface OpenInferenceClient {
  serverLive(): Promise<{ live: boolean }>;
  serverReady(): Promise<{ ready: boolean }>;
  modelReady(name: string): Promise<{ ready: boolean }>;
  serverMetadata(): Promise<ServerMetadataResponse>;
  modelMetadata(name: string): Promise<ModelMetadataResponse>;
  modelInfer(request: ModelInferRequest): Promise<ModelInferResponse>;
  /** The underlying @grpc/grpc-js client. */
  readonly grpc: Client;
  close(): void;
}

type UnaryMethod = (
  request: unknown,
  metadata: Metadata,
  callback: (err: ServiceError | null, response: unknown) => void,
) => void;

/** Connects to a ganforge (or any Open Inference Protocol) gRPC server at `address` (host:port). */
export function openInferenceClient(address: string, options: ChannelOptions = {}): OpenInferenceClient {
  const { Client: ServiceClient } = openInferenceService();
  const client = new ServiceClient(address, credentials.createInsecure(), {
    'grpc.max_receive_message_length': -1,
    ...options,
  });
  const call = <Res>(method: string, request: unknown) =>
    new Promise<Res>((resolve, reject) => {
      const fn = (client as unknown as Record<string, UnaryMethod>)[method]!;
      fn.call(client, request, new Metadata(), (err, response) =>
        err ? reject(err) : resolve(response as Res),
      );
    });
  return {
    serverLive: () => call('ServerLive', {}),
    serverReady: () => call('ServerReady', {}),
    modelReady: (name) => call('ModelReady', { name }),
    serverMetadata: () => call('ServerMetadata', {}),
    modelMetadata: (name) => call('ModelMetadata', { name }),
    modelInfer: (request) => call('ModelInfer', request),
    grpc: client,
    close: () => client.close(),
  };
}
