// Issue 3's Kafka -> MinIO benchmark against the running stack (deploy/local/up.sh). Produces (or
// reuses) N Debezium `orders` events WITH the schema block, as Connect's JsonConverter sends them,
// in a 4-partition topic; then, in one run: (a) a bare kafkajs consumer that fetches and discards
// every message, (b) the compiled CLI `run --once` of the per-customer 5-minute TUMBLE pipeline
// from that topic into s3://warehouse/bench-<id> (wall time of the whole process), their rates and
// ratio; and (c) the commit-to-snapshot latency of the real Debezium path (cdc-latency.ts).
// Prints numbers only; asserts nothing.
//   flock /tmp/streamforge-stack.lock npm run bench:kafka -- [--events N] [--rounds R] [--profile DIR]
//     [--send MSGS_PER_REQUEST] [--skip-throughput] [--skip-latency] [--latency-seconds S] [--rate TXN_PER_S] [--keep]
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kafka, Partitioners, logLevel, type Message } from 'kafkajs';
import { openS3Store } from '../../catalog/store/s3-store.js';
import { generateOrders } from '../../examples/ecommerce/generate.js';
import { measureCdcLatency, type S3Target } from './cdc-latency.js';
import { bareConsume, recreateTopic, topicSize } from './kafka-bench-topic.js';
import { runNodeChild, type ChildRun } from './run-child.js';

const here = dirname(fileURLToPath(import.meta.url));
/** The CLI compiled next to this file (dist/engine/cli/main.js). */
const CLI = resolve(here, '../../engine/cli/main.js');
const REPO = resolve(here, '../../..');

const argv = process.argv.slice(2);
const arg = (name: string, dflt: string): string => {
  const i = argv.indexOf(name);
  return i >= 0 && i + 1 < argv.length ? argv[i + 1]! : dflt;
};
const flag = (name: string): boolean => argv.includes(name);
const env = (name: string, dflt: string): string => process.env[name] ?? dflt;

const EVENTS = Number(arg('--events', '1000000'));
const ROUNDS = Number(arg('--rounds', '1'));
const PARTITIONS = 4;
const BOOTSTRAP = arg('--bootstrap', env('STREAMFORGE_KAFKA_BOOTSTRAP', `127.0.0.1:${env('STREAMFORGE_KAFKA_PORT', '19092')}`));
/** Messages per produce request: ~20 x 3 KB over 4 partitions = ~16 KB record batches, Connect's default batch.size. */
const SEND = Number(arg('--send', '20'));
const TOPIC = arg('--topic', `streamforge-bench-cdc-${EVENTS}-b${SEND}`);
const PROFILE = arg('--profile', '');
const KEEP = flag('--keep');
const ID = `${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`;
const S3: S3Target = {
  endpoint: env('STREAMFORGE_S3_ENDPOINT', `http://127.0.0.1:${env('STREAMFORGE_MINIO_PORT', '19000')}`),
  bucket: env('STREAMFORGE_S3_BUCKET', env('STREAMFORGE_BUCKET', 'warehouse')),
  accessKeyId: env('STREAMFORGE_S3_ACCESS_KEY', env('MINIO_ROOT_USER', 'streamforge')),
  secretAccessKey: env('STREAMFORGE_S3_SECRET_KEY', env('MINIO_ROOT_PASSWORD', 'streamforge-secret')),
};
const WORK = join(REPO, 'test/.tmp/bench-kafka', ID);

const kafka = new Kafka({ clientId: 'streamforge-bench', brokers: [BOOTSTRAP], logLevel: logLevel.NOTHING });
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
const log = (line: string): void => console.log(line);

// Debezium's key with the schema block (JsonConverter, schemas.enable=true) for orders.id.
const KEY_SCHEMA = '{"type":"struct","fields":[{"type":"int64","optional":false,"default":0,"field":"id"}],"optional":false,"name":"shop.public.orders.Key"}';

/** N events of examples/ecommerce/generate.ts (schema block, 50,000 customers, one day) keyed by id. */
async function produce(): Promise<void> {
  await recreateTopic(kafka, TOPIC, PARTITIONS);
  // One request at a time: concurrent sends may land out of order, and each partition must hold
  // its events in generation order (as Debezium writes them), else the watermark finds them late.
  const producer = kafka.producer({ allowAutoTopicCreation: false, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const t0 = performance.now();
  let batch: Message[] = [];
  let key = '';
  let n = 0;
  let bytes = 0;
  const lines = generateOrders({
    events: EVENTS,
    customers: 50_000,
    seed: 2026,
    schemaBlock: true,
    startMs: Date.UTC(2026, 10, 1),
    spanMs: 86_400_000,
    outOfOrderMs: 5_000,
  });
  for (const line of lines) {
    if (n === EVENTS) break;
    // a tombstone keeps the key of the delete before it
    if (line !== 'null') key = `{"schema":${KEY_SCHEMA},"payload":{"id":${/"(?:before|after)":\{"id":(\d+)/.exec(line)?.[1] ?? '0'}}}`;
    batch.push({ key, value: line === 'null' ? null : line });
    bytes += line.length;
    n++;
    if (batch.length === SEND) {
      await producer.send({ topic: TOPIC, messages: batch, acks: 1 });
      batch = [];
      if (n % 200_000 === 0) log(`  produced ${fmt(n)}`);
    }
  }
  if (batch.length > 0) await producer.send({ topic: TOPIC, messages: batch, acks: 1 });
  await producer.disconnect();
  log(`produced ${fmt(n)} messages (${fmt(bytes / n)} bytes/value, ${(bytes / 2 ** 20).toFixed(0)} MiB) into '${TOPIC}' in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

/** (b) `node dist/engine/cli/main.js run <dir> --once`, timed from spawn to exit, peak RSS sampled. */
function streamforgeOnce(round: number): Promise<ChildRun> {
  const dir = join(WORK, `once-${round}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'pipeline.sql'),
    `-- generated by test/bench/kafka-minio.ts: the orders schema of test/bench/pipeline.ts, from Kafka
CREATE SOURCE orders (
  id BIGINT, customer_id BIGINT, amount DECIMAL(10,2), status VARCHAR, created_at TIMESTAMP(3),
  PRIMARY KEY (id),
  WATERMARK FOR created_at AS created_at - INTERVAL '5' SECOND
) WITH (connector = 'kafka', topic = '${TOPIC}', bootstrap_servers = '${BOOTSTRAP}',
        group_id = 'streamforge-bench-${ID}-${round}', startup = 'earliest');

CREATE SINK customer_spend_5m WITH (
  warehouse = 's3://${S3.bucket}/bench-${ID}-${round}', table = 'bench.customer_spend_5m', commit_interval = '10s',
  s3.endpoint = '\${STREAMFORGE_BENCH_S3_ENDPOINT}',
  s3.access_key_id = '\${STREAMFORGE_BENCH_S3_KEY}', s3.secret_access_key = '\${STREAMFORGE_BENCH_S3_SECRET}'
) AS
SELECT customer_id, window_start, window_end,
       COUNT(*) AS orders, SUM(amount) AS spend, AVG(amount) AS avg_amount, MAX(amount) AS max_amount
FROM TUMBLE(orders, created_at, INTERVAL '5' MINUTE)
GROUP BY customer_id, window_start, window_end;
`,
  );
  const nodeArgs = PROFILE !== '' ? ['--cpu-prof', `--cpu-prof-dir=${resolve(PROFILE)}`] : [];
  return runNodeChild([...nodeArgs, CLI, 'run', dir, '--once'], {
    env: {
      ...process.env,
      STREAMFORGE_BENCH_S3_ENDPOINT: S3.endpoint,
      STREAMFORGE_BENCH_S3_KEY: S3.accessKeyId,
      STREAMFORGE_BENCH_S3_SECRET: S3.secretAccessKey,
    },
  });
}

async function removePrefix(prefix: string): Promise<void> {
  const store = openS3Store(`s3://${S3.bucket}/${prefix}`, {
    env: {},
    endpoint: S3.endpoint,
    credentials: { accessKeyId: S3.accessKeyId, secretAccessKey: S3.secretAccessKey },
  });
  const keys = await store.list('');
  for (let i = 0; i < keys.length; i += 32) await Promise.all(keys.slice(i, i + 32).map((k) => store.delete(k)));
  store.destroy();
}

async function throughput(): Promise<void> {
  const have = await topicSize(kafka, TOPIC);
  if (have !== EVENTS) await produce();
  else log(`reusing '${TOPIC}' (${fmt(have)} messages)`);
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const aWhole: number[] = [];
  const aSteady: number[] = [];
  const b: number[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    // (a) with default fetch settings, a fresh group
    const a = await bareConsume(kafka, TOPIC, EVENTS, `streamforge-bench-bare-${ID}-${Math.random().toString(36).slice(2)}`);
    const cpuS = (a.wholeCpu.user + a.wholeCpu.system) / 1e6;
    aWhole.push((a.messages * 1000) / a.wholeMs);
    aSteady.push((a.messages * 1000) / a.steadyMs);
    log(`round ${round}: (a) bare kafkajs consumer: ${fmt(aWhole.at(-1)!)} msg/s from connect (${(a.wholeMs / 1000).toFixed(2)} s, ${cpuS.toFixed(1)} CPU-s), ${fmt(aSteady.at(-1)!)} msg/s from the first batch`);
    const r = await streamforgeOnce(round);
    b.push((EVENTS * 1000) / r.wallMs);
    const read = /source orders: ([\d,]+) events read/.exec(r.stdout)?.[1] ?? '?';
    const rows = /sink customer_spend_5m: ([\d,]+) rows/.exec(r.stdout)?.[1] ?? '?';
    log(`round ${round}: (b) streamforge run --once:  ${fmt(b.at(-1)!)} events/s (wall ${(r.wallMs / 1000).toFixed(2)} s, whole process, ~${r.cpuS.toFixed(1)} CPU-s; ${read} events read, ${rows} rows written, peak RSS ${fmt(r.peakRssMb)} MB)`);
    for (const line of r.stdout.trim().split('\n')) log(`    | ${line}`);
    if (!KEEP) await removePrefix(`bench-${ID}-${round}`);
  }
  const ma = median(aWhole);
  const ms = median(aSteady);
  const mb = median(b);
  log(`\nKafka -> MinIO, ${fmt(EVENTS)} Debezium events with the schema block, ${PARTITIONS} partitions${ROUNDS > 1 ? ` (median of ${ROUNDS})` : ''}:`);
  log(`  (a) bare kafkajs consumer, fetch + discard:      ${fmt(ma)} msg/s (from connect), ${fmt(ms)} msg/s (from the first batch)`);
  log(`  (b) streamforge run --once into MinIO (whole run): ${fmt(mb)} events/s`);
  log(`  (b)/(a): ${((100 * mb) / ma).toFixed(0)}% of (a) from connect, ${((100 * mb) / ms).toFixed(0)}% of (a) from the first batch (target >= 70%)`);
}

async function latency(): Promise<void> {
  const seconds = Number(arg('--latency-seconds', '60'));
  const rate = Number(arg('--rate', '50'));
  log(`\nlatency: PostgreSQL commit -> Debezium -> Kafka -> streamforge run (commit_interval 1s) -> snapshot visible on MinIO`);
  const r = await measureCdcLatency({
    cli: CLI,
    workDir: WORK,
    id: ID,
    bootstrap: BOOTSTRAP,
    s3: S3,
    pg: {
      host: env('STREAMFORGE_HOST', '127.0.0.1'),
      port: env('STREAMFORGE_PG_PORT', '15432'),
      user: env('STREAMFORGE_PG_USER', 'postgres'),
      password: env('STREAMFORGE_PG_PASSWORD', 'postgres'),
      db: env('STREAMFORGE_PG_DB', 'shop'),
    },
    seconds,
    txnPerSecond: rate,
    rowsPerTxn: Number(arg('--rows-per-txn', '4')),
    customers: Number(arg('--customers', '20')),
    pollMs: Number(arg('--poll-ms', '50')),
    warmupMs: 3000,
    keep: KEEP,
    log,
  });
  log(`  ${fmt(r.transactions)} transactions (${fmt(r.rowsInserted)} rows) committed; ${r.snapshotsSeen} snapshots seen; ${r.windows} windows`);
  log(`  commit -> visible in a committed snapshot, over ${fmt(r.samples)} feature rows: p50 ${fmt(r.p50)} ms, p90 ${fmt(r.p90)} ms, p99 ${fmt(r.p99)} ms (min ${fmt(r.min)}, max ${fmt(r.max)})`);
  log(`  Debezium share: commit -> readable in Kafka, over ${fmt(r.kafka.samples)} transactions: p50 ${fmt(r.kafka.p50)} ms, p99 ${fmt(r.kafka.p99)} ms`);
}

async function main(): Promise<void> {
  log(`StreamForge Kafka -> MinIO benchmark (node ${process.version}, run id ${ID}, CLI ${CLI})`);
  mkdirSync(WORK, { recursive: true });
  try {
    if (!flag('--skip-throughput')) await throughput();
    if (!flag('--skip-latency')) await latency();
  } finally {
    if (!KEEP) rmSync(WORK, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
