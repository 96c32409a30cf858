// CAST between runtime representations, compiled once per (from, to) pair into a closure.
// NULL in, NULL out; a value that does not convert (bad text, out of range) becomes NULL rather
// than stopping the pipeline. Pure: no I/O; only the evaluator calls this.
import type { DataType, Row, Value } from '../../catalog/types.js';
import { decimalToNumber, divHalfUp, fitsPrecision, formatDecimal, numberToDecimal, parseDecimal, pow10, rescale } from './decimal.js';
import { MICROS_PER_DAY, formatDate, formatInterval, formatTimestamp, parseDate, parseTimestamp } from './temporal.js';
import { sameType } from '../types.js';

export type Compiled = (row: Row) => Value;
type Convert = (v: Value) => Value;

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;
const BIG_MIN = -(2n ** 63n);
const BIG_MAX = 2n ** 63n - 1n;

/** Rounds half away from zero (SQL numeric -> integer conversion). */
export function roundHalfAway(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

const intOrNull = (x: number): Value => (Number.isFinite(x) && x >= INT_MIN && x <= INT_MAX ? x : null);
const bigOrNull = (x: bigint): Value => (x >= BIG_MIN && x <= BIG_MAX ? x : null);
const INTEGER_TEXT = /^\s*[+-]?\d+\s*$/;
const FLOAT_TEXT = /^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$|^\s*[+-]?(Infinity|NaN)\s*$/i;

function toText(from: DataType): Convert {
  switch (from.kind) {
    case 'boolean':
      return (v) => (v ? 'true' : 'false');
    case 'decimal': {
      const s = from.scale;
      return (v) => formatDecimal(v as bigint, s);
    }
    case 'date':
      return (v) => formatDate(v as number);
    case 'timestamp':
      return (v) => formatTimestamp(v as number, false);
    case 'timestamptz':
      return (v) => formatTimestamp(v as number, true);
    case 'interval':
      return (v) => formatInterval(v as number);
    case 'bytes':
      return (v) => '\\x' + Array.from(v as Uint8Array, (b) => b.toString(16).padStart(2, '0')).join('');
    case 'double':
      return (v) => {
        const x = v as number;
        return x === Infinity ? 'Infinity' : x === -Infinity ? '-Infinity' : String(x);
      };
    default:
      return (v) => String(v);
  }
}

function parseBool(s: string): Value {
  switch (s.trim().toLowerCase()) {
    case 'true': case 't': case 'yes': case 'y': case 'on': case '1':
      return true;
    case 'false': case 'f': case 'no': case 'n': case 'off': case '0':
      return false;
    default:
      return null;
  }
}

function roundTimestamp(precision: number): Convert | undefined {
  if (precision >= 6) return undefined;
  const step = 10 ** (6 - precision);
  return (v) => Math.round((v as number) / step) * step;
}

function converter(from: DataType, to: DataType): Convert | undefined {
  const f = from.kind;
  switch (to.kind) {
    case 'varchar':
      return toText(from);
    case 'json':
      return f === 'varchar' || f === 'json' ? undefined : toText(from);
    case 'boolean':
      if (f === 'varchar') return (v) => parseBool(v as string);
      if (f === 'int') return (v) => v !== 0;
      if (f === 'bigint') return (v) => v !== 0n;
      return undefined;
    case 'int':
      switch (f) {
        case 'boolean':
          return (v) => (v ? 1 : 0);
        case 'bigint':
          return (v) => intOrNull(Number(v as bigint));
        case 'double':
          return (v) => intOrNull(roundHalfAway(v as number));
        case 'decimal': {
          const d = pow10(from.scale);
          return (v) => intOrNull(Number(divHalfUp(v as bigint, d)));
        }
        case 'varchar':
          return (v) => (INTEGER_TEXT.test(v as string) ? intOrNull(Number(v)) : null);
        default:
          return undefined;
      }
    case 'bigint':
      switch (f) {
        case 'boolean':
          return (v) => (v ? 1n : 0n);
        case 'int':
          return (v) => BigInt(v as number);
        case 'double':
          return (v) => {
            const x = roundHalfAway(v as number);
            return Number.isFinite(x) ? bigOrNull(BigInt(x)) : null;
          };
        case 'decimal': {
          const d = pow10(from.scale);
          return (v) => bigOrNull(divHalfUp(v as bigint, d));
        }
        case 'varchar':
          return (v) => (INTEGER_TEXT.test(v as string) ? bigOrNull(BigInt((v as string).trim())) : null);
        default:
          return undefined;
      }
    case 'double':
      switch (f) {
        case 'int':
          return undefined;
        case 'bigint':
          return (v) => Number(v as bigint);
        case 'decimal': {
          const s = from.scale;
          return (v) => decimalToNumber(v as bigint, s);
        }
        case 'varchar':
          return (v) => (FLOAT_TEXT.test(v as string) ? Number((v as string).trim()) : null);
        default:
          return undefined;
      }
    case 'decimal': {
      const { precision: p, scale: s } = to;
      const fit = (x: bigint | undefined): Value => (x !== undefined && fitsPrecision(x, p) ? x : null);
      switch (f) {
        case 'int': {
          const m = pow10(s);
          return (v) => fit(BigInt(v as number) * m);
        }
        case 'bigint': {
          const m = pow10(s);
          return (v) => fit((v as bigint) * m);
        }
        case 'decimal': {
          const fs = from.scale;
          return (v) => fit(rescale(v as bigint, fs, s));
        }
        case 'double':
          return (v) => fit(numberToDecimal(v as number, s));
        case 'varchar':
          return (v) => fit(parseDecimal(v as string, s));
        default:
          return undefined;
      }
    }
    case 'date':
      if (f === 'timestamp' || f === 'timestamptz') return (v) => Math.floor((v as number) / MICROS_PER_DAY);
      if (f === 'varchar') return (v) => parseDate(v as string) ?? null;
      return undefined;
    case 'timestamp':
    case 'timestamptz': {
      const round = roundTimestamp(to.precision);
      const withZone = to.kind === 'timestamptz';
      let base: Convert | undefined;
      if (f === 'date') base = (v) => (v as number) * MICROS_PER_DAY;
      else if (f === 'varchar') base = (v) => parseTimestamp(v as string, withZone) ?? null;
      else if (f === 'timestamp' || f === 'timestamptz') {
        if (!round || from.precision <= to.precision) return undefined;
        return round;
      } else return undefined;
      if (!round) return base;
      const b = base;
      return (v) => {
        const x = b(v);
        return x === null ? null : round(x);
      };
    }
    case 'bytes':
      if (f === 'varchar') {
        const enc = new TextEncoder();
        return (v) => enc.encode(v as string);
      }
      return undefined;
    default:
      return undefined;
  }
}

/** Compiles CAST(inner AS to) where `inner` produces values of type `from`. */
export function compileCast(inner: Compiled, from: DataType, to: DataType): Compiled {
  if (from.kind === 'null') return () => null;
  if (sameType(from, to)) return inner;
  const conv = converter(from, to);
  if (!conv) return inner; // same representation (e.g. INT -> DOUBLE, VARCHAR -> JSON)
  return (row) => {
    const v = inner(row);
    return v === null ? null : conv(v);
  };
}
