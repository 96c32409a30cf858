// Kafka read benchmark: produces (or reuses) N seeded Debezium-like order events (~510 bytes, keys
// {"id":N}, tombstones after some deletes) in a 4-partition topic, then measures (a) a bare kafkajs
// consumer that fetches and discards every message and (b) KafkaSourceReader's bounded read of the
// same topic (polling to the end, touching every value). Prints both rates and their ratio.
// Run: bash deploy/local/kafka.sh start && npx tsc -p tsconfig.json && node dist/test/bench/kafka.js [--messages N] [--rounds R]
import { Kafka, Partitioners, logLevel, type Message } from 'kafkajs';
import type { SourceDef } from '../../catalog/model.js';
import { KafkaSourceReader } from '../../engine/connectors/kafka-source.js';
import { generateOrders } from '../../examples/ecommerce/generate.js';

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

async function topicSize(): Promise<number | null> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    if (!(await admin.listTopics()).includes(TOPIC)) return null;
    return (await admin.fetchTopicOffsets(TOPIC)).reduce((n, p) => n + Number(p.high) - Number(p.low), 0);
  } finally {
    await admin.disconnect();
  }
}

async function produce(): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  if ((await admin.listTopics()).includes(TOPIC)) {
    await admin.deleteTopics({ topics: [TOPIC] });
    await new Promise((r) => setTimeout(r, 2000));
  }
  await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: PARTITIONS }], waitForLeaders: true });
  await admin.disconnect();
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

/** (a) kafkajs consumer.run + eachBatch, discarding; timed from the first batch. */
async function bare(): Promise<number> {
  const consumer = kafka.consumer({ groupId: `streamforge-bench-bare-${process.pid}-${Date.now()}` });
  await consumer.connect();
  await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
  let n = 0;
  let t0 = 0;
  let t1 = 0;
  await new Promise<void>((resolve, reject) => {
    consumer
      .run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          if (t0 === 0) t0 = performance.now();
          n += batch.messages.length;
          if (n >= MESSAGES && t1 === 0) {
            t1 = performance.now();
            resolve();
          }
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();
  return n / ((t1 - t0) / 1000);
}

/** (b) KafkaSourceReader, bounded, touching every value; timed from the end of open(). */
async function reader(): Promise<number> {
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
  const secs = (performance.now() - t0) / 1000;
  await r.close();
  if (n !== MESSAGES) throw new Error(`reader returned ${n} messages, expected ${MESSAGES}`);
  if (chars === 0) throw new Error('reader returned no text');
  return n / secs;
}

async function main(): Promise<void> {
  const have = await topicSize();
  if (have !== MESSAGES) await produce();
  else console.log(`reusing '${TOPIC}' (${have} messages)`);
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    a.push(await bare());
    console.log(`  round ${i + 1}: bare kafkajs consumer  ${Math.round(a[i]!).toLocaleString('en-US')} msg/s`);
    b.push(await reader());
    console.log(`  round ${i + 1}: KafkaSourceReader      ${Math.round(b[i]!).toLocaleString('en-US')} msg/s`);
  }
  const bestA = Math.max(...a);
  const bestB = Math.max(...b);
  console.log(`bare kafkajs consumer (fetch + discard): ${Math.round(bestA).toLocaleString('en-US')} msg/s (best of ${ROUNDS})`);
  console.log(`KafkaSourceReader (bounded, UTF-8 values): ${Math.round(bestB).toLocaleString('en-US')} msg/s (best of ${ROUNDS})`);
  console.log(`ratio reader / bare: ${(bestB / bestA).toFixed(2)}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
