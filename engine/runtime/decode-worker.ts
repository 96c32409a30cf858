// Worker-thread entry of the decode thread: holds one Debezium decoder per source and turns each
// batch it is sent (raw bytes with offsets, or strings) into a decode tape that it transfers back,
// in the order the batches arrived. Must not touch sources, sinks or operator state.
import { parentPort, workerData } from 'node:worker_threads';
import type { SourceDef } from '../../catalog/model.js';
import { Buffer } from 'node:buffer';
import type { RawValues } from '../connectors/source.js';
import { createDebeziumDecoder } from '../formats/debezium-json.js';
import type { DecodeResult, Decoder } from '../formats/decoded-event.js';
import { TapeWriter } from '../formats/event-tape.js';
import { rawTransferList, type DecodeReply, type DecodeRequest, type DecodeWorkerData } from './decode-protocol.js';

const data = workerData as DecodeWorkerData;
const decoders: Decoder[] = data.sources.map((s: { def: SourceDef; used: readonly number[] }) => createDebeziumDecoder(s.def, s.used));
const tape = new TapeWriter(1 << 20);

/** Buffer's native slicers (not in @types/node): no encoding lookup per line. */
interface Slicers {
  latin1Slice(a: number, b: number): string;
  utf8Slice(a: number, b: number): string;
}

function decodeRaw(decoder: Decoder, raw: RawValues): void {
  const n = raw.starts.length;
  const ascii = raw.ascii;
  const starts = raw.starts;
  const ends = raw.ends;
  // one Buffer view per batch (a transferred Buffer arrives as a plain Uint8Array)
  const bytes = Buffer.from(raw.bytes.buffer, raw.bytes.byteOffset, raw.bytes.byteLength);
  if (decoder.decodeBatch?.(bytes, starts, ends, ascii, emit) === true) return;
  const text = bytes as unknown as Slicers;
  for (let i = 0; i < n; i++) {
    const a = starts[i]!;
    const b = ends[i]!;
    if (a === b) tape.write(TOMBSTONE);
    else if (ascii) tape.write(decoder.decode(text.latin1Slice(a, b), bytes, a, b));
    else tape.write(decoder.decode(text.utf8Slice(a, b)));
  }
}

const TOMBSTONE = Object.freeze({ kind: 'tombstone' as const });
const emit = (r: DecodeResult): void => tape.write(r);

parentPort!.on('message', (req: DecodeRequest) => {
  let reply: DecodeReply;
  try {
    const decoder = decoders[req.source]!;
    if (req.raw !== undefined) decodeRaw(decoder, req.raw);
    else for (const v of req.values!) tape.write(v === null ? TOMBSTONE : decoder.decode(v));
    const bytes = tape.take();
    reply = { id: req.id, tape: bytes, raw: req.raw };
    parentPort!.postMessage(reply, [bytes.buffer as ArrayBuffer, ...rawTransferList(req.raw)]);
  } catch (e) {
    tape.take();
    reply = { id: req.id, error: e instanceof Error ? (e.stack ?? e.message) : String(e), raw: req.raw };
    parentPort!.postMessage(reply, rawTransferList(req.raw));
  }
});
