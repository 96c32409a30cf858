// Worker-thread entry of KafkaClientThread (kafka-client-thread.ts): owns one KafkaClient and runs
// the calls it is sent, replying in any order by id. Fetched runs go back with their value and key
// buffers transferred. Must not keep reader state (positions, queues): kafka-source.ts does.
import { parentPort, workerData } from 'node:worker_threads';
import { KafkaClient, KafkaOffsetOutOfRangeError } from './kafka-client.js';
import type { KafkaReply, KafkaRequest, KafkaThreadOptions, PortablePartition, WorkerError } from './kafka-client-thread.js';

const port = parentPort!;

function portable(e: unknown): WorkerError {
  if (e instanceof KafkaOffsetOutOfRangeError) return { name: e.name, message: e.message, topic: e.topic, partition: e.partition, offset: e.offset };
  if (e instanceof Error) return { name: e.name, message: e.message, ...(e.stack !== undefined ? { stack: e.stack } : {}) };
  return { name: 'Error', message: String(e) };
}

const client = new KafkaClient({
  ...(workerData as KafkaThreadOptions),
  onRetry: (what, error) => port.postMessage({ kind: 'retry', what, error: portable(error) } satisfies KafkaReply),
});

async function run(req: KafkaRequest): Promise<{ value: unknown; transfer: ArrayBuffer[] }> {
  switch (req.method) {
    case 'connect':
      return { value: await client.connect(), transfer: [] };
    case 'refreshMetadata':
      return { value: await client.refreshMetadata(), transfer: [] };
    case 'disconnect':
      return { value: await client.disconnect(), transfer: [] };
    case 'partitionIds':
      return { value: await client.partitionIds(...req.args), transfer: [] };
    case 'offsets':
      return { value: await client.offsets(...req.args), transfer: [] };
    case 'groupOffsets':
      return { value: await client.groupOffsets(...req.args), transfer: [] };
    case 'commitGroupOffsets':
      return { value: await client.commitGroupOffsets(...req.args), transfer: [] };
    case 'fetch': {
      client.recycle(req.recycled);
      const parts = await client.fetch(...req.args);
      const transfer: ArrayBuffer[] = [];
      const value: PortablePartition[] = parts.map((p) => ({
        partition: p.partition,
        nextOffset: p.nextOffset,
        high: p.high,
        runs: p.runs.map((r) => {
          const k = r.keys;
          // keys and values share the run's buffer: move it once
          transfer.push(k.bytes.buffer as ArrayBuffer, k.starts.buffer as ArrayBuffer, k.ends.buffer as ArrayBuffer);
          if (r.raw !== null) transfer.push(r.raw.starts.buffer as ArrayBuffer, r.raw.ends.buffer as ArrayBuffer);
          return { firstOffset: r.firstOffset, count: r.count, raw: r.raw, texts: r.texts, keys: { bytes: k.bytes, starts: k.starts, ends: k.ends } };
        }),
      }));
      return { value, transfer };
    }
  }
}

port.on('message', (req: KafkaRequest) => {
  run(req).then(
    ({ value, transfer }) => port.postMessage({ kind: 'result', id: req.id, value } satisfies KafkaReply, transfer),
    (e: unknown) => port.postMessage({ kind: 'error', id: req.id, error: portable(e) } satisfies KafkaReply),
  );
});
