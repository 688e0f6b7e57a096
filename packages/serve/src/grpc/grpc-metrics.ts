import { Counter, Histogram } from 'prom-client';
import type { ServeMetrics } from '../http/metrics.ts';

/**
 * gRPC calls in the server's Prometheus registry, beside the HTTP series (whose names and labels stay as
 * they are): calls by method and status code, and latency by method. Queue wait, batch size, inference
 * time, samples and samples in progress are the same series for both protocols (the batch scheduler and
 * admission record them).
 */
export class GrpcMetrics {
  readonly requests: Counter<'method' | 'code'>;
  readonly latency: Histogram<'method'>;

  constructor(metrics: ServeMetrics) {
    const registers = [metrics.registry];
    // One server may start its gRPC listener more than once (listen() again after a failed bind).
    this.requests =
      (metrics.registry.getSingleMetric('ganforge_grpc_requests_total') as Counter<'method' | 'code'>) ??
      new Counter({
        name: 'ganforge_grpc_requests_total',
        help: 'gRPC calls (Open Inference Protocol) by method and status code',
        labelNames: ['method', 'code'] as const,
        registers,
      });
    this.latency =
      (metrics.registry.getSingleMetric('ganforge_grpc_request_duration_seconds') as Histogram<'method'>) ??
      new Histogram({
        name: 'ganforge_grpc_request_duration_seconds',
        help: 'gRPC call latency by method',
        labelNames: ['method'] as const,
        buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
        registers,
      });
  }
}
