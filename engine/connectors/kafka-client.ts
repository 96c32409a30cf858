// The only file that imports kafkajs: a thin adapter that lists a topic's partitions and offsets,
// fetches records of chosen partitions at chosen offsets (no consumer-group membership, so offsets
// are exactly what the caller asks for), and reads/commits a group's offsets standalone-style.
// Retries through broker restarts for up to reconnectTimeoutMs. Fetch requests go through kafkajs's
// connections but their responses are decoded by kafka-record-batch.ts (values as raw bytes, one
// buffer per run, no object per record). Must not keep reader state (positions, buffers,
// idleness): that is kafka-source.ts's job.
import { Buffer } from 'node:buffer';
import { createRequire } from 'node:module';
import { Kafka, logLevel, type Broker, type Cluster, type SASLOptions } from 'kafkajs';
import { parseFetchResponse, type FetchResponseFrame } from './kafka-fetch-response.js';
import { RunBufferPool, decodeRecordSet, type FetchedRun, type LegacyRecord } from './kafka-record-batch.js';

export type { FetchedRun } from './kafka-record-batch.js';

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

export interface FetchedPartition {
  readonly partition: number;
  /** Data records in offset order; a new run starts wherever offsets are not contiguous. */
  readonly runs: FetchedRun[];
  /**
   * Offset after the last record seen (data, control marker or aborted) or after the last whole
   * record batch read, whichever is further (an emptied, compacted batch still moves it on); the
   * requested offset when none.
   */
  readonly nextOffset: number;
  /** The broker's readable end of the partition at fetch time (see PartitionOffsets.high). */
  readonly high: number;
}

/** What a Kafka source needs of a client: KafkaClient in this thread, or KafkaClientThread in a worker. */
export interface KafkaOps {
  connect(): Promise<void>;
  partitionIds(topic: string): Promise<number[]>;
  refreshMetadata(): Promise<void>;
  offsets(topic: string, partitions: readonly number[]): Promise<PartitionOffsets[]>;
  groupOffsets(groupId: string, topic: string, partitions: readonly number[]): Promise<Map<number, number>>;
  commitGroupOffsets(groupId: string, topic: string, offsets: ReadonlyMap<number, number>): Promise<void>;
  fetch(topic: string, wants: readonly FetchWant[], o: FetchOptions): Promise<FetchedPartition[]>;
  /** Value buffers of fetched runs the caller is done with (FetchedRun.raw.bytes.buffer): reused for later runs. */
  recycle(buffers: readonly ArrayBuffer[]): void;
  disconnect(): Promise<void>;
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

/** Shapes of kafkajs 2.x internals this file relies on (none of them is typed by kafkajs). */
interface ProtocolRequest {
  readonly request: { readonly apiVersion: number };
  readonly requestTimeout?: number;
}
type FetchRequestFactory = (args: {
  replicaId: number;
  isolationLevel: number;
  maxWaitTime: number;
  minBytes: number;
  maxBytes: number;
  topics: { topic: string; partitions: { partition: number; fetchOffset: string; maxBytes: number }[] }[];
  rackId: string;
}) => ProtocolRequest;
interface InternalBroker {
  lookupRequest(apiKey: number, definitions: unknown): FetchRequestFactory;
}
type SendRequest = (this: InternalBroker, r: ProtocolRequest & { response: { decode(payload: Buffer): Promise<unknown>; parse(data: unknown): Promise<unknown> } }) => Promise<unknown>;
interface KafkajsInternals {
  readonly fetchDefinitions: unknown;
  readonly createErrorFromCode: (code: number) => Error;
  readonly decodeMessageSet: (decoder: unknown, size: number) => Promise<readonly { offset: string; key: Buffer | null; value: Buffer | null }[]>;
  readonly Decoder: new (buf: Buffer) => unknown;
}
type CreateCluster = (o: { metadataMaxAge: number; allowAutoTopicCreation: boolean; maxInFlightRequests: null; isolationLevel: number }) => Cluster;

const API_FETCH = 1;
const OFFSET_OUT_OF_RANGE = 1;
/** The most a fetch response may hold over all its partitions (Kafka's fetch.max.bytes default). */
const FETCH_MAX_BYTES = 50 << 20;
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

let internals: KafkajsInternals | null = null;

/** kafkajs's Fetch request definitions, protocol errors and legacy message-set decoder (kafkajs 2.x layout). */
function kafkajsInternals(): KafkajsInternals {
  if (internals !== null) return internals;
  const req = createRequire(import.meta.url);
  try {
    const { requests } = req('kafkajs/src/protocol/requests/index.js') as { requests: { Fetch: unknown } };
    const { createErrorFromCode } = req('kafkajs/src/protocol/error.js') as { createErrorFromCode: (code: number) => Error };
    const decodeMessageSet = req('kafkajs/src/protocol/messageSet/decoder.js') as KafkajsInternals['decodeMessageSet'];
    const Decoder = req('kafkajs/src/protocol/decoder.js') as KafkajsInternals['Decoder'];
    internals = { fetchDefinitions: requests.Fetch, createErrorFromCode, decodeMessageSet, Decoder };
  } catch (e) {
    throw new Error(`unsupported kafkajs version: expected kafkajs 2.x (${(e as Error).message})`, { cause: e });
  }
  return internals;
}

/** kafkajs's Broker method that sends a request on the broker's connection. */
function sendRequestOf(broker: Broker): SendRequest {
  const proto = Object.getPrototypeOf(broker) as Record<symbol, unknown>;
  const key = Object.getOwnPropertySymbols(proto).find((s) => s.description === 'private:Broker:sendRequest');
  const send = key === undefined ? undefined : proto[key];
  if (typeof send !== 'function') throw new Error('unsupported kafkajs version: expected kafkajs 2.x');
  return send as SendRequest;
}

/** Legacy (magic 0/1) message sets, decoded by kafkajs as before. */
async function decodeLegacy(bytes: Uint8Array): Promise<LegacyRecord[]> {
  const k = kafkajsInternals();
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const msgs = await k.decodeMessageSet(new k.Decoder(buf), buf.length);
  return msgs.map((m) => ({ offset: Number(m.offset), key: m.key, value: m.value }));
}

export class KafkaClient implements KafkaOps {
  private readonly cluster: Cluster;
  private readonly running = new Set<Promise<unknown>>();
  private closed = false;
  private rotation = 0;
  /** Run value buffers, sized by the first fetch's maxBytesPerPartition. */
  private pool: RunBufferPool | null = null;

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

  recycle(buffers: readonly ArrayBuffer[]): void {
    const pool = this.pool;
    if (pool !== null) for (const b of buffers) pool.give(b);
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

  /**
   * One Fetch request to one broker, sent on kafkajs's connection (its version negotiation,
   * SASL/SSL, timeouts) but decoded by kafka-record-batch.ts: no object per record.
   */
  private async fetchFrom(nodeId: number, topic: string, wants: readonly FetchWant[], o: FetchOptions): Promise<FetchedPartition[]> {
    const k = kafkajsInternals();
    const broker: Broker = await this.cluster.findBroker({ nodeId: String(nodeId) });
    const ib = broker as unknown as InternalBroker;
    // rotate the partitions from one request to the next, as kafkajs shuffles them (KIP-74 fairness)
    const shift = this.rotation++ % wants.length;
    const ordered = shift === 0 ? wants : [...wants.slice(shift), ...wants.slice(0, shift)];
    const request = ib.lookupRequest(API_FETCH, k.fetchDefinitions)({
      replicaId: -1,
      isolationLevel: this.o.readCommitted ? READ_COMMITTED : READ_UNCOMMITTED,
      maxWaitTime: o.maxWaitMs,
      minBytes: 1,
      // Kafka's fetch.max.bytes default caps the response (the broker still returns at least one batch)
      maxBytes: Math.min(o.maxBytesPerPartition * wants.length, Math.max(o.maxBytesPerPartition, FETCH_MAX_BYTES)),
      topics: [{ topic, partitions: ordered.map((w) => ({ partition: w.partition, fetchOffset: String(w.offset), maxBytes: o.maxBytesPerPartition })) }],
      rackId: '',
    });
    const version = request.request.apiVersion;
    const frame = (await sendRequestOf(broker).call(ib, {
      ...request,
      response: {
        decode: async (payload: Buffer) => parseFetchResponse(payload, version),
        parse: async (data: unknown) => data,
      },
    })) as FetchResponseFrame;
    if (frame.errorCode !== 0) throw k.createErrorFromCode(frame.errorCode);
    const jobs: Promise<FetchedPartition>[] = [];
    for (const t of frame.topics) {
      if (t.topic !== topic) continue;
      for (const p of t.partitions) {
        const want = wants.find((w) => w.partition === p.partition);
        if (want === undefined) continue;
        if (p.errorCode === OFFSET_OUT_OF_RANGE) throw new KafkaOffsetOutOfRangeError(topic, p.partition, want.offset);
        if (p.errorCode !== 0) throw k.createErrorFromCode(p.errorCode);
        jobs.push(this.decodePartition(frame, p, want.offset, topic, o));
      }
    }
    return Promise.all(jobs);
  }

  private async decodePartition(frame: FetchResponseFrame, p: FetchResponseFrame['topics'][number]['partitions'][number], fetchOffset: number, topic: string, o: FetchOptions): Promise<FetchedPartition> {
    const readCommitted = this.o.readCommitted;
    const pool = (this.pool ??= new RunBufferPool(o.maxBytesPerPartition));
    const { runs, nextOffset } = await decodeRecordSet(frame.buffer, p.recordsStart, p.recordsEnd, {
      fetchOffset,
      maxRun: o.maxRecordsPerRun,
      alloc: pool.take,
      aborted: readCommitted ? p.aborted : [],
      legacy: decodeLegacy,
      where: `'${topic}/${p.partition}'`,
    });
    const high = readCommitted && p.lastStableOffset >= 0 ? p.lastStableOffset : p.highWatermark;
    return { partition: p.partition, runs, nextOffset, high };
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
