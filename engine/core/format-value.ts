// Text rendering of runtime values by their SQL type (decimals with their scale, timestamps as
// ISO-8601, bytes as hex). Used by the console sink, golden tests and diagnostics. Pure.
import type { DataType } from '../../catalog/types.js';
import type { Value } from './value.js';

export function formatDecimal(unscaled: bigint, scale: number): string {
  if (scale <= 0) return unscaled.toString();
  const neg = unscaled < 0n;
  const digits = (neg ? -unscaled : unscaled).toString().padStart(scale + 1, '0');
  const int = digits.slice(0, digits.length - scale);
  const frac = digits.slice(digits.length - scale);
  return `${neg ? '-' : ''}${int}.${frac}`;
}

/** 'YYYY-MM-DDTHH:MM:SS[.ffffff]Z' for a microsecond timestamp (fraction trimmed of zeros). */
export function formatTimestamp(micros: number): string {
  const ms = Math.floor(micros / 1000);
  const sub = micros - ms * 1000;
  const iso = new Date(ms).toISOString(); // YYYY-MM-DDTHH:MM:SS.mmmZ
  let frac = iso.slice(20, 23) + String(sub).padStart(3, '0');
  frac = frac.replace(/0+$/, '');
  return iso.slice(0, 19) + (frac ? '.' + frac : '') + 'Z';
}

export function formatDate(days: number): string {
  return new Date(days * 86_400_000).toISOString().slice(0, 10);
}

export function formatValue(v: Value, type: DataType): string {
  if (v === null) return 'NULL';
  switch (type.kind) {
    case 'decimal':
      return typeof v === 'bigint' ? formatDecimal(v, type.scale) : String(v);
    case 'timestamp':
    case 'timestamptz':
      return typeof v === 'number' ? formatTimestamp(v) : String(v);
    case 'date':
      return typeof v === 'number' ? formatDate(v) : String(v);
    case 'bytes':
      return v instanceof Uint8Array ? '\\x' + Buffer.from(v).toString('hex') : String(v);
    case 'double':
      return typeof v === 'number' ? formatDouble(v) : String(v);
    default:
      return v instanceof Uint8Array ? Buffer.from(v).toString('hex') : String(v);
  }
}

function formatDouble(v: number): string {
  if (Number.isInteger(v) && Math.abs(v) < 1e15) return v.toFixed(1);
  return String(v);
}
