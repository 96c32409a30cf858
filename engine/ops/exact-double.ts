// Exact sums of doubles, for SUM/AVG/VAR/STDDEV over DOUBLE that retractions must undo exactly:
// every finite double is m·2^e (m an integer below 2^53), so a sum of them is a bigint times a
// power of two. A sum keeps the smallest exponent seen so far and its bigint at that exponent;
// a sum of squares keeps twice that exponent. Results are rounded to a double once, at the end.
// Pure arithmetic on a slice of an accumulator's state array; knows nothing about SQL.

const view = new DataView(new ArrayBuffer(8));

/** The last split(): x = M·2^E with M an odd integer (|M| < 2^53), or M = 0 for zero. */
let M = 0;
let E = 0;

/** Splits the finite double x into M and E (see above). */
function split(x: number): void {
  view.setFloat64(0, x, true);
  const lo = view.getUint32(0, true);
  const hi = view.getUint32(4, true);
  const biased = (hi >>> 20) & 0x7ff;
  let m = (hi & 0xfffff) * 4294967296 + lo;
  let e = -1074;
  if (biased !== 0) {
    m += 4503599627370496; // the implicit bit, 2^52
    e = biased - 1075;
  }
  if (m === 0) {
    M = 0;
    E = 0;
    return;
  }
  // strip trailing zero bits: fewer bits to carry, and integers keep exponent 0
  let low = m % 4294967296;
  if (low === 0) {
    m /= 4294967296;
    e += 32;
    low = m % 4294967296;
  }
  const tz = 31 - Math.clz32(low & -low);
  m /= 2 ** tz;
  e += tz;
  M = hi >>> 31 === 1 ? -m : m;
  E = e;
}

/** Number of significant bits of x > 0. */
function bitLength(x: bigint): number {
  const hex = x.toString(16);
  return (hex.length - 1) * 4 + 32 - Math.clz32(parseInt(hex[0]!, 16));
}

/** x·2^k for an exact integer power of two factor (split in two so neither factor overflows). */
function scale2(x: number, k: number): number {
  const k1 = Math.trunc(k / 2);
  return x * 2 ** k1 * 2 ** (k - k1);
}

/**
 * num / den · 2^exp2 (den > 0) as the nearest double (ties to even): a bigint quotient carrying
 * 55+ significant bits and a sticky bit, so Number() rounds it exactly once, then an exact
 * scaling by a power of two (one IEEE division when both fit in 53 bits).
 */
export function ratio(num: bigint, den: bigint, exp2 = 0): number {
  const a = num < 0n ? -num : num;
  if (a <= MAX_SAFE && den <= MAX_SAFE) return scale2(Number(num) / Number(den), exp2);
  const shift = 55 - (bitLength(a) - bitLength(den));
  let q: bigint;
  let r: bigint;
  if (shift >= 0) {
    const x = a << BigInt(shift);
    q = x / den;
    r = x % den;
  } else {
    const d = den << BigInt(-shift);
    q = a / d;
    r = a % d;
  }
  if (r !== 0n) q |= 1n;
  const mag = scale2(Number(q), exp2 - shift);
  return num < 0n ? -mag : mag;
}
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * An exact sum (and optionally sum of squares) of doubles in the state slots [at, at + SLOTS):
 * exponent (Infinity before the first nonzero value), sum, sum of squares (bigints at the
 * exponent and twice it), NaNs, +Infinities and -Infinities (counts: retractable too).
 */
export const EXACT_DOUBLE_SLOTS = 6;
const X_EXP = 0;
const X_SUM = 1;
const X_SQ = 2;
const X_NAN = 3;
const X_POS = 4;
const X_NEG = 5;

export function exactInit(s: unknown[], at: number): void {
  s[at + X_EXP] = Infinity;
  s[at + X_SUM] = 0n;
  s[at + X_SQ] = 0n;
  s[at + X_NAN] = 0;
  s[at + X_POS] = 0;
  s[at + X_NEG] = 0;
}

/** Adds w·x (and w·x² when `squares`) exactly. */
export function exactAdd(s: unknown[], at: number, x: number, w: number, squares: boolean): void {
  if (x !== x) {
    s[at + X_NAN] = (s[at + X_NAN] as number) + w;
    return;
  }
  if (x === Infinity || x === -Infinity) {
    const k = at + (x > 0 ? X_POS : X_NEG);
    s[k] = (s[k] as number) + w;
    return;
  }
  split(x);
  if (M === 0) return;
  let e0 = s[at + X_EXP] as number;
  if (E < e0) {
    if (e0 !== Infinity) {
      const d = BigInt(e0 - E);
      s[at + X_SUM] = (s[at + X_SUM] as bigint) << d;
      if (squares) s[at + X_SQ] = (s[at + X_SQ] as bigint) << (2n * d);
    }
    s[at + X_EXP] = e0 = E;
  }
  const v = E === e0 ? BigInt(M) : BigInt(M) << BigInt(E - e0);
  const bw = w === 1 ? 1n : w === -1 ? -1n : BigInt(w);
  s[at + X_SUM] = (s[at + X_SUM] as bigint) + (bw === 1n ? v : v * bw);
  if (squares) s[at + X_SQ] = (s[at + X_SQ] as bigint) + v * v * bw;
}

/** NaN, ±Infinity when the values include non-finite ones (as IEEE sums would give), else null. */
export function exactNonFinite(s: unknown[], at: number): number | null {
  const pos = (s[at + X_POS] as number) > 0;
  const neg = (s[at + X_NEG] as number) > 0;
  if ((s[at + X_NAN] as number) > 0 || (pos && neg)) return Number.NaN;
  if (pos) return Infinity;
  if (neg) return -Infinity;
  return null;
}

/** The exact sum of the finite values divided by den, rounded once. */
export function exactSumOver(s: unknown[], at: number, den: number): number {
  const sum = s[at + X_SUM] as bigint;
  if (sum === 0n) return 0;
  return ratio(sum, BigInt(den), s[at + X_EXP] as number);
}

/**
 * Σ(x − mean)² / den over the n finite values, exactly (n·Q − S²) / (n·den), rounded once; never
 * negative.
 */
export function exactSquaredDeviationsOver(s: unknown[], at: number, n: number, den: number): number {
  const S = s[at + X_SUM] as bigint;
  const Q = s[at + X_SQ] as bigint;
  const bn = BigInt(n);
  const num = bn * Q - S * S;
  if (num <= 0n) return 0;
  return ratio(num, bn * BigInt(den), 2 * (s[at + X_EXP] as number));
}

/** The state as JSON (bigints as decimal strings). */
export function exactToJson(s: unknown[], at: number): unknown[] {
  const e = s[at + X_EXP] as number;
  return [e === Infinity ? null : e, String(s[at + X_SUM]), String(s[at + X_SQ]), s[at + X_NAN], s[at + X_POS], s[at + X_NEG]];
}

export function exactFromJson(s: unknown[], at: number, j: unknown[]): void {
  s[at + X_EXP] = j[0] === null ? Infinity : (j[0] as number);
  s[at + X_SUM] = BigInt(j[1] as string);
  s[at + X_SQ] = BigInt(j[2] as string);
  s[at + X_NAN] = j[3] as number;
  s[at + X_POS] = j[4] as number;
  s[at + X_NEG] = j[5] as number;
}

/**
 * A state kept as plain double sums by older versions (sum, and sum of squares when given),
 * taken as exact: the restored sums equal them.
 */
export function exactFromDoubles(s: unknown[], at: number, sum: number, sq: number): void {
  exactInit(s, at);
  if (!Number.isFinite(sum) || !Number.isFinite(sq)) {
    exactAdd(s, at, Number.isFinite(sum) ? sq : sum, 1, false);
    return;
  }
  split(sum);
  const mS = M;
  const eS = E;
  split(sq);
  const mQ = M;
  const eQ = E;
  if (mS === 0 && mQ === 0) return;
  const e = Math.min(mS === 0 ? Infinity : eS, mQ === 0 ? Infinity : Math.floor(eQ / 2));
  s[at + X_EXP] = e;
  s[at + X_SUM] = mS === 0 ? 0n : BigInt(mS) << BigInt(eS - e);
  s[at + X_SQ] = mQ === 0 ? 0n : BigInt(mQ) << BigInt(eQ - 2 * e);
}
