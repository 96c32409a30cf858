// Pure byte parsing of a Kafka Fetch response's framing (v0-v11): throttle time, errors, and per
// partition its offsets, aborted transactions and the byte range of its record set. The records
// themselves are kafka-record-batch.ts's job. Must not import kafkajs nor do I/O.
import { Buffer } from 'node:buffer';

export interface AbortedTxn {
  readonly producerId: bigint;
  readonly firstOffset: number;
}

export interface FetchPartitionHeader {
  readonly partition: number;
  readonly errorCode: number;
  readonly highWatermark: number;
  /** -1 when the version has none (v0-v3) or the broker does not know it. */
  readonly lastStableOffset: number;
  readonly aborted: readonly AbortedTxn[];
  /** The record set: bytes [recordsStart, recordsEnd) of the response. */
  readonly recordsStart: number;
  readonly recordsEnd: number;
}

export interface FetchResponseFrame {
  readonly clientSideThrottleTime: number;
  /** Top-level error (v7+; 0 otherwise). */
  readonly errorCode: number;
  readonly topics: readonly { readonly topic: string; readonly partitions: readonly FetchPartitionHeader[] }[];
  /** The response payload the ranges point into. */
  readonly buffer: Uint8Array;
}

/** Reads a Fetch response's framing (not the records) as the given request version sent it. */
export function parseFetchResponse(buf: Uint8Array, version: number): FetchResponseFrame {
  if (version < 0 || version > 11) throw new Error(`unsupported Fetch response version ${version}`);
  const end = buf.length;
  let p = 0;
  const need = (n: number): void => {
    if (p + n > end) throw corrupt(`truncated at byte ${p}`);
  };
  let throttle = 0;
  let errorCode = 0;
  if (version >= 1) {
    need(4);
    throttle = i32(buf, p);
    p += 4;
  }
  if (version >= 7) {
    need(6);
    errorCode = i16(buf, p);
    p += 6; // error_code, session_id
  }
  need(4);
  const nTopics = i32(buf, p);
  p += 4;
  const topics: { topic: string; partitions: FetchPartitionHeader[] }[] = [];
  for (let t = 0; t < nTopics; t++) {
    need(2);
    const len = i16(buf, p);
    p += 2;
    need(Math.max(len, 0));
    const topic = len < 0 ? '' : Buffer.from(buf.buffer, buf.byteOffset + p, len).toString('utf8');
    p += Math.max(len, 0);
    need(4);
    const nParts = i32(buf, p);
    p += 4;
    const partitions: FetchPartitionHeader[] = [];
    for (let k = 0; k < nParts; k++) {
      need(14);
      const partition = i32(buf, p);
      const err = i16(buf, p + 4);
      const high = i64(buf, p + 6);
      p += 14;
      let lso = -1;
      const aborted: AbortedTxn[] = [];
      if (version >= 4) {
        need(8);
        lso = i64(buf, p);
        p += 8;
        if (version >= 5) {
          need(8);
          p += 8; // log_start_offset
        }
        need(4);
        const nAborted = i32(buf, p);
        p += 4;
        for (let a = 0; a < nAborted; a++) {
          need(16);
          aborted.push({ producerId: i64big(buf, p), firstOffset: i64(buf, p + 8) });
          p += 16;
        }
        if (version >= 11) {
          need(4);
          p += 4; // preferred_read_replica
        }
      }
      need(4);
      const size = i32(buf, p);
      p += 4;
      const n = Math.max(size, 0);
      need(n);
      partitions.push({ partition, errorCode: err, highWatermark: high, lastStableOffset: lso, aborted, recordsStart: p, recordsEnd: p + n });
      p += n;
    }
    topics.push({ topic, partitions });
  }
  return { clientSideThrottleTime: throttle, errorCode, topics, buffer: buf };
}


// ---- big-endian readers shared with kafka-record-batch.ts ----

export const i16 = (b: Uint8Array, p: number): number => ((b[p]! << 24) | (b[p + 1]! << 16)) >> 16;
export const i32 = (b: Uint8Array, p: number): number => (b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!;
/** Signed 64-bit as a number (exact below 2^53, which offsets are). */
export const i64 = (b: Uint8Array, p: number): number => i32(b, p) * 4294967296 + (i32(b, p + 4) >>> 0);
export const i64big = (b: Uint8Array, p: number): bigint => (BigInt(i32(b, p)) << 32n) | BigInt(i32(b, p + 4) >>> 0);

export function corrupt(what: string): Error {
  return new Error(`malformed Kafka fetch response: ${what}`);
}
