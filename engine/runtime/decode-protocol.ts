// Messages between the runtime and its decode thread (engine/runtime/decode-worker.ts), and the
// list of buffers a message moves. No I/O.
import type { SourceDef } from '../../catalog/model.js';
import type { RawValues } from '../connectors/source.js';

export interface DecodeWorkerData {
  /** One decoder per entry; requests name the entry by index. */
  readonly sources: readonly { readonly def: SourceDef; readonly used: readonly number[] }[];
}

export interface DecodeRequest {
  readonly id: number;
  readonly source: number;
  /** Exactly one of raw / values. */
  readonly raw?: RawValues;
  readonly values?: readonly (string | null)[];
}

/** `raw` comes back too: it is transferred to the worker, not copied, and the runtime still needs it. */
export type DecodeReply =
  | { readonly id: number; readonly tape: Uint8Array; readonly raw?: RawValues; readonly error?: undefined }
  | { readonly id: number; readonly error: string; readonly raw?: RawValues; readonly tape?: undefined };

/** The buffers of raw values, moved (not copied) between the threads. */
export function rawTransferList(raw: RawValues | undefined): ArrayBuffer[] {
  return raw === undefined ? [] : [raw.bytes.buffer as ArrayBuffer, raw.starts.buffer as ArrayBuffer, raw.ends.buffer as ArrayBuffer];
}
