// How fetched Kafka records become batches without a broker: kafka-client's toRuns (offsets,
// skipped records, runs split at gaps and at maxRun, values copied into one transferable buffer,
// the exact-text fallback for empty non-null values) and KafkaBatch's lazily built text.
import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { toRuns, type RawRecord } from '../../engine/connectors/kafka-client.js';
import { KafkaBatch } from '../../engine/connectors/kafka-source.js';
import { rawValueText } from '../../engine/connectors/raw-values.js';

const rec = (offset: number, value: string | null, key: string | null = `k${offset}`, extra: Partial<RawRecord> = {}): RawRecord => ({
  offset: String(offset),
  value: value === null ? null : Buffer.from(value, 'utf8'),
  key: key === null ? null : Buffer.from(key, 'utf8'),
  ...extra,
});
const partition = (messages: RawRecord[]) => ({ partition: 3, highWatermark: '100', messages });

describe('toRuns', () => {
  it('copies the values of each contiguous run into one buffer of its own, keeping offsets exact', () => {
    const fp = toRuns(
      partition([
        rec(8, '{"too":"early"}'), // before the requested offset: part of the same record batch
        rec(10, '{"a":1}'),
        rec(11, null), // tombstone
        rec(12, '{"ü":"ß"}'), // UTF-8
        rec(13, '', null, { isControlRecord: true }), // marker: skipped, ends the run
        rec(14, '{"b":2}', null),
        rec(15, '{"c":3}'),
        rec(16, '{"d":4}'),
      ]),
      10,
      2,
      false,
    );
    expect(fp.nextOffset).toBe(17);
    expect(fp.high).toBe(100);
    expect(fp.runs.map((r) => [r.firstOffset, r.count])).toEqual([
      [10, 2],
      [12, 1],
      [14, 2],
      [16, 1],
    ]);
    const texts = fp.runs.map((r) => Array.from({ length: r.count }, (_, i) => rawValueText(r.raw!, i)));
    expect(texts).toEqual([['{"a":1}', null], ['{"ü":"ß"}'], ['{"b":2}', '{"c":3}'], ['{"d":4}']]);
    expect(fp.runs.map((r) => r.raw!.ascii)).toEqual([true, false, true, true]);
    const first = fp.runs[0]!.raw!;
    expect(first.bytes.byteOffset).toBe(0);
    expect(first.bytes.buffer.byteLength).toBe(first.bytes.length); // not a slice of a pool: safe to transfer
    expect(fp.runs.map((r) => r.texts)).toEqual([null, null, null, null]);
    expect(fp.runs[2]!.keys.map((k) => k?.toString('utf8') ?? null)).toEqual([null, 'k15']);
  });

  it('copies values that share a response buffer as one stretch, gaps (headers, keys) included but skipped', () => {
    const response = Buffer.from('..h1k1{"a":1}h2k2{"b":2}h3{"c":"ä"}' + '_'.repeat(20_000) + '{"d":4}', 'utf8');
    const view = (text: string): Buffer => {
      const at = response.indexOf(text);
      return response.subarray(at, at + Buffer.byteLength(text));
    };
    const own = Buffer.from('{"e":5}');
    const msgs: RawRecord[] = [
      { offset: '0', key: view('k1'), value: view('{"a":1}') },
      { offset: '1', key: view('k2'), value: view('{"b":2}') },
      { offset: '2', key: null, value: null },
      { offset: '3', key: null, value: view('{"c":"ä"}') },
      { offset: '4', key: null, value: view('{"d":4}') }, // 20 KB further on: a new stretch
      { offset: '5', key: null, value: own }, // another buffer: a new stretch
    ];
    const run = toRuns(partition(msgs), 0, 100, false).runs[0]!;
    const raw = run.raw!;
    expect(Array.from({ length: 6 }, (_, i) => rawValueText(raw, i))).toEqual(['{"a":1}', '{"b":2}', null, '{"c":"ä"}', '{"d":4}', '{"e":5}']);
    const firstStretch = response.indexOf('_') - response.indexOf('{"a":1}');
    expect(raw.bytes.length).toBe(firstStretch + 7 + 7);
    expect(raw.starts[1]! - raw.ends[0]!).toBe(4); // 'h2k2' skipped
    expect(raw.ascii).toBe(false);
    expect(raw.bytes.buffer).not.toBe(response.buffer);
  });

  it('keeps exact text when a value is empty but not null (an empty raw value would read as a tombstone)', () => {
    const fp = toRuns(partition([rec(0, '{"a":1}'), rec(1, ''), rec(2, null)]), 0, 100, false);
    expect(fp.runs).toHaveLength(1);
    expect(fp.runs[0]!.raw).toBeNull();
    expect(fp.runs[0]!.texts).toEqual(['{"a":1}', '', null]);
  });

  it('drops records of aborted transactions under read_committed', () => {
    const tx = { producerId: '7', inTransaction: true };
    const abortKey = Buffer.from([0, 0, 0, 0]);
    const fp = toRuns(
      {
        ...partition([rec(0, 'x', null, { batchContext: tx }), { offset: '1', key: abortKey, value: null, isControlRecord: true, batchContext: tx }, rec(2, 'y')]),
        abortedTransactions: [{ producerId: '7', firstOffset: '0' }],
      },
      0,
      100,
      true,
    );
    expect(fp.runs.map((r) => [r.firstOffset, r.count, rawValueText(r.raw!, 0)])).toEqual([[2, 1, 'y']]);
    expect(fp.nextOffset).toBe(3);
  });
});

describe('KafkaBatch', () => {
  it('hands out raw values and builds values and keys as text on first use', () => {
    const run = toRuns(partition([rec(5, '{"a":1}', '{"id":1}'), rec(6, null, '{"id":1}'), rec(7, '{"b":"é"}', null)]), 5, 100, false).runs[0]!;
    const b = new KafkaBatch('t/3', run.firstOffset, run);
    expect(b.raw).toBe(run.raw);
    expect(b.values).toEqual(['{"a":1}', null, '{"b":"é"}']);
    expect(b.keys).toEqual(['{"id":1}', '{"id":1}', null]);
    expect(b.where(2)).toBe('t/3/7');
    const exact = toRuns(partition([rec(0, '')]), 0, 100, false).runs[0]!;
    const e = new KafkaBatch('t/3', 0, exact);
    expect(e.raw).toBeUndefined();
    expect(e.values).toEqual(['']);
  });
});
