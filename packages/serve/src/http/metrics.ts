import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The server's Prometheus metrics, in a registry of its own (no global state). */
export class ServeMetrics {
  readonly registry = new Registry();
  readonly requests = new Counter({
    name: 'ganforge_http_requests_total',
    help: 'HTTP requests by route, method and status',
    labelNames: ['route', 'method', 'status'] as const,
    registers: [this.registry],
  });
  readonly latency = new Histogram({
    name: 'ganforge_http_request_duration_seconds',
    help: 'HTTP request latency by route',
    labelNames: ['route', 'method'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly queueWait = new Histogram({
    name: 'ganforge_queue_wait_seconds',
    help: 'Time a request waited in its model queue before its batch started',
    labelNames: ['model'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  readonly batchSize = new Histogram({
    name: 'ganforge_batch_size',
    help: 'Latents per session.run (dynamic batching merges concurrent requests)',
    labelNames: ['model'] as const,
    buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512],
    registers: [this.registry],
  });
  readonly batchRequests = new Histogram({
    name: 'ganforge_batch_requests',
    help: 'Requests merged into one session.run',
    labelNames: ['model'] as const,
    buckets: [1, 2, 4, 8, 16, 32, 64],
    registers: [this.registry],
  });
  readonly inference = new Histogram({
    name: 'ganforge_inference_seconds',
    help: 'session.run time per batch',
    labelNames: ['model'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  readonly inlineBatches = new Counter({
    name: 'ganforge_inline_batches_total',
    help: "Batches run on the HTTP thread's own session instead of a worker (a lone client's small request, --inline-max)",
    labelNames: ['model'] as const,
    registers: [this.registry],
  });
  readonly samples = new Counter({
    name: 'ganforge_samples_generated_total',
    help: 'Images generated',
    labelNames: ['model'] as const,
    registers: [this.registry],
  });
  readonly modelInfo = new Gauge({
    name: 'ganforge_model_info',
    help: 'One series per model: its status, execution provider and generation (value 1)',
    labelNames: ['model', 'status', 'provider', 'generation'] as const,
    registers: [this.registry],
  });
  readonly queueDepth: Gauge<'model'>;
  readonly samplesInProgress: Gauge;
  private readonly modelInfoSeries = new Map<string, Record<string, string>[]>();

  constructor(queueDepth: () => Record<string, number>, samplesInProgress: () => number = () => 0) {
    collectDefaultMetrics({ register: this.registry, prefix: 'ganforge_' });
    this.queueDepth = new Gauge({
      name: 'ganforge_queue_depth',
      help: 'Requests waiting per model',
      labelNames: ['model'] as const,
      registers: [this.registry],
      collect() {
        this.reset();
        for (const [model, depth] of Object.entries(queueDepth())) this.set({ model }, depth);
      },
    });
    this.samplesInProgress = new Gauge({
      name: 'ganforge_samples_in_progress',
      help: 'Samples admitted and not yet answered (waiting, generating or being sent); 429 past --queue-limit',
      registers: [this.registry],
      collect() {
        this.set(samplesInProgress());
      },
    });
  }

  setModel(name: string, info: { status: string; provider?: string; generation: number } | undefined): void {
    // Drop the model's old series, then write the current one.
    for (const series of this.modelInfoSeries.get(name) ?? []) this.modelInfo.remove(series);
    this.modelInfoSeries.delete(name);
    if (!info) return;
    const labels = {
      model: name,
      status: info.status,
      provider: info.provider ?? 'none',
      generation: String(info.generation),
    };
    this.modelInfo.set(labels, 1);
    this.modelInfoSeries.set(name, [labels]);
  }
}
