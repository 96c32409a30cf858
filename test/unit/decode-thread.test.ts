// The decode thread against in-place decoding: every record of mixed batches (generated orders with
// and without the schema block, tombstones, malformed JSON, wrong types, unknown ops, unicode, huge
// decimals and byte strings) gives the same DecodeResult through the worker's tape as from the
// decoder itself; raw bytes come back intact after their round trip; the tape codec alone round-trips
// every Value kind; file batches whose lines the thread splits keep their line numbers and positions. Needs the compiled worker (dist/, built by `npm test`'s pretest).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { T } from '../../catalog/types.js';
import { FileSourceReader } from '../../engine/connectors/file-source.js';
import { rawValuesToStrings } from '../../engine/connectors/raw-values.js';
import type { RawValues, RecordBatch } from '../../engine/connectors/source.js';
import { createDebeziumDecoder } from '../../engine/formats/debezium-json.js';
import type { Value } from '../../engine/core/value.js';
import type { DecodeResult } from '../../engine/formats/decoded-event.js';
import { TapeReader, TapeWriter } from '../../engine/formats/event-tape.js';
import type { DecodeSources } from '../../engine/runtime/decode-protocol.js';
import { DecodeThread, type DecodeThreadMode } from '../../engine/runtime/decode-thread.js';
import { generateOrders } from '../../examples/ecommerce/generate.js';
import { ORDERS_COLUMNS, sourceDef } from '../harness/source-defs.js';

const ORDERS = sourceDef('orders', ORDERS_COLUMNS);
const WIDE = sourceDef('wide', [
  { name: 'id', type: T.bigint, nullable: false },
  { name: 'big', type: T.decimal(38, 2), nullable: true },
  { name: 'flag', type: T.boolean, nullable: true },
  { name: 'name', type: T.varchar, nullable: true },
  { name: 'raw', type: T.bytes, nullable: true },
  { name: 'd', type: T.double, nullable: true },
]);

function rawOf(lines: readonly (string | null)[]): RawValues {
  const parts = lines.map((l) => Buffer.from(l ?? '', 'utf8'));
  const bytes = Buffer.allocUnsafeSlow(parts.reduce((n, p) => n + p.length + 1, 0));
  const starts = new Uint32Array(lines.length);
  const ends = new Uint32Array(lines.length);
  let at = 0;
  parts.forEach((p, i) => {
    p.copy(bytes, at);
    starts[i] = at;
    ends[i] = at + p.length;
    at += p.length;
    bytes[at++] = 10;
  });
  return { bytes, starts, ends, ascii: lines.every((l) => l === null || /^[\x00-\x7f]*$/.test(l)) };
}

function batchOf(lines: readonly (string | null)[], raw: boolean): RecordBatch {
  const r = rawOf(lines);
  return {
    split: 'test.jsonl',
    firstIndex: 10,
    values: lines,
    ...(raw ? { raw: r } : {}),
    where: (i: number) => `test.jsonl:${11 + i}`,
  };
}

/**
 * The results on a tape, as decoders return them: each event's beforeNums / afterNums (scratch,
 * overwritten by the next event) are checked here, against the image, and left out.
 */
function readAll(tape: Uint8Array): DecodeResult[] {
  const r = new TapeReader(tape);
  const out: DecodeResult[] = [];
  while (!r.done) {
    const res = r.next();
    if (res.kind !== 'event') {
      out.push(res);
      continue;
    }
    const { beforeNums, afterNums, ...rest } = res;
    checkNums(res.before, beforeNums);
    checkNums(res.after, afterNums);
    out.push(rest);
  }
  return out;
}

/** nums[c] is row[c] as a number when it is a bigint in the safe-integer range, else NaN. */
function checkNums(row: readonly Value[] | null, nums: Float64Array | null | undefined): void {
  if (row === null) {
    expect(nums).toBeNull();
    return;
  }
  expect(nums).toBeInstanceOf(Float64Array);
  for (let c = 0; c < row.length; c++) {
    const v = row[c];
    const safe = typeof v === 'bigint' && v >= -BigInt(Number.MAX_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER);
    if (safe) expect(nums![c]).toBe(Number(v));
    else expect(nums![c]).toBeNaN();
  }
}

const TOMB: DecodeResult = { kind: 'tombstone' };

/** A decode thread for these sources; `boot`: started before it is told them. */
function threadFor(sources: DecodeSources, mode: DecodeThreadMode, boot = false): DecodeThread {
  const thread = new DecodeThread(mode);
  if (boot) thread.boot();
  thread.configure(sources);
  return thread;
}

describe('decode thread', () => {
  const orders = [
    ...generateOrders({ events: 400, customers: 20, seed: 7, schemaBlock: false, startMs: 0, spanMs: 3_600_000, outOfOrderMs: 5_000, tombstoneFraction: 0.1 }),
    ...generateOrders({ events: 300, customers: 20, seed: 8, schemaBlock: true, startMs: 0, spanMs: 3_600_000, outOfOrderMs: 5_000, tombstoneFraction: 0.1 }),
    null,
    '{"op":"c","after":{"id":1,"customer_id":2,"amount":"1.5","status":"naïve ☃","created_at":5}}',
    '{"op":"x","after":{"id":1}}',
    '{"op":"c","after":{"id":"not a number"}}',
    '{not json',
    '{"op":"d","before":null,"after":null}',
    '{"op":"t","source":{"ts_ms":1}}',
  ];
  const wide = [
    '{"op":"c","after":{"id":9223372036854775807,"big":"123456789012345678901234567890.25","flag":true,"name":"x","raw":"AQID","d":1.5e300}}',
    '{"op":"u","before":{"id":-9223372036854775808,"big":"-0.01","flag":false,"name":"","raw":"","d":-0.0},"after":{"id":1,"big":null,"flag":null,"name":null,"raw":null,"d":null}}',
  ];

  for (const raw of [true, false])
    it(`gives the in-place decoder's results for ${raw ? 'raw bytes' : 'strings'}`, async () => {
      // raw bytes: a thread booted before it knows its sources (as `run` does for large input)
      const thread = threadFor(
        [
          { def: ORDERS, used: [0, 1, 2, 3, 4, 5, 6] },
          { def: WIDE, used: [0, 1, 2, 3, 4, 5] },
        ],
        'always',
        raw,
      );
      try {
        // each tape is handed back once read: the later batches are written into those buffers
        for (const [src, def, lines] of [[0, ORDERS, orders], [1, WIDE, wide], [0, ORDERS, orders]] as const) {
          const batch = batchOf(lines, raw);
          expect(thread.wants(batch)).toBe(true);
          const decoded = await thread.decode(src, batch);
          const got = readAll(decoded.tape);
          const dec = createDebeziumDecoder(def, def === ORDERS ? [0, 1, 2, 3, 4, 5, 6] : [0, 1, 2, 3, 4, 5]);
          const want = lines.map((l) => (l === null ? TOMB : dec.decode(l)));
          expect(got).toEqual(want);
          expect(got.some((r) => r.kind === 'bad')).toBe(def === ORDERS);
          thread.recycle(decoded.tape);
          expect(decoded.tape.buffer.byteLength).toBe(0); // moved back to the thread
          if (raw) {
            expect(decoded.batch.raw?.bytes.length).toBe(batch.values.reduce((n, l) => n + Buffer.byteLength(l ?? '') + 1, 0));
            expect(rawValuesToStrings(decoded.batch.raw!)).toEqual(lines);
            expect(decoded.batch.values).toEqual(lines);
            expect(decoded.batch.where(2)).toBe('test.jsonl:13');
          }
        }
      } finally {
        await thread.close();
      }
    });

  it("'auto' leaves small batches to the caller and 'never' every batch", async () => {
    const auto = threadFor([{ def: ORDERS, used: [0] }], 'auto');
    const never = threadFor([{ def: ORDERS, used: [0] }], 'never', true); // boot() does nothing when 'never'
    expect(auto.wants(batchOf(orders.slice(0, 10), true))).toBe(false);
    expect(never.wants(batchOf(orders, true))).toBe(false);
    expect(auto.wants(batchOf(orders, true))).toBe(true);
    await auto.close();
  });

  it('splits the lines of file batches itself: same values, results, line numbers and positions', async () => {
    // CRLF, 'null' and empty tombstone lines, and a last line without its newline, over many small reads
    const lines = orders.map((l, i) => (l === null ? (i % 2 === 0 ? 'null' : '') : l));
    const text = lines.map((l, i) => l + (i % 3 === 0 ? '\r\n' : '\n')).join('').replace(/\r?\n$/, '');
    const dir = join(process.cwd(), 'test/.tmp/decode-thread');
    mkdirSync(dir, { recursive: true });
    const path = join(dir, 'lines.jsonl');
    writeFileSync(path, text);
    const thread = threadFor([{ def: ORDERS, used: [0, 1, 2, 3, 4, 5, 6] }], 'always');
    const reader = new FileSourceReader('orders', path, 'lines.jsonl', { bounded: true, chunkBytes: 16 << 10 });
    const dec = createDebeziumDecoder(ORDERS, [0, 1, 2, 3, 4, 5, 6]);
    try {
      await reader.open(undefined);
      const polled: RecordBatch[] = [];
      for (let p = await reader.poll(); p.kind === 'batch'; p = await reader.poll()) polled.push(p.batch);
      expect(polled.length).toBeGreaterThan(10);
      expect(polled.every((b) => b.lines !== undefined && b.positionsAfter !== undefined)).toBe(true);
      expect(polled.every((b) => thread.wants(b))).toBe(true);
      // decoded in order, as the runtime does: each batch's line numbers follow from the one before
      const decoded = await Promise.all(polled.map((b) => thread.decode(0, b)));
      let line = 0;
      decoded.forEach((d, k) => expect(d.batch).toBe(polled[k])); // the thread split them (adopt), no copy of the batch
      for (const d of decoded) {
        const vals = d.batch.values;
        expect(d.batch.firstIndex).toBe(line);
        expect(readAll(d.tape)).toEqual(vals.map((l) => (l === null ? TOMB : dec.decode(l))));
        expect(d.batch.where(0)).toBe(`lines.jsonl:${line + 1}`);
        line += vals.length;
        expect(d.batch.positionsAfter!()).toEqual({ 'lines.jsonl': line });
      }
      expect(decoded.flatMap((d) => d.batch.values)).toEqual(lines.map((l) => (l === 'null' || l === '' ? null : l)));
      expect(reader.positions()).toEqual({ 'lines.jsonl': lines.length });
    } finally {
      await reader.close();
      await thread.close();
    }
  });

  it('a failing worker rejects the batch instead of hanging', async () => {
    const thread = threadFor([{ def: ORDERS, used: [0] }], 'always');
    const batch = batchOf(orders.slice(0, 5), false);
    expect(thread.wants(batch)).toBe(true);
    await expect(thread.decode(3, batch)).rejects.toThrow(/decode thread/);
    await thread.close();
  });
});

describe('decode tape', () => {
  it('round-trips every value kind and record kind', () => {
    const results: DecodeResult[] = [
      { kind: 'event', op: 'u', before: [1n, null, true, false, 1.25, 'é☃', new Uint8Array([0, 255]), 10n ** 30n, -(2n ** 63n)], after: [2n, 'x', null, null, Number.NaN, '', new Uint8Array(0), -(10n ** 25n), 2n ** 63n - 1n], beforeComplete: true },
      { kind: 'event', op: 'c', before: null, after: [], beforeComplete: false },
      // the edges of the safe-integer range (afterNums: numbers inside, NaN outside) and of the high word
      { kind: 'event', op: 'r', before: null, after: [2n ** 53n - 1n, -(2n ** 53n - 1n), 2n ** 53n, -(2n ** 53n), 0n, -1n, 2n ** 32n, -(2n ** 32n) - 1n, 7.5], beforeComplete: false },
      { kind: 'event', op: 't', before: null, after: null, beforeComplete: false },
      { kind: 'tombstone' },
      { kind: 'bad', reason: 'unknown-op', message: 'unknown op "m" (logical decoding message) ✓' },
      { kind: 'event', op: 'd', before: ['a'.repeat(100_000)], after: null, beforeComplete: false },
    ];
    const w = new TapeWriter(16);
    for (const r of results) w.write(r);
    const tape = w.take();
    expect(readAll(tape)).toEqual(results);
    // the writer starts afresh after take()
    w.write({ kind: 'tombstone' });
    expect(readAll(w.take())).toEqual([{ kind: 'tombstone' }]);
  });

  it('take() goes on in the first spare buffer large enough, taking it out of the list', () => {
    const w = new TapeWriter(64);
    const small = new ArrayBuffer(32);
    const big = new ArrayBuffer(4096);
    const spares = [small, big];
    w.write({ kind: 'tombstone' });
    w.take(spares); // the next tape goes into `big`
    expect(spares).toEqual([small]);
    const results: DecodeResult[] = [{ kind: 'event', op: 'c', before: null, after: [7n, 'seven'], beforeComplete: false }, { kind: 'tombstone' }];
    for (const r of results) w.write(r);
    const tape = w.take(spares);
    expect(tape.buffer).toBe(big);
    expect(readAll(tape)).toEqual(results);
    expect(spares).toEqual([small]); // too small for the next tape (at least 64 bytes): a new buffer
    expect(w.take(spares).buffer).not.toBe(small);
  });
});
