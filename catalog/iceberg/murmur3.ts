// MurmurHash3 x86 32-bit (seed 0), as Iceberg's bucket[N] transform requires, plus the
// per-type byte encodings the spec hashes (Appendix B). Pure functions; no transform logic here.

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

/** murmur3_x86_32 of the bytes, as a signed 32-bit integer (Java's int). */
export function murmur3_32(data: Uint8Array, seed = 0): number {
  let h = seed | 0;
  const len = data.length;
  const blocks = len & ~3;
  for (let i = 0; i < blocks; i += 4) {
    let k = data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24);
    k = Math.imul(k, C1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, C2);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  const tail = len & 3;
  if (tail > 0) {
    let k = 0;
    if (tail === 3) k ^= data[blocks + 2]! << 16;
    if (tail >= 2) k ^= data[blocks + 1]! << 8;
    k ^= data[blocks]!;
    k = Math.imul(k, C1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, C2);
    h ^= k;
  }
  h ^= len;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

const scratch8 = new Uint8Array(8);
const scratchView = new DataView(scratch8.buffer);

/** Hash of an int/long/date/time/timestamp value: 8-byte little-endian two's complement. */
export function hashLong(v: number | bigint): number {
  if (typeof v === 'bigint') scratchView.setBigInt64(0, v, true);
  else {
    // Exact for safe integers: split into 32-bit halves without BigInt.
    const hi = Math.floor(v / 4294967296);
    scratchView.setUint32(0, v - hi * 4294967296, true);
    scratchView.setInt32(4, hi, true);
  }
  return murmur3_32(scratch8);
}

const utf8 = new TextEncoder();

export function hashString(s: string): number {
  return murmur3_32(utf8.encode(s));
}

/** Minimal two's-complement big-endian bytes of an integer (decimal unscaled values). */
export function minimalTwosComplement(v: bigint): Uint8Array {
  let n = 1;
  // Smallest n with -2^(8n-1) <= v < 2^(8n-1).
  while (v >= 1n << BigInt(8 * n - 1) || v < -(1n << BigInt(8 * n - 1))) n++;
  return twosComplement(v, n);
}

/** Two's-complement big-endian bytes of `v` sign-extended to exactly `size` bytes. */
export function twosComplement(v: bigint, size: number): Uint8Array {
  const out = new Uint8Array(size);
  let x = BigInt.asUintN(size * 8, v);
  for (let i = size - 1; i >= 0; i--) {
    out[i] = Number(x & 0xffn);
    x >>= 8n;
  }
  return out;
}

export function hashDecimal(unscaled: bigint): number {
  return murmur3_32(minimalTwosComplement(unscaled));
}
