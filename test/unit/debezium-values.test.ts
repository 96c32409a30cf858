// Value encodings of the Debezium decoder, once per envelope reader (WebAssembly walker, JS
// walker): every declared type from every JSON form Debezium emits (base64 / text / number
// decimals, VariableScaleDecimal, ms/µs/ns timestamps by schema name and by declared precision,
// ISO strings, dates, exact int64, JSON, BYTES, booleans).
import { beforeAll, describe, expect, it } from 'vitest';
import type { SourceColumn, SourceDef } from '../../catalog/model.js';
import { T, type DataType, type Value } from '../../catalog/types.js';
import { createDebeziumDecoder } from '../../engine/formats/debezium-json.js';
import type { DecodeResult } from '../../engine/formats/decoded-event.js';
import { sourceDef } from '../harness/source-defs.js';

function source(columns: SourceColumn[]): SourceDef {
  return sourceDef('t', columns, { primaryKey: [] });
}

/** The envelope reader of the running suite (decoders are built inside the tests). */
let wasm = true;

/** Decodes a create event whose after image is {v: <json>} for a column v of `type`. */
function decodeOne(type: DataType, json: string, field?: object): DecodeResult {
  const def = source([{ name: 'v', type, nullable: true }]);
  const payload = `{"before":null,"after":{"v":${json}},"op":"c"}`;
  const text =
    field === undefined
      ? payload
      : `{"schema":{"type":"struct","fields":[{"type":"struct","fields":[${JSON.stringify({ ...field, field: 'v' })}],"optional":true,"field":"after"}]},"payload":${payload}}`;
  return createDebeziumDecoder(def, [0], { wasm }).decode(text);
}

function value(type: DataType, json: string, field?: object): Value {
  const r = decodeOne(type, json, field);
  if (r.kind !== 'event') throw new Error(`expected an event, got ${JSON.stringify(r)}`);
  return r.after![0]!;
}

function typeError(type: DataType, json: string, field?: object): string {
  const r = decodeOne(type, json, field);
  if (r.kind !== 'bad' || r.reason !== 'type') throw new Error(`expected a type error, got ${JSON.stringify(r)}`);
  return r.message;
}

const decimalField = (scale: number) => ({
  type: 'bytes',
  optional: true,
  name: 'org.apache.kafka.connect.data.Decimal',
  version: 1,
  parameters: { scale: String(scale), 'connect.decimal.precision': '10' },
});
const timeField = (name: string) => ({ type: 'int64', optional: true, name, version: 1 });
const b64 = (bytes: number[]) => JSON.stringify(Buffer.from(bytes).toString('base64'));

describe.each([
  { name: 'WebAssembly walker', mode: true },
  { name: 'JS walker', mode: false },
])('$name', ({ mode }) => {
  beforeAll(() => {
    wasm = mode;
  });

  describe('DECIMAL', () => {
    const D = T.decimal(10, 2);
    it('reads base64 Connect decimals with the schema scale', () => {
      expect(value(D, '"AdTA"', decimalField(2))).toBe(120000n); // 01 D4 C0 = 1200.00
      expect(value(D, b64([0x9c]), decimalField(2))).toBe(-100n); // -1.00
      expect(value(D, b64([0xff, 0x38]), decimalField(2))).toBe(-200n); // -2.00
      expect(value(D, '""', decimalField(2))).toBe(0n);
      const big = 2n ** 60n + 12345n; // 9 bytes, beyond 2^53
      const hex = big.toString(16).padStart(18, '0');
      expect(value(T.decimal(38, 2), JSON.stringify(Buffer.from(hex, 'hex').toString('base64')), decimalField(2))).toBe(big);
    });
    it('rescales to the declared scale, HALF_UP', () => {
      expect(value(D, b64([0x30, 0x39]), decimalField(3))).toBe(1235n); // 12.345 -> 12.35
      expect(value(D, b64([0xcf, 0xc7]), decimalField(3))).toBe(-1235n); // -12.345 -> -12.35
      expect(value(D, b64([0x30, 0x38]), decimalField(3))).toBe(1234n); // 12.344 -> 12.34
      expect(value(D, b64([0x7b]), decimalField(1))).toBe(1230n); // 12.3 -> 12.30
      expect(value(D, b64([0x30, 0x39]), decimalField(0))).toBe(1234500n); // 12345
    });
    it('uses the declared scale for base64 without a schema block', () => {
      expect(value(D, '"AdTA"')).toBe(120000n);
    });
    it('reads plain decimal strings and JSON numbers by their text', () => {
      expect(value(D, '"12.50"')).toBe(1250n);
      expect(value(D, '"12.5"')).toBe(1250n);
      expect(value(D, '"-0.015"')).toBe(-2n);
      expect(value(D, '"12.344"')).toBe(1234n);
      expect(value(D, '"1e2"')).toBe(10000n);
      expect(value(D, '12.50')).toBe(1250n);
      expect(value(D, '0.1')).toBe(10n);
      expect(value(D, '0.30000000000000004')).toBe(30n);
      expect(value(D, '-7')).toBe(-700n);
      expect(value(T.decimal(30, 4), '"12345678901234567890.12345"')).toBe(123456789012345678901235n);
      expect(value(T.decimal(30, 4), '12345678901234567890.12345')).toBe(123456789012345678901235n);
    });
    it('reads string-typed schema fields as text', () => {
      expect(value(D, '"1200"', { type: 'string', optional: true })).toBe(120000n);
    });
    it('reads VariableScaleDecimal structs', () => {
      const f = { type: 'struct', name: 'io.debezium.data.VariableScaleDecimal', optional: true };
      expect(value(D, '{"scale":3,"value":"MDk="}', f)).toBe(1235n); // 12.345
      expect(value(D, '{"value":"MDk=","scale":0}')).toBe(1234500n);
    });
    it('rejects values that are not decimals or exceed the precision', () => {
      expect(typeError(D, '"abc"')).toBe(`column 'v': expected DECIMAL(10,2), got "abc"`);
      expect(typeError(D, '"12.5.1"')).toBe(`column 'v': expected DECIMAL(10,2), got "12.5.1"`);
      expect(typeError(T.decimal(4, 2), '123.45')).toBe(`column 'v': expected DECIMAL(4,2), got 123.45`);
      expect(typeError(D, 'true')).toBe(`column 'v': expected DECIMAL(10,2), got true`);
      expect(typeError(D, '[1]')).toBe(`column 'v': expected DECIMAL(10,2), got [1]`);
    });
  });

  describe('TIMESTAMP / TIMESTAMPTZ', () => {
    const ms = 1_793_527_200_123; // 2026-11-01T10:00:00.123Z
    it('takes the unit from the schema field name', () => {
      expect(value(T.timestamp(6), `${ms}`, timeField('io.debezium.time.Timestamp'))).toBe(ms * 1000);
      expect(value(T.timestamp(6), `${ms}`, timeField('org.apache.kafka.connect.data.Timestamp'))).toBe(ms * 1000);
      expect(value(T.timestamp(3), `${ms}456`, timeField('io.debezium.time.MicroTimestamp'))).toBe(ms * 1000);
      expect(value(T.timestamp(6), `${ms}456`, timeField('io.debezium.time.MicroTimestamp'))).toBe(ms * 1000 + 456);
      expect(value(T.timestamp(6), `${ms}456789`, timeField('io.debezium.time.NanoTimestamp'))).toBe(ms * 1000 + 456);
      expect(value(T.timestamp(6), '19279', timeField('io.debezium.time.Date'))).toBe(19279 * 86_400_000_000);
    });
    it('takes the unit from the declared precision without a schema block', () => {
      expect(value(T.timestamp(3), `${ms}`)).toBe(ms * 1000);
      expect(value(T.timestamp(0), `${ms}`)).toBe(1_793_527_200_000_000);
      expect(value(T.timestamp(6), `${ms}456`)).toBe(ms * 1000 + 456);
      expect(value(T.timestamp(4), `${ms}456`)).toBe(ms * 1000 + 400);
      expect(value(T.timestamp(9), `${ms}456789`)).toBe(ms * 1000 + 456);
      expect(value(T.timestamptz(3), `${ms}`)).toBe(ms * 1000);
    });
    it('floors values before 1970', () => {
      expect(value(T.timestamp(6), '-1500', timeField('io.debezium.time.NanoTimestamp'))).toBe(-2);
      expect(value(T.timestamp(0), '-1', timeField('io.debezium.time.Timestamp'))).toBe(-1_000_000);
    });
    it('parses ISO-8601 and SQL timestamp strings', () => {
      const base = Date.UTC(2026, 10, 1, 10) * 1000;
      expect(value(T.timestamp(6), '"2026-11-01T10:00:00Z"')).toBe(base);
      expect(value(T.timestamptz(6), '"2026-11-01T12:00:00+02:00"')).toBe(base);
      expect(value(T.timestamptz(6), '"2026-11-01T05:30:00-0430"')).toBe(base);
      expect(value(T.timestamptz(6), '"2026-11-01T12:00:00+02"')).toBe(base);
      expect(value(T.timestamp(6), '"2026-11-01T10:00:00.5Z"')).toBe(base + 500_000);
      expect(value(T.timestamp(6), '"2026-11-01T10:00:00.123456789Z"')).toBe(base + 123_456);
      expect(value(T.timestamp(3), '"2026-11-01T10:00:00.123456Z"')).toBe(base + 123_000);
      expect(value(T.timestamp(6), '"2026-11-01 10:00:00.25"')).toBe(base + 250_000);
      expect(value(T.timestamp(6), '"2026-11-01 10:00"')).toBe(base);
      expect(value(T.timestamp(6), '"2026-11-01"')).toBe(Date.UTC(2026, 10, 1) * 1000);
      const zoned = { type: 'string', optional: true, name: 'io.debezium.time.ZonedTimestamp', version: 1 };
      expect(value(T.timestamptz(6), '"2026-11-01T10:00:00.000001Z"', zoned)).toBe(base + 1);
    });
    it('rejects malformed timestamps', () => {
      expect(typeError(T.timestamp(3), '"2026-13-01T00:00:00Z"')).toBe(
        `column 'v': expected TIMESTAMP(3), got "2026-13-01T00:00:00Z"`,
      );
      expect(typeError(T.timestamp(3), '"2026-02-30"')).toContain('expected TIMESTAMP(3)');
      expect(typeError(T.timestamp(3), '"yesterday"')).toContain('expected TIMESTAMP(3)');
      expect(typeError(T.timestamp(3), '1.5')).toContain('expected TIMESTAMP(3), got 1.5');
      expect(typeError(T.timestamptz(6), '"2026-11-01T10:00:00+25:00"')).toContain('expected TIMESTAMPTZ(6)');
    });
  });

  describe('DATE', () => {
    it('reads days since epoch and ISO dates', () => {
      expect(value(T.date, '19279')).toBe(19279);
      expect(value(T.date, '19279', timeField('io.debezium.time.Date'))).toBe(19279);
      expect(value(T.date, '19279', timeField('org.apache.kafka.connect.data.Date'))).toBe(19279);
      expect(value(T.date, '-1')).toBe(-1);
      expect(value(T.date, '"2022-10-15"')).toBe(19280);
      expect(value(T.date, '"2017-09-15Z"')).toBe(17424);
      expect(value(T.date, '"1969-12-31"')).toBe(-1);
      expect(value(T.date, '"2024-02-29"')).toBe(19782);
    });
    it('floors epoch timestamps of a Timestamp field to days', () => {
      expect(value(T.date, '1665791731989', timeField('io.debezium.time.Timestamp'))).toBe(19279);
    });
    it('rejects non-dates', () => {
      expect(typeError(T.date, '"2023-02-29"')).toBe(`column 'v': expected DATE, got "2023-02-29"`);
      expect(typeError(T.date, 'false')).toBe(`column 'v': expected DATE, got false`);
    });
  });

  describe('integers', () => {
    it('reads int64 exactly, beyond 2^53', () => {
      expect(value(T.bigint, '9007199254740993')).toBe(9007199254740993n);
      expect(value(T.bigint, '-9223372036854775808')).toBe(-9223372036854775808n);
      expect(value(T.bigint, '9223372036854775807')).toBe(9223372036854775807n);
      expect(value(T.bigint, '42')).toBe(42n);
      expect(value(T.bigint, '"1234567890123456789"')).toBe(1234567890123456789n);
      expect(value(T.bigint, '-0')).toBe(0n);
    });
    it('rejects fractions, overflow and non-numeric strings', () => {
      expect(typeError(T.bigint, '"abc"')).toBe(`column 'v': expected BIGINT, got "abc"`);
      expect(typeError(T.bigint, '1.5')).toBe(`column 'v': expected BIGINT, got 1.5`);
      expect(typeError(T.bigint, '9223372036854775808')).toBe(`column 'v': expected BIGINT, got 9223372036854775808`);
      expect(typeError(T.bigint, '{"a":1}')).toBe(`column 'v': expected BIGINT, got {"a":1}`);
    });
    it('reads INT within 32 bits', () => {
      expect(value(T.int, '-2147483648')).toBe(-2147483648);
      expect(value(T.int, '"17"')).toBe(17);
      expect(typeError(T.int, '2147483648')).toBe(`column 'v': expected INT, got 2147483648`);
    });
  });

  describe('other types', () => {
    it('DOUBLE', () => {
      expect(value(T.double, '1.5')).toBe(1.5);
      expect(value(T.double, '-3')).toBe(-3);
      expect(value(T.double, '1e300')).toBe(1e300);
      expect(value(T.double, '"2.25"')).toBe(2.25);
      expect(value(T.double, '"NaN"')).toBeNaN();
      expect(value(T.double, '"-Infinity"')).toBe(-Infinity);
      expect(typeError(T.double, '"0x10"')).toBe(`column 'v': expected DOUBLE, got "0x10"`);
    });
    it('BOOLEAN, including MySQL TINYINT(1) 0/1', () => {
      expect(value(T.boolean, 'true')).toBe(true);
      expect(value(T.boolean, 'false')).toBe(false);
      expect(value(T.boolean, '1')).toBe(true);
      expect(value(T.boolean, '0')).toBe(false);
      expect(typeError(T.boolean, '2')).toBe(`column 'v': expected BOOLEAN, got 2`);
      expect(typeError(T.boolean, '"yes"')).toBe(`column 'v': expected BOOLEAN, got "yes"`);
    });
    it('VARCHAR takes strings, numbers and booleans as text, never objects', () => {
      expect(value(T.varchar, '"paid"')).toBe('paid');
      expect(value(T.varchar, '12.50')).toBe('12.50');
      expect(value(T.varchar, 'true')).toBe('true');
      expect(value(T.varchar, '""')).toBe('');
      expect(value(T.varchar, '"a long value that is more than thirteen characters"')).toBe(
        'a long value that is more than thirteen characters',
      );
      expect(typeError(T.varchar, '{"a":1}')).toBe(`column 'v': expected VARCHAR, got {"a":1}`);
      expect(typeError(T.varchar, '[1,2]')).toBe(`column 'v': expected VARCHAR, got [1,2]`);
    });
    it('JSON holds the JSON text of any value; Debezium Json strings give their content', () => {
      expect(value(T.json, '{"a": [1, {"b": "}"}], "c": null}')).toBe('{"a": [1, {"b": "}"}], "c": null}');
      expect(value(T.json, '[1,2,[3]]')).toBe('[1,2,[3]]');
      expect(value(T.json, '"{\\"a\\":1}"', { type: 'string', name: 'io.debezium.data.Json' })).toBe('{"a":1}');
      expect(value(T.json, '12')).toBe('12');
      expect(value(T.json, 'false')).toBe('false');
    });
    it('BYTES from base64 (standard and url-safe)', () => {
      expect(value(T.bytes, '"AQID/w=="')).toEqual(new Uint8Array([1, 2, 3, 255]));
      expect(value(T.bytes, '"AQID_w"')).toEqual(new Uint8Array([1, 2, 3, 255]));
      expect(value(T.bytes, '""')).toEqual(new Uint8Array([]));
      expect(typeError(T.bytes, '"a*b"')).toBe(`column 'v': expected BYTES, got "a*b"`);
      expect(typeError(T.bytes, '12')).toBe(`column 'v': expected BYTES, got 12`);
    });
    it('null is null for nullable columns and a type error for NOT NULL ones', () => {
      expect(value(T.bigint, 'null')).toBe(null);
      const def = source([{ name: 'id', type: T.bigint, nullable: false }]);
      const r = createDebeziumDecoder(def, [0], { wasm }).decode('{"after":{"id":null},"op":"c"}');
      expect(r).toEqual({ kind: 'bad', reason: 'type', message: `column 'id': expected BIGINT, got null` });
    });
    it('shortens long offending values in messages', () => {
      const long = JSON.stringify('x'.repeat(200));
      expect(typeError(T.int, long)).toBe(`column 'v': expected INT, got "${'x'.repeat(76)}...`);
    });
  });
});
