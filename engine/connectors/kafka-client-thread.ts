// A KafkaClient that runs on a worker thread of its own (kafka-fetch-worker.ts): socket reads,
// response framing and the copying of values into per-run buffers happen off the main thread,
// and fetched runs arrive with their buffers transferred, not copied. Same API and errors as
// KafkaClient (KafkaOps). Must not keep reader state nor decode events.
import { Worker } from 'node:worker_threads';
import { compiledScript } from '../core/compiled-script.js';
import { KafkaOffsetOutOfRangeError, type FetchedPartition, type FetchOptions, type FetchWant, type KafkaClientOptions, type KafkaOps, type PartitionOffsets } from './kafka-client.js';
import { RunKeys, type FetchedRun } from './kafka-record-batch.js';
import type { RawValues } from './source.js';

/** Client options as they cross to the worker (no callback). */
export type KafkaThreadOptions = Omit<KafkaClientOptions, 'onRetry'>;

export type KafkaCall =
  | { readonly method: 'connect' | 'refreshMetadata' | 'disconnect'; readonly args: readonly [] }
  | { readonly method: 'partitionIds'; readonly args: readonly [string] }
  | { readonly method: 'offsets'; readonly args: readonly [string, readonly number[]] }
  | { readonly method: 'groupOffsets'; readonly args: readonly [string, string, readonly number[]] }
  | { readonly method: 'commitGroupOffsets'; readonly args: readonly [string, string, ReadonlyMap<number, number>] }
  | { readonly method: 'fetch'; readonly args: readonly [string, readonly FetchWant[], FetchOptions]; readonly recycled: readonly ArrayBuffer[] };

export type KafkaRequest = KafkaCall & { readonly id: number };

/** A fetched run as it crosses threads (keys.bytes is the run's buffer, raw.bytes too when raw is set). */
export interface PortableRun {
  readonly firstOffset: number;
  readonly count: number;
  readonly raw: RawValues | null;
  readonly texts: (string | null)[] | null;
  readonly keys: { readonly bytes: Uint8Array; readonly starts: Int32Array; readonly ends: Int32Array };
}
export interface PortablePartition {
  readonly partition: number;
  readonly runs: PortableRun[];
  readonly nextOffset: number;
  readonly high: number;
}

export interface WorkerError {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
  /** KafkaOffsetOutOfRangeError's fields. */
  readonly topic?: string;
  readonly partition?: number;
  readonly offset?: number;
}

export type KafkaReply =
  | { readonly kind: 'result'; readonly id: number; readonly value: unknown }
  | { readonly kind: 'error'; readonly id: number; readonly error: WorkerError }
  | { readonly kind: 'retry'; readonly what: string; readonly error: WorkerError };

/** Whether a Kafka client thread can be started (its compiled script exists). */
export function kafkaThreadAvailable(): boolean {
  return compiledScript('connectors/kafka-fetch-worker.js') !== null;
}

function toError(e: WorkerError): Error {
  if (e.name === 'KafkaOffsetOutOfRangeError' && e.topic !== undefined) return new KafkaOffsetOutOfRangeError(e.topic, e.partition ?? -1, e.offset ?? -1);
  const err = new Error(e.message);
  err.name = e.name;
  if (e.stack !== undefined) err.stack = e.stack;
  return err;
}

function fromPortable(p: PortablePartition): FetchedPartition {
  const runs: FetchedRun[] = p.runs.map((r) => ({ firstOffset: r.firstOffset, count: r.count, raw: r.raw, texts: r.texts, keys: new RunKeys(r.keys.bytes, r.keys.starts, r.keys.ends) }));
  return { partition: p.partition, runs, nextOffset: p.nextOffset, high: p.high };
}

export class KafkaClientThread implements KafkaOps {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  private failed: Error | null = null;
  /** Buffers handed back by recycle(), moved to the worker with the next fetch. */
  private recycled: ArrayBuffer[] = [];
  private exited = false;

  constructor(o: KafkaClientOptions) {
    const script = compiledScript('connectors/kafka-fetch-worker.js');
    if (script === null) throw new Error('Kafka client worker script not found (build with `npx tsc -p tsconfig.json`)');
    const { onRetry, ...options } = o;
    const workerData: KafkaThreadOptions = options;
    this.worker = new Worker(script, { workerData });
    this.worker.unref(); // referenced only while calls are pending
    this.worker.on('message', (m: KafkaReply) => {
      if (m.kind === 'retry') {
        onRetry?.(m.what, toError(m.error));
        return;
      }
      const p = this.pending.get(m.id);
      if (p === undefined) return;
      this.settled(m.id);
      if (m.kind === 'result') p.resolve(m.value);
      else p.reject(toError(m.error));
    });
    this.worker.on('error', (e: Error) => this.fail(e));
    this.worker.on('exit', (code) => {
      this.exited = true;
      this.fail(new Error(`exited with code ${code}`));
    });
  }

  private fail(e: Error): void {
    this.failed ??= e;
    for (const p of this.pending.values()) p.reject(new Error(`Kafka client thread failed: ${e.message}`, { cause: e }));
    this.pending.clear();
  }

  private settled(id: number): void {
    this.pending.delete(id);
    if (this.pending.size === 0 && !this.exited) this.worker.unref();
  }

  private call<T>(c: KafkaCall, transfer: readonly ArrayBuffer[] = []): Promise<T> {
    if (this.failed !== null) return Promise.reject(new Error(`Kafka client thread failed: ${this.failed.message}`, { cause: this.failed }));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      if (this.pending.size === 0) this.worker.ref();
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      const req: KafkaRequest = { ...c, id };
      this.worker.postMessage(req, transfer);
    });
  }

  connect(): Promise<void> {
    return this.call({ method: 'connect', args: [] });
  }

  partitionIds(topic: string): Promise<number[]> {
    return this.call({ method: 'partitionIds', args: [topic] });
  }

  refreshMetadata(): Promise<void> {
    return this.call({ method: 'refreshMetadata', args: [] });
  }

  offsets(topic: string, partitions: readonly number[]): Promise<PartitionOffsets[]> {
    return this.call({ method: 'offsets', args: [topic, partitions] });
  }

  groupOffsets(groupId: string, topic: string, partitions: readonly number[]): Promise<Map<number, number>> {
    return this.call({ method: 'groupOffsets', args: [groupId, topic, partitions] });
  }

  commitGroupOffsets(groupId: string, topic: string, offsets: ReadonlyMap<number, number>): Promise<void> {
    return this.call({ method: 'commitGroupOffsets', args: [groupId, topic, offsets] });
  }

  async fetch(topic: string, wants: readonly FetchWant[], o: FetchOptions): Promise<FetchedPartition[]> {
    if (wants.length === 0) return [];
    const recycled = this.recycled;
    this.recycled = [];
    const parts = await this.call<PortablePartition[]>({ method: 'fetch', args: [topic, wants, o], recycled }, recycled);
    return parts.map(fromPortable);
  }

  recycle(buffers: readonly ArrayBuffer[]): void {
    // detached (already moved) buffers have no bytes; a buffer must not be moved twice
    for (const b of buffers) if (b.byteLength > 0 && this.recycled.length < 16 && !this.recycled.includes(b)) this.recycled.push(b);
  }

  /** Closes the client in the worker (its operations reject), then ends the worker. */
  async disconnect(): Promise<void> {
    if (this.exited) return;
    try {
      if (this.failed === null) await this.call({ method: 'disconnect', args: [] });
    } finally {
      await this.worker.terminate();
    }
  }
}
