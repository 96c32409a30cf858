// FileSourceReader: line batching with positions and 'path:line' locations, tombstone lines,
// CRLF, multi-byte characters and long lines across chunk boundaries, partial final lines in
// bounded and tailing mode, resuming from positions, and errors that name the file.
import { appendFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileSourceReader, type FileSourceOptions } from '../../engine/connectors/file-source.js';
import { splitLines } from '../../engine/connectors/line-split.js';
import type { Positions, RecordBatch } from '../../engine/connectors/source.js';

const DIR = join(process.cwd(), 'test/.tmp/file-source');
let n = 0;
function file(content: string | Buffer): string {
  const p = join(DIR, `f${n++}.jsonl`);
  writeFileSync(p, content);
  return p;
}

interface Read {
  values: (string | null)[];
  firstIndexes: number[];
  wheres: string[];
  last: string;
}

/** Polls until 'end' (bounded) or the first 'idle' (unbounded). */
async function drain(r: FileSourceReader): Promise<Read> {
  const out: Read = { values: [], firstIndexes: [], wheres: [], last: '' };
  for (;;) {
    const p = await r.poll();
    if (p.kind !== 'batch') {
      out.last = p.kind;
      return out;
    }
    out.firstIndexes.push(p.batch.firstIndex);
    p.batch.values.forEach((v, i) => {
      out.values.push(v);
      out.wheres.push(p.batch.where(i));
    });
  }
}

async function readAll(path: string, opts: Partial<FileSourceOptions> = {}, resume?: Positions): Promise<Read & { positions: Positions }> {
  const r = new FileSourceReader('src', path, 'data/x.jsonl', { bounded: true, ...opts });
  await r.open(resume);
  const out = await drain(r);
  const positions = r.positions();
  await r.close();
  return { ...out, positions };
}

beforeAll(() => mkdirSync(DIR, { recursive: true }));
afterAll(() => rmSync(DIR, { recursive: true, force: true }));

describe('FileSourceReader (bounded)', () => {
  it('returns every line with its index and location, tombstones as null', async () => {
    const r = await readAll(file('{"a":1}\nnull\n\n{"b":2}\n'));
    expect(r.values).toEqual(['{"a":1}', null, null, '{"b":2}']);
    expect(r.wheres).toEqual(['data/x.jsonl:1', 'data/x.jsonl:2', 'data/x.jsonl:3', 'data/x.jsonl:4']);
    expect(r.firstIndexes[0]).toBe(0);
    expect(r.positions).toEqual({ 'data/x.jsonl': 4 });
    expect(r.last).toBe('end');
  });
  it('strips CRLF line ends', async () => {
    const r = await readAll(file('{"a":1}\r\nnull\r\n\r\n{"b":2}\r\n'));
    expect(r.values).toEqual(['{"a":1}', null, null, '{"b":2}']);
  });
  it('consumes a final line without a newline at the end of a bounded run', async () => {
    const r = await readAll(file('one\ntwo'));
    expect(r.values).toEqual(['one', 'two']);
    expect(r.positions).toEqual({ 'data/x.jsonl': 2 });
  });
  it('handles an empty file', async () => {
    const r = await readAll(file(''));
    expect(r.values).toEqual([]);
    expect(r.positions).toEqual({ 'data/x.jsonl': 0 });
  });
  it('never splits multi-byte characters or lines across tiny chunks, and grows for long lines', async () => {
    const lines = ['{"s":"héllo wörld"}', '{"s":"日本語テキスト"}', '{"s":"😀😀😀"}', 'x'.repeat(100), '{"s":"ascii"}', 'null', 'é'];
    for (const chunkBytes of [1, 3, 7, 16, 1 << 20]) {
      const r = await readAll(file(lines.join('\n') + '\n'), { chunkBytes });
      expect(r.values).toEqual(lines.map((l) => (l === 'null' ? null : l)));
      const firsts = r.firstIndexes;
      expect(firsts).toEqual([...firsts].sort((a, b) => a - b));
    }
  });
  it('batches keep consecutive indexes', async () => {
    const lines = Array.from({ length: 1000 }, (_, i) => `{"i":${i}}`);
    const r = await readAll(file(lines.join('\n') + '\n'), { chunkBytes: 1000 });
    expect(r.values).toEqual(lines);
    expect(r.firstIndexes.length).toBeGreaterThan(5);
    expect(r.wheres[999]).toBe('data/x.jsonl:1000');
  });
  it('splits batches lazily: the last of 20,000 unsplit batches knows its first line, and values split elsewhere are adopted', async () => {
    const lines = Array.from({ length: 20_000 }, (_, i) => (i % 7 === 3 ? 'null' : `{"i":${i}}`));
    const r = new FileSourceReader('src', file(lines.join('\n')), 'k', { bounded: true, chunkBytes: 16 });
    await r.open(undefined);
    const batches: RecordBatch[] = [];
    for (let p = await r.poll(); p.kind === 'batch'; p = await r.poll()) batches.push(p.batch);
    expect(batches.length).toBeGreaterThan(15_000); // a 16-byte chunk holds one or two lines
    expect(batches.every((b) => b.lines !== undefined)).toBe(true);
    // a batch split by someone else (the decode thread) takes those values
    const b = batches[5000]!;
    const lc = b.lines!;
    lc.adopt(splitLines(lc.bytes, lc.end, lc.final));
    expect(b.lines).toBeUndefined();
    // resolving the last one walks back through every unsplit one (splitting them; no recursion)
    const last = batches[batches.length - 1]!;
    expect(last.firstIndex).toBe(19_999);
    expect(last.positionsAfter!()).toEqual({ k: 20_000 });
    expect(last.values).toEqual([`{"i":19999}`]);
    expect(r.positions()).toEqual({ k: 20_000 });
    const first = b.firstIndex;
    expect(b.values).toEqual(lines.slice(first, first + b.values.length).map((l) => (l === 'null' ? null : l)));
    expect(b.where(0)).toBe(`k:${first + 1}`);
    expect(batches.reduce((n, x) => n + x.values.length, 0)).toBe(20_000);
    await r.close();
  });
  it('stops at the size the file had at open()', async () => {
    const p = file('a\nb\n');
    const r = new FileSourceReader('src', p, 'k', { bounded: true });
    await r.open(undefined);
    appendFileSync(p, 'c\n');
    expect((await drain(r)).values).toEqual(['a', 'b']);
    expect(await r.poll()).toEqual({ kind: 'end' });
    await r.close();
  });
  it('reports as lag the bytes of the file it has not read yet', async () => {
    const p = file('a\nbb\nccc\n');
    const r = new FileSourceReader('src', p, 'k', { bounded: true });
    await r.open(undefined);
    expect(r.lag()).toEqual({ bytes: 9 });
    await drain(r);
    expect(r.lag()).toEqual({ bytes: 0 });
    await r.close();
  });
  it('resumes after the committed lines', async () => {
    const p = file('l1\nl2\nnull\nl4\nl5\n');
    const r = await readAll(p, {}, { 'data/x.jsonl': 3 });
    expect(r.values).toEqual(['l4', 'l5']);
    expect(r.wheres).toEqual(['data/x.jsonl:4', 'data/x.jsonl:5']);
    expect(r.firstIndexes[0]).toBe(3);
    expect(r.positions).toEqual({ 'data/x.jsonl': 5 });
    expect((await readAll(p, {}, { 'data/x.jsonl': 5 })).values).toEqual([]);
    expect((await readAll(p, { chunkBytes: 2 }, { 'data/x.jsonl': 4 })).values).toEqual(['l5']);
    expect((await readAll(p, {}, { other: 4 })).values.length).toBe(5);
  });
  it('resumes after a final line that had no newline', async () => {
    const p = file('a\nb');
    expect((await readAll(p, {}, { 'data/x.jsonl': 2 })).values).toEqual([]);
    appendFileSync(p, '\nc\n');
    expect((await readAll(p, {}, { 'data/x.jsonl': 2 })).values).toEqual(['c']);
  });
  it('refuses a position past the end of the file', async () => {
    const p = file('a\nb\n');
    await expect(readAll(p, {}, { 'data/x.jsonl': 4 })).rejects.toThrow(`'${p}' has 2 lines but the committed position is 4`);
  });
  it('names the path of a missing file', async () => {
    const p = join(DIR, 'missing.jsonl');
    const r = new FileSourceReader('orders', p, 'missing.jsonl', { bounded: true });
    await expect(r.open(undefined)).rejects.toThrow(`source 'orders': cannot open '${p}': no such file`);
  });
});

describe('FileSourceReader (unbounded)', () => {
  it('tails the file: idle at EOF, appended lines later, partial lines only once complete', async () => {
    const p = file('a\nb\npar');
    const r = new FileSourceReader('src', p, 'k', { bounded: false });
    await r.open(undefined);
    let got = await drain(r);
    expect(got.values).toEqual(['a', 'b']);
    expect(got.last).toBe('idle');
    expect(await r.poll()).toEqual({ kind: 'idle' });
    expect(r.positions()).toEqual({ k: 2 });
    appendFileSync(p, 'tial\r\nnull\nd');
    got = await drain(r);
    expect(got.values).toEqual(['partial', null]);
    expect(got.wheres).toEqual(['k:3', 'k:4']);
    appendFileSync(p, '\n');
    got = await drain(r);
    expect(got.values).toEqual(['d']);
    expect(r.positions()).toEqual({ k: 5 });
    await r.close();
  });
  it('waits pollIntervalMs between reads that found nothing', async () => {
    const p = file('a\n');
    const r = new FileSourceReader('src', p, 'k', { bounded: false, pollIntervalMs: 60_000 });
    await r.open(undefined);
    expect((await drain(r)).values).toEqual(['a']);
    appendFileSync(p, 'b\n');
    expect(await r.poll()).toEqual({ kind: 'idle' });
    await r.close();
    const again = new FileSourceReader('src', p, 'k', { bounded: false });
    await again.open({ k: 1 });
    expect((await drain(again)).values).toEqual(['b']);
    await again.close();
  });
});
