// Worker-thread entry of the decode thread: holds one Debezium decoder per source and turns each
// batch it is sent (raw bytes with offsets, whole lines it splits itself, or strings) into a decode
// tape that it transfers back, in the order the batches arrived. Must not touch sources, sinks or
// operator state.
import { parentPort } from 'node:worker_threads';
import { asBuffer, LineSplitter, splitLines } from '../connectors/line-split.js';
import { rawValueText } from '../connectors/raw-values.js';
import type { RawValues } from '../connectors/source.js';
import { createDebeziumDecoder } from '../formats/debezium-json.js';
import type { DecodeResult, Decoder } from '../formats/decoded-event.js';
import { TapeWriter } from '../formats/event-tape.js';
import { TOMBSTONE } from '../formats/event-verdict.js';
import { rawTransferList, type DecodeConfig, type DecodeRecycle, type DecodeReply, type DecodeRequest } from './decode-protocol.js';

/** Set by the DecodeConfig message, which precedes every request. */
let decoders: Decoder[] = [];
const tape = new TapeWriter(1 << 20);
/** Buffers of tapes the runtime read and handed back (a few: about the batches in flight). */
const spares: ArrayBuffer[] = [];
const MAX_SPARES = 6;

/** `skipped`: the values were split with the decoder's lineSkip (it matched their schema blocks). */
function decodeRaw(decoder: Decoder, raw: RawValues, skipped: boolean): void {
  const bytes = asBuffer(raw.bytes); // a transferred Buffer arrives as a plain Uint8Array
  if (decoder.decodeBatchToTape?.(bytes, raw.starts, raw.ends, raw.ascii, tape, skipped) === true) return;
  if (decoder.decodeBatch?.(bytes, raw.starts, raw.ends, raw.ascii, emit) === true) return;
  // no WebAssembly fast path: value by value, as text
  for (let i = 0; i < raw.starts.length; i++) {
    const text = rawValueText(raw, i);
    tape.write(text === null ? TOMBSTONE : decoder.decode(text));
  }
}

const splitter = new LineSplitter();
/** Value bytes per slice of lines split and then decoded at once (the slice is still in the CPU cache). */
const SLICE_BYTES = 28 << 10;

/**
 * Splits whole lines a slice at a time, decoding each slice right after splitting it; a line
 * starting with a cached schema block is searched for its end only after the block (the decoder
 * compares the block once, for both). Returns the values.
 */
function decodeLines(decoder: Decoder, lines: NonNullable<DecodeRequest['lines']>): RawValues {
  const bytes = asBuffer(lines.bytes);
  splitter.reset();
  const skip = decoder.decodeBatchToTape !== undefined ? decoder.lineSkip : undefined;
  if (skip === undefined) {
    const raw = splitLines(bytes, lines.end, lines.final);
    decodeRaw(decoder, raw, false);
    return raw;
  }
  for (let p = 0; p < lines.end; ) {
    const i0 = splitter.count;
    p = splitter.split(bytes, p, lines.end, lines.final, SLICE_BYTES, skip, i0);
    const slice = { bytes, starts: splitter.starts.subarray(i0, splitter.count), ends: splitter.ends.subarray(i0, splitter.count), ascii: false };
    if (slice.starts.length > 0) decodeRaw(decoder, slice, true);
  }
  return splitter.values(bytes, lines.end);
}

const emit = (r: DecodeResult): void => tape.write(r);

parentPort!.on('message', (msg: DecodeRequest | DecodeConfig | DecodeRecycle) => {
  if ('recycle' in msg) {
    if (spares.length < MAX_SPARES) spares.push(msg.recycle);
    return;
  }
  if ('config' in msg) {
    decoders = msg.config.map((s) => createDebeziumDecoder(s.def, s.used));
    return;
  }
  const req = msg;
  let reply: DecodeReply;
  let raw = req.raw;
  try {
    const decoder = decoders[req.source]!;
    if (req.lines !== undefined) raw = decodeLines(decoder, req.lines);
    else if (raw !== undefined) decodeRaw(decoder, raw, false);
    else for (const v of req.values!) tape.write(v === null ? TOMBSTONE : decoder.decode(v));
    const bytes = tape.take(spares);
    reply = { id: req.id, tape: bytes, raw };
    parentPort!.postMessage(reply, [bytes.buffer as ArrayBuffer, ...rawTransferList(raw)]);
  } catch (e) {
    tape.take();
    reply = { id: req.id, error: e instanceof Error ? (e.stack ?? e.message) : String(e), raw };
    parentPort!.postMessage(reply, rawTransferList(raw));
  }
});
