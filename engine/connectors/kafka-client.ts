// The only file that imports kafkajs: a thin adapter that lists a topic's partitions and offsets,
// fetches records of chosen partitions at chosen offsets (no consumer-group membership, so offsets
// are exactly what the caller asks for), and reads/commits a group's offsets standalone-style.
// Retries through broker restarts for up to reconnectTimeoutMs. Fetched values come back as raw
// bytes (one buffer per run), never decoded to strings here. Must not keep reader state
// (positions, buffers, idleness): that is kafka-source.ts's job.
import { Buffer, isAscii } from 'node:buffer';
import { Kafka, logLevel, type Broker, type Cluster, type SASLOptions } from 'kafkajs';
import type { RawValues } from './source.js';

export interface KafkaSasl {
  readonly mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512';
  readonly username: string;
  readonly password: string;
}

export interface KafkaClientOptions {
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly ssl: boolean;
  readonly sasl?: KafkaSasl;
  /** read_committed (skip aborted transactions, read up to the last stable offset) or read_uncommitted. */
  readonly readCommitted: boolean;
  readonly connectionTimeoutMs: number;
  readonly requestTimeoutMs: number;
  /** How long the cluster may stay unreachable before an operation gives up. */
  readonly reconnectTimeoutMs: number;
  /** Called once per failing streak when an operation starts retrying. */
  readonly onRetry?: (what: string, err: Error) => void;
}

export interface PartitionOffsets {
  readonly partition: number;
  /** Earliest offset still in the log. */
  readonly low: number;
  /** Offset after the last readable record (the last stable offset under read_committed). */
  readonly high: number;
}

export interface FetchWant {
  readonly partition: number;
  readonly offset: number;
}

export interface FetchOptions {
  /** How long the broker may hold the request waiting for data. */
  readonly maxWaitMs: number;
  readonly maxBytesPerPartition: number;
  /** Longest run returned; longer contiguous stretches are split. */
  readonly maxRecordsPerRun: number;
}

/**
 * Contiguous data records: record i is at offset firstOffset + i. Values are copied into one
 * buffer per run (RawValues: an empty value is a tombstone), so that they can be handed to a
 * decoder thread without building a string per record.
 */
export interface FetchedRun {
  readonly firstOffset: number;
  readonly count: number;
  /** The values; null when some value is empty but not null (then `texts` holds them exactly). */
  readonly raw: RawValues | null;
  /** UTF-8 text of each value (null for tombstones), only when `raw` is null. */
  readonly texts: (string | null)[] | null;
  /** The keys as fetched (views into the response; text is built only when asked for). */
  readonly keys: readonly (Buffer | null)[];
}

export interface FetchedPartition {
  readonly partition: number;
  /** Data records in offset order; a new run starts wherever offsets are not contiguous. */
  readonly runs: FetchedRun[];
  /** Offset after the last record seen (data, control marker or aborted); the requested offset when none. */
  readonly nextOffset: number;
  /** The broker's readable end of the partition at fetch time (see PartitionOffsets.high). */
  readonly high: number;
}

/** The requested offset is not in the log any more (retention) or not yet (topic recreated). */
export class KafkaOffsetOutOfRangeError extends Error {
  constructor(
    readonly topic: string,
    readonly partition: number,
    readonly offset: number,
  ) {
    super(`offset ${offset} of '${topic}/${partition}' is out of range (deleted by retention, or the topic was recreated)`);
    this.name = 'KafkaOffsetOutOfRangeError';
  }
}

/** Shapes of kafkajs internals this file relies on (Broker.fetch is typed `any` by kafkajs). */
export interface RawRecord {
  readonly offset: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly isControlRecord?: boolean;
  readonly batchContext?: { readonly producerId: string; readonly inTransaction: boolean };
}
export interface RawPartition {
  readonly partition: number;
  readonly highWatermark: string;
  readonly lastStableOffset?: string;
  readonly abortedTransactions?: readonly { readonly producerId: string; readonly firstOffset: string }[];
  readonly messages: readonly RawRecord[];
}
interface RawFetchResponse {
  readonly responses: readonly { readonly topicName: string; readonly partitions: readonly RawPartition[] }[];
}
type CreateCluster = (o: { metadataMaxAge: number; allowAutoTopicCreation: boolean; maxInFlightRequests: null; isolationLevel: number }) => Cluster;

const READ_UNCOMMITTED = 0;
const READ_COMMITTED = 1;
const CONNECTION_ERRORS = new Set([
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSBrokerNotFound',
  'KafkaJSLockTimeout',
  'KafkaJSMetadataNotLoaded',
  'KafkaJSTopicMetadataNotLoaded',
  'KafkaJSGroupCoordinatorNotFound',
]);

function errorType(e: unknown): string | undefined {
  return (e as { type?: string } | null)?.type;
}

/** Worth retrying after a metadata refresh: connection trouble and retriable broker errors. */
function retriable(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  if (e.name === 'KafkaJSNumberOfRetriesExceeded') return retriable((e as { cause?: unknown }).cause);
  if (e.name === 'KafkaJSOffsetOutOfRange') return false;
  return CONNECTION_ERRORS.has(e.name) || (e as { retriable?: boolean }).retriable === true;
}

function timedOut(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  if (e.name === 'KafkaJSNumberOfRetriesExceeded') return timedOut((e as { cause?: unknown }).cause);
  return e.name === 'KafkaJSRequestTimeoutError';
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class KafkaClient {
  private readonly cluster: Cluster;
  private readonly running = new Set<Promise<unknown>>();
  private closed = false;

  constructor(private readonly o: KafkaClientOptions) {
    const sasl: SASLOptions | undefined = o.sasl ? { mechanism: o.sasl.mechanism, username: o.sasl.username, password: o.sasl.password } as SASLOptions : undefined;
    const kafka = new Kafka({
      clientId: o.clientId,
      brokers: [...o.brokers],
      ssl: o.ssl,
      sasl,
      connectionTimeout: o.connectionTimeoutMs,
      requestTimeout: o.requestTimeoutMs,
      logLevel: logLevel.NOTHING,
      // short inner retries: the loop in retrying() owns reconnection and its deadline
      retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 1000 },
    });
    // kafkajs has no public assign()/fetch API; its Cluster (metadata, brokers, fetch) is reached
    // through the factory every consumer and admin client uses (kafkajs 2.x).
    const key = Object.getOwnPropertySymbols(kafka).find((s) => s.description === 'private:Kafka:createCluster');
    const create = key === undefined ? undefined : ((kafka as unknown as Record<symbol, unknown>)[key] as CreateCluster | undefined);
    if (typeof create !== 'function') throw new Error('unsupported kafkajs version: expected kafkajs 2.x');
    this.cluster = create({
      metadataMaxAge: 300_000,
      allowAutoTopicCreation: false,
      maxInFlightRequests: null,
      isolationLevel: o.readCommitted ? READ_COMMITTED : READ_UNCOMMITTED,
    });
  }

  /** Connects, retrying for at most a minute (or reconnectTimeoutMs when shorter). */
  connect(): Promise<void> {
    return this.retrying('connecting', () => this.cluster.connect(), Math.min(60_000, this.o.reconnectTimeoutMs));
  }

  /** Partition ids of `topic`, ascending; [] when the topic does not exist. */
  partitionIds(topic: string): Promise<number[]> {
    return this.retrying(`reading the metadata of '${topic}'`, async () => {
      try {
        await this.cluster.addTargetTopic(topic);
        await this.cluster.refreshMetadataIfNecessary();
      } catch (e) {
        if (errorType(e) === 'UNKNOWN_TOPIC_OR_PARTITION') return [];
        throw e;
      }
      return this.cluster
        .findTopicPartitionMetadata(topic)
        .map((p) => p.partitionId)
        .sort((a, b) => a - b);
    });
  }

  /** Re-reads the cluster metadata (partition discovery, leader changes). */
  refreshMetadata(): Promise<void> {
    return this.retrying('refreshing metadata', () => this.cluster.refreshMetadata());
  }

  /** Earliest and latest readable offsets of the given partitions. */
  offsets(topic: string, partitions: readonly number[]): Promise<PartitionOffsets[]> {
    if (partitions.length === 0) return Promise.resolve([]);
    return this.retrying(`listing the offsets of '${topic}'`, async () => {
      await this.cluster.addTargetTopic(topic);
      const ps = partitions.map((partition) => ({ partition }));
      const [low, high] = await Promise.all([
        this.cluster.fetchTopicsOffset([{ topic, partitions: ps, fromBeginning: true }]),
        this.cluster.fetchTopicsOffset([{ topic, partitions: ps, fromBeginning: false }]),
      ]);
      const lows = new Map((low[0]?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
      const highs = new Map((high[0]?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
      return partitions.map((partition) => {
        const l = lows.get(partition);
        const h = highs.get(partition);
        if (l === undefined || h === undefined) throw new Error(`no offsets for '${topic}/${partition}'`);
        return { partition, low: l, high: h };
      });
    });
  }

  /** The group's committed offsets for `topic` (partitions without a commit are absent). */
  groupOffsets(groupId: string, topic: string, partitions: readonly number[]): Promise<Map<number, number>> {
    return this.retrying(`reading the offsets of group '${groupId}'`, async () => {
      const coordinator = await this.cluster.findGroupCoordinator({ groupId });
      const res = await coordinator.offsetFetch({ groupId, topics: [{ topic, partitions: partitions.map((partition) => ({ partition, offset: '-1' })) }] });
      const out = new Map<number, number>();
      for (const t of res.responses) {
        if (t.topic !== topic) continue;
        for (const p of t.partitions) {
          const off = Number(p.offset);
          if (off >= 0) out.set(p.partition, off);
        }
      }
      return out;
    });
  }

  /**
   * Commits `offsets` (partition -> next offset) for the group without joining it (generation -1),
   * as Kafka's assign()-mode consumers do. Fails if the group has active members.
   */
  commitGroupOffsets(groupId: string, topic: string, offsets: ReadonlyMap<number, number>): Promise<void> {
    const partitions = [...offsets].map(([partition, offset]) => ({ partition, offset: String(offset) }));
    if (partitions.length === 0) return Promise.resolve();
    return this.retrying(`committing the offsets of group '${groupId}'`, async () => {
      const coordinator = await this.cluster.findGroupCoordinator({ groupId });
      await coordinator.offsetCommit({ groupId, groupGenerationId: -1, memberId: '', topics: [{ topic, partitions }] });
    });
  }

  /** One fetch round: at most one request per leader broker, all sent at once. */
  fetch(topic: string, wants: readonly FetchWant[], o: FetchOptions): Promise<FetchedPartition[]> {
    if (wants.length === 0) return Promise.resolve([]);
    return this.retrying(`fetching from '${topic}'`, async () => {
      await this.cluster.refreshMetadataIfNecessary();
      const byLeader = new Map<number, FetchWant[]>();
      const meta = this.cluster.findTopicPartitionMetadata(topic);
      for (const w of wants) {
        const leader = meta.find((m) => m.partitionId === w.partition)?.leader;
        if (leader === undefined || leader < 0) throw Object.assign(new Error(`no leader for '${topic}/${w.partition}'`), { retriable: true });
        let list = byLeader.get(leader);
        if (!list) byLeader.set(leader, (list = []));
        list.push(w);
      }
      const rounds = await Promise.all([...byLeader].map(([nodeId, ws]) => this.fetchFrom(nodeId, topic, ws, o)));
      return rounds.length === 1 ? rounds[0]! : rounds.flat();
    });
  }

  private async fetchFrom(nodeId: number, topic: string, wants: readonly FetchWant[], o: FetchOptions): Promise<FetchedPartition[]> {
    const broker: Broker = await this.cluster.findBroker({ nodeId: String(nodeId) });
    let res: RawFetchResponse;
    try {
      res = (await broker.fetch({
        replicaId: -1,
        isolationLevel: this.o.readCommitted ? READ_COMMITTED : READ_UNCOMMITTED,
        maxWaitTime: o.maxWaitMs,
        minBytes: 1,
        maxBytes: o.maxBytesPerPartition * wants.length,
        topics: [{ topic, partitions: wants.map((w) => ({ partition: w.partition, fetchOffset: String(w.offset), maxBytes: o.maxBytesPerPartition })) }],
      })) as RawFetchResponse;
    } catch (e) {
      if (e instanceof Error && e.name === 'KafkaJSOffsetOutOfRange') {
        const partition = (e as { partition?: number }).partition ?? -1;
        throw new KafkaOffsetOutOfRangeError(topic, partition, wants.find((w) => w.partition === partition)?.offset ?? -1);
      }
      throw e;
    }
    const out: FetchedPartition[] = [];
    for (const t of res.responses) {
      if (t.topicName !== topic) continue;
      for (const p of t.partitions) {
        const want = wants.find((w) => w.partition === p.partition);
        if (want) out.push(toRuns(p, want.offset, o.maxRecordsPerRun, this.o.readCommitted));
      }
    }
    return out;
  }

  /** Runs `op`, retrying retriable failures (after a metadata refresh) for up to `deadlineMs`. */
  private retrying<T>(what: string, op: () => Promise<T>, deadlineMs = this.o.reconnectTimeoutMs): Promise<T> {
    const run = this.retryLoop(what, op, deadlineMs);
    this.running.add(run);
    const done = () => this.running.delete(run);
    run.then(done, done);
    return run;
  }

  private async retryLoop<T>(what: string, op: () => Promise<T>, deadlineMs: number): Promise<T> {
    let failingSince = -1;
    let backoff = 100;
    for (;;) {
      if (this.closed) throw new Error(`kafka client closed while ${what}`);
      try {
        return await op();
      } catch (e) {
        if (this.closed || !retriable(e)) throw e;
        const now = Date.now();
        if (failingSince < 0) {
          failingSince = now;
          this.o.onRetry?.(what, e as Error);
        } else if (now - failingSince >= deadlineMs) {
          throw new Error(`gave up ${what} after ${Math.round((now - failingSince) / 1000)} s: ${(e as Error).message}`, { cause: e });
        }
        await sleep(backoff);
        backoff = Math.min(backoff * 2, 2000);
        // A request that timed out may sit on a connection a restarted broker no longer answers:
        // drop every connection so the next attempt connects afresh.
        if (!this.closed && timedOut(e)) {
          await this.cluster.disconnect().catch(() => undefined);
          if (!this.closed) await this.cluster.connect().catch(() => undefined);
        }
        if (!this.closed) await this.cluster.refreshMetadata().catch(() => undefined);
      }
    }
  }

  /** Stops every operation (they reject) and closes all connections. */
  async disconnect(): Promise<void> {
    this.closed = true;
    await this.cluster.disconnect();
    await Promise.allSettled([...this.running]);
    await this.cluster.disconnect(); // whatever a stopping operation reconnected
  }
}

/** Bytes between two values that are copied along rather than starting a new segment (record headers and keys). */
const MAX_GAP = 16 * 1024;

/**
 * The values copied into one buffer of their own (transferable; null and empty read back as
 * empty). Values fetched together sit in one response buffer, in order, a record header and key
 * apart: each such stretch is copied with one memcpy, gaps included, and starts/ends skip the gaps.
 */
function packValues(parts: readonly (Buffer | null)[]): RawValues {
  const n = parts.length;
  let total = 0;
  let segBuf: ArrayBufferLike | null = null;
  let segStart = 0;
  let segEnd = 0;
  for (let i = 0; i < n; i++) {
    const b = parts[i];
    if (b == null || b.length === 0) continue;
    if (b.buffer === segBuf && b.byteOffset >= segEnd && b.byteOffset - segEnd <= MAX_GAP) {
      segEnd = b.byteOffset + b.length;
    } else {
      total += segEnd - segStart;
      segBuf = b.buffer;
      segStart = b.byteOffset;
      segEnd = segStart + b.length;
    }
  }
  total += segEnd - segStart;
  const bytes = Buffer.allocUnsafeSlow(total);
  const starts = new Uint32Array(n);
  const ends = new Uint32Array(n);
  let ascii = true;
  let pos = 0; // where the current segment's first byte went
  segBuf = null;
  segStart = 0;
  segEnd = 0;
  const flush = (): void => {
    if (segBuf !== null) bytes.set(new Uint8Array(segBuf, segStart, segEnd - segStart), pos);
    pos += segEnd - segStart;
  };
  for (let i = 0; i < n; i++) {
    const b = parts[i];
    if (b == null || b.length === 0) {
      const at = pos + (segEnd - segStart);
      starts[i] = at;
      ends[i] = at;
      continue;
    }
    if (!(b.buffer === segBuf && b.byteOffset >= segEnd && b.byteOffset - segEnd <= MAX_GAP)) {
      flush();
      segBuf = b.buffer;
      segStart = b.byteOffset;
    }
    segEnd = b.byteOffset + b.length;
    starts[i] = pos + (b.byteOffset - segStart);
    ends[i] = starts[i]! + b.length;
    if (ascii && !isAscii(b)) ascii = false;
  }
  flush();
  return { bytes, starts, ends, ascii };
}

/** A run of records: values as raw bytes (or exact text when an empty non-null value forbids that); keys as fetched. */
function makeRun(firstOffset: number, values: (Buffer | null)[], keys: (Buffer | null)[]): FetchedRun {
  let exact = true;
  for (let i = 0; i < values.length; i++) if (values[i]?.length === 0) exact = false;
  return {
    firstOffset,
    count: values.length,
    raw: exact ? packValues(values) : null,
    texts: exact ? null : values.map((v) => (v === null ? null : v.toString('utf8'))),
    keys,
  };
}

/**
 * Turns one partition's fetched records into contiguous runs of data records: drops records
 * before the requested offset (a fetch returns whole record batches), control markers and, under
 * read_committed, records of aborted transactions. Exported for tests.
 */
export function toRuns(p: RawPartition, fetchOffset: number, maxRun: number, readCommitted: boolean): FetchedPartition {
  const runs: FetchedRun[] = [];
  const msgs = p.messages;
  const aborted = readCommitted ? p.abortedTransactions ?? [] : [];
  let ai = 0;
  let abortedProducers: Set<string> | null = null;
  let runFirst = -1;
  let runValues: (Buffer | null)[] = [];
  let runKeys: (Buffer | null)[] = [];
  let runNext = -1;
  let next = fetchOffset;
  for (let i = 0; i < msgs.length; i++) {
    const m = msgs[i]!;
    const off = Number(m.offset);
    if (off < fetchOffset) continue;
    next = off + 1;
    while (ai < aborted.length && off >= Number(aborted[ai]!.firstOffset)) (abortedProducers ??= new Set()).add(aborted[ai++]!.producerId);
    if (m.isControlRecord === true) {
      // control key: int16 version, int16 type (0 = abort, 1 = commit)
      if (abortedProducers !== null && m.key !== null && m.key.length >= 4 && m.key.readInt16BE(2) === 0)
        abortedProducers.delete(m.batchContext?.producerId ?? '');
      continue;
    }
    if (abortedProducers !== null && m.batchContext?.inTransaction === true && abortedProducers.has(m.batchContext.producerId)) continue;
    if (runFirst < 0 || off !== runNext || runValues.length >= maxRun) {
      if (runFirst >= 0) runs.push(makeRun(runFirst, runValues, runKeys));
      runFirst = off;
      runValues = [];
      runKeys = [];
    }
    runValues.push(m.value);
    runKeys.push(m.key);
    runNext = off + 1;
  }
  if (runFirst >= 0) runs.push(makeRun(runFirst, runValues, runKeys));
  const high = Number(readCommitted && p.lastStableOffset !== undefined && Number(p.lastStableOffset) >= 0 ? p.lastStableOffset : p.highWatermark);
  return { partition: p.partition, runs, nextOffset: next, high };
}
