import { fileURLToPath } from 'node:url';
import { loadPackageDefinition, type ServiceClientConstructor, type ServiceDefinition } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';

/**
 * The Open Inference Protocol's gRPC service, `inference.GRPCInferenceService`, from the .proto shipped
 * unchanged in spec/open-inference-protocol/ (kserve/open-inference-protocol, Apache-2.0), loaded at run
 * time. The interfaces below are the messages as proto-loader gives them with these options: field names
 * as in the .proto, int64/uint64 as JS numbers (shapes and parameters stay far below 2^53), every field
 * present (defaults), and a oneof's chosen field named in `parameter_choice`.
 */
export const OPEN_INFERENCE_GRPC_PROTO = fileURLToPath(
  new URL('../../spec/open-inference-protocol/open_inference_grpc.proto', import.meta.url),
);

const LOADER_OPTIONS = { keepCase: true, longs: Number, enums: String, defaults: true, oneofs: true };

let loaded: { service: ServiceDefinition; Client: ServiceClientConstructor } | undefined;

/** The service definition (for a server) and its client constructor, loaded once. */
export function openInferenceService(): { service: ServiceDefinition; Client: ServiceClientConstructor } {
  if (!loaded) {
    const pkg = loadPackageDefinition(loadSync(OPEN_INFERENCE_GRPC_PROTO, LOADER_OPTIONS)) as {
      inference: { GRPCInferenceService: ServiceClientConstructor };
    };
    const Client = pkg.inference.GRPCInferenceService;
    loaded = { service: Client.service, Client };
  }
  return loaded;
}

export type ParameterChoice = 'bool_param' | 'int64_param' | 'string_param' | 'double_param' | 'uint64_param';

export interface InferParameter {
  bool_param?: boolean;
  int64_param?: number;
  string_param?: string;
  double_param?: number;
  uint64_param?: number;
  parameter_choice?: ParameterChoice;
}

export interface InferTensorContents {
  bool_contents?: boolean[];
  int_contents?: number[];
  int64_contents?: number[];
  uint_contents?: number[];
  uint64_contents?: number[];
  fp32_contents?: number[];
  fp64_contents?: number[];
  bytes_contents?: Uint8Array[];
}

export interface InferInputTensor {
  name: string;
  datatype: string;
  shape: number[];
  parameters?: Record<string, InferParameter>;
  contents?: InferTensorContents | null;
}

export interface ModelInferRequest {
  model_name: string;
  model_version?: string;
  id?: string;
  parameters?: Record<string, InferParameter>;
  inputs: InferInputTensor[];
  outputs?: { name: string; parameters?: Record<string, InferParameter> }[];
  raw_input_contents?: Uint8Array[];
}

export interface InferOutputTensor {
  name: string;
  datatype: string;
  shape: number[];
  parameters?: Record<string, InferParameter>;
  contents?: InferTensorContents | null;
}

export interface ModelInferResponse {
  model_name: string;
  model_version: string;
  id: string;
  parameters?: Record<string, InferParameter>;
  outputs: InferOutputTensor[];
  raw_output_contents: Uint8Array[];
}

export interface ModelRequest {
  name: string;
  version?: string;
}

export interface TensorMetadata {
  name: string;
  datatype: string;
  shape: number[];
}

export interface ModelMetadataResponse {
  name: string;
  versions: string[];
  platform: string;
  inputs: TensorMetadata[];
  outputs: TensorMetadata[];
  properties?: Record<string, string>;
}

export interface ServerMetadataResponse {
  name: string;
  version: string;
  extensions: string[];
}
