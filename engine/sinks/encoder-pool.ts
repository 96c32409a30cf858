// Runs data-file encoding off the main thread: one shared worker_threads worker (parquet-worker.ts)
// receives packed batches by transfer and returns Parquet bytes + metrics. Falls back to encoding
// in-thread when the worker cannot start; a worker that dies fails its pending encodes (never hangs).
// The worker only keeps the process alive while encodes are pending. No uploads or commits here.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { EncodedFile, EncodeJob } from './data-file-encode.js';
import { ParquetEncodeError, transferList } from './packed-batch.js';
import { preferBundle } from '../core/compiled-script.js';
import type { EncodeRequest, WorkerFailure, WorkerReply } from './parquet-worker.js';

export interface DataFileEncoder {
  /** Encode the job's batch. Its buffers may be transferred away: do not use the batch afterwards. */
  encode(job: EncodeJob): Promise<EncodedFile[]>;
  /** Release the encoder; encodes still pending reject. */
  close(): Promise<void>;
}

/** Encodes on the calling thread (loads the Parquet stack on first use). */
export class InThreadEncoder implements DataFileEncoder {
  async encode(job: EncodeJob): Promise<EncodedFile[]> {
    return (await import('./data-file-encode.js')).encodeDataFiles(job);
  }

  async close(): Promise<void> {}
}

interface Pending {
  readonly id: number;
  readonly job: EncodeJob;
  readonly resolve: (files: EncodedFile[]) => void;
  readonly reject: (err: Error) => void;
}

export interface WorkerEncoderOptions {
  /** The worker script (default: parquet-worker.js beside this module). */
  readonly workerUrl?: URL;
}

function errorFrom(f: WorkerFailure): Error {
  const err = f.name === 'ParquetEncodeError' ? new ParquetEncodeError(f.message) : new Error(f.message);
  if (f.name !== 'ParquetEncodeError') err.name = f.name;
  if (f.stack) err.stack = f.stack;
  return err;
}

/**
 * Encodes on a worker thread. Encodes queue until the worker reports ready; if it fails to start
 * (script missing when running from sources, a module that does not load), they run in-thread.
 */
export class WorkerEncoder implements DataFileEncoder {
  private worker: Worker | undefined;
  private state: 'idle' | 'starting' | 'ready' | 'in-thread' | 'closed' = 'idle';
  private readonly queued: Pending[] = [];
  private readonly inflight = new Map<number, Pending>();
  private readonly local = new InThreadEncoder();
  private nextId = 1;
  /** Why the worker is not used (for diagnostics and tests). */
  fallbackReason: string | undefined;

  constructor(private readonly o: WorkerEncoderOptions = {}) {}

  /** Whether encodes currently go to the worker thread ('starting' counts: they wait for it). */
  get usesWorker(): boolean {
    return this.state === 'starting' || this.state === 'ready';
  }

  /** Start the worker now (it loads Arrow and parquet-wasm in the background). */
  start(): void {
    if (this.state !== 'idle') return;
    // '../sinks/': also right from the CLI bundle in dist/engine/cli/
    const url = this.o.workerUrl ?? preferBundle(new URL('../sinks/parquet-worker.js', import.meta.url));
    if (url.protocol === 'file:' && !existsSync(fileURLToPath(url))) return this.useInThread(`worker script ${url.href} not found`);
    let w: Worker;
    try {
      w = new Worker(url);
    } catch (err) {
      return this.useInThread(`worker did not start: ${(err as Error).message}`);
    }
    this.worker = w;
    this.state = 'starting';
    w.on('message', (m: WorkerReply) => this.onMessage(w, m));
    w.on('error', (err: Error) => this.onFailure(w, err));
    w.on('exit', (code: number) => this.onFailure(w, new Error(`the Parquet encoder thread exited with code ${code}`)));
    this.updateRef();
  }

  encode(job: EncodeJob): Promise<EncodedFile[]> {
    if (this.state === 'closed') return Promise.reject(new Error('the Parquet encoder is closed'));
    this.start();
    if (this.state === 'in-thread') return this.local.encode(job);
    return new Promise<EncodedFile[]>((resolve, reject) => {
      const p: Pending = { id: this.nextId++, job, resolve, reject };
      if (this.state === 'ready') this.post(p);
      else this.queued.push(p);
      this.updateRef();
    });
  }

  private post(p: Pending): void {
    const w = this.worker!;
    this.inflight.set(p.id, p);
    try {
      w.postMessage({ id: p.id, job: p.job } satisfies EncodeRequest, transferList(p.job.batch));
    } catch (err) {
      this.inflight.delete(p.id);
      p.reject(err as Error);
    }
  }

  private onMessage(w: Worker, m: WorkerReply): void {
    if (w !== this.worker) return;
    switch (m.kind) {
      case 'ready':
        this.state = 'ready';
        for (const p of this.queued.splice(0)) this.post(p);
        break;
      case 'done':
      case 'failed': {
        const p = this.inflight.get(m.id);
        if (!p) break;
        this.inflight.delete(m.id);
        if (m.kind === 'done') p.resolve(m.files as EncodedFile[]);
        else p.reject(errorFrom(m.error));
        break;
      }
    }
    this.updateRef();
  }

  /** The worker failed to load, crashed or exited: fail what it held, encode in-thread from now on. */
  private onFailure(w: Worker, err: Error): void {
    if (w !== this.worker) return;
    this.worker = undefined;
    const starting = this.state === 'starting';
    this.useInThread(`${starting ? 'worker did not start' : 'worker failed'}: ${err.message}`);
    void w.terminate().catch(() => undefined);
    const lost = [...this.inflight.values()];
    this.inflight.clear();
    for (const p of lost) p.reject(new Error(`the Parquet encoder thread failed while encoding: ${err.message}`, { cause: err }));
    // Queued encodes were never handed over (their buffers are intact): run them here.
    for (const p of this.queued.splice(0)) this.local.encode(p.job).then(p.resolve, p.reject);
  }

  private useInThread(reason: string): void {
    this.state = 'in-thread';
    this.fallbackReason = reason;
  }

  /** Keep the process alive only while the worker holds work. */
  private updateRef(): void {
    const w = this.worker;
    if (!w) return;
    if (this.queued.length + this.inflight.size > 0) w.ref();
    else w.unref();
  }

  async close(): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'closed';
    const w = this.worker;
    this.worker = undefined;
    const err = new Error('the Parquet encoder was closed before the encode finished');
    for (const p of [...this.queued.splice(0), ...this.inflight.values()]) p.reject(err);
    this.inflight.clear();
    if (w) await w.terminate();
  }
}

let shared: { readonly encoder: WorkerEncoder; refs: number } | undefined;

/**
 * A handle on the process-wide worker encoder (started on first acquire, so it loads while the
 * pipeline runs). The worker is terminated when the last handle is closed.
 */
export function acquireSharedEncoder(): DataFileEncoder {
  const s = (shared ??= { encoder: new WorkerEncoder(), refs: 0 });
  s.refs++;
  s.encoder.start();
  let released = false;
  return {
    encode: (job) => (released ? Promise.reject(new Error('the Parquet encoder handle is closed')) : s.encoder.encode(job)),
    close: async () => {
      if (released) return;
      released = true;
      if (--s.refs > 0) return;
      if (shared === s) shared = undefined;
      await s.encoder.close();
    },
  };
}
