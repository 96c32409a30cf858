// Messages between the runtime and its decode thread (engine/runtime/decode-worker.ts), and the
// list of buffers a message moves. No I/O.
import type { SourceDef } from '../../catalog/model.js';
import type { RawValues } from '../connectors/source.js';

/** The sources a decode thread decodes: one decoder per entry; requests name the entry by index. */
export type DecodeSources = readonly { readonly def: SourceDef; readonly used: readonly number[] }[];

/**
 * The first message the thread receives (it may be started before the pipeline knows its
 * sources, to load its code meanwhile); every DecodeRequest comes after it.
 */
export interface DecodeConfig {
  readonly config: DecodeSources;
}

/**
 * The buffer of a tape the runtime has read, handed back for the thread to write a later tape
 * into: fresh buffers cost page faults on this thread and, once moved to the main thread, count
 * there as new external memory, which triggers its full garbage collections.
 */
export interface DecodeRecycle {
  readonly recycle: ArrayBuffer;
}

export interface DecodeRequest {
  readonly id: number;
  readonly source: number;
  /** Exactly one of raw / lines / values. */
  readonly raw?: RawValues;
  /** Whole lines for the thread to split (line-split.ts); the reply's `raw` holds the values. */
  readonly lines?: { readonly bytes: Uint8Array; readonly end: number; readonly final: boolean };
  readonly values?: readonly (string | null)[];
}

/** `raw` comes back too (the values of `lines` when those were sent): the runtime still needs it. */
export type DecodeReply =
  | { readonly id: number; readonly tape: Uint8Array; readonly raw?: RawValues; readonly error?: undefined }
  | { readonly id: number; readonly error: string; readonly raw?: RawValues; readonly tape?: undefined };

/** The buffers of raw values, moved (not copied) between the threads. */
export function rawTransferList(raw: RawValues | undefined): ArrayBuffer[] {
  return raw === undefined ? [] : bufferTransferList(raw.bytes, raw.starts, raw.ends);
}

/** The buffers under these views, each once (a SharedArrayBuffer is not transferable: left out). */
export function bufferTransferList(...views: ArrayBufferView[]): ArrayBuffer[] {
  const list: ArrayBuffer[] = [];
  for (const v of views) if (v.buffer instanceof ArrayBuffer && !list.includes(v.buffer)) list.push(v.buffer);
  return list;
}
