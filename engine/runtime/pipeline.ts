// Runs a planned pipeline in one process: polls every source a little ahead, has each batch
// decoded (on the decode thread when it is large, else in place), pushes its changes through
// every sink chain reading that source (event by event, watermark after the event), and commits
// sinks at their commit_interval (dead-letter tables first, then sinks) with the positions of the
// batches processed so far, and at the end of a bounded run after +Infinity closed every window.
// Owns no SQL and no formats.
import type { SourceDef } from '../../catalog/model.js';
import type { PlanSet } from '../../sql/index.js';
import { sourceScanOf } from '../../sql/index.js';
import type { SinkChain } from '../compile/lower.js';
import { lowerSink } from '../compile/lower.js';
import type { Positions, RecordBatch, SourceReader } from '../connectors/source.js';
import type { SinkWriter } from '../connectors/sink.js';
import { EngineError, withContext } from '../core/errors.js';
import { END_OF_TIME } from '../core/time.js';
import type { Row } from '../core/value.js';
import { rawValueText } from '../connectors/raw-values.js';
import type { DecodeResult, Decoder } from '../formats/decoded-event.js';
import { createDebeziumDecoder } from '../formats/debezium-json.js';
import { TapeReader } from '../formats/event-tape.js';
import type { OperatorContext } from '../ops/operator.js';
import type { SourceMetrics } from './metrics.js';
import { newSourceMetrics } from './metrics.js';
import type { DeadLetterWriter } from './dead-letter.js';
import type { DeadLetterFactory, SinkFactory, SourceFactory } from './factories.js';
import { planFingerprint } from './fingerprint.js';
import type { DecodedBatch, DecodeThreadMode } from './decode-thread.js';
import { DecodeThread, decodeThreadModeFromEnv } from './decode-thread.js';

export interface RunOptions {
  readonly once: boolean;
  readonly openSource: SourceFactory;
  readonly openSink: SinkFactory;
  /** Creates the dead-letter writer of a source (on_error = 'dead_letter'). */
  readonly openDeadLetter: DeadLetterFactory;
  readonly clock?: () => number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: Progress) => void;
  readonly progressIntervalMs?: number;
  /** Sleep between polls when every source is idle. */
  readonly idleSleepMs?: number;
  /**
   * Decode large batches on a worker thread (default: STREAMFORGE_DECODE_THREAD, else 'auto'), or
   * a DecodeThread the caller created (and may have booted early); the run configures and closes it.
   */
  readonly decodeThread?: DecodeThreadMode | DecodeThread;
}

export interface Progress {
  readonly elapsedMs: number;
  readonly events: number;
  readonly watermark: number;
  readonly rowsCommitted: number;
  readonly snapshots: number;
  readonly late: number;
  readonly deadLettered: number;
  /** How far the sources are behind their input's end (sums over the sources that tell). */
  readonly lagMessages?: number;
  readonly lagBytes?: number;
}

export interface RunSummary {
  readonly elapsedMs: number;
  readonly sources: readonly { readonly name: string; readonly metrics: SourceMetrics }[];
  readonly sinks: readonly {
    readonly name: string;
    readonly target: string;
    readonly rows: number;
    readonly commits: number;
    readonly commitMs: number;
  }[];
  readonly deadLetterTables: readonly { readonly source: string; readonly target: string; readonly rows: number }[];
}

interface ChainRun {
  readonly chain: SinkChain;
  readonly writer: SinkWriter;
  readonly intervalMs: number;
  resume: Positions | undefined;
  lastCommitAt: number;
  lastPositions: string;
  rowsCommitted: number;
  commits: number;
  commitMs: number;
}

/** A polled batch waiting to be processed: its decode tape (when decoded on the thread) and the reader's positions just after it. */
interface ReadAhead {
  readonly batch: RecordBatch;
  readonly decoded: Promise<DecodedBatch> | null;
  /** null: the batch tells them once processed (batch.positionsAfter()). */
  readonly positionsAfter: Positions | null;
}

interface SourceRun {
  readonly index: number;
  readonly def: SourceDef;
  readonly reader: SourceReader;
  /** The source columns the chains read (what the decoders extract). */
  readonly used: readonly number[];
  /** Decodes batches in place (small ones, or without the thread); made on first use. */
  decoder: Decoder | undefined;
  readonly metrics: SourceMetrics;
  readonly chains: ChainRun[];
  readonly deadLetter: DeadLetterWriter | undefined;
  readonly queue: ReadAhead[];
  /** Positions just after the last batch processed (what a commit covers). */
  done: Positions;
  readerEnded: boolean;
  ended: boolean;
  /** The last event found late (batch and index), so it is counted and dead-lettered once. */
  lateBatch: RecordBatch | undefined;
  lateIndex: number;
  /** How many of the reader's splits the trackers know. */
  knownSplits: number;
}

/** Buffered output rows per sink above which they are written out before the commit. */
const STAGE_ROWS = 200_000;
/** Batches polled ahead of the one being processed (so the decode thread works meanwhile). */
const READ_AHEAD = 2;

function maxPositions(a: Positions, b: Positions | undefined): Positions {
  if (!b) return a;
  const out: Record<string, number> = { ...a };
  for (const [k, v] of Object.entries(b)) if ((out[k] ?? -1) < v) out[k] = v;
  return out;
}

function minPositions(all: readonly (Positions | undefined)[]): Positions | undefined {
  if (all.length === 0 || all.some((p) => p === undefined)) return undefined;
  const out: Record<string, number> = {};
  const keys = new Set(all.flatMap((p) => Object.keys(p!)));
  for (const k of keys) {
    let m = Number.POSITIVE_INFINITY;
    for (const p of all) m = Math.min(m, p![k] ?? 0);
    out[k] = m;
  }
  return out;
}

export class PipelineRun {
  private readonly sources: SourceRun[] = [];
  private readonly clock: () => number;
  private startedAt = 0;
  private lastProgressAt = 0;
  // The event being processed, for attributing late changes (set per event on the hot path).
  private curSource: SourceRun | undefined;
  private curBatch: RecordBatch | undefined;
  private curIndex = 0;
  private decodeThread: DecodeThread | undefined;

  constructor(
    private readonly plans: PlanSet,
    private readonly o: RunOptions,
  ) {
    this.clock = o.clock ?? Date.now;
  }

  /** Open sources and sinks, restore checkpoints, run to the end (or until stopped), commit. */
  async run(): Promise<RunSummary> {
    this.startedAt = this.clock();
    try {
      await this.open();
      await this.loop();
      if (this.sources.every((s) => s.ended)) this.closeAllWindows();
      await this.stageLargeBuffers();
      await this.commit(true);
    } finally {
      await this.decodeThread?.close().catch(() => undefined);
      await Promise.all(this.sources.map((s) => s.reader.close().catch(() => undefined)));
      for (const s of this.sources) for (const c of s.chains) await c.writer.close().catch(() => undefined);
    }
    return this.summary();
  }

  private async open(): Promise<void> {
    const bySource = new Map<string, { def: SourceDef; sinks: PlanSet['sinks'][number][] }>();
    for (const s of this.plans.sinks) {
      const chainSource = sourceScanOf(s.plan).source;
      const entry = bySource.get(chainSource.name) ?? { def: chainSource, sinks: [] };
      entry.sinks.push(s);
      bySource.set(chainSource.name, entry);
    }
    const given = this.o.decodeThread;
    const thread = given instanceof DecodeThread ? given : new DecodeThread(given ?? decodeThreadModeFromEnv());
    this.decodeThread = thread;
    const decodeSpecs: { def: SourceDef; used: number[] }[] = [];
    for (const { def, sinks } of bySource.values()) {
      const metrics = newSourceMetrics();
      const chains: ChainRun[] = [];
      const srcRun: Partial<SourceRun> & { chains: ChainRun[] } = { chains };
      for (const s of sinks) {
        const writer = this.o.openSink(s.sink, s.plan.schema, planFingerprint(s.plan));
        const ctx = this.contextFor(s.sink.name, metrics, () => srcRun as SourceRun);
        const sinkOutput = {
          change: (row: Row, w: number) => writer.write(row, w),
          watermark: () => {},
          int64AsNumber: writer.int64AsNumber === true,
          copiesRows: writer.copiesRows === true,
        };
        const chain = lowerSink(s.plan, sinkOutput, ctx);
        let resume;
        try {
          resume = await writer.open();
        } catch (err) {
          throw err instanceof EngineError ? err : withContext('connector', `while opening sink '${s.sink.name}'`, err);
        }
        if (resume.operators) restoreChain(chain, resume.operators);
        const resumePositions = resume.positions?.[def.name];
        chains.push({
          chain,
          writer,
          intervalMs: s.sink.commitIntervalMs,
          resume: resumePositions,
          lastCommitAt: this.startedAt,
          lastPositions: resumePositions ? JSON.stringify(resumePositions) : '',
          rowsCommitted: 0,
          commits: 0,
          commitMs: 0,
        });
      }
      const used = [...new Set(chains.flatMap((c) => c.chain.usedColumns))].sort((a, b) => a - b);
      const dlWarehouse = sinks.find((s) => s.sink.connector === 'iceberg')?.sink.warehouse;
      // which pipeline reads the source: the tables (or console sinks) it feeds. Pipelines sharing a
      // source name share its dead-letter table, each resuming from its own positions there.
      const readerKey = [...new Set(sinks.map((s) => (s.sink.connector === 'iceberg' ? `${s.sink.namespace}.${s.sink.table}` : `console:${s.sink.name}`)))]
        .sort()
        .join(',');
      const deadLetter = def.onError === 'dead_letter' ? this.o.openDeadLetter(def, dlWarehouse, readerKey) : undefined;
      if (deadLetter) await deadLetter.open();
      const reader = await this.o.openSource(def, this.o.once);
      Object.assign(srcRun, {
        index: this.sources.length,
        def,
        reader,
        used,
        decoder: undefined,
        metrics,
        deadLetter,
        queue: [],
        done: {},
        readerEnded: false,
        ended: false,
        lateBatch: undefined,
        lateIndex: -1,
        knownSplits: 0,
      });
      this.sources.push(srcRun as SourceRun);
      decodeSpecs.push({ def, used });
      // Start at the oldest position any exactly-once sink of this source has committed.
      const exactly = chains.filter((c) => c.writer.target !== 'console');
      const start = minPositions(exactly.map((c) => c.resume));
      try {
        await reader.open(exactly.length > 0 ? start : undefined);
      } catch (err) {
        // a source the user pointed at nothing (no such file) is a configuration error, exit 1
        throw err instanceof EngineError ? err : withContext('connector', `while opening source '${def.name}'`, err);
      }
      (srcRun as SourceRun).done = reader.positions();
      this.registerSplits(srcRun as SourceRun);
    }
    thread.configure(decodeSpecs);
  }

  private contextFor(sink: string, metrics: SourceMetrics, src: () => SourceRun): OperatorContext {
    return {
      late: () => {
        const s = src();
        const b = this.curBatch;
        const i = this.curIndex;
        if (b !== undefined && this.curSource === s) {
          // one event counts (and is dead-lettered) once, however many of its changes and sinks found it late
          if (s.lateBatch === b && s.lateIndex === i) return;
          s.lateBatch = b;
          s.lateIndex = i;
        }
        metrics.late++;
        if (s.deadLetter && b !== undefined && this.curSource === s) {
          s.deadLetter.add(b.split, b.firstIndex + i, {
            reason: 'late',
            message: `change arrived after the watermark closed its window (sink '${sink}')`,
            raw: b.values[i] ?? 'null',
            position: b.where(i),
          });
        }
      },
    };
  }

  private async loop(): Promise<void> {
    const idleSleep = this.o.idleSleepMs ?? 200;
    for (;;) {
      if (this.o.signal?.aborted) return;
      let progressed = false;
      for (const s of this.sources) {
        if (s.ended) continue;
        if (await this.readAhead(s)) progressed = true;
        const head = s.queue.shift();
        if (head !== undefined) {
          const decoded = head.decoded !== null ? await head.decoded : null;
          const batch = decoded !== null ? decoded.batch : head.batch;
          this.processBatch(s, batch, decoded !== null ? decoded.tape : null);
          if (decoded !== null) this.decodeThread?.recycle(decoded.tape);
          if (batch.raw !== undefined) s.reader.recycle?.(batch.raw);
          s.done = head.positionsAfter ?? head.batch.positionsAfter!();
          progressed = true;
        }
        if (s.readerEnded && s.queue.length === 0) s.ended = true;
        // idleness is the reader's view: it applies once every batch read so far is processed
        const idle = s.queue.length === 0 ? s.reader.idleSplits?.() : undefined;
        if (idle !== undefined && idle.length > 0)
          for (const c of s.chains) {
            if (!c.chain.tracker) continue;
            c.chain.tracker.setIdle(idle);
            c.chain.tracker.flushWatermark();
          }
      }
      await this.stageLargeBuffers();
      const now = this.clock();
      this.reportProgress(now, false);
      if (this.sources.every((s) => s.ended)) return;
      await this.commit(false);
      if (!progressed) await sleep(idleSleep, this.o.signal);
    }
  }

  /** Polls until READ_AHEAD batches wait (or the source is idle or ended); true when it read any. */
  private async readAhead(s: SourceRun): Promise<boolean> {
    let read = false;
    while (!s.readerEnded && s.queue.length < READ_AHEAD) {
      let res;
      try {
        res = await s.reader.poll();
      } catch (err) {
        throw err instanceof EngineError ? err : withContext('connector', `while reading source '${s.def.name}'`, err);
      }
      if (res.kind === 'idle') break;
      if (res.kind === 'end') {
        s.readerEnded = true;
        break;
      }
      const batch = res.batch;
      this.registerSplits(s);
      const thread = this.decodeThread;
      const decoded = thread !== undefined && thread.wants(batch) ? thread.decode(s.index, batch) : null;
      decoded?.catch(() => undefined); // awaited in order later; never an unhandled rejection meanwhile
      s.queue.push({ batch, decoded, positionsAfter: batch.positionsAfter !== undefined ? null : s.reader.positions() });
      read = true;
    }
    return read;
  }

  /** Tells the chains' watermark trackers about splits the reader knows (once each). */
  private registerSplits(s: SourceRun): void {
    const splits = s.reader.splits?.();
    if (splits === undefined || splits.length === s.knownSplits) return;
    s.knownSplits = splits.length;
    for (const c of s.chains) c.chain.tracker?.addSplits(splits);
  }

  private processBatch(s: SourceRun, batch: RecordBatch, tape: Uint8Array | null): void {
    const raw = batch.raw;
    const values = raw === undefined ? batch.values : null;
    const count = raw !== undefined ? raw.starts.length : values!.length;
    // each event is done with (normalized, its changes pushed through) before the next is read
    const fromTape = tape !== null ? new TapeReader(tape, true) : null;
    const chains = s.chains;
    const skips = chains.map((c) => c.resume?.[batch.split] ?? 0);
    const dlSkip = s.deadLetter?.resumeIndex(batch.split) ?? 0;
    const decoder = fromTape !== null ? undefined : (s.decoder ??= createDebeziumDecoder(s.def, s.used));
    const m = s.metrics;
    const first = batch.firstIndex;
    this.curSource = s;
    this.curBatch = batch;
    for (const c of chains) c.chain.tracker?.useSplit(batch.split);
    for (let i = 0; i < count; i++) {
      m.events++;
      let res: DecodeResult;
      if (fromTape !== null) res = fromTape.next();
      else {
        const text = raw !== undefined ? rawValueText(raw, i) : values![i];
        if (text === null || text === undefined) {
          m.tombstones++;
          continue;
        }
        res = raw !== undefined && raw.ascii ? decoder!.decode(text, raw.bytes, raw.starts[i]!, raw.ends[i]!) : decoder!.decode(text);
      }
      const idx = first + i;
      if (res.kind === 'tombstone') {
        m.tombstones++;
        continue;
      }
      if (res.kind === 'bad') {
        this.badRecord(s, batch, i, idx >= dlSkip, res.reason, res.message);
        continue;
      }
      this.curIndex = i;
      let reported = false;
      for (let c = 0; c < chains.length; c++) {
        if (idx < skips[c]!) continue;
        const chain = chains[c]!.chain;
        const verdict = chain.normalizer.apply(res);
        if (verdict.kind === 'dead-letter' && !reported) {
          reported = true;
          this.badRecord(s, batch, i, idx >= dlSkip, verdict.reason, verdict.message);
        }
        chain.tracker?.flushWatermark();
      }
    }
    this.curBatch = undefined;
  }

  private badRecord(s: SourceRun, batch: RecordBatch, i: number, record: boolean, reason: string, message: string): void {
    switch (s.def.onError) {
      case 'fail':
        throw new EngineError('exec', `source '${s.def.name}' at ${batch.where(i)}: bad record (${reason}): ${message}`);
      case 'skip':
        s.metrics.skipped++;
        return;
      case 'dead_letter':
        s.metrics.deadLettered++;
        if (record && s.deadLetter)
          s.deadLetter.add(batch.split, batch.firstIndex + i, {
            reason,
            message,
            raw: batch.values[i] ?? 'null',
            position: batch.where(i),
          });
    }
  }

  /** Sinks holding many uncommitted rows write them out ahead of the commit (bounded memory). */
  private async stageLargeBuffers(): Promise<void> {
    for (const s of this.sources)
      for (const c of s.chains) if (c.writer.stage && c.writer.pending() >= STAGE_ROWS) await c.writer.stage(STAGE_ROWS);
  }

  /** End of a bounded run: the watermark becomes +Infinity and every window closes. */
  private closeAllWindows(): void {
    for (const s of this.sources)
      for (const c of s.chains) {
        if (c.chain.tracker) c.chain.tracker.onWatermark(END_OF_TIME);
        else c.chain.normalizer.onWatermark(END_OF_TIME);
      }
  }

  private async commit(final: boolean): Promise<void> {
    const now = this.clock();
    const due: [SourceRun, ChainRun][] = [];
    for (const s of this.sources)
      for (const c of s.chains) if (final || now - c.lastCommitAt >= c.intervalMs) due.push([s, c]);
    if (due.length === 0) return;
    // Dead letters first: a sink commit must never cover an event whose dead letter is not durable.
    for (const s of this.sources) if (s.deadLetter) await s.deadLetter.commit({ [s.def.name]: s.done }, final);
    for (const [s, c] of due) {
      c.lastCommitAt = now;
      const positions = maxPositions(s.done, c.resume);
      const text = JSON.stringify(positions);
      if (c.writer.pending() === 0 && text === c.lastPositions) continue;
      const operators = snapshotChain(c.chain);
      const pending = c.writer.pending();
      const t0 = this.clock();
      const did = await c.writer.commit({ positions: { [s.def.name]: positions }, operators, final });
      c.commitMs += this.clock() - t0;
      if (did) {
        c.commits++;
        c.rowsCommitted += pending;
        c.lastPositions = text;
      }
      await s.reader.committed(positions);
    }
    this.reportProgress(this.clock(), true);
  }

  private reportProgress(now: number, force: boolean): void {
    if (!this.o.onProgress) return;
    const every = this.o.progressIntervalMs ?? 1000;
    if (!force && now - this.lastProgressAt < every) return;
    this.lastProgressAt = now;
    this.o.onProgress(this.progress(now));
  }

  private progress(now: number): Progress {
    let events = 0;
    let late = 0;
    let dead = 0;
    let rows = 0;
    let snaps = 0;
    let wm = Number.POSITIVE_INFINITY;
    let lagMessages: number | undefined;
    let lagBytes: number | undefined;
    for (const s of this.sources) {
      const lag = s.reader.lag?.();
      if (lag?.messages !== undefined) lagMessages = (lagMessages ?? 0) + lag.messages;
      if (lag?.bytes !== undefined) lagBytes = (lagBytes ?? 0) + lag.bytes;
      events += s.metrics.events;
      late += s.metrics.late;
      dead += s.metrics.deadLettered;
      for (const c of s.chains) {
        rows += c.rowsCommitted;
        snaps += c.commits;
        const w = c.chain.tracker?.current;
        if (w !== undefined && w < wm) wm = w;
      }
    }
    return {
      elapsedMs: now - this.startedAt,
      events,
      watermark: wm,
      rowsCommitted: rows,
      snapshots: snaps,
      late,
      deadLettered: dead,
      ...(lagMessages !== undefined ? { lagMessages } : {}),
      ...(lagBytes !== undefined ? { lagBytes } : {}),
    };
  }

  private summary(): RunSummary {
    const now = this.clock();
    for (const s of this.sources)
      for (const c of s.chains) {
        s.metrics.missingBefore += c.chain.normalizer.counters.missing_before;
        s.metrics.truncates = Math.max(s.metrics.truncates, c.chain.normalizer.counters.truncates);
      }
    return {
      elapsedMs: now - this.startedAt,
      sources: this.sources.map((s) => ({ name: s.def.name, metrics: s.metrics })),
      sinks: this.sources.flatMap((s) =>
        s.chains.map((c) => ({
          name: c.chain.sinkName,
          target: c.writer.target,
          rows: c.rowsCommitted,
          commits: c.commits,
          commitMs: c.commitMs,
        })),
      ),
      deadLetterTables: this.sources.flatMap((s) =>
        s.deadLetter ? [{ source: s.def.name, target: s.deadLetter.target, rows: s.deadLetter.rowsWritten }] : [],
      ),
    };
  }
}

function snapshotChain(chain: SinkChain): Record<string, unknown> {
  const out: Record<string, unknown> = { [chain.normalizer.id]: chain.normalizer.snapshot() };
  for (const op of chain.operators) out[op.id] = op.snapshot();
  return out;
}

function restoreChain(chain: SinkChain, state: Readonly<Record<string, unknown>>): void {
  const n = state[chain.normalizer.id];
  if (n !== undefined) chain.normalizer.restore(n);
  for (const op of chain.operators) {
    const s = state[op.id];
    if (s !== undefined) op.restore(s);
  }
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
