// Kafka read benchmark: produces (or reuses) N seeded Debezium-like order events (~510 bytes, keys
// {"id":N}, tombstones after some deletes) in a 4-partition topic, then measures (a) a bare kafkajs
// consumer that fetches and discards every message and (b) KafkaSourceReader's bounded read of the
// same topic (polling to the end, touching every value). Prints both rates and their ratio, by wall
// time and by this process's CPU time (steadier than wall time on a shared machine).
// Run: bash deploy/local/kafka.sh start && npx tsc -p tsconfig.json && node dist/test/bench/kafka.js [--messages N] [--rounds R]
import { Kafka, Partitioners, logLevel, type Message } from 'kafkajs';
import type { SourceDef } from '../../catalog/model.js';
import { KafkaSourceReader } from '../../engine/connectors/kafka-source.js';
import { generateOrders } from '../../examples/ecommerce/generate.js';
import { bareConsume, recreateTopic, topicSize } from './kafka-bench-topic.js';

const argv = process.argv.slice(2);
const arg = (name: string, dflt: string): string => {
  const i = argv.indexOf(name);
  return i >= 0 && i + 1 < argv.length ? argv[i + 1]! : dflt;
};
const MESSAGES = Number(arg('--messages', '1000000'));
const ROUNDS = Number(arg('--rounds', '2'));
const BOOTSTRAP = arg('--bootstrap', process.env['STREAMFORGE_KAFKA_BOOTSTRAP'] ?? '127.0.0.1:19092');
const TOPIC = arg('--topic', `streamforge-bench-orders-${MESSAGES}`);
const PARTITIONS = 4;

const kafka = new Kafka({ clientId: 'streamforge-bench', brokers: [BOOTSTRAP], logLevel: logLevel.NOTHING });

async function produce(): Promise<void> {
  await recreateTopic(kafka, TOPIC, PARTITIONS);
  const producer = kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const t0 = performance.now();
  const inflight: Promise<unknown>[] = [];
  let batch: Message[] = [];
  let key = '';
  let n = 0;
  const lines = generateOrders({ events: MESSAGES, customers: 100_000, seed: 7, schemaBlock: false, startMs: 1_700_000_000_000, spanMs: 3_600_000, outOfOrderMs: 5000 });
  for (const line of lines) {
    if (n === MESSAGES) break;
    if (line !== 'null') key = `{"id":${/"id":(\d+)/.exec(line)?.[1] ?? '0'}}`;
    batch.push({ key, value: line === 'null' ? null : line });
    n++;
    if (batch.length === 4000) {
      inflight.push(producer.send({ topic: TOPIC, messages: batch, acks: 1 }));
      batch = [];
      if (inflight.length >= 8) await inflight.shift();
    }
  }
  if (batch.length > 0) inflight.push(producer.send({ topic: TOPIC, messages: batch, acks: 1 }));
  await Promise.all(inflight);
  await producer.disconnect();
  console.log(`produced ${n} messages into '${TOPIC}' in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

interface Rate {
  /** Messages per wall-clock second. */
  readonly wall: number;
  /** Messages per second of this process's CPU time (user + system). */
  readonly cpu: number;
}

function rate(n: number, wallMs: number, cpu: NodeJS.CpuUsage): Rate {
  return { wall: n / (wallMs / 1000), cpu: n / ((cpu.user + cpu.system) / 1e6) };
}

/** (a) kafkajs consumer.run + eachBatch, discarding; timed from the first batch. */
async function bare(): Promise<Rate> {
  const r = await bareConsume(kafka, TOPIC, MESSAGES, `streamforge-bench-bare-${process.pid}-${Date.now()}`);
  return rate(r.messages, r.steadyMs, r.steadyCpu);
}

/** (b) KafkaSourceReader, bounded, touching every value; timed from the end of open(). */
async function reader(): Promise<Rate> {
  const def: SourceDef = {
    kind: 'source',
    name: 'bench_orders',
    columns: [],
    primaryKey: [],
    connector: 'kafka',
    format: 'debezium-json',
    changelog: 'retract',
    onError: 'fail',
    idleTimeoutMs: 10_000,
    options: { topic: TOPIC, bootstrap_servers: BOOTSTRAP },
    baseDir: '.',
  };
  const r = new KafkaSourceReader(def, { bounded: true });
  await r.open(undefined);
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  let n = 0;
  let chars = 0;
  for (;;) {
    const res = await r.poll();
    if (res.kind === 'end') break;
    if (res.kind !== 'batch') continue;
    const values = res.batch.values;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v != null) chars += v.length;
    }
    n += values.length;
  }
  const result = rate(n, performance.now() - t0, process.cpuUsage(c0));
  await r.close();
  if (n !== MESSAGES) throw new Error(`reader returned ${n} messages, expected ${MESSAGES}`);
  if (chars === 0) throw new Error('reader returned no text');
  return result;
}

async function main(): Promise<void> {
  const have = await topicSize(kafka, TOPIC);
  if (have !== MESSAGES) await produce();
  else console.log(`reusing '${TOPIC}' (${have} messages)`);
  const a: Rate[] = [];
  const b: Rate[] = [];
  const fmt = (x: number) => Math.round(x).toLocaleString('en-US').padStart(9);
  const show = (what: string, r: Rate) => `${what} ${fmt(r.wall)} msg/s wall, ${fmt(r.cpu)} msg/CPU-s`;
  for (let i = 0; i < ROUNDS; i++) {
    a.push(await bare());
    console.log(`  round ${i + 1}: ${show('bare kafkajs consumer', a[i]!)}`);
    b.push(await reader());
    console.log(`  round ${i + 1}: ${show('KafkaSourceReader    ', b[i]!)}`);
  }
  const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
  const ma: Rate = { wall: median(a.map((r) => r.wall)), cpu: median(a.map((r) => r.cpu)) };
  const mb: Rate = { wall: median(b.map((r) => r.wall)), cpu: median(b.map((r) => r.cpu)) };
  console.log(`median of ${ROUNDS}:`);
  console.log(`  ${show('bare kafkajs consumer (fetch + discard)  ', ma)}`);
  console.log(`  ${show('KafkaSourceReader (bounded, UTF-8 values)', mb)}`);
  console.log(`ratio reader / bare: ${(mb.wall / ma.wall).toFixed(2)} by wall time, ${(mb.cpu / ma.cpu).toFixed(2)} by CPU time`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
