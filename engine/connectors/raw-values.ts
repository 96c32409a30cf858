// Reading RawValues (a batch's values as one byte buffer with start/end offsets) back as text,
// one value at a time or all at once. Pure; shared by readers that build `values` lazily and by
// the decoder thread. Must not decode events.
import { Buffer } from 'node:buffer';
import type { RawValues } from './source.js';

/** Value i as text; null for an empty value (a tombstone). */
export function rawValueText(raw: RawValues, i: number): string | null {
  const a = raw.starts[i]!;
  const b = raw.ends[i]!;
  if (a === b) return null;
  const bytes = raw.bytes;
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return buf.toString(raw.ascii ? 'latin1' : 'utf8', a, b);
}

/** Every value as text (null for tombstones). */
export function rawValuesToStrings(raw: RawValues): (string | null)[] {
  const n = raw.starts.length;
  const out = new Array<string | null>(n);
  for (let i = 0; i < n; i++) out[i] = rawValueText(raw, i);
  return out;
}
