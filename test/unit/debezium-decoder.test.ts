// The Debezium envelope decoder, once per envelope reader (the WebAssembly walker and the JS
// walker): ops, tombstones, schema block vs none, METADATA paths, beforeComplete, column-name
// matching, escapes/unicode/whitespace/key order, and every bad-record reason; plus a seeded fuzz
// checking that an event is reported malformed exactly when JSON.parse rejects it.
import { describe, expect, it } from 'vitest';
import type { SourceColumn, SourceDef } from '../../catalog/model.js';
import { T } from '../../catalog/types.js';
import { createDebeziumDecoder } from '../../engine/formats/debezium-json.js';
import type { DecodeResult } from '../../engine/formats/decoded-event.js';
import { generateOrders, mulberry32 } from '../../examples/ecommerce/generate.js';
import { ORDERS_COLUMNS, sourceDef } from '../harness/source-defs.js';

function source(columns: SourceColumn[], primaryKey: number[] = []): SourceDef {
  return sourceDef('orders', columns, { primaryKey });
}

const ORDERS = source(ORDERS_COLUMNS, [0]);
const ALL = [0, 1, 2, 3, 4, 5, 6];
const READERS = [
  { name: 'WebAssembly walker', wasm: true },
  { name: 'JS walker', wasm: false },
];

const SRC = `{"version":"3.2.7.Final","connector":"postgresql","name":"shop","ts_ms":1793527200500,"snapshot":"false","db":"shop","sequence":"[\\"1\\",\\"2\\"]","schema":"public","table":"orders","txId":7,"lsn":24023128,"xmin":null}`;
const ROW = `{"id":1,"customer_id":42,"amount":"12.50","status":"paid","created_at":1793527200000}`;
const ROW_VALUES = [1n, 42n, 1250n, 'paid', 1793527200000000];
const TS = 1793527200500000;

function env(op: string, before: string, after: string, extra = ''): string {
  return `{"before":${before},"after":${after},"source":${SRC},"op":"${op}","ts_ms":1793527201000${extra}}`;
}

function ev(r: DecodeResult) {
  if (r.kind !== 'event') throw new Error(`expected an event, got ${JSON.stringify(r)}`);
  return r;
}

describe.each(READERS)('$name', ({ wasm }) => {
  const decoder = (used: number[] = ALL) => createDebeziumDecoder(ORDERS, used, { wasm });

  describe('operations', () => {
    const d = decoder();
    it('c and r insert the after image, with metadata', () => {
      for (const op of ['c', 'r'] as const) {
        expect(d.decode(env(op, 'null', ROW))).toEqual({
          kind: 'event',
          op,
          before: null,
          after: [...ROW_VALUES, TS, op],
          beforeComplete: false,
        });
      }
    });
    it('u carries both images; before may be null', () => {
      const full = ev(d.decode(env('u', ROW, ROW.replace('"paid"', '"shipped"'))));
      expect(full.before).toEqual([...ROW_VALUES, TS, 'u']);
      expect(full.after).toEqual([1n, 42n, 1250n, 'shipped', 1793527200000000, TS, 'u']);
      expect(full.beforeComplete).toBe(true);
      const noBefore = ev(d.decode(env('u', 'null', ROW)));
      expect(noBefore.before).toBeNull();
      expect(noBefore.beforeComplete).toBe(false);
    });
    it('d carries before; a key-only before (REPLICA IDENTITY DEFAULT) is incomplete', () => {
      const r = ev(d.decode(env('d', '{"id":1}', 'null')));
      expect(r).toEqual({ kind: 'event', op: 'd', before: [1n, null, null, null, null, TS, 'd'], after: null, beforeComplete: false });
      expect(ev(d.decode(env('d', ROW, 'null'))).beforeComplete).toBe(true);
    });
    it('t has no images', () => {
      const t = `{"source":${SRC},"op":"t","ts_ms":1}`;
      expect(d.decode(t)).toEqual({ kind: 'event', op: 't', before: null, after: null, beforeComplete: false });
    });
    it('tombstones', () => {
      for (const t of ['null', '', '  null ', '\t', '{"schema":null,"payload":null}']) expect(d.decode(t)).toEqual({ kind: 'tombstone' });
    });
  });

  describe('bad records', () => {
    const d = decoder();
    const bad = (text: string) => {
      const r = d.decode(text);
      if (r.kind !== 'bad') throw new Error(`expected a bad record for ${text}, got ${JSON.stringify(r)}`);
      return r;
    };
    it('unknown and missing ops', () => {
      expect(bad(env('m', 'null', 'null'))).toEqual({ kind: 'bad', reason: 'unknown-op', message: 'unknown op "m" (logical decoding message)' });
      expect(bad(env('x', 'null', ROW))).toEqual({ kind: 'bad', reason: 'unknown-op', message: 'unknown op "x"' });
      expect(bad(env('cc', 'null', ROW)).reason).toBe('unknown-op');
      expect(bad(`{"after":${ROW}}`)).toEqual({
        kind: 'bad',
        reason: 'unknown-op',
        message: "missing 'op' field (not a Debezium change event envelope)",
      });
      expect(bad(`{"after":${ROW},"op":1}`).reason).toBe('unknown-op');
    });
    it('missing images', () => {
      expect(bad(env('c', 'null', 'null'))).toEqual({ kind: 'bad', reason: 'missing-image', message: "op 'c' without an 'after' image" });
      expect(bad(env('r', 'null', 'null')).message).toBe("op 'r' without an 'after' image");
      expect(bad(env('u', ROW, 'null')).message).toBe("op 'u' without an 'after' image");
      expect(bad(env('d', 'null', 'null'))).toEqual({ kind: 'bad', reason: 'missing-image', message: "op 'd' without a 'before' image" });
      expect(bad(`{"op":"c"}`).reason).toBe('missing-image');
    });
    it('type errors name the column, the type and the value', () => {
      expect(bad(env('c', 'null', ROW.replace('"12.50"', '"abc"')))).toEqual({
        kind: 'bad',
        reason: 'type',
        message: `column 'amount': expected DECIMAL(10,2), got "abc"`,
      });
      expect(bad(env('c', 'null', ROW.replace('"id":1', '"id":"one"'))).message).toBe(`column 'id': expected BIGINT, got "one"`);
      expect(bad(env('c', 'null', ROW.replace('"paid"', '{"s":"paid"}'))).message).toBe(
        `column 'status': expected VARCHAR, got {"s":"paid"}`,
      );
      expect(bad(env('c', 'null', '[1]')).message).toBe(`'after' must be an object or null, got [1]`);
      const badMeta = env('c', 'null', ROW).replace('"ts_ms":1793527200500', '"ts_ms":"soon"');
      expect(bad(badMeta).message).toBe(`column 'changed_at': expected TIMESTAMP(3), got "soon"`);
    });
    it('a TIMESTAMP beyond ±2^53 µs of the epoch (1684-10-23 to 2255-06-05) is a type error, not a value the sink cannot store', () => {
      const at = (v: string) => d.decode(env('c', 'null', ROW.replace('1793527200000', v)));
      const bad = (r: DecodeResult) => {
        if (r.kind !== 'bad') throw new Error(`expected a bad record, got ${JSON.stringify(r, (_k, x: unknown) => (typeof x === 'bigint' ? String(x) : x))}`);
        return r;
      };
      expect(ev(at('9007199254740')).after![4]).toBe(9007199254740000);
      expect(ev(at('-9007199254740')).after![4]).toBe(-9007199254740000);
      expect(ev(at('"2255-06-05T23:47:34.740Z"')).after![4]).toBe(9007199254740000);
      for (const v of ['9007199254741', '-9007199254741', '99999999999999', '"2300-01-01T00:00:00Z"', '"0001-01-01T00:00:00Z"', '"9999-12-31T23:59:59Z"'])
        expect(bad(at(v)), v).toMatchObject({ reason: 'type', message: `column 'created_at': expected TIMESTAMP(3), got ${v}` });
    });
    it('malformed JSON', () => {
      const line = env('c', 'null', ROW);
      for (const text of [
        line.slice(0, 60), // truncated
        line.slice(0, -1),
        line + 'x', // trailing garbage
        line + '}',
        line.replace('"xmin":null', '"xmin":nul'), // bad literal in a skipped block
        line.replace('"txId":7', '"txId":07'),
        line.replace('"customer_id":42', '"customer_id":tru'), // bad literal in a read column
        line.replace('"status":"paid"', '"status":"pa\\qd"'), // invalid escape
        line.replace('"status":"paid"', '"status":"pa\u0001d"'), // raw control character
        line.replace('"db":"shop"', '"db":"shop\\x"'),
        line.replace(',"op"', '"op"'),
        line.replace('"op":', '"op"'),
        '{"op":"c",}',
        'nul',
        '{',
        'garbage',
      ]) {
        const r = bad(text);
        expect(r.reason, text).toBe('malformed');
        expect(r.message, text).toMatch(/^invalid JSON/);
      }
      expect(bad('[1,2]')).toEqual({ kind: 'bad', reason: 'malformed', message: 'expected a JSON object (a Debezium envelope)' });
      expect(bad('"c"').message).toBe('expected a JSON object (a Debezium envelope)');
      expect(bad(line.slice(0, 60)).message).toBe('invalid JSON: Unterminated string in JSON at position 60');
    });
    it('malformed takes precedence over type errors, unknown op over missing images', () => {
      expect(bad(env('c', 'null', ROW.replace('"12.50"', '"abc"')).slice(0, -1)).reason).toBe('malformed');
      expect(bad(env('m', 'null', 'null')).reason).toBe('unknown-op');
      expect(bad(env('c', 'null', 'null').replace('"op":"c"', '"op":"c","after":{"id":"x"}')).reason).toBe('type');
    });
  });

  describe('schema block', () => {
    it('decodes the same rows with and without the schema block (generator output)', () => {
      const opts = { events: 400, customers: 50, seed: 3, startMs: Date.UTC(2026, 10, 1), spanMs: 600_000, outOfOrderMs: 3000 };
      const plain = [...generateOrders({ ...opts, schemaBlock: false })];
      const wrapped = [...generateOrders({ ...opts, schemaBlock: true })];
      expect(wrapped.length).toBe(plain.length);
      const a = decoder();
      const b = decoder();
      const kinds = new Set<string>();
      for (let i = 0; i < plain.length; i++) {
        const x = a.decode(plain[i]!);
        const y = b.decode(wrapped[i]!);
        expect(y).toEqual(x);
        kinds.add(x.kind === 'event' ? x.op : x.kind);
      }
      expect([...kinds].sort()).toEqual(['c', 'd', 'r', 'tombstone', 'u']);
    });
    it('caches several schemas and applies the right one per event', () => {
      const withScale = (scale: number, value: string) =>
        `{"schema":{"type":"struct","fields":[{"type":"struct","optional":true,"field":"after","fields":[{"type":"int64","field":"id"},{"type":"bytes","name":"org.apache.kafka.connect.data.Decimal","parameters":{"scale":"${scale}"},"field":"amount"}]}],"name":"x"},"payload":{"before":null,"after":{"id":1,"amount":"${value}"},"op":"c"}}`;
      const d = decoder([0, 2]);
      for (let k = 0; k < 3; k++) {
        expect(ev(d.decode(withScale(2, 'AdTA'))).after![2]).toBe(120000n);
        expect(ev(d.decode(withScale(3, 'AdTA'))).after![2]).toBe(12000n);
        expect(ev(d.decode(withScale(0, 'AdTA'))).after![2]).toBe(12000000n);
      }
      // payload before schema, and a schema without a row struct
      const reversed = `{"payload":{"after":{"id":1,"amount":"AdTA"},"op":"c"},"schema":{"type":"struct","fields":[{"type":"struct","field":"after","fields":[{"type":"bytes","name":"org.apache.kafka.connect.data.Decimal","parameters":{"scale":"1"},"field":"amount"}]}]}}`;
      expect(ev(d.decode(reversed)).after![2]).toBe(1200000n);
      expect(ev(d.decode(`{"schema":{"type":"string"},"payload":{"after":{"id":1,"amount":"1.5"},"op":"c"}}`)).after![2]).toBe(150n);
    });
    it('reports a malformed schema block', () => {
      const r = decoder().decode(`{"schema":{"type":"struct","fields":[tru]},"payload":{"after":${ROW},"op":"c"}}`);
      expect(r.kind === 'bad' && r.reason).toBe('malformed');
    });
  });

  describe('METADATA paths', () => {
    const cols: SourceColumn[] = [
      { name: 'id', type: T.bigint, nullable: false },
      { name: 'op', type: T.varchar, nullable: true, metadata: 'op' },
      { name: 'ts', type: T.timestamp(3), nullable: true, metadata: 'ts_ms' },
      { name: 'ts_us', type: T.timestamp(6), nullable: true, metadata: 'ts_us' },
      { name: 'ts_ns', type: T.timestamp(6), nullable: true, metadata: 'ts_ns' },
      { name: 'changed', type: T.timestamp(6), nullable: true, metadata: 'source.ts_ms' },
      { name: 'lsn', type: T.bigint, nullable: true, metadata: 'source.lsn' },
      { name: 'tbl', type: T.varchar, nullable: true, metadata: 'source.table' },
      { name: 'snap', type: T.varchar, nullable: true, metadata: 'source.snapshot' },
      { name: 'tx', type: T.varchar, nullable: true, metadata: 'transaction.id' },
      { name: 'src', type: T.json, nullable: true, metadata: 'source' },
      { name: 'raw_ts', type: T.bigint, nullable: true, metadata: 'source.ts_ms' },
    ];
    const def = source(cols, [0]);
    const d = createDebeziumDecoder(def, cols.map((_, i) => i), { wasm });
    const src = `{"ts_ms":1793527200500,"snapshot":true,"table":"orders","lsn":9007199254740993}`;
    const line = `{"before":{"id":1},"after":{"id":2},"source":${src},"transaction":{"id":"571:53195829","total_order":1},"op":"u","ts_ms":1793527201000,"ts_us":1793527201000123,"ts_ns":1793527201000123456}`;
    it('fills every path into both images, converted to the declared type', () => {
      const r = ev(d.decode(line));
      const meta = ['u', 1793527201000000, 1793527201000123, 1793527201000123, 1793527200500000, 9007199254740993n, 'orders', 'true', '571:53195829', src, 1793527200500n];
      expect(r.before).toEqual([1n, ...meta]);
      expect(r.after).toEqual([2n, ...meta]);
    });
    it('absent paths are null; a null transaction has no id', () => {
      const r = ev(d.decode(`{"after":{"id":2},"transaction":null,"op":"c"}`));
      expect(r.after).toEqual([2n, 'c', null, null, null, null, null, null, null, null, null, null]);
    });
    it('finds source fields in nested and whitespace-laden blocks too', () => {
      const nested = `{ "after" : {"id":2} , "source" : { "extra" : {"a":[1,{"b":2}]}, "ts_ms" : 5 , "table":"t" } , "op" : "c" }`;
      const r = ev(d.decode(nested));
      expect(r.after![5]).toBe(5000);
      expect(r.after![7]).toBe('t');
      expect(r.after![10]).toBe(`{ "extra" : {"a":[1,{"b":2}]}, "ts_ms" : 5 , "table":"t" }`);
    });
    it('unused metadata columns stay null', () => {
      const partial = createDebeziumDecoder(def, [0, 1], { wasm });
      expect(ev(partial.decode(line)).after).toEqual([2n, 'u', null, null, null, null, null, null, null, null, null, null]);
    });
  });

  describe('columns and text', () => {
    it('leaves unused columns null but still judges beforeComplete', () => {
      const d = decoder([0, 4]);
      const r = ev(d.decode(env('u', ROW, ROW)));
      expect(r.after).toEqual([1n, null, null, null, 1793527200000000, null, null]);
      expect(r.beforeComplete).toBe(true);
      expect(ev(d.decode(env('u', '{"id":1,"customer_id":2,"amount":null,"status":null}', ROW))).beforeComplete).toBe(false);
      expect(ev(d.decode(env('u', ROW.replace('{', '{"extra":[1,{"x":2}],'), ROW))).beforeComplete).toBe(true);
    });
    it('matches names exactly first, else case-insensitively', () => {
      const d = decoder([0, 3]);
      expect(ev(d.decode(env('c', 'null', '{"ID":5,"Status":"x"}'))).after!.slice(0, 4)).toEqual([5n, null, null, 'x']);
      expect(ev(d.decode(env('c', 'null', '{"status":"exact","STATUS":"ci","id":1}'))).after![3]).toBe('exact');
      expect(ev(d.decode(env('c', 'null', '{"STATUS":"ci","status":"exact","id":1}'))).after![3]).toBe('exact');
      expect(ev(d.decode(env('c', 'null', '{"id":1,"status":"a","status":"b"}'))).after![3]).toBe('b');
      const full = '{"ID":1,"Customer_Id":2,"AMOUNT":"1","Status":"s","created_AT":0}';
      expect(ev(d.decode(env('d', full, 'null'))).beforeComplete).toBe(true);
    });
    it('quoted (case-sensitive) column names still match their exact key', () => {
      const def = source([
        { name: 'Key', type: T.varchar, nullable: true },
        { name: 'key', type: T.varchar, nullable: true },
      ]);
      const r = ev(createDebeziumDecoder(def, [0, 1], { wasm }).decode('{"after":{"key":"lower","Key":"upper"},"op":"c"}'));
      expect(r.after).toEqual(['upper', 'lower']);
    });
    it('handles escapes, unicode and surrogate pairs in strings and keys', () => {
      const d = decoder([0, 3]);
      const text = JSON.stringify({ after: { id: 1, status: 'say "hi" \\ / \n\t é 日本 😀 \u0001' }, op: 'c' });
      expect(ev(d.decode(text)).after![3]).toBe('say "hi" \\ / \n\t é 日本 😀 \u0001');
      const escaped = '{"\\u0061fter":{"\\u0069d":7,"st\\u0061tus":"\\ud83d\\ude00 \\u00e9\\/"},"o\\u0070":"\\u0063"}';
      expect(ev(d.decode(escaped)).after!.slice(0, 4)).toEqual([7n, null, null, '😀 é/']);
      expect(ev(d.decode('{"after":{"id":1,"status":"café ☕"},"op":"c"}')).after![3]).toBe('café ☕');
    });
    it('accepts any key order and whitespace anywhere', () => {
      const d = decoder();
      const compact = env('u', ROW, ROW.replace('"paid"', '"shipped"'));
      const obj = JSON.parse(compact) as Record<string, unknown>;
      const reordered = Object.fromEntries(Object.entries(obj).reverse());
      for (const text of [JSON.stringify(obj, null, 2), JSON.stringify(reordered), JSON.stringify(reordered, null, '\t'), ` \r\n${compact}\r\n `]) {
        expect(d.decode(text)).toEqual(d.decode(compact));
      }
    });
    it('skips nested objects and arrays in unknown fields and in JSON columns', () => {
      const def = source([
        { name: 'id', type: T.bigint, nullable: false },
        { name: 'doc', type: T.json, nullable: true },
      ]);
      const d = createDebeziumDecoder(def, [0, 1], { wasm });
      const text = `{"x":[{"a":"}]"},[[]],{}],"after":{"doc":{"k":[1,"]",{"z":null}]},"id":3,"other":{"q":[{}]}},"op":"c","y":{"b":{"c":{}}}}`;
      expect(ev(d.decode(text)).after).toEqual([3n, '{"k":[1,"]",{"z":null}]}']);
    });
    it('keeps nothing but the values (no references to the event text)', () => {
      const d = decoder([0, 3]);
      const long = 'v'.repeat(40);
      const r = ev(d.decode(env('c', 'null', ROW.replace('"paid"', `"${long}"`))));
      expect(r.after![3]).toBe(long);
    });
  });

  describe('fuzz: malformed exactly when JSON.parse rejects', () => {
    it('agrees with JSON.parse on thousands of mutated events', () => {
      const rnd = mulberry32(1234);
      const lines = [...generateOrders({ events: 300, customers: 20, seed: 5, schemaBlock: false, startMs: Date.UTC(2026, 10, 1), spanMs: 60_000, outOfOrderMs: 2000 })];
      lines.push(...[...generateOrders({ events: 20, customers: 5, seed: 6, schemaBlock: true, startMs: 0, spanMs: 1000, outOfOrderMs: 0 })]);
      lines.push(JSON.stringify(JSON.parse(lines[0]!), null, 1));
      const alphabet = ['"', '\\', '{', '}', '[', ']', ':', ',', ' ', 'a', '0', '-', '.', 'e', 'n', 't', '\u0001', 'é', 'u'];
      const d = decoder();
      let malformed = 0;
      for (let k = 0; k < 6000; k++) {
        const line = lines[Math.floor(rnd() * lines.length)]!;
        if (line === 'null') continue;
        const pos = Math.floor(rnd() * line.length);
        const ch = alphabet[Math.floor(rnd() * alphabet.length)]!;
        const m = rnd();
        const text = m < 0.3 ? line.slice(0, pos) : m < 0.6 ? line.slice(0, pos) + ch + line.slice(pos + 1) : m < 0.8 ? line.slice(0, pos) + ch + line.slice(pos) : line.slice(0, pos) + line.slice(pos + 1);
        if (text.trim() === '' || text.trim() === 'null') continue;
        let parsed: unknown;
        let ok = true;
        try {
          parsed = JSON.parse(text);
        } catch {
          ok = false;
        }
        const r = d.decode(text);
        const isMalformed = r.kind === 'bad' && r.reason === 'malformed';
        if (!ok) malformed++;
        if (ok && (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))) continue;
        expect(isMalformed, text).toBe(!ok);
      }
      expect(malformed).toBeGreaterThan(1000);
    });
  });
});
