// The WebAssembly fast path of the Debezium decoder against its exact reference, the JS walker:
// the same DecodeResult (values, bad reasons and messages) on generated streams, hand-written odd
// envelopes, events that change under the walker's member memo, and thousands of mutated events;
// plus proof the fast path is taken, memory growth for long events, deep nesting, and many decoders.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SourceDef } from '../../catalog/model.js';
import { T } from '../../catalog/types.js';
import { createDebeziumDecoder } from '../../engine/formats/debezium-json.js';
import type { DecodeResult, Decoder } from '../../engine/formats/decoded-event.js';
import { JsonWalker, jsonWalker } from '../../engine/formats/json-walker.js';
import { generateOrders, generatePageViews, mulberry32 } from '../../examples/ecommerce/generate.js';
import { ORDERS_WITH_TX, PAGE_VIEWS, sourceDef } from '../harness/source-defs.js';

const source = sourceDef;

const ORDERS = ORDERS_WITH_TX;
/** Every kind of column, for the odd envelopes (names include a case variant). */
const WIDE = source('wide', [
  { name: 'id', type: T.bigint, nullable: false },
  { name: 'n', type: T.int, nullable: true },
  { name: 'd', type: T.double, nullable: true },
  { name: 'amount', type: T.decimal(12, 3), nullable: true },
  { name: 'flag', type: T.boolean, nullable: true },
  { name: 'name', type: T.varchar, nullable: true },
  { name: 'Name', type: T.varchar, nullable: true },
  { name: 'doc', type: T.json, nullable: true },
  { name: 'day', type: T.date, nullable: true },
  { name: 'at', type: T.timestamp(6), nullable: true },
  { name: 'src', type: T.json, nullable: true, metadata: 'source' },
  { name: 'lsn', type: T.bigint, nullable: true, metadata: 'source.lsn' },
  { name: 'op', type: T.varchar, nullable: true, metadata: 'op' },
]);

/** Names the walker cannot compare byte-wise (a quote, non-ASCII): such a source decodes in JS. */
const QUOTED = source('quoted', [
  { name: 'id', type: T.bigint, nullable: false },
  { name: 'say "hi"', type: T.varchar, nullable: true },
  { name: 'café', type: T.varchar, nullable: true },
]);

const all = (def: SourceDef): number[] => def.columns.map((_, i) => i);

/**
 * Decodes every text with a fast-path decoder and a JS-walker decoder (in order) and compares;
 * also checks whether the fast path ran (it must, unless the source's names rule it out).
 */
function agree(def: SourceDef, used: number[], texts: readonly string[], fastPath = true): DecodeResult[] {
  const fast = createDebeziumDecoder(def, used);
  const slow = createDebeziumDecoder(def, used, { wasm: false });
  const walk = vi.spyOn(JsonWalker.prototype, 'walk');
  const results = texts.map((t) => {
    const a = fast.decode(t);
    expect(a, t).toEqual(slow.decode(t));
    return a;
  });
  if (texts.some((t) => t.trimStart().startsWith('{'))) expect(walk.mock.calls.length > 0, def.name).toBe(fastPath);
  walk.mockRestore();
  return results;
}

const base = { customers: 40, seed: 11, startMs: Date.UTC(2026, 10, 1), spanMs: 600_000, outOfOrderMs: 3000 };

afterEach(() => {
  vi.restoreAllMocks();
});

describe('fast path', () => {
  it('is available here and actually used (and not when switched off)', () => {
    expect(jsonWalker()).not.toBeNull();
    const walk = vi.spyOn(JsonWalker.prototype, 'walk');
    const line = [...generateOrders({ ...base, events: 3, schemaBlock: false })][0]!;
    createDebeziumDecoder(ORDERS, all(ORDERS), { wasm: false }).decode(line);
    expect(walk).not.toHaveBeenCalled();
    expect(createDebeziumDecoder(ORDERS, all(ORDERS)).decode(line).kind).toBe('event');
    expect(walk).toHaveBeenCalledTimes(1);
  });

  it('agrees with the JS walker on generated streams, with and without the schema block', () => {
    for (const schemaBlock of [false, true]) {
      const orders = [...generateOrders({ ...base, events: 1500, schemaBlock, lateFraction: 0.01 })];
      for (const used of [all(ORDERS), [0, 2, 4], [3, 6], []]) agree(ORDERS, used, orders);
      const views = [...generatePageViews({ events: 800, users: 30, seed: 3, schemaBlock, startMs: base.startMs, outOfOrderMs: 1000 })];
      const r = agree(PAGE_VIEWS, all(PAGE_VIEWS), views);
      expect(r.every((x) => x.kind === 'event')).toBe(true);
    }
  });

  it('agrees on odd envelopes: escapes, repeats, case, unicode, layouts, values of every form', () => {
    const row = '{"id":1,"n":-7,"d":-1.5e-3,"amount":"12.345","flag":true,"name":"x","doc":{"a":[1,{}]},"day":"2026-11-01","at":1793527200000123}';
    const src = '{"lsn":9007199254740993,"table":"t","ts_ms":1}';
    const texts = [
      `{"before":null,"after":${row},"source":${src},"op":"c"}`,
      `{"after":${row},"op":"u","before":${row}}`,
      // escaped keys and values, unicode, a column named with a quote
      `{"\\u0061fter":{"id":2,"na\\u006de":"\\u00e9\\ud83d\\ude00","say \\"hi\\"":"q"},"o\\u0070":"c"}`,
      `{"after":{"id":3,"name":"café ☕ 日本","Name":"Z"},"op":"c","source":{"t\\u0061ble":"x","lsn":1}}`,
      // repeated keys: envelope, row columns, metadata, schema
      `{"after":{"id":1},"after":{"id":2},"op":"c"}`,
      `{"after":{"id":1,"name":"a","name":"b"},"op":"c"}`,
      `{"after":{"id":1},"op":"c","op":"u","before":{"id":1}}`,
      `{"after":{"id":1},"source":{"lsn":1},"source":{"lsn":2},"op":"c"}`,
      `{"schema":null,"schema":{"type":"string"},"payload":{"after":{"id":1},"op":"c"}}`,
      // case-insensitive names, and exact names that beat them
      `{"after":{"ID":4,"NAME":"upper","name":"lower"},"op":"c"}`,
      `{"after":{"Id":4,"n":1,"N":2},"op":"r"}`,
      // layouts: whitespace everywhere, empty objects, key order
      ` {\n "op" : "d" ,\t"before" : { "id" : 5 , "n" : 0 } , "after" : null } `,
      `{"op":"c","after":{}}`,
      `{"after":{"id":6,"":1,"x":{"":[]}},"op":"c","":null}`,
      // schema blocks: after the payload, null payloads, non-object schema and payload
      `{"payload":{"after":{"id":7},"op":"c"},"schema":{"type":"struct","fields":[{"field":"after","type":"struct","fields":[{"field":"id","type":"int64"}]}]}}`,
      `{"payload":null,"schema":{"type":"struct"}}`,
      `{"schema":{"type":"struct"},"payload":null}`,
      `{"schema":5,"payload":{"after":{"id":8},"op":"c"}}`,
      `{"schema":null,"payload":7}`,
      // ops and images of every shape
      `{"op":"t","source":{}}`,
      `{"op":1,"after":{"id":1}}`,
      `{"op":"m","after":null}`,
      `{"op":"c","after":[1,2]}`,
      `{"op":"c","before":"x","after":5}`,
      `{"op":"\\u0063","after":{"id":9}}`,
      // values of every form, good and bad
      `{"after":{"id":-0,"n":2147483647,"d":1E+2,"amount":-0.5,"flag":false,"day":19000,"at":"2026-11-01T10:00:00.123456Z"},"op":"c"}`,
      `{"after":{"id":9223372036854775807,"n":-2147483648,"d":0,"amount":"-0.000","day":"2026-11-01","at":-1},"op":"c"}`,
      `{"after":{"id":9223372036854775808},"op":"c"}`,
      `{"after":{"id":1,"n":2147483648},"op":"c"}`,
      `{"after":{"id":1,"amount":"1234567890.123"},"op":"c"}`,
      `{"after":{"id":1,"amount":"123456789012.123"},"op":"c"}`,
      `{"after":{"id":1,"amount":".5"},"op":"c"}`,
      `{"after":{"id":1,"amount":"5."},"op":"c"}`,
      `{"after":{"id":1,"amount":"1.2345"},"op":"c"}`,
      `{"after":{"id":1,"amount":"1e3"},"op":"c"}`,
      `{"after":{"id":1,"amount":"AdTA"},"op":"c"}`,
      `{"after":{"id":1,"amount":12.5},"op":"c"}`,
      `{"after":{"id":"12","n":"7","name":5,"doc":"s","flag":1},"op":"c"}`,
      `{"after":{"id":1.5},"op":"c"}`,
      `{"after":{"id":1,"name":{"x":1}},"op":"c"}`,
      `{"after":{"id":1,"at":"yesterday"},"op":"c","source":{"lsn":"x"}}`,
      `{"after":{"id":1,"n":null,"name":null,"flag":null},"op":"c"}`,
      `{"after":{"id":null},"op":"c"}`,
      // malformed
      `{"after":{"id":1},"op":"c"`,
      `{"after":{"id":01},"op":"c"}`,
      `{"after":{"id":1,},"op":"c"}`,
      `{"after":{"id":1},"op":"c","x":tru}`,
      `{"after":{"id":1},"op":"c","x":"a\\qb"}`,
      `{"after":{"id":1},"op":"c","x":"a\u0001b"}`,
      `{"after":{"id":1},"op":"c"}x`,
      `{"after" {"id":1},"op":"c"}`,
      `[1]`,
      `null`,
      ``,
    ];
    agree(WIDE, all(WIDE), texts);
    agree(WIDE, [0, 5, 12], texts);
    agree(QUOTED, all(QUOTED), [`{"after":{"id":1,"say \\"hi\\"":"x","caf\u00e9":"y"},"op":"c"}`, ...texts], false);
  });

  it('notices when a member it remembers changes between events', () => {
    const ev = (tx: string, extra: string) => `{"after":{"id":1},"source":{"version":"1","lsn":2${extra}},"transaction":${tx},"op":"c","ts_us":1}`;
    const texts: string[] = [];
    for (let k = 0; k < 4; k++) texts.push(ev('null', ''), ev('null', ',"db":"shop"'));
    texts.push(
      ev('{"id":"a"}', ''),
      ev('{"id":"a"}', ''),
      ev('{"id":"ab"}', ''),
      ev('null', ',"db": "shop"'), // a blank after the remembered colon
      ev('null', ',"db":"shop"x'), // garbage right after a remembered member
      ev('null', ',"db":"shopping"'),
      `{"after":{"id":1},"source":{"version":"12","lsn":2},"transaction":null,"op":"c","ts_us":1}`, // a longer number
      `{"after":{"id":1},"source":{"version":"1","lsn":2},"transaction":null,"op":"c","ts_us":12}`,
      `{"after":{"id":1},"source":{"version":"1","lsn":2},"transaction":nul,"op":"c","ts_us":1}`,
      `{"after":{"id":1},"source":{"version":"1","lsn":2},"transaction":null,"op":"c","ts_us":1}`,
      `{"after":{"id":1},"source":{"version":"1", "lsn":2},"transaction":null,"op":"c","ts_us":1}`,
      `{"after":{"id":1},"source":{"lsn":2,"version":"1"},"transaction":null,"op":"c","ts_us":1}`,
    );
    for (const def of [ORDERS, WIDE]) agree(def, all(def), texts);
  });

  it('agrees on thousands of mutated events, decoded as one stream', () => {
    const rnd = mulberry32(77);
    const lines = [
      ...generateOrders({ ...base, events: 200, schemaBlock: false }),
      ...generateOrders({ ...base, events: 20, seed: 12, schemaBlock: true }),
    ].filter((l) => l !== 'null');
    lines.push(JSON.stringify(JSON.parse(lines[5]!), null, 2));
    const alphabet = ['"', '\\', '{', '}', '[', ']', ':', ',', ' ', '\n', 'a', '0', '9', '-', '.', 'e', 'E', 'n', 't', 'u', '\u0001', 'é', '😀'];
    const texts: string[] = [];
    for (let k = 0; k < 6000; k++) {
      const line = lines[Math.floor(rnd() * lines.length)]!;
      if (rnd() < 0.3) {
        texts.push(line); // unchanged events keep the member memo warm
        continue;
      }
      const pos = Math.floor(rnd() * line.length);
      const ch = alphabet[Math.floor(rnd() * alphabet.length)]!;
      const m = rnd();
      texts.push(m < 0.2 ? line.slice(0, pos) : m < 0.55 ? line.slice(0, pos) + ch + line.slice(pos + 1) : m < 0.85 ? line.slice(0, pos) + ch + line.slice(pos) : line.slice(0, pos) + line.slice(pos + 1));
    }
    const results = agree(ORDERS, all(ORDERS), texts);
    const kinds = new Set(results.map((r) => (r.kind === 'bad' ? r.reason : r.kind)));
    expect([...kinds].sort()).toEqual(['event', 'malformed', 'missing-image', 'tombstone', 'type', 'unknown-op']);
  });

  it('grows its memory for long events and keeps decoding short ones', () => {
    const big = 'x'.repeat(3_000_000);
    const texts = [
      `{"after":{"id":1,"name":"${big}"},"op":"c"}`,
      `{"after":{"id":2,"unused":"${big}","name":"y"},"op":"c","source":{"lsn":5}}`,
      `{"after":{"id":3},"op":"c"}`,
    ];
    const r = agree(WIDE, all(WIDE), texts);
    expect(r[0]!.kind === 'event' && r[0]!.after![5]).toBe(big);
  });

  it('agrees when nesting is deeper than the walker can follow', () => {
    const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);
    const texts = [20, 5_000, 200_000].map((n) => `{"after":{"id":1,"junk":${deep(n)}},"op":"c"}`);
    const r = agree(WIDE, all(WIDE), texts);
    expect(r[0]!.kind).toBe('event');
  });

  it('keeps decoding correctly with many decoders alive', () => {
    const decoders: Decoder[] = [];
    for (let k = 0; k < 300; k++) {
      const cols = ORDERS.columns.map((c, i) => (i === 0 ? { ...c, name: `id${k % 150}` } : c));
      decoders.push(createDebeziumDecoder(source(`s${k}`, cols), all(ORDERS)));
    }
    const line = [...generateOrders({ ...base, events: 3, schemaBlock: false })][0]!;
    for (let k = 0; k < decoders.length; k++) {
      const r = decoders[k]!.decode(line.replace('"id":', `"id${k % 150}":`));
      expect(r.kind === 'event' && typeof r.after![0]).toBe('bigint');
    }
  });
});
