// Shared by the Kafka benchmarks (kafka.ts, kafka-minio.ts): a topic's message count, recreating a
// topic, and the bare kafkajs consumer that fetches and discards every message (the yardstick).
// Bench code only: the engine reaches Kafka through engine/connectors/kafka-client.ts.
import type { Kafka } from 'kafkajs';

/** Messages in the topic (high - low over its partitions), or null when it does not exist. */
export async function topicSize(kafka: Kafka, topic: string): Promise<number | null> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    if (!(await admin.listTopics()).includes(topic)) return null;
    return (await admin.fetchTopicOffsets(topic)).reduce((n, p) => n + Number(p.high) - Number(p.low), 0);
  } finally {
    await admin.disconnect();
  }
}

/** Deletes the topic when it exists and creates it empty with `partitions` partitions. */
export async function recreateTopic(kafka: Kafka, topic: string, partitions: number): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    if ((await admin.listTopics()).includes(topic)) {
      await admin.deleteTopics({ topics: [topic] });
      await new Promise((r) => setTimeout(r, 2000));
    }
    await admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
}

export interface BareRead {
  readonly messages: number;
  /** connect() to the last message, and the first batch to the last message. */
  readonly wholeMs: number;
  readonly steadyMs: number;
  /** This process's CPU time (user + system) from connect(), and from the first batch, to the last message. */
  readonly wholeCpu: NodeJS.CpuUsage;
  readonly steadyCpu: NodeJS.CpuUsage;
}

/** kafkajs consumer.run + eachBatch (default fetch settings, a fresh group), discarding `count` messages. */
export async function bareConsume(kafka: Kafka, topic: string, count: number, groupId: string): Promise<BareRead> {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const consumer = kafka.consumer({ groupId });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let n = 0;
  let first = 0;
  let last = 0;
  let c1: NodeJS.CpuUsage = c0;
  let wholeCpu: NodeJS.CpuUsage = { user: 0, system: 0 };
  let steadyCpu: NodeJS.CpuUsage = { user: 0, system: 0 };
  await new Promise<void>((resolve, reject) => {
    consumer
      .run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          if (first === 0) {
            first = performance.now();
            c1 = process.cpuUsage();
          }
          n += batch.messages.length;
          if (n >= count && last === 0) {
            last = performance.now();
            wholeCpu = process.cpuUsage(c0);
            steadyCpu = process.cpuUsage(c1);
            resolve();
          }
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();
  return { messages: n, wholeMs: last - t0, steadyMs: last - first, wholeCpu, steadyCpu };
}
