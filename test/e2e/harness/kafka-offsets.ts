// Watches the Debezium topics from the test's side with kafkajs: topic end offsets, waiting for a
// sentinel row to appear on the workload_runs topics, waiting until Debezium stops delivering, and
// reading an offset range back. Reads only (random consumer groups, nothing committed).
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { BOOTSTRAP, MARK_TOPICS, sleep, TOPICS, type SourceName } from './env.js';

export type EndOffsets = Record<SourceName, number>;

export class KafkaWatch {
  private readonly kafka = new Kafka({ clientId: 'streamforge-e2e', brokers: [BOOTSTRAP], logLevel: logLevel.NOTHING });
  private admin: Admin | undefined;

  constructor(private readonly runTag: string) {}

  async connect(): Promise<void> {
    this.admin = this.kafka.admin();
    await this.admin.connect();
  }

  async disconnect(): Promise<void> {
    await this.admin?.disconnect();
    this.admin = undefined;
  }

  private get a(): Admin {
    if (!this.admin) throw new Error('KafkaWatch used before connect()');
    return this.admin;
  }

  /** Sum over partitions of the topic's end offsets (0 when the topic does not exist yet). */
  async endOffset(topic: string): Promise<number> {
    if (!(await this.a.listTopics()).includes(topic)) return 0;
    const parts = await this.a.fetchTopicOffsets(topic);
    return parts.reduce((s, p) => s + Number(p.high), 0);
  }

  /** End offsets per partition, as the engine's positions name them ('topic/partition' -> offset). */
  async partitionEnds(topic: string): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const p of await this.a.fetchTopicOffsets(topic)) out[`${topic}/${p.partition}`] = Number(p.high);
    return out;
  }

  async endOffsets(): Promise<EndOffsets> {
    return { orders: await this.endOffset(TOPICS.orders), payments: await this.endOffset(TOPICS.payments) };
  }

  /** Waits until every sentinel topic has a change event whose value contains `text`. */
  async waitForMark(text: string, timeoutMs: number, topics: readonly string[] = MARK_TOPICS): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while ((await this.a.listTopics()).filter((t) => topics.includes(t)).length < topics.length) {
      if (Date.now() > deadline) throw new Error(`topics ${topics.join(', ')} never appeared`);
      await sleep(500);
    }
    const consumer = this.kafka.consumer({ groupId: `streamforge-e2e-marks-${this.runTag}-${Math.random().toString(36).slice(2)}` });
    const missing = new Set(topics);
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [...topics], fromBeginning: true });
      let done!: () => void;
      const found = new Promise<void>((r) => (done = r));
      await consumer.run({
        autoCommit: false,
        eachMessage: async ({ topic, message }) => {
          if (message.value?.toString().includes(text)) missing.delete(topic);
          if (missing.size === 0) done();
        },
      });
      await Promise.race([found, sleep(Math.max(0, deadline - Date.now()))]);
      if (missing.size > 0) throw new Error(`no event containing '${text}' on ${[...missing].join(', ')} within ${timeoutMs / 1000} s`);
    } finally {
      await consumer.disconnect();
    }
  }

  /**
   * The values of one single-partition topic from offset `from` (inclusive) to `to` (exclusive), with
   * their offsets. Used to tell Debezium's re-sent duplicates apart from new events.
   */
  async readRange(topic: string, from: number, to: number, timeoutMs: number): Promise<{ offset: number; key: string; value: string }[]> {
    const parts = await this.a.fetchTopicOffsets(topic);
    if (parts.length !== 1) throw new Error(`${topic} has ${parts.length} partitions; readRange reads single-partition topics`);
    const out: { offset: number; key: string; value: string }[] = [];
    if (to <= from) return out;
    const consumer = this.kafka.consumer({ groupId: `streamforge-e2e-read-${this.runTag}-${Math.random().toString(36).slice(2)}` });
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: false });
      let done!: () => void;
      const finished = new Promise<void>((r) => (done = r));
      await consumer.run({
        autoCommit: false,
        eachMessage: async ({ message }) => {
          const offset = Number(message.offset);
          if (offset >= from && offset < to) out.push({ offset, key: message.key?.toString() ?? '', value: message.value?.toString() ?? '' });
          if (offset >= to - 1) done();
        },
      });
      consumer.seek({ topic, partition: parts[0]!.partition, offset: String(from) });
      await Promise.race([finished, sleep(timeoutMs)]);
    } finally {
      await consumer.disconnect();
    }
    if (out.length !== to - from) throw new Error(`read ${out.length} of the ${to - from} events at ${from}..${to - 1} of ${topic}`);
    return out.sort((a, b) => a.offset - b.offset);
  }

  /** Polls end offsets until they stop moving for `quietMs` (and, when given, reach `atLeast`). */
  async waitForQuiet(quietMs: number, timeoutMs: number, atLeast?: EndOffsets): Promise<EndOffsets> {
    const deadline = Date.now() + timeoutMs;
    let last = await this.endOffsets();
    let since = Date.now();
    for (;;) {
      await sleep(500);
      const now = await this.endOffsets();
      if (now.orders !== last.orders || now.payments !== last.payments) {
        last = now;
        since = Date.now();
      }
      const reached = !atLeast || (now.orders >= atLeast.orders && now.payments >= atLeast.payments);
      if (reached && Date.now() - since >= quietMs) return now;
      if (Date.now() > deadline)
        throw new Error(
          `Debezium did not deliver in ${timeoutMs / 1000} s: end offsets ${JSON.stringify(now)}, expected at least ${JSON.stringify(atLeast)}`,
        );
    }
  }
}
