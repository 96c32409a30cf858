// Decode benchmark: generates (or reuses, under test/.tmp/bench/) seeded orders change events
// without and with the Connect schema block, then reports per file the JSON.parse-only rate (the
// yardstick), the decoder-only rate (WebAssembly fast path, and the JS walker alone) and the file
// read + decode rate. Prints numbers; no asserts. Rates are wall-clock and, less sensitive to a
// busy machine, per CPU-second of this thread. --micro N: in memory only (no files), N generated
// events per form, interleaved CPU timing of JSON.parse and both decoder paths.
// Run: npx tsc -p tsconfig.json && node dist/test/bench/decode.js [--events N] [--parse-limit N] [--micro N]
import { existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { SourceDef } from '../../catalog/model.js';
import { T } from '../../catalog/types.js';
import { FileSourceReader } from '../../engine/connectors/file-source.js';
import type { RecordBatch } from '../../engine/connectors/source.js';
import { createDebeziumDecoder } from '../../engine/formats/debezium-json.js';
import { generateOrders, writeLines } from '../../examples/ecommerce/generate.js';

const argv = process.argv.slice(2);
const arg = (name: string, dflt: number): number => {
  const i = argv.indexOf(name);
  return i >= 0 ? Number(argv[i + 1]) : dflt;
};
const EVENTS = arg('--events', 2_000_000);
/** JSON.parse is slow on the schema form: it is measured on the first N lines only. */
const PARSE_LIMIT = arg('--parse-limit', 500_000);
const SEED = 7;
const DIR = resolve('test/.tmp/bench');

/** The SPEC's example source: five physical columns and two METADATA columns, all read. */
const ORDERS: SourceDef = {
  kind: 'source',
  name: 'orders',
  columns: [
    { name: 'id', type: T.bigint, nullable: false },
    { name: 'customer_id', type: T.bigint, nullable: true },
    { name: 'amount', type: T.decimal(10, 2), nullable: true },
    { name: 'status', type: T.varchar, nullable: true },
    { name: 'created_at', type: T.timestamp(3), nullable: true },
    { name: 'changed_at', type: T.timestamp(3), nullable: true, metadata: 'source.ts_ms' },
    { name: 'op', type: T.varchar, nullable: true, metadata: 'op' },
  ],
  primaryKey: [0],
  watermark: { column: 4, delayMicros: 5_000_000 },
  connector: 'file',
  format: 'debezium-json',
  changelog: 'retract',
  onError: 'dead_letter',
  idleTimeoutMs: 10_000,
  options: {},
  baseDir: DIR,
};
const USED = ORDERS.columns.map((_, i) => i);

async function ensureFile(schemaBlock: boolean): Promise<string> {
  const path = join(DIR, `orders-${schemaBlock ? 'schema' : 'plain'}-${EVENTS}-s${SEED}.jsonl`);
  if (existsSync(path)) return path;
  mkdirSync(DIR, { recursive: true });
  const t0 = performance.now();
  const tmp = `${path}.partial`;
  const r = await writeLines(
    tmp,
    generateOrders({
      events: EVENTS,
      customers: 10_000,
      seed: SEED,
      schemaBlock,
      startMs: Date.UTC(2026, 10, 1),
      spanMs: 24 * 3_600_000,
      outOfOrderMs: 4_000,
    }),
  );
  renameSync(tmp, path);
  const s = (performance.now() - t0) / 1000;
  console.log(`generated ${path}: ${fmt(r.lines)} lines, ${(r.bytes / 1e6).toFixed(0)} MB in ${s.toFixed(1)} s (${fmt(r.lines / s)} lines/s)`);
  return path;
}

/** Reads the whole file (bounded) and calls `each` per batch; returns wall seconds and line count. */
async function readAll(path: string, each: (b: RecordBatch) => void): Promise<{ seconds: number; lines: number }> {
  const t0 = performance.now();
  const reader = new FileSourceReader('orders', path, path, { bounded: true });
  await reader.open(undefined);
  let lines = 0;
  for (;;) {
    const r = await reader.poll();
    if (r.kind === 'end') break;
    if (r.kind !== 'batch') continue;
    lines += r.batch.values.length;
    each(r.batch);
  }
  await reader.close();
  return { seconds: (performance.now() - t0) / 1000, lines };
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

async function benchFile(path: string): Promise<void> {
  const bytes = statSync(path).size;
  // file reading alone
  const read = await readAll(path, () => {});
  // JSON.parse only (timed around the parse loop)
  let parseNs = 0n;
  let parseCpu = 0;
  let parsed = 0;
  await readAll(path, (b) => {
    if (parsed >= PARSE_LIMIT) return;
    const t = process.hrtime.bigint();
    const c = process.cpuUsage().user;
    for (const v of b.values) if (v !== null && parsed++ < PARSE_LIMIT) JSON.parse(v);
    parseCpu += process.cpuUsage().user - c;
    parseNs += process.hrtime.bigint() - t;
  });
  // decoder only (timed around the decode loop), and read + decode (wall time of the pass)
  const pass = async (wasm: boolean) => {
    const decoder = createDebeziumDecoder(ORDERS, USED, { wasm });
    let ns = 0n;
    let cpu = 0;
    const counts = { event: 0, tombstone: 0, bad: 0 };
    const all = await readAll(path, (b) => {
      const t = process.hrtime.bigint();
      const c = process.cpuUsage().user;
      for (const v of b.values) {
        if (v === null) {
          counts.tombstone++;
          continue;
        }
        counts[decoder.decode(v).kind]++;
      }
      cpu += process.cpuUsage().user - c;
      ns += process.hrtime.bigint() - t;
    });
    return { ns, cpu, counts, all };
  };
  const fast = await pass(true);
  const js = await pass(false);
  const per = (n: number, ns: bigint) => (n / Number(ns)) * 1e9;
  const perCpu = (n: number, us: number) => fmt((n / us) * 1e6).padStart(11);
  const { counts, all } = fast;
  const events = all.lines - counts.tombstone;
  console.log(`\n${path}`);
  console.log(`  ${fmt(all.lines)} lines, ${(bytes / 1e6).toFixed(0)} MB, ${fmt(bytes / all.lines)} bytes/line`);
  console.log(`  decoded: ${fmt(counts.event)} events, ${fmt(counts.tombstone)} tombstones, ${fmt(counts.bad)} bad`);
  console.log(`  file reading only            ${fmt(read.lines / read.seconds).padStart(11)} lines/s`);
  console.log(
    `  JSON.parse only              ${fmt(per(parsed, parseNs)).padStart(11)} events/s  ${perCpu(parsed, parseCpu)} per CPU-second  (first ${fmt(parsed)} lines)`,
  );
  console.log(`  decoder only                 ${fmt(per(events, fast.ns)).padStart(11)} events/s  ${perCpu(events, fast.cpu)} per CPU-second`);
  console.log(`  decoder only, JS walker      ${fmt(per(events, js.ns)).padStart(11)} events/s  ${perCpu(events, js.cpu)} per CPU-second`);
  console.log(`  file reading + decode        ${fmt(all.lines / all.seconds).padStart(11)} lines/s`);
}

/**
 * CPU time per item of each fn over the lines: every round runs each fn over each chunk of 1,000
 * lines in turn (so load from other processes hits all of them alike); the best round counts.
 */
function cpuTimes(lines: readonly string[], rounds: number, fns: Record<string, (s: string) => number>): Record<string, number> {
  const names = Object.keys(fns);
  const best: Record<string, number> = Object.fromEntries(names.map((k) => [k, Infinity]));
  let sink = 0;
  for (let r = 0; r < rounds; r++) {
    const total: Record<string, number> = Object.fromEntries(names.map((k) => [k, 0]));
    for (let a = 0; a < lines.length; a += 1000) {
      const b = Math.min(lines.length, a + 1000);
      for (const k of names) {
        const fn = fns[k]!;
        const c = process.cpuUsage();
        for (let j = a; j < b; j++) sink += fn(lines[j]!);
        const u = process.cpuUsage(c);
        total[k]! += u.user + u.system;
      }
    }
    for (const k of names) best[k] = Math.min(best[k]!, total[k]!);
  }
  if (sink === -1) console.log('');
  return Object.fromEntries(names.map((k) => [k, best[k]! / lines.length]));
}

/** In-memory decoder CPU time on generated events (no file reading, no disk use). */
function micro(n: number): void {
  const opts = { events: n, customers: 10_000, seed: SEED, startMs: Date.UTC(2026, 10, 1), spanMs: 24 * 3_600_000, outOfOrderMs: 4_000 };
  const cases: [string, readonly number[]][] = [
    ['all 7 columns', USED],
    ['3 columns (id, amount, created_at)', [0, 2, 4]],
  ];
  for (const schemaBlock of [false, true]) {
    // flat strings, as the file and Kafka readers hand them over
    const lines = [...generateOrders({ ...opts, schemaBlock })].filter((l) => l !== 'null').map((l) => Buffer.from(l).toString());
    const avg = lines.reduce((a, l) => a + l.length, 0) / lines.length;
    const rounds = schemaBlock ? 3 : 5;
    const fns: Record<string, (s: string) => number> = { 'JSON.parse only': (s) => (JSON.parse(s) === null ? 0 : 1) };
    for (const [label, used] of cases) {
      const fast = createDebeziumDecoder(ORDERS, used);
      const js = createDebeziumDecoder(ORDERS, used, { wasm: false });
      fns[`decoder, ${label}`] = (s) => (fast.decode(s).kind === 'event' ? 1 : 0);
      fns[`  JS walker, ${label}`] = (s) => (js.decode(s).kind === 'event' ? 1 : 0);
    }
    const t = cpuTimes(lines, rounds, fns);
    console.log(`\n${schemaBlock ? 'schema block' : 'plain'}: ${fmt(lines.length)} events in memory, ${fmt(avg)} chars/event, best of ${rounds}`);
    for (const [label, us] of Object.entries(t)) {
      const vsJs = label.startsWith('decoder') ? `  (${(t[`  JS walker${label.slice(7)}`]! / us).toFixed(2)}x the JS walker)` : '';
      console.log(`  ${label.padEnd(46)} ${fmt(1e6 / us).padStart(11)} events per CPU-second  ${us.toFixed(3)} µs CPU/event${vsJs}`);
    }
  }
}

const MICRO = arg('--micro', 0);
if (MICRO > 0) {
  micro(MICRO);
} else {
  const plain = await ensureFile(false);
  const withSchema = await ensureFile(true);
  await benchFile(plain);
  await benchFile(withSchema);
}
