// Avro object-container writer/reader: byte-level encodings, round trips through our reader, and
// decoding of the same files (and of real manifests) by fastavro when the project venv has it.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { AvroSchema } from '../../catalog/iceberg/avro-schema.js';
import { readAvroContainer } from '../../catalog/iceberg/avro-reader.js';
import { ByteWriter, avroEncoder, writeAvroContainer } from '../../catalog/iceberg/avro-writer.js';
import { MANIFEST_LIST_SCHEMA } from '../../catalog/iceberg/manifest-list.js';
import { manifestEntrySchema } from '../../catalog/iceberg/manifest.js';

const made: string[] = [];
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

const PY = path.resolve('.venv/bin/python');
function pythonHas(mod: string): boolean {
  if (!existsSync(PY)) return false;
  try {
    execFileSync(PY, ['-c', `import ${mod}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const HAS_FASTAVRO = pythonHas('fastavro');
if (!HAS_FASTAVRO) console.warn('SKIPPED: fastavro cross-checks need .venv/bin/python with fastavro (.venv/bin/pip install fastavro)');

const TMP = path.resolve('test/.tmp');
function tmpDir(): string {
  mkdirSync(TMP, { recursive: true });
  const d = mkdtempSync(path.join(TMP, 'avro-'));
  made.push(d);
  return d;
}

const FASTAVRO_DUMP = `
import fastavro, json, sys, datetime, decimal
def conv(v):
    if isinstance(v, (bytes, bytearray)): return {"hex": v.hex()}
    if isinstance(v, decimal.Decimal): return {"dec": str(v)}
    if isinstance(v, (datetime.date, datetime.datetime)): return {"iso": v.isoformat()}
    if isinstance(v, dict): return {k: conv(x) for k, x in v.items()}
    if isinstance(v, list): return [conv(x) for x in v]
    if isinstance(v, int) and not isinstance(v, bool): return {"int": str(v)}
    return v
with open(sys.argv[1], "rb") as f:
    r = fastavro.reader(f)
    meta = {k: (v.decode() if isinstance(v, bytes) else v) for k, v in r.metadata.items()}
    recs = [conv(x) for x in r]
print(json.dumps({"meta": meta, "records": recs, "schema": r.writer_schema}))
`;

function fastavroRead(file: string): { meta: Record<string, string>; records: unknown[]; schema: unknown } {
  return JSON.parse(execFileSync(PY, ['-c', FASTAVRO_DUMP, file], { encoding: 'utf8' }));
}

function bytesOf(schema: AvroSchema, v: unknown): number[] {
  const w = new ByteWriter();
  avroEncoder(schema)(w, v);
  return [...w.bytes()];
}

describe('Avro binary encoding', () => {
  it('zig-zag varints for int and long', () => {
    expect(bytesOf('int', 0)).toEqual([0]);
    expect(bytesOf('int', -1)).toEqual([1]);
    expect(bytesOf('int', 1)).toEqual([2]);
    expect(bytesOf('int', -64)).toEqual([0x7f]);
    expect(bytesOf('int', 64)).toEqual([0x80, 0x01]);
    expect(bytesOf('int', 2147483647)).toEqual([0xfe, 0xff, 0xff, 0xff, 0x0f]);
    expect(bytesOf('long', -2147483649)).toEqual([0x81, 0x80, 0x80, 0x80, 0x10]);
    expect(bytesOf('long', 9223372036854775807n)).toEqual([0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
    expect(bytesOf('long', -9223372036854775808n)).toEqual([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
  });
  it('strings, bytes, unions, arrays and fixed', () => {
    expect(bytesOf('string', 'é')).toEqual([4, 0xc3, 0xa9]);
    expect(bytesOf('bytes', new Uint8Array([1, 2]))).toEqual([4, 1, 2]);
    expect(bytesOf(['null', 'long'], null)).toEqual([0]);
    expect(bytesOf(['null', 'long'], 3)).toEqual([2, 6]);
    expect(bytesOf({ type: 'array', items: 'int' }, [1, 2])).toEqual([4, 2, 4, 0]);
    expect(bytesOf({ type: 'array', items: 'int' }, [])).toEqual([0]);
    expect(bytesOf({ type: 'fixed', name: 'f', size: 2 }, new Uint8Array([9, 8]))).toEqual([9, 8]);
  });
  it('rejects values that do not fit the schema', () => {
    expect(() => bytesOf('int', 2 ** 31)).toThrow(/Avro int/);
    expect(() => bytesOf('long', 2 ** 60)).toThrow(/exact Avro long/);
    expect(() => bytesOf('string', 5)).toThrow(/cannot encode/);
    expect(() => bytesOf({ type: 'fixed', name: 'f', size: 2 }, new Uint8Array(3))).toThrow(/fixed\[2\]/);
    expect(() => bytesOf(['null', 'long'], 'x')).toThrow(/union/);
  });
});

const MIXED: AvroSchema = {
  type: 'record',
  name: 'rec',
  fields: [
    { name: 'b', type: 'boolean', 'field-id': 1 },
    { name: 'i', type: 'int', 'field-id': 2 },
    { name: 'l', type: 'long', 'field-id': 3 },
    { name: 'f', type: 'float', 'field-id': 4 },
    { name: 'd', type: 'double', 'field-id': 5 },
    { name: 's', type: 'string', 'field-id': 6 },
    { name: 'y', type: 'bytes', 'field-id': 7 },
    { name: 'o', type: ['null', 'string'], default: null, 'field-id': 8 },
    { name: 'a', type: { type: 'array', items: 'long', 'element-id': 10 }, 'field-id': 9 },
    { name: 'm', type: { type: 'map', values: 'int' }, 'field-id': 11 },
    { name: 'x', type: { type: 'fixed', name: 'dec_9_2', size: 4, logicalType: 'decimal', precision: 9, scale: 2 }, 'field-id': 12 },
    { name: 'x2', type: ['null', 'dec_9_2'], default: null, 'field-id': 13 },
    { name: 'e', type: { type: 'enum', name: 'color', symbols: ['RED', 'GREEN'] }, 'field-id': 14 },
    {
      name: 'n',
      type: { type: 'record', name: 'inner', fields: [{ name: 'k', type: 'int', 'field-id': 16 }] },
      'field-id': 15,
    },
  ],
};

function mixedRecord(i: number): Record<string, unknown> {
  return {
    b: i % 2 === 0,
    i: -i,
    l: i === 3 ? -(2n ** 62n) : BigInt(i) * 9007199254740993n,
    f: 1.5,
    d: i / 3,
    s: `ü-${i}-😀`,
    y: new Uint8Array([i, 255, 0]),
    o: i % 3 === 0 ? null : `opt${i}`,
    a: [BigInt(i), -1n],
    m: new Map([[`k${i}`, i]]),
    x: new Uint8Array([0, 0, 0, i]),
    x2: i % 2 ? new Uint8Array([1, 2, 3, 4]) : null,
    e: i % 2 ? 'GREEN' : 'RED',
    n: { k: i },
  };
}

describe('Avro object container files', () => {
  for (const codec of ['null', 'deflate'] as const) {
    it(`round-trips mixed records through our reader (codec ${codec}, several blocks)`, () => {
      const recs = Array.from({ length: 7 }, (_, i) => mixedRecord(i));
      const bytes = writeAvroContainer(recs, { schema: MIXED, codec, recordsPerBlock: 3, metadata: { 'format-version': '2' } });
      const back = readAvroContainer(bytes);
      expect(back.metadata.get('avro.codec')).toBe(codec);
      expect(back.metadata.get('format-version')).toBe('2');
      expect(back.schema).toEqual(MIXED);
      expect(back.records).toHaveLength(7);
      for (let i = 0; i < 7; i++) {
        const r = back.records[i] as Record<string, unknown>;
        const e = mixedRecord(i);
        expect(r['l']).toBe(e['l']);
        expect(r['i']).toBe(i === 0 ? 0 : -i);
        expect(r['s']).toBe(e['s']);
        expect(r['o']).toBe(e['o']);
        expect([...(r['y'] as Uint8Array)]).toEqual([i, 255, 0]);
        expect(r['a']).toEqual([BigInt(i), -1n]);
        expect(r['m']).toEqual(new Map([[`k${i}`, i]]));
        expect(r['x2'] === null ? null : [...(r['x2'] as Uint8Array)]).toEqual(i % 2 ? [1, 2, 3, 4] : null);
        expect(r['e']).toBe(e['e']);
        expect(r['n']).toEqual({ k: i });
        expect(r['d']).toBe(i / 3);
      }
    });
  }

  it('keys records by field id when asked', () => {
    const bytes = writeAvroContainer([mixedRecord(1)], { schema: MIXED });
    const r = readAvroContainer(bytes, 'field-id').records[0] as Record<string, unknown>;
    expect(r['6']).toBe('ü-1-😀');
    expect(r['15']).toEqual({ '16': 1 });
  });

  it('writes an empty file with only a header', () => {
    const bytes = writeAvroContainer([], { schema: MANIFEST_LIST_SCHEMA });
    expect(readAvroContainer(bytes).records).toEqual([]);
  });

  it('detects corruption', () => {
    const bytes = writeAvroContainer([mixedRecord(1)], { schema: MIXED, codec: 'null' });
    const broken = bytes.slice();
    broken[broken.length - 1]! ^= 0xff;
    expect(() => readAvroContainer(broken)).toThrow(/sync/);
    expect(() => readAvroContainer(bytes.slice(0, bytes.length - 20))).toThrow();
  });

  it.skipIf(!HAS_FASTAVRO)('is decoded identically by fastavro', () => {
    const dir = tmpDir();
    const recs = Array.from({ length: 5 }, (_, i) => mixedRecord(i));
    const file = path.join(dir, 'mixed.avro');
    writeFileSync(file, writeAvroContainer(recs, { schema: MIXED, codec: 'deflate', recordsPerBlock: 2, metadata: { note: 'hi' } }));
    const out = fastavroRead(file);
    expect(out.meta['note']).toBe('hi');
    expect(out.meta['avro.codec']).toBe('deflate');
    expect(out.records).toHaveLength(5);
    const r3 = out.records[3] as Record<string, unknown>;
    expect(r3['l']).toEqual({ int: String(-(2n ** 62n)) });
    expect(r3['s']).toBe('ü-3-😀');
    expect(r3['o']).toBeNull();
    expect(r3['y']).toEqual({ hex: '03ff00' });
    expect(r3['a']).toEqual([{ int: '3' }, { int: '-1' }]);
    expect(r3['m']).toEqual({ k3: { int: '3' } });
    expect(r3['e']).toBe('GREEN');
    expect(r3['n']).toEqual({ k: { int: '3' } });
    const r1 = out.records[1] as Record<string, unknown>;
    expect(r1['l']).toEqual({ int: '9007199254740993' });
    expect(r1['x']).toEqual({ dec: '0.01' });
    expect(r1['x2']).toEqual({ dec: '169090.60' });
  });

  it.skipIf(!HAS_FASTAVRO)('writes Iceberg manifest schemas that fastavro accepts, with field ids preserved', () => {
    const dir = tmpDir();
    const schema = manifestEntrySchema([
      { name: 'd_day', fieldId: 1000, type: { kind: 'date' } },
      { name: 'amt', fieldId: 1001, type: { kind: 'decimal', precision: 10, scale: 2 } },
      { name: 'amt2', fieldId: 1002, type: { kind: 'decimal', precision: 10, scale: 2 } },
      { name: 'ts', fieldId: 1003, type: { kind: 'timestamptz' } },
    ]);
    const rec = {
      status: 1,
      snapshot_id: 5n,
      sequence_number: null,
      file_sequence_number: null,
      data_file: {
        content: 0,
        file_path: 'file:///x.parquet',
        file_format: 'PARQUET',
        partition: { d_day: 17486, amt: new Uint8Array([0, 0, 0, 5, 0x8c]), amt2: null, ts: 1510871468000000 },
        record_count: 3,
        file_size_in_bytes: 100,
        value_counts: [{ key: 1, value: 3 }],
        lower_bounds: [{ key: 1, value: new Uint8Array([1]) }],
      },
    };
    const file = path.join(dir, 'm.avro');
    writeFileSync(file, writeAvroContainer([rec], { schema, metadata: { 'partition-spec': '[]' } }));
    const out = fastavroRead(file);
    const d = (out.records[0] as Record<string, Record<string, unknown>>)['data_file']!;
    const part = d['partition'] as Record<string, unknown>;
    // fastavro applies the logical types, which checks their encodings too.
    expect(d['file_path']).toBe('file:///x.parquet');
    expect(part['d_day']).toEqual({ iso: '2017-11-16' });
    expect(part['amt']).toEqual({ dec: '14.20' });
    expect(part['ts']).toEqual({ iso: '2017-11-16T22:31:08+00:00' });
    expect(d['value_counts']).toEqual([{ key: { int: '1' }, value: { int: '3' } }]);
    expect(part['amt2']).toBeNull();
    const ws = JSON.stringify(out.schema);
    for (const id of [0, 1, 2, 3, 4, 100, 101, 102, 103, 104, 108, 117, 118, 125, 126, 127, 1000, 1001, 1002, 1003])
      expect(ws).toContain(`"field-id":${id}`);
  });
});
