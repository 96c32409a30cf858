// Worker-thread entry of the decode thread: holds one Debezium decoder per source and turns each
// batch it is sent (raw bytes with offsets, or strings) into a decode tape that it transfers back,
// in the order the batches arrived. Must not touch sources, sinks or operator state.
import { parentPort, workerData } from 'node:worker_threads';
import type { SourceDef } from '../../catalog/model.js';
import { Buffer } from 'node:buffer';
import { rawValueText } from '../connectors/raw-values.js';
import type { RawValues } from '../connectors/source.js';
import { createDebeziumDecoder } from '../formats/debezium-json.js';
import type { DecodeResult, Decoder } from '../formats/decoded-event.js';
import { TapeWriter } from '../formats/event-tape.js';
import { rawTransferList, type DecodeReply, type DecodeRequest, type DecodeWorkerData } from './decode-protocol.js';

const data = workerData as DecodeWorkerData;
const decoders: Decoder[] = data.sources.map((s: { def: SourceDef; used: readonly number[] }) => createDebeziumDecoder(s.def, s.used));
const tape = new TapeWriter(1 << 20);

function decodeRaw(decoder: Decoder, raw: RawValues): void {
  // one Buffer view per batch (a transferred Buffer arrives as a plain Uint8Array)
  const bytes = Buffer.from(raw.bytes.buffer, raw.bytes.byteOffset, raw.bytes.byteLength);
  if (decoder.decodeBatch?.(bytes, raw.starts, raw.ends, raw.ascii, emit) === true) return;
  // no WebAssembly fast path: value by value, as text
  for (let i = 0; i < raw.starts.length; i++) {
    const text = rawValueText(raw, i);
    tape.write(text === null ? TOMBSTONE : decoder.decode(text));
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
