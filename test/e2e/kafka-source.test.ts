// KafkaSourceReader against a real broker (bash deploy/local/kafka.sh start; STREAMFORGE_KAFKA_BOOTSTRAP,
// default 127.0.0.1:19092): bounded reads, resume, startup modes, group-offset commits, unbounded
// idle/pick-up, idle partitions, transaction gaps and (opt-in, STREAMFORGE_KAFKA_RESTART=1) a broker
// restart mid-read. Skipped with a warning when no broker answers. Every test uses fresh topics.
import { execFileSync } from 'node:child_process';
import { connect } from 'node:net';
import { resolve } from 'node:path';
import { Kafka, Partitioners, logLevel, type Admin, type Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SourceDef } from '../../catalog/model.js';
import { KafkaBatch, KafkaSourceReader, type KafkaSourceOptions } from '../../engine/connectors/kafka-source.js';
import type { Positions } from '../../engine/connectors/source.js';

const BOOTSTRAP = process.env['STREAMFORGE_KAFKA_BOOTSTRAP'] ?? '127.0.0.1:19092';
const RESTART = process.env['STREAMFORGE_KAFKA_RESTART'] === '1';
const ROOT = resolve(import.meta.dirname, '../..');

function brokerAnswers(): Promise<boolean> {
  const [host, port] = BOOTSTRAP.split(',')[0]!.trim().split(':');
  return new Promise((ok) => {
    const s = connect({ host: host!, port: Number(port ?? 9092), timeout: 1000 });
    s.once('connect', () => (s.destroy(), ok(true)));
    s.once('error', () => ok(false));
    s.once('timeout', () => (s.destroy(), ok(false)));
  });
}

const UP = await brokerAnswers();
if (!UP) console.warn(`kafka-source.test.ts: SKIPPED, no Kafka broker at ${BOOTSTRAP} (start one: bash deploy/local/kafka.sh start)`);

const RUN = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
const kafka = new Kafka({ clientId: 'streamforge-test', brokers: [BOOTSTRAP], logLevel: logLevel.NOTHING });
let admin: Admin;
let producer: Producer;
const topics: string[] = [];

function def(topic: string, options: Record<string, string> = {}, idleTimeoutMs = 10_000): SourceDef {
  return {
    kind: 'source',
    name: 'orders',
    columns: [],
    primaryKey: [],
    connector: 'kafka',
    format: 'debezium-json',
    changelog: 'retract',
    onError: 'fail',
    idleTimeoutMs,
    options: { topic, bootstrap_servers: BOOTSTRAP, ...options },
    baseDir: '.',
  };
}

async function newTopic(tag: string, partitions = 4): Promise<string> {
  const topic = `sf-test-${tag}-${RUN}`;
  await admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true });
  topics.push(topic);
  return topic;
}

interface Sent {
  readonly partition: number;
  readonly key: string;
  readonly value: string | null;
}

/** n messages round-robin over 4 partitions; every 7th is a tombstone; some values are non-ASCII. */
function messages(n: number, from = 0): Sent[] {
  const out: Sent[] = [];
  for (let i = from; i < from + n; i++) {
    const value = i % 7 === 3 ? null : i % 5 === 0 ? `{"n":${i},"name":"Zoë €😀"}` : `{"n":${i}}`;
    out.push({ partition: i % 4, key: `{"id":${i}}`, value });
  }
  return out;
}

async function send(topic: string, ms: readonly Sent[]): Promise<void> {
  await producer.send({ topic, acks: -1, messages: ms.map((m) => ({ partition: m.partition, key: m.key, value: m.value })) });
}

/** What each partition should hold, in offset order. */
function byPartition(ms: readonly Sent[]): Map<number, Sent[]> {
  const out = new Map<number, Sent[]>();
  for (const m of ms) {
    let l = out.get(m.partition);
    if (!l) out.set(m.partition, (l = []));
    l.push(m);
  }
  return out;
}

interface Got {
  readonly split: string;
  readonly offset: number;
  readonly key: string | null;
  readonly value: string | null;
  readonly where: string;
}

function flatten(b: KafkaBatch): Got[] {
  return b.values.map((value, i) => ({ split: b.split, offset: b.firstIndex + i, key: b.keys[i] ?? null, value, where: b.where(i) }));
}

/** Polls until `end` (bounded) or until `want` records arrived (unbounded), at most `maxPolls` polls. */
async function drain(r: KafkaSourceReader, want = Infinity, maxPolls = 2000): Promise<{ got: Got[]; idles: number; ended: boolean; largest: number }> {
  const got: Got[] = [];
  let idles = 0;
  let largest = 0;
  for (let i = 0; i < maxPolls && got.length < want; i++) {
    const res = await r.poll();
    if (res.kind === 'end') return { got, idles, ended: true, largest };
    if (res.kind === 'idle') {
      idles++;
      await new Promise((r) => setTimeout(r, 10)); // as the pipeline sleeps when every source is idle
      continue;
    }
    expect(res.batch).toBeInstanceOf(KafkaBatch);
    expect(res.batch.values.length).toBeGreaterThan(0);
    largest = Math.max(largest, res.batch.values.length);
    got.push(...flatten(res.batch as KafkaBatch));
  }
  return { got, idles, ended: false, largest };
}

function reader(d: SourceDef, o: KafkaSourceOptions): KafkaSourceReader {
  return new KafkaSourceReader(d, { onWarning: () => {}, ...o });
}

/** Checks `got` equals exactly the messages of `want` from per-partition offsets `from`. */
function expectExactly(topic: string, got: readonly Got[], want: Map<number, Sent[]>, from: Positions = {}): void {
  const seen = new Map<number, Got[]>();
  for (const g of got) {
    const p = Number(g.split.slice(topic.length + 1));
    expect(g.split).toBe(`${topic}/${p}`);
    expect(g.where).toBe(`${topic}/${p}/${g.offset}`);
    let l = seen.get(p);
    if (!l) seen.set(p, (l = []));
    l.push(g);
  }
  for (const [p, ms] of want) {
    const start = from[`${topic}/${p}`] ?? 0;
    const l = seen.get(p) ?? [];
    expect(l.map((g) => g.offset)).toEqual(ms.slice(start).map((_, i) => start + i));
    expect(l.map((g) => g.value)).toEqual(ms.slice(start).map((m) => m.value));
    expect(l.map((g) => g.key)).toEqual(ms.slice(start).map((m) => m.key));
  }
  expect([...seen.keys()].every((p) => want.has(p))).toBe(true);
}

describe('KafkaSourceReader options', () => {
  it('rejects a missing topic option and SASL without credentials (names and values are judged by the binder: sql-binder tests)', () => {
    expect(() => new KafkaSourceReader({ ...def('x'), options: { bootstrap_servers: BOOTSTRAP } }, { bounded: true })).toThrow(/no 'topic' option/);
    expect(() => new KafkaSourceReader(def('x', { startup: 'middle' }), { bounded: true })).toThrow(/startup must be/);
    expect(() => new KafkaSourceReader(def('x', { 'properties.security.protocol': 'SASL_SSL' }), { bounded: true })).toThrow(/SASL needs/);
    expect(new KafkaSourceReader(def('x'), { bounded: true }).groupId).toBe('streamforge-orders');
    expect(new KafkaSourceReader(def('x', { group_id: 'g1' }), { bounded: true }).groupId).toBe('g1');
  });

  it('gives up opening when no broker answers within the reconnect timeout', async () => {
    const warnings: string[] = [];
    const r = new KafkaSourceReader({ ...def('x'), options: { topic: 'x', bootstrap_servers: '127.0.0.1:1' } }, { bounded: true, reconnectTimeoutMs: 300, onWarning: (m) => warnings.push(m) });
    const t0 = Date.now();
    await expect(r.open(undefined)).rejects.toThrow(/gave up connecting/);
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(warnings.join('\n')).toMatch(/Kafka unavailable while connecting/);
    await r.close();
  });
});

describe.skipIf(!UP)('KafkaSourceReader against a broker', () => {
  beforeAll(async () => {
    admin = kafka.admin();
    await admin.connect();
    producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, idempotent: true, maxInFlightRequests: 1 }); // retries never duplicate
    await producer.connect();
  });

  afterAll(async () => {
    await producer?.disconnect();
    if (topics.length > 0) await admin?.deleteTopics({ topics }).catch(() => undefined);
    await admin?.disconnect();
  });

  it('bounded read from earliest returns exactly the messages present at open()', async () => {
    const topic = await newTopic('bounded');
    const sent = messages(1000);
    await send(topic, sent);
    const r = reader(def(topic), { bounded: true, maxBatch: 64 });
    await r.open(undefined);
    expect([...r.splits()].sort()).toEqual([0, 1, 2, 3].map((p) => `${topic}/${p}`));
    await send(topic, messages(40, 1000)); // after open(): must not be read
    const { got, ended, largest } = await drain(r);
    expect(ended).toBe(true);
    expect(largest).toBe(64); // maxBatch splits the 250-record partitions
    expect(got.length).toBe(1000);
    expect(got.filter((g) => g.value === null).length).toBe(sent.filter((m) => m.value === null).length);
    expectExactly(topic, got, byPartition(sent));
    expect(r.positions()).toEqual(Object.fromEntries([0, 1, 2, 3].map((p) => [`${topic}/${p}`, 250])));
    expect([...r.idleSplits()].sort()).toEqual([...r.splits()].sort()); // bounded: finished partitions are idle
    expect((await r.poll()).kind).toBe('end');
    await r.close();
  });

  it('resumes from positions with exactly the rest, and rejects positions beyond the log', async () => {
    const topic = await newTopic('resume');
    const sent = messages(600);
    await send(topic, sent);
    const a = reader(def(topic), { bounded: true, maxBatch: 50 });
    await a.open(undefined);
    const first = await drain(a, 200);
    const at = a.positions();
    await a.close();
    expect(first.got.length).toBeGreaterThanOrEqual(200);
    expect(first.got.length).toBeLessThan(600);
    const b = reader(def(topic), { bounded: true });
    await b.open(at);
    const rest = await drain(b);
    await b.close();
    expect(rest.ended).toBe(true);
    expect(first.got.length + rest.got.length).toBe(600);
    expectExactly(topic, rest.got, byPartition(sent), at);
    expectExactly(topic, [...first.got, ...rest.got], byPartition(sent));

    const c = reader(def(topic), { bounded: true });
    await expect(c.open({ [`${topic}/1`]: 151 })).rejects.toThrow(/cannot resume '.*\/1' at offset 151/);
    await c.close();
  });

  it('unbounded startup=latest answers idle, then picks up newly produced messages', async () => {
    const topic = await newTopic('latest');
    await send(topic, messages(100));
    const r = reader(def(topic, { startup: 'latest' }), { bounded: false, pollWaitMs: 20 });
    await r.open(undefined);
    expect(r.positions()).toEqual(Object.fromEntries([0, 1, 2, 3].map((p) => [`${topic}/${p}`, 25])));
    const t0 = Date.now();
    expect((await r.poll()).kind).toBe('idle');
    expect(Date.now() - t0).toBeLessThan(1000); // poll does not block for long
    const fresh = messages(40, 100);
    await send(topic, fresh);
    const { got } = await drain(r, 40, 500);
    expect(got.length).toBe(40);
    const all = byPartition([...messages(100), ...fresh]);
    expectExactly(topic, got, all, Object.fromEntries([0, 1, 2, 3].map((p) => [`${topic}/${p}`, 25])));
    expect((await r.poll()).kind).toBe('idle');
    await r.close();
  });

  it('committed() makes group offsets visible; startup=committed starts there', async () => {
    const topic = await newTopic('committed');
    const sent = messages(400);
    await send(topic, sent);
    const group = `sf-test-group-${RUN}`;
    const a = reader(def(topic, { group_id: group }), { bounded: true, maxBatch: 30 });
    await a.open(undefined);
    await drain(a, 120);
    const at = a.positions();
    await a.committed(at);
    await a.close(); // waits for the background commit
    const offsets = await admin.fetchOffsets({ groupId: group, topics: [topic] });
    const seen = Object.fromEntries(offsets[0]!.partitions.map((p) => [`${topic}/${p.partition}`, Number(p.offset)]));
    expect(seen).toEqual(at);

    const b = reader(def(topic, { group_id: group, startup: 'committed' }), { bounded: true });
    await b.open(undefined);
    expect(b.positions()).toEqual(at);
    const rest = await drain(b);
    await b.close();
    expectExactly(topic, rest.got, byPartition(sent), at);

    // a group with no commits starts at the earliest offset
    const c = reader(def(topic, { group_id: `${group}-none`, startup: 'committed' }), { bounded: true });
    await c.open(undefined);
    expect(Object.values(c.positions())).toEqual([0, 0, 0, 0]);
    await c.close();
  });

  it('reports partitions silent for idle_timeout (processing time, injectable clock)', async () => {
    const topic = await newTopic('idle');
    await send(topic, messages(40));
    let now = 1_000_000;
    const r = reader(def(topic, {}, 10_000), { bounded: false, clock: () => now, pollWaitMs: 20 });
    await r.open(undefined);
    expect(r.idleSplits()).toEqual([]);
    await drain(r, 40, 500);
    now += 9_000;
    expect(r.idleSplits()).toEqual([]);
    await send(topic, [{ partition: 0, key: 'k', value: '{"late":1}' }]);
    const { got } = await drain(r, 1, 500);
    expect(got.map((g) => g.split)).toEqual([`${topic}/0`]);
    now += 2_000; // 11 s after open: partitions 1-3 silent, partition 0 just progressed
    expect([...r.idleSplits()].sort()).toEqual([1, 2, 3].map((p) => `${topic}/${p}`));
    now += 10_000;
    expect(r.idleSplits().length).toBe(4);
    await r.close();
  });

  it('skips transaction markers and aborted records, keeping firstIndex + i the real offset', async () => {
    const topic = await newTopic('txn', 1);
    const tp = kafka.producer({ transactionalId: `sf-test-tx-${RUN}`, idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
    await tp.connect();
    const inTx = async (values: string[], commit: boolean) => {
      const tx = await tp.transaction();
      await tx.send({ topic, messages: values.map((value) => ({ partition: 0, value })) });
      await (commit ? tx.commit() : tx.abort());
    };
    await inTx(['a', 'b', 'c'], true); // offsets 0-2, marker 3
    await inTx(['x', 'y'], false); // 4-5 aborted, marker 6
    await inTx(['d', 'e'], true); // 7-8, marker 9
    await tp.disconnect();
    const r = reader(def(topic), { bounded: true });
    await r.open(undefined);
    const batches: KafkaBatch[] = [];
    for (let res = await r.poll(); res.kind !== 'end'; res = await r.poll()) if (res.kind === 'batch') batches.push(res.batch as KafkaBatch);
    expect(batches.map((b) => [b.firstIndex, [...b.values]])).toEqual([
      [0, ['a', 'b', 'c']],
      [7, ['d', 'e']],
    ]);
    expect(batches[1]!.where(1)).toBe(`${topic}/0/8`);
    expect(r.positions()).toEqual({ [`${topic}/0`]: 10 });
    await r.close();
  });

  it('unbounded: waits for a topic created after open() and discovers partitions added later', async () => {
    const topic = `sf-test-later-${RUN}`;
    const warnings: string[] = [];
    const r = reader(def(topic), { bounded: false, pollWaitMs: 20, discoveryIntervalMs: 100, onWarning: (m) => warnings.push(m) });
    await r.open(undefined);
    expect(warnings.join('\n')).toMatch(/does not exist yet/);
    expect((await r.poll()).kind).toBe('idle');
    await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true });
    topics.push(topic);
    const first = messages(10).map((m) => ({ ...m, partition: m.partition % 2 }));
    await send(topic, first);
    const a = await drain(r, 10, 1000);
    expectExactly(topic, a.got, byPartition(first));
    await admin.createPartitions({ topicPartitions: [{ topic, count: 3 }] });
    const fresh = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, idempotent: true, maxInFlightRequests: 1 }); // knows the new partition
    await fresh.connect();
    await fresh.send({ topic, messages: [{ partition: 2, key: 'k', value: 'new partition' }] });
    await fresh.disconnect();
    const b = await drain(r, 1, 1000);
    expect(b.got.map((g) => [g.split, g.offset, g.value])).toEqual([[`${topic}/2`, 0, 'new partition']]);
    expect(r.positions()).toEqual({ [`${topic}/0`]: 5, [`${topic}/1`]: 5, [`${topic}/2`]: 1 });
    await r.close();
  }, 60_000);

  it('fails a bounded open on a topic that does not exist', async () => {
    const r = reader(def(`sf-test-missing-${RUN}`), { bounded: true });
    await expect(r.open(undefined)).rejects.toThrow(/does not exist/);
    await r.close();
  });

  it.skipIf(!RESTART)('survives a broker restart without losing or duplicating records', async () => {
    const topic = await newTopic('restart');
    const sent = messages(2000);
    await send(topic, sent);
    const warnings: string[] = [];
    const r = reader(def(topic), { bounded: false, pollWaitMs: 20, maxBatch: 100, onWarning: (m) => warnings.push(m) });
    await r.open(undefined);
    const before = await drain(r, 700);
    const script = resolve(ROOT, 'deploy/local/kafka.sh');
    execFileSync('bash', [script, 'stop'], { stdio: 'ignore' });
    const during = await drain(r, Infinity, 20); // whatever was buffered, then idle
    expect(during.idles).toBeGreaterThan(0);
    execFileSync('bash', [script, 'start'], { stdio: 'ignore' });
    await producer.disconnect();
    await producer.connect();
    const more = messages(200, 2000);
    await send(topic, more);
    const got = [...before.got, ...during.got];
    for (let i = 0; i < 3000 && got.length < 2200; i++) got.push(...(await drain(r, 2200 - got.length, 1)).got);
    await r.close();
    expect(warnings.join('\n')).toMatch(/Kafka unavailable while fetching/); // the reconnect path ran
    expectExactly(topic, got, byPartition([...sent, ...more]));
  }, 240_000);
});
