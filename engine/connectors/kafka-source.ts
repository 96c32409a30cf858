// Kafka source: reads every partition of one topic through kafka-client.ts with exact per-partition
// positions (split 'topic/p' -> next offset; exactly-once comes from the Iceberg checkpoint, the
// consumer group only mirrors committed positions for lag tools). One fetch is kept in flight while
// batches are handed out; bounded runs stop at the high-water marks taken at open(). Batches carry
// the values as raw bytes (text is built only when asked for). The client runs on a thread of its
// own (kafka-client-thread.ts) when its compiled worker exists, else in this thread.
// Must not decode events (the decoder's job) nor import kafkajs (kafka-client.ts does).
import type { SourceDef } from '../../catalog/model.js';
import { EngineError } from '../core/errors.js';
import { KafkaClient, KafkaOffsetOutOfRangeError, type FetchedPartition, type KafkaClientOptions, type KafkaOps, type KafkaSasl } from './kafka-client.js';
import { KafkaClientThread, kafkaThreadAvailable } from './kafka-client-thread.js';
import { NO_KEYS, type RunKeys } from './kafka-record-batch.js';
import { rawValuesToStrings } from './raw-values.js';
import type { PollResult, Positions, RawValues, RecordBatch, SourceLag, SourceReader } from './source.js';

export interface KafkaSourceOptions {
  /** Stop at the high-water marks taken at open() (--once); else follow the topic. */
  readonly bounded: boolean;
  /** Processing-time clock (ms) for partition idleness. Default Date.now. */
  readonly clock?: () => number;
  /** Most records per batch. Default 4096. */
  readonly maxBatch?: number;
  /** Unbounded mode: longest time poll() waits for a fetch before answering 'idle'. Default 50 (<= 100). */
  readonly pollWaitMs?: number;
  /** How long the cluster may stay unreachable before reads fail. Default 5 minutes. */
  readonly reconnectTimeoutMs?: number;
  /** Unbounded mode: how often new partitions (or a topic that did not exist yet) are looked for. Default 10 s. */
  readonly discoveryIntervalMs?: number;
  /** Non-fatal problems (reconnecting, group-offset commits failing). Default console.warn. */
  readonly onWarning?: (message: string) => void;
  /**
   * Run the Kafka client (sockets, fetch decoding, copying values) on a worker thread of its own.
   * Default: yes when its compiled script exists, unless STREAMFORGE_KAFKA_THREAD is 0/off/never.
   */
  readonly clientThread?: boolean;
}

/** Records of one partition: values as raw bytes (or exact text), keys as ranges of the same run buffer. */
interface Records {
  readonly count: number;
  readonly raw: RawValues | null;
  readonly texts: (string | null)[] | null;
  readonly keys: RunKeys;
}

/**
 * A Kafka batch: values[i] is at offset firstIndex + i of partition `split`; keys[i] is its key.
 * `raw` holds the values as bytes (a decoder thread may take them); `values` and `keys` are text
 * built on first use. Keys share raw's buffer: read them before handing `raw` to another thread.
 */
export class KafkaBatch implements RecordBatch {
  readonly raw: RawValues | undefined;
  private texts: (string | null)[] | null;
  private keyTexts: (string | null)[] | null = null;
  private readonly keyBytes: RunKeys;
  private readonly count: number;

  constructor(
    readonly split: string,
    readonly firstIndex: number,
    records: Records,
  ) {
    this.raw = records.raw ?? undefined;
    this.texts = records.texts;
    this.keyBytes = records.keys;
    this.count = records.count;
  }

  get values(): readonly (string | null)[] {
    return (this.texts ??= this.raw !== undefined ? rawValuesToStrings(this.raw) : []);
  }

  get keys(): readonly (string | null)[] {
    if (this.keyTexts === null) {
      const n = this.count;
      const out = new Array<string | null>(n);
      for (let i = 0; i < n; i++) {
        const k = this.keyBytes.get(i);
        out[i] = k === null ? null : UTF8.decode(k);
      }
      this.keyTexts = out;
    }
    return this.keyTexts;
  }

  where(i: number): string {
    return `${this.split}/${this.firstIndex + i}`;
  }
}

interface Chunk extends Records {
  readonly firstOffset: number;
  /** The partition's position once this chunk is handed out (skipped markers included). */
  readonly after: number;
}

const NO_RECORDS: Records = Object.freeze({ count: 0, raw: null, texts: null, keys: NO_KEYS });
const UTF8 = new TextDecoder('utf-8', { ignoreBOM: true });

/** The first `keep` records of a run (bounded reads stop at the end taken at open()). */
function firstRecords(r: Records, keep: number): Records {
  if (keep >= r.count) return r;
  const cut = (v: RawValues): RawValues => ({ bytes: v.bytes, starts: v.starts.slice(0, keep), ends: v.ends.slice(0, keep), ascii: v.ascii });
  return {
    count: keep,
    raw: r.raw !== null ? cut(r.raw) : null,
    texts: r.texts !== null ? r.texts.slice(0, keep) : null,
    keys: r.keys.head(keep),
  };
}

interface Part {
  readonly partition: number;
  readonly split: string;
  /** Next offset after everything poll() returned. */
  pos: number;
  /** Next offset to fetch (>= pos: chunks in between are queued). */
  fetchAt: number;
  /** Bounded: the readable end at open(); unbounded: Infinity. */
  readonly end: number;
  /** Latest readable end the broker reported. */
  high: number;
  readonly queue: Chunk[];
  /** Clock time of the last record handed out (or when the partition was first seen). */
  lastActive: number;
  lastCommitted: number;
}

type Startup = 'earliest' | 'latest' | 'committed';

const IDLE: PollResult = Object.freeze({ kind: 'idle' });
const END: PollResult = Object.freeze({ kind: 'end' });
const NONE: readonly string[] = Object.freeze([]);
/**
 * max.partition.fetch.bytes default: 4 MiB, not the Java client's 1 MiB. Bigger runs mean fewer
 * messages between threads: measured 14–15 instead of 17–18 CPU-s per 1M events of 3 KB
 * (test/bench/kafka-minio.ts), for ~85 MB more peak RSS. kafka-client.ts caps a whole fetch at 50 MiB.
 */
const DEFAULT_FETCH_BYTES = 4 << 20;
const QUEUED_CHUNKS = 2;

export class KafkaSourceReader implements SourceReader {
  readonly name: string;
  readonly topic: string;
  readonly groupId: string;
  private readonly startup: Startup;
  private readonly client: KafkaOps;
  private readonly clock: () => number;
  private readonly warn: (message: string) => void;
  private readonly fetchBytes: number;
  private readonly fetchWaitMs: number;
  private readonly parts: Part[] = [];
  private readonly byPartition = new Map<number, Part>();
  private rr = 0;
  private opened = false;
  private closed = false;
  private inflight: Promise<void> | null = null;
  private failure: unknown = null;
  private discovering: Promise<void> | null = null;
  private lastDiscovery = 0;
  private pendingCommit: Map<number, number> | null = null;
  private committing: Promise<void> | null = null;
  private commitFailing = false;

  constructor(
    private readonly def: SourceDef,
    private readonly opts: KafkaSourceOptions,
  ) {
    this.name = def.name;
    const o = def.options;
    const topic = o['topic']?.trim();
    if (!topic) throw new EngineError('config', `source '${def.name}' has no 'topic' option`);
    this.topic = topic;
    this.groupId = o['group_id']?.trim() || `streamforge-${def.name}`;
    const startup = o['startup'] ?? 'earliest';
    if (startup !== 'earliest' && startup !== 'latest' && startup !== 'committed')
      throw new EngineError('config', `source '${def.name}': startup must be 'earliest', 'latest' or 'committed', not '${startup}'`);
    this.startup = startup;
    this.clock = opts.clock ?? Date.now;
    this.warn = opts.onWarning ?? ((m) => console.warn(`streamforge: ${m}`));
    const props = kafkaProperties(def);
    this.fetchBytes = props.maxPartitionFetchBytes;
    this.fetchWaitMs = props.fetchMaxWaitMs;
    const clientOptions: KafkaClientOptions = {
      ...props.client,
      reconnectTimeoutMs: opts.reconnectTimeoutMs ?? 300_000,
      onRetry: (what, err) => this.warn(`source '${this.name}': Kafka unavailable while ${what} (${err.message}); retrying`),
    };
    this.client = (opts.clientThread ?? clientThreadFromEnv()) && kafkaThreadAvailable() ? new KafkaClientThread(clientOptions) : new KafkaClient(clientOptions);
  }

  async open(resume: Positions | undefined): Promise<void> {
    await this.client.connect();
    const ids = await this.client.partitionIds(this.topic);
    if (ids.length === 0) {
      if (this.opts.bounded) throw new Error(`source '${this.name}': topic '${this.topic}' does not exist`);
      this.warn(`source '${this.name}': topic '${this.topic}' does not exist yet; waiting for it`);
    }
    const offsets = await this.client.offsets(this.topic, ids);
    const committed =
      this.startup === 'committed' && offsets.some((p) => resume?.[this.splitOf(p.partition)] === undefined)
        ? await this.client.groupOffsets(this.groupId, this.topic, ids)
        : new Map<number, number>();
    for (const { partition, low, high } of offsets) {
      const split = this.splitOf(partition);
      const resumeAt = resume?.[split];
      let start: number;
      if (resumeAt !== undefined) {
        if (resumeAt < low || resumeAt > high) throw this.outOfRange(partition, resumeAt, low, high);
        start = resumeAt;
      } else if (this.startup === 'latest') {
        start = high;
      } else {
        const c = this.startup === 'committed' ? committed.get(partition) : undefined;
        start = c !== undefined && c >= low && c <= high ? c : low;
      }
      this.addPart(partition, start, this.opts.bounded ? high : Infinity, high);
    }
    this.lastDiscovery = this.clock();
    this.opened = true;
  }

  private splitOf(partition: number): string {
    return `${this.topic}/${partition}`;
  }

  private addPart(partition: number, start: number, end: number, high: number): void {
    const part: Part = {
      partition,
      split: this.splitOf(partition),
      pos: Math.min(start, end),
      fetchAt: Math.min(start, end),
      end,
      high,
      queue: [],
      lastActive: this.clock(),
      lastCommitted: -1,
    };
    this.parts.push(part);
    this.byPartition.set(partition, part);
  }

  private outOfRange(partition: number, offset: number, low: number, high: number): Error {
    const why =
      offset < low
        ? `records from ${offset} to ${low - 1} were deleted (retention) before this pipeline committed them`
        : `the partition ends at ${high} (was the topic recreated?)`;
    return new Error(`source '${this.name}': cannot resume '${this.splitOf(partition)}' at offset ${offset}: ${why}`);
  }

  async poll(): Promise<PollResult> {
    if (!this.opened) throw new Error(`source '${this.name}': poll() before open()`);
    if (!this.opts.bounded) this.discover();
    for (let round = 0; ; round++) {
      this.throwIfFailed();
      const batch = this.take();
      if (batch !== null) {
        this.startFetch();
        return { kind: 'batch', batch };
      }
      if (this.opts.bounded && this.parts.every((p) => p.pos >= p.end)) return END;
      this.startFetch();
      const inflight = this.inflight;
      if (inflight === null) {
        if (this.opts.bounded) throw new EngineError('internal', `source '${this.name}': bounded read stalled with nothing to fetch`);
        return IDLE;
      }
      if (this.opts.bounded) {
        await inflight;
      } else {
        if (round > 0) return IDLE;
        await Promise.race([inflight, delay(Math.min(this.opts.pollWaitMs ?? 50, 100))]);
      }
    }
  }

  private throwIfFailed(): void {
    const e = this.failure;
    if (e === null) return;
    if (e instanceof KafkaOffsetOutOfRangeError) {
      throw new Error(`source '${this.name}': offset ${e.offset} of '${this.splitOf(e.partition)}' is no longer in Kafka (deleted by retention, or the topic was recreated)`, { cause: e });
    }
    throw e;
  }

  /** The next queued chunk, round-robin over partitions; empty chunks only advance positions. */
  private take(): KafkaBatch | null {
    const parts = this.parts;
    const n = parts.length;
    for (let k = 0; k < n; k++) {
      const i = (this.rr + k) % n;
      const p = parts[i]!;
      for (let c = p.queue.shift(); c !== undefined; c = p.queue.shift()) {
        p.pos = c.after;
        if (c.count === 0) continue;
        this.rr = (i + 1) % n;
        p.lastActive = this.clock();
        return new KafkaBatch(p.split, c.firstOffset, c);
      }
    }
    return null;
  }

  /** Starts a fetch for every partition with room in its queue, unless one is in flight. */
  private startFetch(): void {
    if (this.inflight !== null || this.failure !== null || this.closed) return;
    const wants: { partition: number; offset: number }[] = [];
    for (const p of this.parts) if (p.fetchAt < p.end && p.queue.length < QUEUED_CHUNKS) wants.push({ partition: p.partition, offset: p.fetchAt });
    if (wants.length === 0) return;
    const requested = new Map(wants.map((w) => [w.partition, w.offset]));
    this.inflight = this.client
      .fetch(this.topic, wants, {
        maxWaitMs: this.opts.bounded ? 100 : this.fetchWaitMs,
        maxBytesPerPartition: this.fetchBytes,
        maxRecordsPerRun: this.opts.maxBatch ?? 4096,
      })
      .then(
        (res) => this.accept(res, requested),
        (e: unknown) => {
          if (!this.closed) this.failure = e;
        },
      )
      .then(() => {
        this.inflight = null;
      });
  }

  /** Queues fetched runs (cut at the bounded end) and advances each partition's fetch offset. */
  private accept(res: readonly FetchedPartition[], requested: ReadonlyMap<number, number>): void {
    if (this.closed) return;
    for (const fp of res) {
      const p = this.byPartition.get(fp.partition);
      if (p === undefined || requested.get(fp.partition) !== p.fetchAt) continue;
      if (fp.high > p.high) p.high = fp.high;
      let after = p.fetchAt;
      for (const run of fp.runs) {
        if (run.firstOffset >= p.end) break;
        const records = firstRecords(run, p.end - run.firstOffset);
        after = run.firstOffset + records.count;
        p.queue.push({ ...records, firstOffset: run.firstOffset, after });
      }
      const next = Math.min(Math.max(fp.nextOffset, after), p.end);
      if (next > after) p.queue.push({ ...NO_RECORDS, firstOffset: next, after: next });
      p.fetchAt = next;
    }
  }

  /** Unbounded mode: looks for partitions added to the topic (or the topic itself) now and then. */
  private discover(): void {
    const every = this.opts.discoveryIntervalMs ?? 10_000;
    const now = this.clock();
    if (this.discovering !== null || this.closed || now - this.lastDiscovery < every) return;
    this.lastDiscovery = now;
    this.discovering = (async () => {
      await this.client.refreshMetadata();
      const fresh = (await this.client.partitionIds(this.topic)).filter((id) => !this.byPartition.has(id));
      if (fresh.length === 0 || this.closed) return;
      // everything in a partition that appeared after open() is new: read it from its start
      for (const o of await this.client.offsets(this.topic, fresh)) if (!this.byPartition.has(o.partition)) this.addPart(o.partition, o.low, Infinity, o.high);
    })()
      .catch((e: unknown) => {
        if (!this.closed) this.warn(`source '${this.name}': partition discovery failed: ${(e as Error).message}`);
      })
      .then(() => {
        this.discovering = null;
      });
  }

  /** Every split this reader reads ('topic/partition'), in discovery order. */
  splits(): readonly string[] {
    return this.parts.map((p) => p.split);
  }

  /**
   * Splits that must not hold the watermark back. Bounded: partitions read to their end. Unbounded:
   * partitions caught up with the broker that returned no record for def.idleTimeoutMs (<= 0:
   * never). When every split is listed, the whole source is idle.
   */
  idleSplits(): readonly string[] {
    let out: string[] | null = null;
    const timeout = this.def.idleTimeoutMs;
    const now = this.opts.bounded || timeout <= 0 ? 0 : this.clock();
    for (const p of this.parts) {
      const idle = this.opts.bounded
        ? p.pos >= p.end && p.queue.length === 0
        : timeout > 0 && p.queue.length === 0 && p.pos >= p.high && now - p.lastActive >= timeout;
      if (idle) (out ??= []).push(p.split);
    }
    return out ?? NONE;
  }

  /** The runtime is done with these values: their buffer goes back to the client's pool. */
  recycle(raw: RawValues): void {
    const ab = raw.bytes.buffer;
    if (ab instanceof ArrayBuffer) this.client.recycle([ab]);
  }

  /** Messages behind the latest high-water marks the broker reported, over all partitions. */
  lag(): SourceLag {
    let messages = 0;
    for (const p of this.parts) if (p.high > p.pos) messages += p.high - p.pos;
    return { messages };
  }

  positions(): Positions {
    const out: Record<string, number> = {};
    for (const p of this.parts) out[p.split] = p.pos;
    return out;
  }

  /** Mirrors committed positions into the consumer group in the background (coalescing). */
  async committed(positions: Positions): Promise<void> {
    for (const p of this.parts) {
      const off = positions[p.split];
      if (off === undefined || off === p.lastCommitted) continue;
      (this.pendingCommit ??= new Map()).set(p.partition, off);
    }
    if (this.pendingCommit !== null && this.committing === null && !this.closed) this.committing = this.flushCommits();
  }

  private async flushCommits(): Promise<void> {
    while (this.pendingCommit !== null) {
      const batch = this.pendingCommit;
      this.pendingCommit = null;
      try {
        await this.client.commitGroupOffsets(this.groupId, this.topic, batch);
        for (const [partition, off] of batch) {
          const p = this.byPartition.get(partition);
          if (p) p.lastCommitted = off;
        }
        this.commitFailing = false;
      } catch (e) {
        if (this.closed) break;
        if (!this.commitFailing) this.warn(`source '${this.name}': could not commit offsets of group '${this.groupId}' (lag tools will lag): ${(e as Error).message}`);
        this.commitFailing = true;
      }
    }
    this.committing = null;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    // let the last group-offset commit land, but never hang on an unreachable cluster
    const committing = this.committing;
    if (committing !== null) await Promise.race([committing, delay(10_000)]);
    this.closed = true;
    await this.client.disconnect().catch(() => undefined);
    await Promise.all([this.inflight, this.discovering, this.committing]);
  }
}

function clientThreadFromEnv(env: NodeJS.ProcessEnv = process.env): boolean {
  const v = (env['STREAMFORGE_KAFKA_THREAD'] ?? '').toLowerCase();
  return !(v === '0' || v === 'off' || v === 'never' || v === 'false');
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}

interface KafkaProperties {
  readonly client: Omit<KafkaClientOptions, 'reconnectTimeoutMs' | 'onRetry'>;
  readonly maxPartitionFetchBytes: number;
  readonly fetchMaxWaitMs: number;
}

/**
 * bootstrap_servers and the `properties.<kafka setting>` options. The binder judged their names
 * and values (sql/binder/kafka-options.ts, so `check` reports them); what still does not parse
 * here is a configuration error too.
 */
function kafkaProperties(def: SourceDef): KafkaProperties {
  const bad = (msg: string) => new EngineError('config', `source '${def.name}': ${msg}`);
  const props = new Map<string, string>();
  for (const [k, v] of Object.entries(def.options)) if (k.startsWith('properties.')) props.set(k.slice('properties.'.length), v.trim());
  const int = (name: string, dflt: number, min: number): number => {
    const v = props.get(name);
    if (v === undefined) return dflt;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw bad(`properties.${name} must be an integer >= ${min}, not '${v}'`);
    return n;
  };
  const brokers = (def.options['bootstrap_servers'] ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (brokers.length === 0) throw bad(`has no 'bootstrap_servers' option`);
  const protocol = (props.get('security.protocol') ?? 'PLAINTEXT').toUpperCase();
  if (!['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'].includes(protocol)) throw bad(`unknown properties.security.protocol '${protocol}'`);
  let sasl: KafkaSasl | undefined;
  if (protocol.startsWith('SASL_')) {
    const mechanism = (props.get('sasl.mechanism') ?? 'PLAIN').toLowerCase();
    if (mechanism !== 'plain' && mechanism !== 'scram-sha-256' && mechanism !== 'scram-sha-512') throw bad(`unsupported properties.sasl.mechanism '${mechanism}'`);
    const jaas = props.get('sasl.jaas.config') ?? '';
    const username = props.get('sasl.username') ?? /username\s*=\s*"([^"]*)"/.exec(jaas)?.[1];
    const password = props.get('sasl.password') ?? /password\s*=\s*"([^"]*)"/.exec(jaas)?.[1];
    if (username === undefined || password === undefined) throw bad(`SASL needs properties.sasl.username and properties.sasl.password (or properties.sasl.jaas.config)`);
    sasl = { mechanism, username, password };
  }
  const isolation = (props.get('isolation.level') ?? 'read_committed').toLowerCase();
  if (isolation !== 'read_committed' && isolation !== 'read_uncommitted') throw bad(`unknown properties.isolation.level '${isolation}'`);
  return {
    client: {
      brokers,
      clientId: props.get('client.id') || 'streamforge',
      ssl: protocol === 'SSL' || protocol === 'SASL_SSL',
      ...(sasl ? { sasl } : {}),
      readCommitted: isolation === 'read_committed',
      connectionTimeoutMs: int('socket.connection.setup.timeout.ms', 10_000, 1),
      requestTimeoutMs: int('request.timeout.ms', 30_000, 1),
    },
    maxPartitionFetchBytes: int('max.partition.fetch.bytes', DEFAULT_FETCH_BYTES, 1024),
    fetchMaxWaitMs: int('fetch.max.wait.ms', 500, 0),
  };
}
