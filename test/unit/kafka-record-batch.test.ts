// kafka-record-batch.ts and kafka-fetch-response.ts against record batches built byte for byte here (a small RecordBatch v2
// encoder) and by kafkajs's own encoder: runs and offsets, records before the fetch offset, gaps,
// tombstones, empty values, keys, non-ASCII, gzip, other codecs, control batches, aborted
// transactions, truncated tails, legacy sets, Fetch response framing; and KafkaBatch on top.
import { Buffer } from 'node:buffer';
import { createRequire } from 'node:module';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseFetchResponse } from '../../engine/connectors/kafka-fetch-response.js';
import { RunBufferPool, RunKeys, decodeRecordSet, type AbortedTxn, type DecodedRecords, type FetchedRun, type RecordSetOptions } from '../../engine/connectors/kafka-record-batch.js';
import { KafkaBatch } from '../../engine/connectors/kafka-source.js';
import { rawValueText } from '../../engine/connectors/raw-values.js';

// ---- a RecordBatch v2 encoder ------------------------------------------------------------------

function uvarint(n: bigint): number[] {
  const out: number[] = [];
  let v = n;
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v !== 0n) byte |= 0x80;
    out.push(byte);
  } while (v !== 0n);
  return out;
}
const zigzag = (n: number | bigint): number[] => {
  const b = BigInt(n);
  return uvarint(b >= 0n ? b << 1n : (-b << 1n) - 1n);
};
const bytesField = (b: Buffer | null): number[] => (b === null ? zigzag(-1) : [...zigzag(b.length), ...b]);

interface Rec {
  readonly delta: number;
  readonly key?: string | Buffer | null;
  readonly value: string | Buffer | null;
  readonly headers?: readonly [string, string][];
  readonly tsDelta?: number;
}
const buf = (v: string | Buffer | null | undefined): Buffer | null => (v == null ? null : typeof v === 'string' ? Buffer.from(v, 'utf8') : v);

function encodeRecord(r: Rec): Buffer {
  const body = [
    0,
    ...zigzag(r.tsDelta ?? 0),
    ...zigzag(r.delta),
    ...bytesField(buf(r.key)),
    ...bytesField(buf(r.value)),
    ...zigzag(r.headers?.length ?? 0),
    ...(r.headers ?? []).flatMap(([k, v]) => [...bytesField(Buffer.from(k)), ...bytesField(Buffer.from(v))]),
  ];
  return Buffer.from([...zigzag(body.length), ...body]);
}

interface BatchSpec {
  readonly base: number;
  readonly records: readonly Rec[];
  readonly lastOffsetDelta?: number;
  readonly codec?: number; // 0 none, 1 gzip, 2 snappy, 3 lz4, 4 zstd
  readonly txn?: boolean;
  readonly control?: boolean;
  readonly producerId?: bigint;
  readonly magic?: number;
}

function encodeBatch(s: BatchSpec): Buffer {
  const recs = Buffer.concat(s.records.map(encodeRecord));
  const payload = s.codec === 1 ? gzipSync(recs) : s.codec ? Buffer.from('not really compressed') : recs;
  const attrs = (s.codec ?? 0) | (s.txn ? 0x10 : 0) | (s.control ? 0x20 : 0);
  const body = Buffer.alloc(40);
  body.writeInt16BE(attrs, 0);
  body.writeInt32BE(s.lastOffsetDelta ?? Math.max(0, ...s.records.map((r) => r.delta)), 2);
  body.writeBigInt64BE(1_700_000_000_000n, 6);
  body.writeBigInt64BE(1_700_000_000_000n, 14);
  body.writeBigInt64BE(s.producerId ?? -1n, 22);
  body.writeInt16BE(0, 30);
  body.writeInt32BE(0, 32);
  body.writeInt32BE(s.records.length, 36);
  const head = Buffer.alloc(21);
  head.writeBigInt64BE(BigInt(s.base), 0);
  head.writeInt32BE(4 + 1 + 4 + body.length + payload.length, 8);
  head.writeInt32BE(0, 12); // partition leader epoch
  head.writeInt8(s.magic ?? 2, 16);
  head.writeUInt32BE(0xdeadbeef, 17); // CRC: not checked
  return Buffer.concat([head, body, payload]);
}

/** A control record: key = version, type (0 abort, 1 commit); value = version, coordinator epoch. */
const marker = (delta: number, type: 0 | 1): Rec => ({ delta, key: Buffer.from([0, 0, 0, type]), value: Buffer.from([0, 0, 0, 0, 0, 7]) });

const opts = (fetchOffset: number, extra: Partial<RecordSetOptions> = {}): RecordSetOptions => ({ fetchOffset, maxRun: 1000, aborted: [], ...extra });

async function decode(set: Buffer, o: RecordSetOptions): Promise<DecodedRecords> {
  // place the record set inside a bigger buffer, as in a response
  const framed = Buffer.concat([Buffer.from('response header'), set, Buffer.from('next partition')]);
  const start = 'response header'.length;
  return decodeRecordSet(framed, start, start + set.length, o);
}

const texts = (r: FetchedRun): (string | null)[] => (r.texts !== null ? r.texts : Array.from({ length: r.count }, (_, i) => rawValueText(r.raw!, i)));
const keyTexts = (r: FetchedRun): (string | null)[] => Array.from({ length: r.count }, (_, i) => {
  const k = r.keys.get(i);
  return k === null ? null : Buffer.from(k).toString('utf8');
});
const shape = (d: DecodedRecords) => d.runs.map((r) => [r.firstOffset, texts(r)]);

describe('decodeRecordSet', () => {
  it('reads values, keys, tombstones and non-ASCII text into one transferable buffer per contiguous run', async () => {
    const set = Buffer.concat([
      encodeBatch({ base: 10, records: [{ delta: 0, key: 'k10', value: '{"a":1}', headers: [['h', 'v']] }, { delta: 1, key: 'k11', value: null }] }),
      encodeBatch({ base: 12, records: [{ delta: 0, key: null, value: '{"ü":"ß€😀"}', tsDelta: -5_000_000_000 }, { delta: 1, key: 'ключ', value: 'x'.repeat(300) }] }),
    ]);
    const d = await decode(set, opts(10));
    expect(d.nextOffset).toBe(14);
    expect(d.runs).toHaveLength(1);
    const run = d.runs[0]!;
    expect(run.firstOffset).toBe(10);
    expect(run.count).toBe(4);
    expect(texts(run)).toEqual(['{"a":1}', null, '{"ü":"ß€😀"}', 'x'.repeat(300)]);
    expect(keyTexts(run)).toEqual(['k10', 'k11', null, 'ключ']);
    const raw = run.raw!;
    expect(raw.ascii).toBe(false);
    expect(raw.bytes.byteOffset).toBe(0);
    expect(raw.bytes.buffer.byteLength).toBe(raw.bytes.length); // its own buffer: safe to transfer
    // the records are copied as they lie (keys and framing too), both batches with one copy
    const recordBytes = set.length - 2 * 61;
    expect(raw.bytes.length).toBeGreaterThanOrEqual(recordBytes);
    expect(raw.bytes.length).toBeLessThanOrEqual(recordBytes + 61);
    expect(run.texts).toBeNull();
    // ascii: only when every byte of the buffer is (small records have single-byte framing)
    const ascii = await decode(encodeBatch({ base: 0, records: [{ delta: 0, value: '{"b":2}' }] }), opts(0));
    expect(ascii.runs[0]!.raw!.ascii).toBe(true);
    const bigAscii = await decode(encodeBatch({ base: 0, records: [{ delta: 0, value: 'a'.repeat(200) }] }), opts(0));
    expect(bigAscii.runs[0]!.raw!.ascii).toBe(false); // a two-byte length varint: not known to be ASCII
  });

  it('drops records before the requested offset, also whole batches, and still reads to the end of the batch', async () => {
    const set = Buffer.concat([
      encodeBatch({ base: 0, records: [{ delta: 0, value: 'a' }, { delta: 1, value: 'b' }] }),
      encodeBatch({ base: 2, records: [{ delta: 0, value: 'c' }, { delta: 1, value: 'd' }, { delta: 2, value: 'e' }] }),
    ]);
    expect(shape(await decode(set, opts(3)))).toEqual([[3, ['d', 'e']]]);
    expect((await decode(set, opts(3))).nextOffset).toBe(5);
    // fetch offset past everything returned: nothing, and the position stays
    const past = await decode(set, opts(9));
    expect(past.runs).toEqual([]);
    expect(past.nextOffset).toBe(9);
  });

  it('starts a new run at every offset gap (compaction) and moves past an emptied batch', async () => {
    const set = Buffer.concat([
      encodeBatch({ base: 100, records: [{ delta: 0, value: 'a' }, { delta: 2, value: 'c' }, { delta: 3, value: 'd' }], lastOffsetDelta: 5 }),
      encodeBatch({ base: 106, records: [{ delta: 0, value: 'g' }] }),
      encodeBatch({ base: 110, records: [{ delta: 1, value: 'l' }] }),
      encodeBatch({ base: 112, records: [], lastOffsetDelta: 3 }), // every record compacted away
    ]);
    const d = await decode(set, opts(100));
    expect(shape(d)).toEqual([
      [100, ['a']],
      [102, ['c', 'd']],
      [106, ['g']],
      [111, ['l']],
    ]);
    expect(d.nextOffset).toBe(116);
  });

  it('splits runs longer than maxRun', async () => {
    const records = Array.from({ length: 7 }, (_, i) => ({ delta: i, value: `v${i}` }));
    const d = await decode(encodeBatch({ base: 0, records }), opts(0, { maxRun: 3 }));
    expect(d.runs.map((r) => [r.firstOffset, r.count])).toEqual([
      [0, 3],
      [3, 3],
      [6, 1],
    ]);
    expect(texts(d.runs[2]!)).toEqual(['v6']);
  });

  it('stops before a truncated trailing batch, wherever the cut falls', async () => {
    const whole = encodeBatch({ base: 0, records: [{ delta: 0, key: 'k', value: 'first' }, { delta: 1, value: 'second' }] });
    const tail = encodeBatch({ base: 2, records: [{ delta: 0, key: 'k', value: 'third' }] });
    for (let cut = 0; cut < tail.length; cut++) {
      const d = await decode(Buffer.concat([whole, tail.subarray(0, cut)]), opts(0));
      expect(shape(d)).toEqual([[0, ['first', 'second']]]);
      expect(d.nextOffset).toBe(2);
    }
    const d = await decode(Buffer.concat([whole, tail]), opts(0));
    expect(d.nextOffset).toBe(3);
  });

  it('skips control batches but counts them in nextOffset', async () => {
    const set = Buffer.concat([
      encodeBatch({ base: 0, records: [{ delta: 0, value: 'a' }], txn: true, producerId: 5n }),
      encodeBatch({ base: 1, records: [marker(0, 1)], txn: true, control: true, producerId: 5n }),
      encodeBatch({ base: 2, records: [{ delta: 0, value: 'b' }] }),
      encodeBatch({ base: 3, records: [marker(0, 1)], txn: true, control: true, producerId: 6n }),
    ]);
    for (const aborted of [[], [{ producerId: 9n, firstOffset: 0 }]] as AbortedTxn[][]) {
      const d = await decode(set, opts(0, { aborted }));
      expect(shape(d)).toEqual([
        [0, ['a']],
        [2, ['b']],
      ]);
      expect(d.nextOffset).toBe(4);
    }
  });

  it('drops aborted transactions as the fetch response lists them, keeping later and other transactions', async () => {
    const set = Buffer.concat([
      encodeBatch({ base: 0, records: [{ delta: 0, value: 'plain' }] }),
      encodeBatch({ base: 1, records: [{ delta: 0, value: 'aborted-1' }, { delta: 1, value: 'aborted-2' }], txn: true, producerId: 7n }),
      encodeBatch({ base: 3, records: [{ delta: 0, value: 'committed-8' }], txn: true, producerId: 8n }),
      encodeBatch({ base: 4, records: [marker(0, 0)], txn: true, control: true, producerId: 7n }), // abort of 7
      encodeBatch({ base: 5, records: [marker(0, 1)], txn: true, control: true, producerId: 8n }), // commit of 8
      encodeBatch({ base: 6, records: [{ delta: 0, value: 'later-7' }], txn: true, producerId: 7n }), // a new txn of 7
      encodeBatch({ base: 7, records: [{ delta: 0, value: 'aborted-again-7' }], txn: true, producerId: 7n }),
      encodeBatch({ base: 8, records: [marker(0, 0)], txn: true, control: true, producerId: 7n }),
    ]);
    // the broker lists each aborted transaction by producer and first offset (listed out of order here)
    const aborted: AbortedTxn[] = [
      { producerId: 7n, firstOffset: 7 },
      { producerId: 7n, firstOffset: 1 },
    ];
    const committed = await decode(set, opts(0, { aborted }));
    expect(shape(committed)).toEqual([
      [0, ['plain']],
      [3, ['committed-8']],
      [6, ['later-7']],
    ]);
    expect(committed.nextOffset).toBe(9);
    // read_uncommitted: every data record
    expect(shape(await decode(set, opts(0)))).toEqual([
      [0, ['plain', 'aborted-1', 'aborted-2', 'committed-8']],
      [6, ['later-7', 'aborted-again-7']],
    ]);
    // starting inside the aborted transaction
    expect(shape(await decode(set, opts(2, { aborted })))).toEqual([
      [3, ['committed-8']],
      [6, ['later-7']],
    ]);
  });

  it('inflates gzip batches, mixed with plain ones, and names unsupported codecs', async () => {
    const set = Buffer.concat([
      encodeBatch({ base: 0, records: [{ delta: 0, key: 'k0', value: 'plain' }] }),
      encodeBatch({ base: 1, codec: 1, records: [{ delta: 0, key: 'k1', value: '{"z":"ä"}' }, { delta: 1, value: null }, { delta: 3, key: 'k4', value: 'gap' }], lastOffsetDelta: 4 }),
      encodeBatch({ base: 6, records: [{ delta: 0, value: 'after' }] }),
    ]);
    const d = await decode(set, opts(2));
    expect(shape(d)).toEqual([
      [2, [null]],
      [4, ['gap']],
      [6, ['after']],
    ]);
    expect(keyTexts(d.runs[1]!)).toEqual(['k4']);
    const all = await decode(set, opts(0));
    expect(shape(all)).toEqual([
      [0, ['plain', '{"z":"ä"}', null]],
      [4, ['gap']],
      [6, ['after']],
    ]);
    expect(keyTexts(all.runs[0]!)).toEqual(['k0', 'k1', null]); // keys from two buffers in one run
    // keys live in the run's buffer: once it moves to another thread they cannot be read
    const keys = all.runs[0]!.keys;
    expect(keys.bytes).toBe(all.runs[0]!.raw!.bytes);
    structuredClone(keys.bytes.buffer, { transfer: [keys.bytes.buffer as ArrayBuffer] });
    expect(() => keys.get(0)).toThrow(/moved to another thread/);
    expect(keys.get(2)).toBeNull();
    expect(new RunKeys(new Uint8Array([104, 105]), new Int32Array([0, -1]), new Int32Array([2, -1])).head(1).count).toBe(1);
    for (const [codec, name] of [
      [2, 'snappy'],
      [3, 'lz4'],
      [4, 'zstd'],
      [6, 'codec 6'],
    ] as const) {
      const bad = Buffer.concat([encodeBatch({ base: 0, records: [{ delta: 0, value: 'a' }] }), encodeBatch({ base: 1, codec, records: [{ delta: 0, value: 'b' }] })]);
      await expect(decode(bad, opts(0, { where: "'t/0'" }))).rejects.toThrow(new RegExp(`'t/0'.*offset 1.*${name}`));
    }
    // a compressed batch wholly before the fetch offset is not even looked at
    const skipped = Buffer.concat([encodeBatch({ base: 0, codec: 2, records: [{ delta: 0, value: 'a' }] }), encodeBatch({ base: 1, records: [{ delta: 0, value: 'b' }] })]);
    expect(shape(await decode(skipped, opts(1)))).toEqual([[1, ['b']]]);
  });

  it('keeps exact text when a value is empty but not null (an empty raw value would read as a tombstone)', async () => {
    const d = await decode(encodeBatch({ base: 0, records: [{ delta: 0, value: '{"a":1}' }, { delta: 1, value: '' }, { delta: 2, value: null }] }), opts(0));
    expect(d.runs[0]!.raw).toBeNull();
    expect(d.runs[0]!.texts).toEqual(['{"a":1}', '', null]);
  });

  it('hands legacy (magic 0/1) message sets to the legacy decoder, from the first such batch on', async () => {
    const legacyBytes = encodeBatch({ base: 1, magic: 1, records: [] });
    const seen: number[] = [];
    const d = await decode(Buffer.concat([encodeBatch({ base: 0, records: [{ delta: 0, value: 'v2' }] }), legacyBytes]), {
      ...opts(0),
      legacy: async (b) => {
        seen.push(b.length);
        return [
          { offset: 1, key: Buffer.from('lk'), value: Buffer.from('old') },
          { offset: 2, key: null, value: null },
        ];
      },
    });
    expect(seen).toEqual([legacyBytes.length]);
    expect(shape(d)).toEqual([[0, ['v2', 'old', null]]]);
    expect(keyTexts(d.runs[0]!)).toEqual([null, 'lk', null]);
    expect(d.nextOffset).toBe(3);
    await expect(decode(legacyBytes, opts(0))).rejects.toThrow(/magic/);
  });

  it('takes run buffers from a pool that reuses the buffers handed back, never one twice', async () => {
    const pool = new RunBufferPool(64, 2);
    const set = encodeBatch({ base: 0, records: [{ delta: 0, value: 'abc' }, { delta: 1, value: null }, { delta: 2, value: 'de' }] });
    const first = (await decode(set, opts(0, { alloc: pool.take }))).runs[0]!;
    const ab = first.raw!.bytes.buffer;
    expect(ab.byteLength).toBe(64);
    expect(first.raw!.bytes.byteLength).toBeLessThan(64);
    expect(texts(first)).toEqual(['abc', null, 'de']);
    pool.give(ab as ArrayBuffer);
    pool.give(ab as ArrayBuffer); // twice: kept once
    pool.give(new ArrayBuffer(32)); // not of this pool
    const again = (await decode(set, opts(1, { alloc: pool.take }))).runs[0]!;
    expect(again.raw!.bytes.buffer).toBe(ab);
    expect(texts(again)).toEqual([null, 'de']);
    const other = (await decode(set, opts(0, { alloc: pool.take }))).runs[0]!;
    expect(other.raw!.bytes.buffer).not.toBe(ab); // the pool was empty again
    const big = (await decode(encodeBatch({ base: 0, records: [{ delta: 0, value: 'x'.repeat(100) }] }), opts(0, { alloc: pool.take }))).runs[0]!;
    expect(big.raw!.bytes.buffer.byteLength).toBe(big.raw!.bytes.byteLength); // too big for the pool: a buffer of its own
    expect(big.raw!.bytes.byteLength).toBeGreaterThan(100);
    // exact text (empty values) read from a pooled view
    const exact = (await decode(encodeBatch({ base: 0, records: [{ delta: 0, value: 'é' }, { delta: 1, value: '' }] }), opts(0, { alloc: pool.take }))).runs[0]!;
    expect(exact.texts).toEqual(['é', '']);
  });

  it('rejects records that overrun their batch', async () => {
    const b = encodeBatch({ base: 0, records: [{ delta: 0, value: 'abc' }] });
    b.writeInt32BE(3, 57); // claims 3 records, holds 1
    await expect(decode(b, opts(0))).rejects.toThrow(/malformed/);
  });
});

// ---- agreement with kafkajs's own encoder and decoder -----------------------------------------

const requireKafkajs = createRequire(import.meta.url);
type KjsBatch = (o: Record<string, unknown>) => Promise<{ buffer: Buffer }>;
const { RecordBatch } = requireKafkajs('kafkajs/src/protocol/recordBatch/v0/index.js') as { RecordBatch: KjsBatch };
const KjsRecord = requireKafkajs('kafkajs/src/protocol/recordBatch/record/v0/index.js') as (o: Record<string, unknown>) => unknown;
const KjsDecoder = requireKafkajs('kafkajs/src/protocol/decoder.js') as new (b: Buffer) => unknown;
const kjsDecodeMessages = requireKafkajs('kafkajs/src/protocol/requests/fetch/v4/decodeMessages.js') as (d: unknown) => Promise<{ offset: string; key: Buffer | null; value: Buffer | null }[]>;

/** Deterministic pseudo-random numbers. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('decodeRecordSet and kafkajs agree', () => {
  it('on random plain and gzip batches made by kafkajs, with a truncated tail', async () => {
    const rand = rng(42);
    for (let round = 0; round < 20; round++) {
      const parts: Buffer[] = [];
      let base = Math.floor(rand() * 1000);
      const first = base;
      for (let b = 0; b < 1 + Math.floor(rand() * 6); b++) {
        const n = 1 + Math.floor(rand() * 8);
        const records: unknown[] = [];
        let delta = 0;
        for (let i = 0; i < n; i++) {
          const r = rand();
          const value = r < 0.1 ? null : Buffer.from(r < 0.2 ? `{"é":${i},"s":"${'ü'.repeat(Math.floor(rand() * 50))}"}` : `{"v":${i},"pad":"${'x'.repeat(Math.floor(rand() * 400))}"}`);
          const key = rand() < 0.3 ? null : Buffer.from(`key-${round}-${b}-${i}`);
          records.push(KjsRecord({ offsetDelta: delta, timestampDelta: Math.floor(rand() * 1e6), key, value, headers: rand() < 0.3 ? { trace: 'abc' } : {} }));
          delta += rand() < 0.2 ? 2 : 1;
        }
        const enc = await RecordBatch({ compression: rand() < 0.3 ? 1 : 0, firstOffset: String(base), lastOffsetDelta: delta - 1, records });
        parts.push(enc.buffer);
        base += delta;
      }
      const whole = Buffer.concat(parts);
      const cut = rand() < 0.5 ? whole.subarray(0, whole.length - Math.floor(rand() * parts.at(-1)!.length)) : whole;
      const fetchOffset = first + Math.floor(rand() * 5);
      // kafkajs: its fetch decoder reads an int32 size, then the set
      const sized = Buffer.concat([Buffer.alloc(4), cut]);
      sized.writeInt32BE(cut.length, 0);
      const theirs = (await kjsDecodeMessages(new KjsDecoder(sized))).filter((m) => Number(m.offset) >= fetchOffset);
      const mine = await decode(cut, opts(fetchOffset, { maxRun: 5 }));
      const flat = mine.runs.flatMap((r) => texts(r).map((v, i) => ({ offset: r.firstOffset + i, key: keyTexts(r)[i], value: v })));
      expect(flat).toEqual(theirs.map((m) => ({ offset: Number(m.offset), key: m.key?.toString('utf8') ?? null, value: m.value?.toString('utf8') ?? null })));
      for (const r of mine.runs) expect(r.count).toBeLessThanOrEqual(5);
    }
  });
});

// ---- Fetch response framing -------------------------------------------------------------------

interface PartSpec {
  readonly partition: number;
  readonly error?: number;
  readonly high: number;
  readonly lso?: number;
  readonly aborted?: readonly [bigint, number][];
  readonly records: Buffer | null;
}

function fetchResponse(version: number, topics: readonly [string, readonly PartSpec[]][]): Buffer {
  const out: Buffer[] = [];
  const i16 = (n: number) => {
    const b = Buffer.alloc(2);
    b.writeInt16BE(n);
    out.push(b);
  };
  const i32 = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeInt32BE(n);
    out.push(b);
  };
  const i64 = (n: number | bigint) => {
    const b = Buffer.alloc(8);
    b.writeBigInt64BE(BigInt(n));
    out.push(b);
  };
  if (version >= 1) i32(25); // throttle
  if (version >= 7) {
    i16(0);
    i32(0);
  }
  i32(topics.length);
  for (const [name, parts] of topics) {
    i16(Buffer.byteLength(name));
    out.push(Buffer.from(name));
    i32(parts.length);
    for (const p of parts) {
      i32(p.partition);
      i16(p.error ?? 0);
      i64(p.high);
      if (version >= 4) {
        i64(p.lso ?? p.high);
        if (version >= 5) i64(0);
        i32(p.aborted?.length ?? -1);
        for (const [pid, first] of p.aborted ?? []) {
          i64(pid);
          i64(first);
        }
        if (version >= 11) i32(-1);
      }
      if (p.records === null) i32(-1);
      else {
        i32(p.records.length);
        out.push(p.records);
      }
    }
  }
  return Buffer.concat(out);
}

describe('parseFetchResponse', () => {
  const set0 = encodeBatch({ base: 40, records: [{ delta: 0, key: 'k', value: 'p0' }] });
  const set3 = encodeBatch({ base: 7, records: [{ delta: 0, value: 'p3' }] });
  for (const version of [0, 3, 4, 5, 7, 11]) {
    it(`reads partitions, offsets, aborted transactions and record ranges of a v${version} response`, async () => {
      const res = fetchResponse(version, [
        ['orders', [
          { partition: 0, high: 41, lso: 41, aborted: [[123456789012n, 40]], records: set0 },
          { partition: 1, error: 1, high: 0, records: null },
          { partition: 3, high: 2 ** 40, lso: -1, records: set3 },
        ]],
        ['other', [{ partition: 0, high: 5, records: Buffer.alloc(0) }]],
      ]);
      const f = parseFetchResponse(res, version);
      expect(f.clientSideThrottleTime).toBe(version >= 1 ? 25 : 0);
      expect(f.topics.map((t) => t.topic)).toEqual(['orders', 'other']);
      const [p0, p1, p3] = f.topics[0]!.partitions;
      expect([p0!.partition, p0!.errorCode, p0!.highWatermark, p0!.lastStableOffset]).toEqual([0, 0, 41, version >= 4 ? 41 : -1]);
      expect(p0!.aborted).toEqual(version >= 4 ? [{ producerId: 123456789012n, firstOffset: 40 }] : []);
      expect([p1!.errorCode, p1!.recordsEnd - p1!.recordsStart]).toEqual([1, 0]);
      expect([p3!.highWatermark, p3!.lastStableOffset]).toEqual([2 ** 40, -1]);
      expect(Buffer.from(res.subarray(p3!.recordsStart, p3!.recordsEnd))).toEqual(set3);
      const d = await decodeRecordSet(res, p0!.recordsStart, p0!.recordsEnd, opts(40));
      expect(shape(d)).toEqual([[40, ['p0']]]);
      expect(f.topics[1]!.partitions[0]!.recordsEnd - f.topics[1]!.partitions[0]!.recordsStart).toBe(0);
    });
  }

  it('rejects a truncated response and an unknown version', () => {
    const res = fetchResponse(11, [['orders', [{ partition: 0, high: 1, records: set0 }]]]);
    expect(() => parseFetchResponse(res.subarray(0, res.length - 3), 11)).toThrow(/truncated/);
    expect(() => parseFetchResponse(res, 12)).toThrow(/version 12/);
  });
});

// ---- KafkaBatch over decoded runs -------------------------------------------------------------

describe('KafkaBatch', () => {
  it('hands out raw values and builds values and keys as text on first use', async () => {
    const d = await decode(encodeBatch({ base: 5, records: [{ delta: 0, key: '{"id":1}', value: '{"a":1}' }, { delta: 1, key: '{"id":1}', value: null }, { delta: 2, key: null, value: '{"b":"é"}' }] }), opts(5));
    const run = d.runs[0]!;
    const b = new KafkaBatch('t/3', run.firstOffset, run);
    expect(b.raw).toBe(run.raw);
    expect(b.values).toEqual(['{"a":1}', null, '{"b":"é"}']);
    expect(b.keys).toEqual(['{"id":1}', '{"id":1}', null]);
    expect(b.where(2)).toBe('t/3/7');
    expect(run.keys.head(2).count).toBe(2);
    expect(run.keys.head(2).get(2)).toBeNull();
    const exact = (await decode(encodeBatch({ base: 0, records: [{ delta: 0, value: '' }] }), opts(0))).runs[0]!;
    const e = new KafkaBatch('t/3', 0, exact);
    expect(e.raw).toBeUndefined();
    expect(e.values).toEqual(['']);
  });
});

// ---- the client thread, without a broker ------------------------------------------------------

describe('KafkaClientThread', () => {
  it('carries retry warnings and errors back from its worker and ends it on disconnect (needs the compiled worker in dist/)', async () => {
    const { KafkaClientThread, kafkaThreadAvailable } = await import('../../engine/connectors/kafka-client-thread.js');
    expect(kafkaThreadAvailable()).toBe(true);
    const retries: string[] = [];
    const c = new KafkaClientThread({
      brokers: ['127.0.0.1:1'], // nothing listens there
      clientId: 'test',
      ssl: false,
      readCommitted: true,
      connectionTimeoutMs: 100,
      requestTimeoutMs: 100,
      reconnectTimeoutMs: 300,
      onRetry: (what, err) => retries.push(`${what}: ${err.name}`),
    });
    await expect(c.connect()).rejects.toThrow(/gave up connecting/);
    expect(retries).toHaveLength(1);
    expect(retries[0]).toMatch(/^connecting: KafkaJS/);
    await expect(c.fetch('t', [], { maxWaitMs: 1, maxBytesPerPartition: 1024, maxRecordsPerRun: 1 })).resolves.toEqual([]);
    await c.disconnect();
    await expect(c.partitionIds('t')).rejects.toThrow(/thread failed/);
  }, 20_000);
});
