import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

/**
 * Threads that turn float32 arrays into JSON text, so the HTTP thread never spends tens of
 * milliseconds in JSON.stringify: under load, encoding the images of JSON responses was most of its
 * work, and health checks, admission (429s) and signals waited behind it. Requests are spread over
 * the threads round-robin; each answer is the UTF-8 bytes, transferred back without a copy.
 */
export class JsonEncoder {
  private readonly workers: Worker[];
  private readonly pending = new Map<
    number,
    { resolve: (b: Uint8Array) => void; reject: (e: Error) => void }
  >();
  private nextId = 1;
  private turn = 0;
  private closed = false;

  constructor(
    threads: number = defaultEncoderThreads(),
    /** The threads' nice value (engine/thread-priority.mjs; default WORKER_NICE). */
    private readonly nice?: number,
  ) {
    this.workers = Array.from({ length: Math.max(1, threads) }, () => this.spawn());
  }

  private spawn(): Worker {
    const w = new Worker(new URL('./json-encoder-worker.mjs', import.meta.url), {
      workerData: { nice: this.nice },
    });
    w.on('message', (msg: { id: number; ok: boolean; bytes?: Uint8Array; message?: string }) => {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (msg.ok && msg.bytes) p.resolve(msg.bytes);
      else p.reject(new Error(msg.message ?? 'JSON encoder failed'));
    });
    // An encoder that dies fails what it had and is replaced; requests already answered are unaffected.
    const replace = (err: Error) => {
      for (const [id, p] of this.pending) {
        this.pending.delete(id);
        p.reject(err);
      }
      const i = this.workers.indexOf(w);
      if (i >= 0 && !this.closed) this.workers[i] = this.spawn();
    };
    w.on('error', replace);
    w.on('exit', (code) => {
      if (!this.closed) replace(new Error(`JSON encoder thread exited with code ${code}`));
    });
    w.unref();
    return w;
  }

  /**
   * The JSON text (UTF-8) of `data`: `rows` equal rows (`[[...],[...]]`) or, without rows, one flat
   * array. Exactly what JSON.stringify writes for the same numbers. `data` is copied to the thread
   * (only its own range: posting a view would copy the whole buffer it views).
   */
  encode(data: Float32Array, rows?: number): Promise<Uint8Array> {
    if (this.closed) return Promise.reject(new Error('the JSON encoder is closed'));
    const id = this.nextId++;
    const w = this.workers[this.turn++ % this.workers.length]!;
    const own = data.slice();
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      w.postMessage({ id, data: own, rows }, [own.buffer]);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const p of this.pending.values()) p.reject(new Error('the JSON encoder is closed'));
    this.pending.clear();
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** One encoder thread per four cores, at least one: encoding is a fraction of the inference work. */
export function defaultEncoderThreads(cores: number = availableParallelism()): number {
  return Math.max(1, Math.floor(cores / 4));
}
