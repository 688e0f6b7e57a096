import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { MetricCells, type CounterCell, type HistogramCell } from './metric-cells.ts';

/** A model's series on the request path (metric-cells.ts). */
interface ModelSeries {
  readonly samples: CounterCell;
  readonly inlineBatches: CounterCell;
  readonly laneRequests: CounterCell;
  readonly batchSize: HistogramCell;
  readonly batchRequests: HistogramCell;
  readonly inference: HistogramCell;
  readonly queueWait: HistogramCell;
}

/** The server's Prometheus metrics, in a registry of its own (no global state). */
export class ServeMetrics {
  readonly registry = new Registry();
  /** What the request path observed and prom-client has not been given yet: every scrape flushes it first. */
  private readonly cells = new MetricCells();
  private readonly flush = () => this.cells.flush();
  readonly requests = new Counter({
    name: 'ganforge_http_requests_total',
    help: 'HTTP requests by route, method and status',
    labelNames: ['route', 'method', 'status'] as const,
    registers: [this.registry],
    collect: this.flush,
  });
  readonly latency = new Histogram({
    name: 'ganforge_http_request_duration_seconds',
    help: 'HTTP request latency by route',
    labelNames: ['route', 'method'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
    collect: this.flush,
  });
  readonly queueWait = new Histogram({
    name: 'ganforge_queue_wait_seconds',
    help: 'Time a request waited in its model queue before its batch started',
    labelNames: ['model'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
    collect: this.flush,
  });
  readonly batchSize = new Histogram({
    name: 'ganforge_batch_size',
    help: 'Latents per session.run (dynamic batching merges concurrent requests)',
    labelNames: ['model'] as const,
    buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512],
    registers: [this.registry],
    collect: this.flush,
  });
  readonly batchRequests = new Histogram({
    name: 'ganforge_batch_requests',
    help: 'Requests merged into one session.run',
    labelNames: ['model'] as const,
    buckets: [1, 2, 4, 8, 16, 32, 64],
    registers: [this.registry],
    collect: this.flush,
  });
  readonly inference = new Histogram({
    name: 'ganforge_inference_seconds',
    help: 'session.run time per batch',
    labelNames: ['model'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
    collect: this.flush,
  });
  readonly inlineBatches = new Counter({
    name: 'ganforge_inline_batches_total',
    help: "Batches run on the HTTP thread's own session instead of a worker (a lone client's small request, --inline-max)",
    labelNames: ['model'] as const,
    registers: [this.registry],
    collect: this.flush,
  });
  readonly laneRequests = new Counter({
    name: 'ganforge_inline_lane_requests_total',
    help: 'Requests answered on the inline lane: a lone npy request, its run and its answer in one call (inline-lane.ts)',
    labelNames: ['model'] as const,
    registers: [this.registry],
    collect: this.flush,
  });
  readonly samples = new Counter({
    name: 'ganforge_samples_generated_total',
    help: 'Images generated',
    labelNames: ['model'] as const,
    registers: [this.registry],
    collect: this.flush,
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
  private readonly requestSeries = new Map<string, CounterCell>();
  private readonly latencySeries = new Map<string, HistogramCell>();
  private readonly modelSeries = new Map<string, ModelSeries>();

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

  /** One answered HTTP request: counted by route, method and status, its latency by route and method. */
  recordRequest(route: string, method: string, status: number, seconds: number): void {
    const key = `${route} ${method}`;
    let latency = this.latencySeries.get(key);
    if (!latency) {
      latency = this.cells.histogram(this.latency, { route, method });
      this.latencySeries.set(key, latency);
    }
    latency.observe(seconds);
    const statusKey = `${key} ${status}`;
    let count = this.requestSeries.get(statusKey);
    if (!count) {
      count = this.cells.counter(this.requests, { route, method, status: String(status) });
      this.requestSeries.set(statusKey, count);
    }
    count.inc();
  }

  /** `n` images generated for `model`. */
  recordSamples(model: string, n: number): void {
    this.series(model).samples.inc(n);
  }

  /** A request answered on the inline lane (its samples and its run are recorded as any other's). */
  recordLaneRequest(model: string): void {
    this.series(model).laneRequests.inc();
  }

  /** One session.run of `size` latents for `requests` requests, `seconds` long; `inline`: on the HTTP thread. */
  recordBatch(model: string, size: number, requests: number, seconds: number, inline: boolean): void {
    const s = this.series(model);
    if (inline) s.inlineBatches.inc();
    s.batchSize.observe(size);
    s.batchRequests.observe(requests);
    s.inference.observe(seconds);
  }

  /** How long a request for `model` waited in its queue before its batch started. */
  recordQueueWait(model: string, seconds: number): void {
    this.series(model).queueWait.observe(seconds);
  }

  private series(model: string): ModelSeries {
    let s = this.modelSeries.get(model);
    if (!s) {
      const labels = { model };
      s = {
        samples: this.cells.counter(this.samples, labels),
        inlineBatches: this.cells.counter(this.inlineBatches, labels),
        laneRequests: this.cells.counter(this.laneRequests, labels),
        batchSize: this.cells.histogram(this.batchSize, labels),
        batchRequests: this.cells.histogram(this.batchRequests, labels),
        inference: this.cells.histogram(this.inference, labels),
        queueWait: this.cells.histogram(this.queueWait, labels),
      };
      this.modelSeries.set(model, s);
    }
    return s;
  }
}
