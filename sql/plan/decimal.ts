// Exact DECIMAL helpers over unscaled bigints: parsing, formatting, HALF_UP rescaling and
// precision checks, shared by the binder (literals) and the evaluator (arithmetic and casts).
// Pure functions; no floating point except where a DOUBLE is the requested result.

const POW10: bigint[] = [1n];
/** 10^n as a bigint (cached). */
export function pow10(n: number): bigint {
  while (POW10.length <= n) POW10.push(POW10[POW10.length - 1]! * 10n);
  return POW10[n]!;
}

/** a / b rounded half away from zero (b > 0 or b < 0). */
export function divHalfUp(a: bigint, b: bigint): bigint {
  const q = a / b;
  const r = a % b;
  if (r === 0n) return q;
  const twice = (r < 0n ? -r : r) * 2n;
  const absB = b < 0n ? -b : b;
  if (twice < absB) return q;
  return (a < 0n) !== (b < 0n) ? q - 1n : q + 1n;
}

/** Changes the scale of an unscaled value; reducing the scale rounds HALF_UP. */
export function rescale(v: bigint, from: number, to: number): bigint {
  if (to === from) return v;
  if (to > from) return v * pow10(to - from);
  return divHalfUp(v, pow10(from - to));
}

/** |v| < 10^precision. */
export function fitsPrecision(v: bigint, precision: number): boolean {
  const lim = pow10(precision);
  return v < lim && v > -lim;
}

const DECIMAL_RE = /^\s*([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?\s*$/;

/** Parses '-12.345', '1e3', '.5' into an unscaled value at `scale` (HALF_UP); undefined if malformed. */
export function parseDecimal(text: string, scale: number): bigint | undefined {
  const m = DECIMAL_RE.exec(text);
  if (!m) return undefined;
  const int = m[2] ?? '';
  const frac = m[3] ?? '';
  if (int === '' && frac === '') return undefined;
  const exp = m[4] === undefined ? 0 : Number(m[4]);
  if (!Number.isSafeInteger(exp) || Math.abs(exp) > 1000) return undefined;
  const digits = BigInt(int + frac || '0');
  const k = exp - frac.length + scale;
  const v = k >= 0 ? digits * pow10(k) : divHalfUp(digits, pow10(-k));
  return m[1] === '-' ? -v : v;
}

/** Exact digits of a numeric literal: unscaled value, precision and scale ('10.50' -> 1050n, 4, 2). */
export function decimalLiteral(text: string): { unscaled: bigint; precision: number; scale: number } | undefined {
  const m = /^(\d*)(?:\.(\d*))?$/.exec(text);
  if (!m) return undefined;
  const frac = m[2] ?? '';
  const unscaled = BigInt(((m[1] ?? '') + frac) || '0');
  const scale = frac.length;
  const digits = unscaled === 0n ? 1 : unscaled.toString().length;
  return { unscaled, precision: Math.max(digits, scale + 1), scale };
}

export function formatDecimal(unscaled: bigint, scale: number): string {
  if (scale <= 0) return unscaled.toString();
  const neg = unscaled < 0n;
  const digits = (neg ? -unscaled : unscaled).toString().padStart(scale + 1, '0');
  return `${neg ? '-' : ''}${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}`;
}

/** Closest double to the exact decimal value. */
export function decimalToNumber(unscaled: bigint, scale: number): number {
  return scale === 0 ? Number(unscaled) : Number(formatDecimal(unscaled, scale));
}

/** A finite double as an unscaled decimal at `scale` (HALF_UP on its shortest exact spelling). */
export function numberToDecimal(x: number, scale: number): bigint | undefined {
  if (!Number.isFinite(x)) return undefined;
  return parseDecimal(String(x), scale);
}
