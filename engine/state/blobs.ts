// Binary blobs inside a checkpoint's JSON header: while stringifyWithBlobs runs, values that know
// how (packed rows, row-store pages) store their typed arrays in a BlobSink and leave a small JSON
// reference in their place; reviveBlobs swaps the references of a parsed header back for those
// values. The container itself (offsets, alignment, file layout) is checkpoint.ts's. No I/O.

/** Serializes typed arrays of a checkpoint as binary blobs (see stringifyWithBlobs). */
export interface BlobSink {
  /** Store the bytes; returns the blob's index. */
  add(bytes: ArrayBufferView): number;
}

/** Blob `index` of a checkpoint as bytes whose offset is a multiple of `align`. */
export type BlobReader = (index: number, align: number) => Uint8Array;

/** Rebuilds the value a header entry references (the entry under the reviver's key). */
export type BlobReviver = (entry: unknown, blob: BlobReader) => unknown;

let activeSink: BlobSink | undefined;

/** The sink of the stringifyWithBlobs call under way (for toJSON methods), else undefined. */
export function activeBlobSink(): BlobSink | undefined {
  return activeSink;
}

/**
 * JSON text of `value` in which every value with a blob-aware toJSON is a reference to blobs
 * added to `sink`. Synchronous: no other serialization can interleave.
 */
export function stringifyWithBlobs(value: unknown, sink: BlobSink): string {
  const prev = activeSink;
  activeSink = sink;
  try {
    return JSON.stringify(value);
  } finally {
    activeSink = prev;
  }
}

/** Replace (in place) every object of a parsed header that has a key of `revivers` by what that reviver returns. */
export function reviveBlobs(value: unknown, blob: BlobReader, revivers: Readonly<Record<string, BlobReviver>>): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      if (v !== null && typeof v === 'object') value[i] = reviveBlobs(v, blob, revivers);
    }
    return value;
  }
  const obj = value as Record<string, unknown>;
  for (const key in revivers) if (key in obj) return revivers[key]!(obj[key], blob);
  for (const k of Object.keys(obj)) {
    const v = obj[k];
    if (v !== null && typeof v === 'object') obj[k] = reviveBlobs(v, blob, revivers);
  }
  return obj;
}

/** Blob `index` as float64s (8-byte aligned). */
export function float64Blob(blob: BlobReader, index: number): Float64Array {
  const b = blob(index, 8);
  return new Float64Array(b.buffer, b.byteOffset, b.byteLength / 8);
}
