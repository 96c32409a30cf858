// deploy/local/kafka-tool.mjs — tiny kafkajs CLI for the local stack: readiness probe, topic list and a
// consumer that prints Debezium change events and checks that the expected operations arrived.
// Usage: node kafka-tool.mjs ready | topics | consume --topics a,b [--expect-ops c,u,d] [--match TEXT] [--timeout 60]
// (--match: only events whose raw value contains TEXT count towards --expect-ops; all are printed)
// Must not create or delete topics; it only reads (consumer group is random and never committed).
import { Kafka, logLevel } from 'kafkajs';

const broker = `${process.env.STREAMFORGE_HOST ?? '127.0.0.1'}:${process.env.STREAMFORGE_KAFKA_PORT ?? '19092'}`;

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

function client(timeoutMs) {
  return new Kafka({
    clientId: 'streamforge-stack-tool',
    brokers: [broker],
    logLevel: logLevel.NOTHING,
    connectionTimeout: timeoutMs,
    requestTimeout: timeoutMs * 2,
    retry: { retries: 0 },
  });
}

async function ready() {
  const admin = client(2000).admin();
  await admin.connect();
  try {
    const cluster = await admin.describeCluster();
    if (cluster.brokers.length === 0) throw new Error('no brokers in metadata');
    await admin.listTopics();
  } finally {
    await admin.disconnect();
  }
}

async function topics() {
  const admin = client(5000).admin();
  await admin.connect();
  try {
    for (const t of (await admin.listTopics()).sort()) console.log(t);
  } finally {
    await admin.disconnect();
  }
}

// One line per event: topic, op, key, before -> after (payload, with or without the schema block).
function summarize(topic, message) {
  let key = message.key ? message.key.toString() : 'null';
  if (message.key) {
    const k = JSON.parse(key);
    if (k && typeof k === 'object' && 'payload' in k && 'schema' in k) key = JSON.stringify(k.payload);
  }
  if (!message.value) return { op: 'tombstone', line: `${topic} tombstone key=${key}` };
  const doc = JSON.parse(message.value.toString());
  const p = doc && typeof doc === 'object' && 'payload' in doc && 'schema' in doc ? doc.payload : doc;
  const op = p?.op ?? '?';
  const line = `${topic} op=${op} key=${key} before=${JSON.stringify(p?.before ?? null)} after=${JSON.stringify(p?.after ?? null)} source.ts_ms=${p?.source?.ts_ms ?? '?'}`;
  return { op, line };
}

async function consume() {
  const wanted = (arg('topics', '') || '').split(',').filter(Boolean);
  if (wanted.length === 0) throw new Error('--topics a,b is required');
  const expectOps = (arg('expect-ops', '') || '').split(',').filter(Boolean);
  const timeoutS = Number(arg('timeout', '60'));
  const match = arg('match', '');
  const kafka = client(5000);
  const admin = kafka.admin();
  await admin.connect();
  const deadline = Date.now() + timeoutS * 1000;
  // Debezium creates topics lazily with the first event: wait for them instead of failing.
  for (;;) {
    const have = new Set(await admin.listTopics());
    const missing = wanted.filter((t) => !have.has(t));
    if (missing.length === 0) break;
    if (Date.now() > deadline) {
      await admin.disconnect();
      throw new Error(`topics never appeared: ${missing.join(', ')}`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  await admin.disconnect();
  const seen = new Map(wanted.map((t) => [t, new Set()]));
  const counts = new Map(wanted.map((t) => [t, 0]));
  const done = () => wanted.every((t) => expectOps.every((op) => seen.get(t).has(op)) && counts.get(t) > 0);
  const consumer = kafka.consumer({ groupId: `streamforge-smoke-${process.pid}-${Date.now()}` });
  await consumer.connect();
  await consumer.subscribe({ topics: wanted, fromBeginning: true });
  let finish;
  const finished = new Promise((r) => (finish = r));
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ topic, message }) => {
      const { op, line } = summarize(topic, message);
      const counted = match === '' || (message.value !== null && message.value.toString().includes(match));
      console.log(`${counted ? '*' : ' '} ${line}`);
      if (!counted) return;
      seen.get(topic).add(op);
      counts.set(topic, counts.get(topic) + 1);
      if (done()) finish(true);
    },
  });
  const timer = setTimeout(() => finish(false), Math.max(0, deadline - Date.now()));
  const ok = await finished;
  clearTimeout(timer);
  await consumer.disconnect();
  for (const t of wanted) {
    const scope = match === '' ? 'events' : `events matching '${match}'`;
    console.log(`${t}: ${counts.get(t)} ${scope}, ops seen: ${[...seen.get(t)].sort().join(',') || '-'}`);
  }
  if (!ok) throw new Error(`timed out after ${timeoutS}s waiting for ops [${expectOps.join(',')}] on every topic`);
}

const cmd = process.argv[2];
const run = { ready, topics, consume }[cmd];
if (!run) {
  console.error('usage: kafka-tool.mjs ready | topics | consume --topics a,b [--expect-ops c,u,d] [--match TEXT] [--timeout 60]');
  process.exit(2);
}
run().then(
  () => process.exit(0),
  (err) => {
    console.error(`kafka-tool ${cmd}: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
