// The runtime's side of the decode thread: starts the worker (engine/runtime/decode-worker.ts)
// on demand, or early with boot() so it loads its code while the pipeline opens, tells it its
// sources, sends it batches and resolves each with its decode tape, in order. JSON decoding
// then runs on the second core while the main thread normalizes and aggregates the previous
// batch. Reports a worker failure as an error of every pending batch; never decodes itself.
import { Worker } from 'node:worker_threads';
import { rawValuesToStrings } from '../connectors/raw-values.js';
import type { RawValues, RecordBatch } from '../connectors/source.js';
import { compiledScript } from '../core/compiled-script.js';
import { EngineError } from '../core/errors.js';
import { bufferTransferList, rawTransferList, type DecodeConfig, type DecodeRecycle, type DecodeReply, type DecodeRequest, type DecodeSources } from './decode-protocol.js';

/** 'auto': use the thread for batches of at least AUTO_MIN_RECORDS records. */
export type DecodeThreadMode = 'auto' | 'always' | 'never';

const AUTO_MIN_RECORDS = 256;
/** The same for unsplit lines, whose count is not known yet: at least this many bytes. */
const AUTO_MIN_LINE_BYTES = 64 << 10;
/** Smaller tape buffers are not worth a message back. */
const RECYCLE_MIN_BYTES = 256 << 10;

export function decodeThreadModeFromEnv(env: NodeJS.ProcessEnv = process.env): DecodeThreadMode {
  const v = (env['STREAMFORGE_DECODE_THREAD'] ?? '').toLowerCase();
  return v === 'always' || v === '1' || v === 'on' ? 'always' : v === 'never' || v === '0' || v === 'off' ? 'never' : 'auto';
}

export class DecodeThread {
  private worker: Worker | null = null;
  private failed: Error | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (d: DecodedBatch) => void; reject: (e: Error) => void; batch: RecordBatch }>();

  /** The sources it decodes (configure()); sent to the worker before any batch. */
  private sources: DecodeSources | null = null;

  constructor(private readonly mode: DecodeThreadMode) {}

  /**
   * Start the worker now, before the sources are known, unless the mode is 'never': it loads its
   * code (~0.2 s) while the caller parses, plans and opens sources and sinks, instead of after
   * the first batch was read. For runs expected to use it (large input).
   */
  boot(): void {
    if (this.mode !== 'never' && this.worker === null && this.failed === null) this.start();
  }

  /** The sources whose batches `decode(source, ...)` names by index. Once, before the first batch. */
  configure(sources: DecodeSources): void {
    this.sources = sources;
    this.worker?.postMessage({ config: sources } satisfies DecodeConfig);
  }

  /** Whether this batch should go to the thread (else the caller decodes it in place). */
  wants(batch: RecordBatch): boolean {
    if (this.mode === 'never' || this.failed !== null) return false;
    if (this.mode === 'auto') {
      const lines = batch.lines;
      if (lines !== undefined ? lines.end < AUTO_MIN_LINE_BYTES : (batch.raw?.starts.length ?? batch.values.length) < AUTO_MIN_RECORDS) return false;
    }
    return this.worker !== null || this.start();
  }

  private start(): boolean {
    const script = compiledScript('runtime/decode-worker.js');
    if (script === null) {
      this.failed = new Error('decode worker script not found (build with `npx tsc -p tsconfig.json`)');
      return false;
    }
    const w = new Worker(script);
    w.unref();
    if (this.sources !== null) w.postMessage({ config: this.sources } satisfies DecodeConfig);
    w.on('message', (reply: DecodeReply) => {
      const p = this.pending.get(reply.id);
      if (!p) return;
      this.pending.delete(reply.id);
      if (reply.error !== undefined) p.reject(new EngineError('internal', `decode thread: ${reply.error}`));
      else if (reply.raw === undefined) p.resolve({ tape: reply.tape, batch: p.batch });
      else if (p.batch.lines !== undefined) {
        p.batch.lines.adopt(reply.raw); // the thread split them: the batch now holds its values
        p.resolve({ tape: reply.tape, batch: p.batch });
      } else p.resolve({ tape: reply.tape, batch: new ReturnedBatch(p.batch, reply.raw) });
    });
    const fail = (e: Error): void => {
      this.failed = e;
      this.worker = null;
      for (const p of this.pending.values()) p.reject(new EngineError('internal', `decode thread failed: ${e.message}`, { cause: e }));
      this.pending.clear();
    };
    w.on('error', fail);
    w.on('exit', (code) => {
      if (this.pending.size > 0) fail(new Error(`exited with code ${code}`));
      this.worker = null;
    });
    this.worker = w;
    return true;
  }

  /**
   * Decode tape of the batch's records, in order (one decode result per record). Raw bytes are
   * transferred to the thread and back: use the batch it resolves with, not the one passed in.
   */
  decode(source: number, batch: RecordBatch): Promise<DecodedBatch> {
    const w = this.worker;
    if (w === null) return Promise.reject(this.failed ?? new Error('decode thread not started'));
    const id = this.nextId++;
    const lines = batch.lines;
    const raw = lines === undefined ? batch.raw : undefined;
    const req: DecodeRequest =
      lines !== undefined
        ? { id, source, lines: { bytes: lines.bytes, end: lines.end, final: lines.final } }
        : raw !== undefined
          ? { id, source, raw }
          : { id, source, values: batch.values };
    return new Promise<DecodedBatch>((resolve, reject) => {
      this.pending.set(id, { resolve, reject, batch });
      w.postMessage(req, lines !== undefined ? bufferTransferList(lines.bytes) : rawTransferList(raw));
    });
  }

  /** The runtime has read this tape (nothing refers to its bytes any more): the thread may write into it again. */
  recycle(tape: Uint8Array): void {
    const buf = tape.buffer;
    if (this.worker === null || !(buf instanceof ArrayBuffer) || buf.byteLength < RECYCLE_MIN_BYTES) return;
    this.worker.postMessage({ recycle: buf } satisfies DecodeRecycle, [buf]);
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    if (w !== null) await w.terminate();
  }
}

export interface DecodedBatch {
  readonly tape: Uint8Array;
  /** The batch, holding its raw bytes again after their round trip through the thread. */
  readonly batch: RecordBatch;
}

/** A batch whose raw values came back from the decode thread (the original's buffers are detached). */
class ReturnedBatch implements RecordBatch {
  private texts: (string | null)[] | undefined;

  constructor(
    private readonly orig: RecordBatch,
    readonly raw: RawValues,
  ) {}

  get split(): string {
    return this.orig.split;
  }

  get firstIndex(): number {
    return this.orig.firstIndex;
  }

  get values(): readonly (string | null)[] {
    return (this.texts ??= rawValuesToStrings(this.raw));
  }

  where(i: number): string {
    return this.orig.where(i);
  }
}
