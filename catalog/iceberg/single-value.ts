// Iceberg single-value binary serialization (spec Appendix D), used for column bounds and partition
// field summaries, and its inverse. Works on StreamForge runtime values; no comparison or truncation here.
import type { Value } from '../types.js';
import { minimalTwosComplement } from './murmur3.js';
import type { IcebergType } from './schema.js';

const utf8Enc = new TextEncoder();
const utf8Dec = new TextDecoder('utf-8');

function expect(cond: boolean, t: IcebergType, v: unknown): asserts cond {
  if (!cond) throw new TypeError(`value ${typeof v === 'bigint' ? v + 'n' : String(v)} does not match Iceberg type ${t.kind}`);
}

export function encodeSingleValue(t: IcebergType, v: Value): Uint8Array {
  switch (t.kind) {
    case 'boolean':
      expect(typeof v === 'boolean', t, v);
      return new Uint8Array([v ? 1 : 0]);
    case 'int':
    case 'date': {
      expect(typeof v === 'number' && Number.isInteger(v), t, v);
      const out = new Uint8Array(4);
      new DataView(out.buffer).setInt32(0, v, true);
      return out;
    }
    case 'long': {
      expect(typeof v === 'bigint', t, v);
      const out = new Uint8Array(8);
      new DataView(out.buffer).setBigInt64(0, v, true);
      return out;
    }
    case 'timestamp':
    case 'timestamptz': {
      expect(typeof v === 'number' && Number.isSafeInteger(v), t, v);
      const out = new Uint8Array(8);
      const dv = new DataView(out.buffer);
      const hi = Math.floor(v / 4294967296);
      dv.setUint32(0, v - hi * 4294967296, true);
      dv.setInt32(4, hi, true);
      return out;
    }
    case 'double': {
      expect(typeof v === 'number', t, v);
      const out = new Uint8Array(8);
      new DataView(out.buffer).setFloat64(0, v, true);
      return out;
    }
    case 'string':
      expect(typeof v === 'string', t, v);
      return utf8Enc.encode(v);
    case 'binary':
      expect(v instanceof Uint8Array, t, v);
      return v.slice();
    case 'decimal':
      expect(typeof v === 'bigint', t, v);
      return minimalTwosComplement(v);
  }
}

/** Big-endian two's-complement bytes to bigint. */
export function bigintFromTwosComplement(b: Uint8Array): bigint {
  if (b.length === 0) return 0n;
  let x = 0n;
  for (const byte of b) x = (x << 8n) | BigInt(byte);
  return BigInt.asIntN(b.length * 8, x);
}

export function decodeSingleValue(t: IcebergType, b: Uint8Array): Value {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  switch (t.kind) {
    case 'boolean':
      return b[0] !== 0;
    case 'int':
    case 'date':
      return dv.getInt32(0, true);
    case 'long':
      return dv.getBigInt64(0, true);
    case 'timestamp':
    case 'timestamptz':
      return dv.getInt32(4, true) * 4294967296 + dv.getUint32(0, true);
    case 'double':
      return dv.getFloat64(0, true);
    case 'string':
      return utf8Dec.decode(b);
    case 'binary':
      return b.slice();
    case 'decimal':
      return bigintFromTwosComplement(b);
  }
}
