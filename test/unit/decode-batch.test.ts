// Decoder.decodeBatch (the decode thread's whole-batch path) against decoding each line alone:
// mixed batches of plain and schema-block envelopes (two alternating schemas, a cached schema
// followed by a malformed or odd tail, a near-miss schema), tombstones, blank and non-object
// lines, CRLF endings, a last line without newline, unicode (ascii unknown), values packed back
// to back (as Kafka record values are) in any order, and spans it must refuse.
import { describe, expect, it } from 'vitest';
import { createDebeziumDecoder } from '../../engine/formats/debezium-json.js';
import type { DecodeResult } from '../../engine/formats/decoded-event.js';
import { generateOrders } from '../../examples/ecommerce/generate.js';
import { ORDERS_COLUMNS, sourceDef } from '../harness/source-defs.js';
import { fileOf } from '../harness/jsonl-file.js';

const ORDERS = sourceDef('orders', ORDERS_COLUMNS);
const USED = [0, 1, 2, 3, 4, 5, 6];
const TOMB: DecodeResult = { kind: 'tombstone' };

function viaBatch(lines: readonly string[], eol: string, finalNewline: boolean, ascii: boolean): DecodeResult[] | null {
  const { bytes, starts, ends } = fileOf(lines, eol, finalNewline);
  const copy = Buffer.from(bytes);
  const out: DecodeResult[] = [];
  const ok = createDebeziumDecoder(ORDERS, USED).decodeBatch!(bytes, starts, ends, ascii, (r) => out.push(r));
  expect(bytes.equals(copy)).toBe(true); // the caller's bytes are left alone
  if (!ok) {
    expect(out).toEqual([]);
    return null;
  }
  return out;
}

function oneByOne(lines: readonly string[]): DecodeResult[] {
  const dec = createDebeziumDecoder(ORDERS, USED);
  return lines.map((l) => (l === '' || l === 'null' ? TOMB : dec.decode(l)));
}

const plain = [...generateOrders({ events: 300, customers: 20, seed: 3, schemaBlock: false, startMs: 0, spanMs: 3_600_000, outOfOrderMs: 5_000, tombstoneFraction: 0 })];
const withSchema = [...generateOrders({ events: 300, customers: 20, seed: 4, schemaBlock: true, startMs: 0, spanMs: 3_600_000, outOfOrderMs: 5_000, tombstoneFraction: 0 })];
/** The same events with a second schema text (another connector version): a second cached shape. */
const otherSchema = withSchema.slice(0, 60).map((l) => l!.replace('"optional":false,"field":"version"', '"optional":false,"field":"version","doc":"v2"'));

function mixed(): string[] {
  const out: string[] = [];
  for (let i = 0; i < 300; i++) {
    out.push(plain[i]!, withSchema[i]!);
    if (i < 60) out.push(otherSchema[i]!);
    if (i % 37 === 0) out.push('', 'null', '   ', '[1,2]', '{not json');
  }
  const s = withSchema[5]!;
  const payloadAt = s.indexOf(',"payload":');
  out.push(
    s.slice(0, payloadAt) + ',"payload":{"op":"c","after":{"id":1}', // cached schema, truncated tail
    s.slice(0, payloadAt) + ',"payload":{"op":"q","after":{"id":1}}}', // cached schema, unknown op
    s.slice(0, payloadAt) + ',"payload":{"op":"c","after":{"id":"x"}}}', // cached schema, type error
    s.slice(0, payloadAt) + ',"payload":{"op":"c","after":{"id":2}}}  ', // trailing blanks
    s.slice(0, payloadAt) + ',"payload":{"op":"c","after":{"id":3}}} x', // trailing garbage
    s.replace('"field":"status"', '"field":"status2"'), // a schema that differs in one place
    s.slice(0, payloadAt - 1) + ' ,"payload":' + s.slice(payloadAt + 11), // cached text then odd spacing
    '{"op":"c","after":{"id":4,"status":"naïve ☃"}}',
  );
  return out;
}

describe('decodeBatch', () => {
  const lines = mixed();
  const want = oneByOne(lines);

  it('sees shapes and errors of every kind in the mixed input', () => {
    expect(want.filter((r) => r.kind === 'bad').length).toBeGreaterThan(10);
    expect(want.filter((r) => r.kind === 'tombstone').length).toBeGreaterThan(10);
    expect(want.filter((r) => r.kind === 'event').length).toBeGreaterThan(600);
  });

  for (const [eol, finalNewline] of [['\n', true], ['\n', false], ['\r\n', true], ['\r\n', false]] as const)
    it(`equals decoding line by line (${JSON.stringify(eol)}, ${finalNewline ? 'final newline' : 'no final newline'})`, () => {
      const ascii = lines.filter((l) => !/^[\x00-\x7f]*$/.test(l)).length === 0;
      expect(ascii).toBe(false);
      // ascii unknown, with non-ASCII lines among them: those stretches are decoded one by one
      expect(viaBatch(lines, eol, finalNewline, false)).toEqual(want);
      const asciiLines = lines.filter((l) => /^[\x00-\x7f]*$/.test(l));
      const wantAscii = oneByOne(asciiLines);
      expect(viaBatch(asciiLines, eol, finalNewline, true)).toEqual(wantAscii);
      expect(viaBatch(asciiLines, eol, finalNewline, false)).toEqual(wantAscii);
    });

  it('keeps decoding correctly when one decoder sees batch after batch', () => {
    const dec = createDebeziumDecoder(ORDERS, USED);
    const asciiLines = lines.filter((l) => /^[\x00-\x7f]*$/.test(l));
    const got: DecodeResult[] = [];
    for (let k = 0; k < asciiLines.length; k += 97) {
      const part = asciiLines.slice(k, k + 97);
      const { bytes, starts, ends } = fileOf(part, '\n', true);
      expect(dec.decodeBatch!(bytes, starts, ends, true, (r) => got.push(r))).toBe(true);
      got.push(dec.decode(asciiLines[k]!)); // a single decode in between must not disturb the next batch
    }
    const want1 = oneByOne(asciiLines);
    const expected: DecodeResult[] = [];
    for (let k = 0; k < asciiLines.length; k += 97) expected.push(...want1.slice(k, k + 97), want1[k]!);
    expect(got).toEqual(expected);
  });

  it('walks every well-formed event of both shapes on the fast path (no JS-walker fallback)', () => {
    const good = [...plain.slice(0, 100), ...withSchema.slice(0, 100), ...otherSchema.slice(0, 30), ...withSchema.slice(100, 200)];
    const dec = createDebeziumDecoder(ORDERS, USED);
    // a schema is cached once an event carrying it was decoded: then later batches skip the block
    dec.decode(withSchema[0]!);
    dec.decode(otherSchema[0]!);
    const { bytes, starts, ends } = fileOf(good, '\r\n', false);
    const got: DecodeResult[] = [];
    expect(dec.decodeBatch!(bytes, starts, ends, true, (r) => got.push(r))).toBe(true);
    expect(got).toEqual(oneByOne(good));
    expect(got.every((r) => r.kind === 'event')).toBe(true);
    expect((dec as unknown as { slowDecodes: number }).slowDecodes).toBe(0);
  });

  it('reads values packed back to back (Kafka record values) and values in any order', () => {
    const asciiLines = lines.filter((l) => /^[\x00-\x7f]*$/.test(l) && l !== '' && l !== 'null');
    const bytes = Buffer.from(asciiLines.join(''), 'utf8');
    const starts = new Uint32Array(asciiLines.length);
    const ends = new Uint32Array(asciiLines.length);
    let p = 0;
    asciiLines.forEach((l, i) => {
      starts[i] = p;
      ends[i] = p += l.length;
    });
    const want1 = oneByOne(asciiLines);
    for (const order of [asciiLines.map((_, i) => i), asciiLines.map((_, i) => asciiLines.length - 1 - i)]) {
      const dec = createDebeziumDecoder(ORDERS, USED);
      dec.decode(withSchema[0]!);
      const got: DecodeResult[] = [];
      const s2 = Uint32Array.from(order.map((i) => starts[i]!));
      const e2 = Uint32Array.from(order.map((i) => ends[i]!));
      expect(dec.decodeBatch!(bytes, s2, e2, true, (r) => got.push(r))).toBe(true);
      expect(got).toEqual(order.map((i) => want1[i]));
    }
  });

  it('takes values shorter than the schema key at the very end of the bytes, with schemas cached', () => {
    for (const tail of ['{}', '{"op":', '{"schema"', '{"schema":']) {
      const vals = [withSchema[0]!, tail];
      const bytes = Buffer.from(vals.join(''), 'utf8'); // exactly sized: the short value ends the buffer
      const starts = Uint32Array.of(0, vals[0]!.length);
      const ends = Uint32Array.of(vals[0]!.length, bytes.length);
      const dec = createDebeziumDecoder(ORDERS, USED);
      dec.decode(withSchema[1]!); // a cached schema
      const got: DecodeResult[] = [];
      expect(dec.decodeBatch!(bytes, starts, ends, true, (r) => got.push(r))).toBe(true);
      expect(got).toEqual(oneByOne(vals));
    }
  });

  it('declines values outside the bytes', () => {
    const a = Buffer.from(plain[0]!, 'utf8');
    const out: DecodeResult[] = [];
    const ok = createDebeziumDecoder(ORDERS, USED).decodeBatch!(a, Uint32Array.of(0), Uint32Array.of(a.length + 1), true, (r) => out.push(r));
    expect(ok).toBe(false);
    expect(out).toEqual([]);
  });
});
