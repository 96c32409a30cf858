// Decoder.decodeBatchToTape (fast-path events written straight onto the decode tape) against the
// old path kept as the oracle, TapeWriter.write(decoder.decode(line)), byte for byte: generated
// orders and page views (with and without schema blocks, all column subsets), a fuzzed source with
// every column type and value form (i32 limits, decimal limits, escapes, METADATA, every op and
// image shape, type errors midway through an image), mutated lines, tiny tapes that grow mid-record;
// plus the TapeWriter pieces themselves and proof that the direct path is the one taken.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SourceColumn, SourceDef } from '../../catalog/model.js';
import { T } from '../../catalog/types.js';
import { createDebeziumDecoder } from '../../engine/formats/debezium-json.js';
import type { Decoder } from '../../engine/formats/decoded-event.js';
import { TapeReader, TapeWriter } from '../../engine/formats/event-tape.js';
import { JsonWalker } from '../../engine/formats/json-walker.js';
import { decimalBase64, generateOrders, generatePageViews, mulberry32 } from '../../examples/ecommerce/generate.js';
import { ORDERS_WITH_TX, PAGE_VIEWS, sourceDef } from '../harness/source-defs.js';
import { fileOf } from '../harness/jsonl-file.js';

afterEach(() => {
  vi.restoreAllMocks();
});

const ORDERS = ORDERS_WITH_TX;

/** Every column type; each physical column gets JSON value texts of many forms (good and bad). */
const TYPED: readonly (readonly [SourceColumn, readonly string[]])[] = [
  [{ name: 'id', type: T.bigint, nullable: false }, ['1', '-1', '0', '-0', '2147483647', '-2147483648', '2147483648', '-2147483649', '9007199254740991', '-9007199254740993', '999999999999999', '1000000000000000', '9223372036854775807', '-9223372036854775808', '9223372036854775808', '"12"', '"-7"', '1.5', 'null', 'true', '1e3']],
  [{ name: 'i', type: T.int, nullable: true }, ['0', '7', '-7', '2147483647', '-2147483648', '2147483648', '"5"', 'null', '1.0', '12345678901']],
  [{ name: 'big', type: T.bigint, nullable: true }, ['42', '-42', '4294967296', '-4294967296', '123456789012345', '1234567890123456', '"99"', 'null', 'false']],
  [
    { name: 'amount', type: T.decimal(10, 2), nullable: true },
    ['"205.45"', '"-0.01"', '"0"', '"12"', '"12.5"', '"99999999.99"', '"-99999999.99"', '"100000000.00"', '99999999', '-99999999', '100000000', '21474836', '2147483647', '-2147483648', '"21474836.47"', '"-21474836.48"', '"21474836.48"', '"-0.00"', '12.5', '12.345', '-0.5', '"1e3"', '".5"', '"5."', '"1.234"', '"AdTA"', '"  1"', '{"scale":2,"value":"AdTA"}', '"1234567890123.45"', 'null', 'true'],
  ],
  [{ name: 'whole', type: T.decimal(18, 0), nullable: true }, ['123456789012345678', '-123456789012345678', '"999999999999999999"', '1000000000000000000', '"-5"', '5', '"5.0"', '0', 'null']],
  [{ name: 'frac', type: T.decimal(5, 3), nullable: true }, ['"12.345"', '"99.999"', '"-99.999"', '"100.000"', '12', '"1.2"', '99', '100', '"0.0001"', 'null']],
  [{ name: 't3', type: T.timestamp(3), nullable: true }, ['1793491150000', '-1', '0', '9007199254740', '-9007199254741', '1793491150000.5', '"2026-11-01T10:00:00.123Z"', '"2026-11-01 10:00:00"', '"bad"', '99999999999999999', '"1793491150000"', 'null']],
  [{ name: 't6', type: T.timestamp(6), nullable: true }, ['1793527200000123', '-5', '"2026-11-01T10:00:00.123456Z"', '1793527200000123456', 'null', '2147483647']],
  [{ name: 't9', type: T.timestamp(9), nullable: true }, ['1793527200000123456', '-1000', '"2026-11-01T10:00:00.123456789Z"', 'null', '17']],
  [{ name: 't0', type: T.timestamp(0), nullable: true }, ['1793491150123', '-1', '"2026-11-01T10:00:00.9Z"', 'null']],
  [{ name: 'tz', type: T.timestamptz(3), nullable: true }, ['1793491150000', '"2026-11-01T10:00:00+02:00"', 'null']],
  [{ name: 'day', type: T.date, nullable: true }, ['19000', '-1', '0', '"2026-11-01"', '"bad"', '1.5', 'null']],
  [
    { name: 's', type: T.varchar, nullable: true },
    ['"paid"', '""', '"a\\"b"', '"tab\\there"', '"\\u00e9t\\u00e9"', '"\\ud83d\\ude00"', `"${'x'.repeat(40)}"`, '"12.50"', '"-3"', '5', '-2.5e3', 'true', 'null', '{"a":1}', '[1]'],
  ],
  [{ name: 'flag', type: T.boolean, nullable: true }, ['true', 'false', '1', '0', '"true"', '"false"', '2', 'null']],
  [{ name: 'dbl', type: T.double, nullable: true }, ['1.5', '-0', '0', '1e300', '"NaN"', '"-Infinity"', '3', '-2147483648', '12345678901234567890', '"1.25"', '"x"', 'null']],
  [{ name: 'raw', type: T.bytes, nullable: true }, ['"AQID"', '""', '"@@"', 'null', '5']],
  [{ name: 'doc', type: T.json, nullable: true }, ['{"a":[1,2]}', '[1]', '"s"', '5', 'null', 'true']],
  [{ name: 'strict', type: T.varchar, nullable: false }, ['"k"', 'null']],
];
/** Connect Decimal texts at the edges of the short (<= 6 bytes) direct path: sign, length, padding, alphabet, range. */
const BASE64_EDGES = [
  '""', '"AA=="', '"AA"', '"/w=="', '"gA=="', '"f/8="', '"////////"', '"gAAAAAAA"', '"f///////"', '"AQAAAAAAAA=="', '"AQAAAAAA"',
  `"${decimalBase64(9_999_999_999)}"`, `"${decimalBase64(10_000_000_000)}"`, `"${decimalBase64(-9_999_999_999)}"`, `"${decimalBase64(-10_000_000_000)}"`,
  '"A"', '"AB=C"', '"@@@@"', '"-_-_"', '"AQID\\u0041"', '12', '"12.50"',
];
const TYPED_META: SourceColumn[] = [
  { name: 'op', type: T.varchar, nullable: true, metadata: 'op' },
  { name: 'src_ts', type: T.timestamp(3), nullable: true, metadata: 'source.ts_ms' },
  { name: 'lsn', type: T.bigint, nullable: true, metadata: 'source.lsn' },
  { name: 'tbl', type: T.varchar, nullable: true, metadata: 'source.table' },
  { name: 'tx', type: T.varchar, nullable: true, metadata: 'transaction.id' },
  { name: 'ts_us', type: T.timestamp(6), nullable: true, metadata: 'ts_us' },
];
const TYPES = sourceDef('types', [...TYPED.map(([c]) => c), ...TYPED_META]);
/** A schema block refining the decimal and time columns (Connect Decimal bytes, Micro/NanoTimestamp, Date). */
const TYPES_SCHEMA = JSON.stringify({
  type: 'struct',
  fields: [
    {
      type: 'struct',
      field: 'after',
      fields: [
        { field: 'amount', type: 'bytes', name: 'org.apache.kafka.connect.data.Decimal', parameters: { scale: '2' } },
        { field: 'whole', type: 'string' },
        { field: 't6', type: 'int64', name: 'io.debezium.time.MicroTimestamp' },
        { field: 't9', type: 'int64', name: 'io.debezium.time.NanoTimestamp' },
        { field: 't3', type: 'int64', name: 'io.debezium.time.Timestamp' },
        { field: 'day', type: 'int32', name: 'io.debezium.time.Date' },
      ],
    },
  ],
});

const all = (def: SourceDef): number[] => def.columns.map((_, i) => i);

/** Fuzzed envelopes of the TYPES source: random values, ops, image shapes, metadata, schema blocks. */
function typedEvents(count: number, seed: number, asciiOnly: boolean): string[] {
  const rnd = mulberry32(seed);
  const pick = <V>(xs: readonly V[]): V => xs[Math.floor(rnd() * xs.length)]!;
  const good = (vals: readonly string[]): string => (rnd() < 0.75 ? vals[0]! : pick(vals));
  const row = (partial: boolean, schema: boolean): string => {
    const parts: string[] = [];
    for (const [c, vals] of TYPED) {
      if (partial && rnd() < 0.5) continue;
      let v = rnd() < 0.04 ? pick(vals) : good(vals.slice(0, Math.min(vals.length, rnd() < 0.5 ? 1 : 6)));
      if (schema && c.name === 'amount' && rnd() < 0.8)
        v = rnd() < 0.7 ? `"${decimalBase64(Math.floor((rnd() - 0.3) * 2e9))}"` : pick(BASE64_EDGES);
      if (!asciiOnly && c.name === 's' && rnd() < 0.1) v = '"naïve ☃ 日本"';
      parts.push(`${rnd() < 0.03 ? c.name.toUpperCase() : c.name}:${v}`.replace(/^([^:]+):/, '"$1":'));
    }
    if (rnd() < 0.1) parts.splice(Math.floor(rnd() * (parts.length + 1)), 0, '"extra":{"x":[1,"y"]}');
    return `{${parts.join(',')}}`;
  };
  const lsns = ['24023345', '2147483647', '2147483648', '-1', '9007199254740993', '"x"', 'null'];
  const out: string[] = [];
  for (let n = 0; n < count; n++) {
    const schema = rnd() < 0.3;
    const op = rnd() < 0.93 ? pick(['c', 'r', 'u', 'd']) : pick(['t', 'm', 'x', '', 'missing', 'num']);
    const before = op === 'd' || op === 'u' ? pick(['null', 'full', 'partial', 'key', 'missing', 'shape']) : pick(['null', 'null', 'missing', 'full']);
    const after = op === 'd' ? pick(['null', 'null', 'missing', 'full']) : rnd() < 0.95 ? 'full' : pick(['null', 'missing', 'shape', 'partial']);
    const image = (k: string): string | null =>
      k === 'missing' ? null : k === 'null' ? 'null' : k === 'shape' ? pick(['"x"', '[]', '5']) : k === 'key' ? `{"id":${n}}` : row(k === 'partial', schema);
    const members: string[] = [];
    const b = image(before);
    const a = image(after);
    if (b !== null) members.push(`"before":${b}`);
    if (a !== null) members.push(`"after":${a}`);
    const lsn = rnd() < 0.9 ? String(24023345 + n) : pick(lsns);
    const srcTs = rnd() < 0.95 ? String(1793491150000 + n) : pick(['"bad"', 'null', '-1', '1.5']);
    members.push(`"source":{"version":"1","ts_ms":${srcTs},"table":"${rnd() < 0.9 ? 'types' : 't\\u0079pes'}","lsn":${lsn}}`);
    members.push(`"transaction":${rnd() < 0.7 ? 'null' : `{"id":"tx${n % 7}","total_order":1}`}`);
    if (op === 'num') members.push('"op":1');
    else if (op !== 'missing') members.push(`"op":"${op}"`);
    members.push(`"ts_us":${rnd() < 0.95 ? 1793491150000123 + n : pick(['"x"', 'null', '-3'])}`);
    if (rnd() < 0.2) members.reverse();
    const payload = `{${members.join(',')}}`;
    out.push(schema ? `{"schema":${TYPES_SCHEMA},"payload":${payload}}` : payload);
  }
  return out;
}

/** The oracle: each line decoded alone and written with TapeWriter.write; the byte offset of each record. */
function oracle(def: SourceDef, used: readonly number[], lines: readonly string[]): { tape: Buffer; at: number[] } {
  const dec = createDebeziumDecoder(def, used);
  const w = new TapeWriter(64);
  const at: number[] = [];
  let total = 0;
  const parts: Buffer[] = [];
  for (const l of lines) {
    at.push(total);
    w.write(l === '' ? { kind: 'tombstone' } : dec.decode(l));
    const b = Buffer.from(w.take());
    parts.push(b);
    total += b.length;
  }
  return { tape: Buffer.concat(parts), at };
}

/** Batches of `batch` lines through one decoder's decodeBatchToTape onto one tape of `initial` bytes. */
function direct(dec: Decoder, lines: readonly string[], ascii: boolean, batch: number, initial: number): Buffer {
  const w = new TapeWriter(initial);
  for (let k = 0; k < lines.length; k += batch) {
    const { bytes, starts, ends } = fileOf(lines.slice(k, k + batch));
    expect(dec.decodeBatchToTape!(bytes, starts, ends, ascii, w)).toBe(true);
  }
  return Buffer.from(w.take());
}

/** Asserts byte equality; on a difference names the first line whose record differs. */
function expectSameTape(got: Buffer, want: { tape: Buffer; at: number[] }, lines: readonly string[]): void {
  if (got.equals(want.tape)) return;
  let d = 0;
  while (d < got.length && got[d] === want.tape[d]) d++;
  let line = 0;
  while (line + 1 < want.at.length && want.at[line + 1]! <= d) line++;
  expect({ line, text: lines[line], byte: d - want.at[line]! }).toEqual({ line: -1, text: 'tapes differ', byte: 0 });
}

function compare(def: SourceDef, used: readonly number[], lines: readonly string[], ascii = true, batch = 500, initial = 1 << 16): Buffer {
  const want = oracle(def, used, lines);
  const got = direct(createDebeziumDecoder(def, used), lines, ascii, batch, initial);
  expectSameTape(got, want, lines);
  return got;
}

function kindsOf(tape: Buffer): Set<string> {
  const r = new TapeReader(tape);
  const kinds = new Set<string>();
  while (!r.done) {
    const x = r.next();
    kinds.add(x.kind === 'bad' ? x.reason : x.kind === 'event' ? `${x.kind}-${x.op}` : x.kind);
  }
  return kinds;
}

const base = { customers: 40, seed: 11, startMs: Date.UTC(2026, 10, 1), spanMs: 600_000, outOfOrderMs: 3000 };

describe('TapeWriter pieces', () => {
  it('write the bytes write() writes for the same values', () => {
    const ints = [0, 1, -1, 2147483647, -2147483648, 12345, -98765];
    const safes = [...ints, 2147483648, -2147483649, 4294967295, 4294967296, -4294967296, 9007199254740991, -9007199254740991, 123456789012345, -0];
    const a = new TapeWriter(8);
    const b = new TapeWriter(8);
    const strs = ['', 'paid', 'x'.repeat(16), 'y'.repeat(17), 'z'.repeat(300)];
    const m = a.mark();
    a.eventHeader('u', true, false, true);
    a.beginRow(3);
    a.double(1.5);
    a.rollback(m); // forgotten entirely
    a.eventHeader('u', true, true, true);
    a.beginRow(ints.length + safes.length + strs.length + 3);
    for (const v of ints) a.int64FromInt32(v);
    for (const v of safes) a.int64FromSafe(v);
    for (const s of strs) a.utf8String(Buffer.from(`[${s}]`, 'latin1'), 1, s.length + 1);
    a.nullValue();
    a.double(-0);
    a.value(true);
    a.beginRow(1);
    a.value(12345678901234567890123n);
    b.write({
      kind: 'event',
      op: 'u',
      before: [...ints.map(BigInt), ...safes.map(BigInt), ...strs, null, -0, true],
      after: [12345678901234567890123n],
      beforeComplete: true,
    });
    expect(Buffer.from(a.take())).toEqual(Buffer.from(b.take()));
  });
});

describe('decodeBatchToTape', () => {
  it('equals the old path on generated orders and page views, every column subset', () => {
    for (const schemaBlock of [false, true]) {
      const orders = [...generateOrders({ ...base, events: 1500, schemaBlock, lateFraction: 0.01 })].map((l) => (l === 'null' && schemaBlock ? '' : l));
      for (const used of [all(ORDERS), [0, 2, 4], [3, 6], [1, 5, 8], []]) compare(ORDERS, used, orders);
      const views = [...generatePageViews({ events: 800, users: 30, seed: 3, schemaBlock, startMs: base.startMs, outOfOrderMs: 1000 })];
      compare(PAGE_VIEWS, all(PAGE_VIEWS), views);
      compare(PAGE_VIEWS, [2], views);
    }
  });

  it('writes plain events without DecodeResults (the direct path is taken)', () => {
    const lines = [
      ...generateOrders({ ...base, events: 400, schemaBlock: false, tombstoneFraction: 0 }),
      ...generateOrders({ ...base, events: 400, schemaBlock: true, tombstoneFraction: 0 }),
    ];
    const write = vi.spyOn(TapeWriter.prototype, 'write');
    const dec = createDebeziumDecoder(ORDERS, all(ORDERS));
    const tape = direct(dec, lines, true, 300, 1 << 16);
    expect(write).not.toHaveBeenCalled();
    expect((dec as unknown as { slowDecodes: number }).slowDecodes).toBe(0);
    write.mockRestore();
    expectSameTape(tape, oracle(ORDERS, all(ORDERS), lines), lines);
    expect(kindsOf(tape)).toEqual(new Set(['event-c', 'event-r', 'event-u', 'event-d']));
  });

  it('equals the old path on every column type, value form, op and image shape', () => {
    const lines = typedEvents(4000, 5, true);
    for (let k = 0; k < lines.length; k += 97) lines.splice(k, 0, pick(k, ['', 'null', ' null ', '[1]', '{not json', '{"op":"c","after":{"id":1}} x', '{"payload":null}', '{}']));
    const tape = compare(TYPES, all(TYPES), lines);
    const kinds = kindsOf(tape);
    for (const k of ['event-c', 'event-r', 'event-u', 'event-d', 'event-t', 'tombstone', 'malformed', 'type', 'unknown-op', 'missing-image']) expect(kinds.has(k), k).toBe(true);
    const rnd = mulberry32(9);
    for (let s = 0; s < 8; s++) {
      const used = all(TYPES).filter(() => rnd() < 0.5);
      compare(TYPES, used, lines, true, 1 + Math.floor(rnd() * 700));
    }
  });

  it('equals the old path where the walker writes the records itself (columns it converts, no METADATA)', () => {
    const names = ['id', 'big', 'amount', 'whole', 'frac', 't3', 't6', 's', 'doc', 'strict'];
    const used = names.map((n) => TYPES.columns.findIndex((c) => c.name === n));
    const lines = typedEvents(6000, 13, true);
    const records = vi.spyOn(JsonWalker.prototype, 'tape');
    compare(TYPES, used, lines);
    // most events convert in the walker; the rest (a value it leaves to JS) are written by JS
    const byWalker = records.mock.results.filter((r) => (r.value as number) >= 0).length;
    expect(byWalker).toBeGreaterThan(100);
    expect(records.mock.results.length - byWalker).toBeGreaterThan(1000);
    records.mockRestore();
    for (const batch of [1, 7, 333]) compare(TYPES, used.slice(2, 5), lines.slice(0, 1500), true, batch, 16);
    // every value form of every such column, the others good, in each image, with and without the schema block
    // (good: values the walker converts; with the schema block, amount is Connect Decimal bytes)
    const good = new Map(TYPED.map(([c, vals]) => [c.name, vals[0]!]));
    for (const [n, v] of [['whole', '"-5"'], ['t6', '-5'], ['doc', '"s"']] as const) good.set(n, v);
    const rowWith = (name: string, v: string, schema: boolean): string =>
      `{${[...good].map(([n, g]) => `"${n}":${n === name ? v : schema && n === 'amount' ? `"${decimalBase64(20545)}"` : g}`).join(',')}}`;
    const grid: string[] = [];
    for (const [c, vals] of TYPED) {
      if (!names.includes(c.name)) continue;
      for (const v of c.name === 'amount' ? [...vals, ...BASE64_EDGES] : vals)
        for (const schema of [false, true]) {
          const r = rowWith(c.name, v, schema);
          for (const env of [`{"op":"c","before":null,"after":${r}}`, `{"op":"u","before":${r},"after":${r}}`, `{"op":"d","before":${r},"after":null}`])
            grid.push(schema ? `{"schema":${TYPES_SCHEMA},"payload":${env}}` : env);
        }
    }
    const gridRecords = vi.spyOn(JsonWalker.prototype, 'tape');
    compare(TYPES, used, grid);
    expect(gridRecords.mock.results.filter((r) => (r.value as number) >= 0).length).toBeGreaterThan(grid.length / 4);
    gridRecords.mockRestore();
  });

  it('rolls back an event whose value fails midway (before or after image, metadata), on a tape that grows', () => {
    const row = (amount: string, s: string) => `{"id":1,"i":2,"big":3,"amount":${amount},"t3":4,"s":${s},"flag":true,"strict":"k"}`;
    const good = row('"1.00"', '"ok"');
    const lines = [
      `{"op":"c","after":${good}}`,
      `{"op":"u","before":${good},"after":${row('"bad"', '"ok"')}}`, // after image fails after the before image was written
      `{"op":"u","before":${row('"1.00"', '{"x":1}')},"after":${good}}`, // before image fails midway
      `{"op":"c","after":${good},"source":{"lsn":"x"}}`, // metadata fails
      `{"op":"c","after":${row('"1.00"', '"' + 'long'.repeat(50) + '"')}}`,
      `{"op":"c","after":{"id":1,"strict":null}}`, // a non-nullable column
      `{"op":"d","before":${good},"after":{"id":"x"}}`,
      `{"op":"u","before":${good},"after":${good}}`,
      `{"op":"d","before":${good},"after":null}`,
      `{"op":"c","after":{"id":1,"doc":${'['.repeat(5_000) + ']'.repeat(5_000)}}}`, // deeper than the walker's stack
      `{"op":"c","after":{"id":1,"doc":${'['.repeat(200_000) + ']'.repeat(200_000)}}}`, // ... and the JS walker's
    ];
    for (let rep = 0; rep < 5; rep++) lines.push(...lines.slice(0, 11));
    const tape = compare(TYPES, all(TYPES), lines, true, 500, 8);
    expect(kindsOf(tape)).toEqual(new Set(['event-c', 'event-u', 'event-d', 'type', 'malformed']));
    compare(TYPES, all(TYPES), lines, true, 3, 8);
  });

  it('equals the old path when segments are not ASCII (ascii unknown) and on mutated events', () => {
    const lines = typedEvents(1500, 6, false);
    expect(lines.some((l) => !/^[\x00-\x7f]*$/.test(l))).toBe(true);
    compare(TYPES, all(TYPES), lines, false, 400);
    const rnd = mulberry32(77);
    const src = [...generateOrders({ ...base, events: 200, schemaBlock: false }), ...generateOrders({ ...base, events: 20, seed: 12, schemaBlock: true })].filter((l) => l !== 'null');
    const alphabet = ['"', '\\', '{', '}', '[', ']', ':', ',', ' ', 'a', '0', '9', '-', '.', 'e', 'n', 't', 'u'];
    const mutated: string[] = [];
    for (let k = 0; k < 4000; k++) {
      const line = src[Math.floor(rnd() * src.length)]!;
      if (rnd() < 0.3) {
        mutated.push(line);
        continue;
      }
      const pos = Math.floor(rnd() * line.length);
      const ch = alphabet[Math.floor(rnd() * alphabet.length)]!;
      const m = rnd();
      mutated.push(m < 0.2 ? line.slice(0, pos) : m < 0.55 ? line.slice(0, pos) + ch + line.slice(pos + 1) : m < 0.85 ? line.slice(0, pos) + ch + line.slice(pos) : line.slice(0, pos) + line.slice(pos + 1));
    }
    const tape = compare(ORDERS, all(ORDERS), mutated.map((l) => l.replace(/\n/g, ' ')));
    expect([...kindsOf(tape)].sort()).toEqual(['event-c', 'event-r', 'malformed', 'missing-image', 'type', 'unknown-op']);
  });

  it('reads a segment correctly after the JS walker grew the walker memory in its middle', () => {
    const schema = JSON.stringify({ type: 'struct', fields: [{ field: 'after', type: 'struct', fields: [{ field: 'id', type: 'int64' }] }], doc: 'd'.repeat(4_000_000) });
    const good = `{"schema":${schema},"payload":{"op":"c","after":{"id":1,"status":"ok"}}}`;
    const truncated = `{"schema":${schema},"payload":{"op":"c","after":{"id":1}}`; // cached block, malformed tail: decoded whole, in JS
    const escaped = `{"op":"c","after":{"id":2,"status":"a\\"b"}}`; // needs the segment's text
    const used = [0, 1, 2, 3, 4];
    const dec = createDebeziumDecoder(ORDERS, used);
    const w = new TapeWriter(64);
    for (const batch of [[good], [truncated, escaped, good, escaped]]) {
      const { bytes, starts, ends } = fileOf(batch);
      expect(dec.decodeBatchToTape!(bytes, starts, ends, true, w)).toBe(true);
    }
    const lines = [good, truncated, escaped, good, escaped];
    expectSameTape(Buffer.from(w.take()), oracle(ORDERS, used, lines), lines);
  });

  it('declines spans outside the bytes, writing nothing', () => {
    const a = Buffer.from([...generateOrders({ ...base, events: 2, schemaBlock: false })][0]!, 'utf8');
    const w = new TapeWriter(16);
    expect(createDebeziumDecoder(ORDERS, all(ORDERS)).decodeBatchToTape!(a, Uint32Array.of(0), Uint32Array.of(a.length + 1), true, w)).toBe(false);
    expect(w.take().length).toBe(0);
  });
});

function pick(k: number, xs: readonly string[]): string {
  return xs[k % xs.length]!;
}
