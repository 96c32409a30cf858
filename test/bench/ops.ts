// Micro-benchmark of the main thread's per-event operator path for the pipeline: the chain
// lowerSink() builds for a per-customer 5-minute TUMBLE (COUNT(*), SUM/AVG/MAX(amount DECIMAL)),
// i.e. ChangelogNormalizer -> WatermarkTracker -> WindowAggregate, fed pre-decoded Debezium
// `orders` events of the benchmark's shape (no JSON); plus checkpointing a 1,000,000-key normalizer
// through the binary checkpoint container.
// Build with `npx tsc -p tsconfig.json`, run `node dist/test/bench/ops.js` (EVENTS=, RUNS= to vary).
// Prints ns/event, CPU and GC time (CPU next to wall: the machine is shared); asserts nothing.
import { PerformanceObserver } from 'node:perf_hooks';
import { planScript } from '../../sql/index.js';
import { lowerSink } from '../../engine/compile/lower.js';
import { END_OF_TIME } from '../../engine/core/time.js';
import type { Row, Value } from '../../engine/core/value.js';
import type { DecodedEvent, DebeziumOp } from '../../engine/formats/decoded-event.js';
import { ChangelogNormalizer } from '../../engine/ops/changelog.js';
import { decodeCheckpoint, encodeCheckpoint } from '../../engine/state/checkpoint.js';
import type { OperatorContext, Output } from '../../engine/ops/operator.js';
import { mulberry32 } from '../../examples/ecommerce/generate.js';

const EVENTS = Number(process.env['EVENTS'] ?? 2_000_000);
const RUNS = Number(process.env['RUNS'] ?? 3);

const PIPELINE = `
CREATE SOURCE orders (
  id BIGINT, customer_id BIGINT, amount DECIMAL(10,2), status VARCHAR, created_at TIMESTAMP(3),
  PRIMARY KEY (id),
  WATERMARK FOR created_at AS created_at - INTERVAL '5' SECOND
) WITH (connector = 'file', path = 'orders.jsonl');

CREATE SINK customer_spend_5m WITH (table = 'bench.customer_spend_5m', commit_interval = '10s') AS
SELECT customer_id, window_start, window_end,
       COUNT(*) AS orders, SUM(amount) AS spend, AVG(amount) AS avg_amount, MAX(amount) AS max_amount
FROM TUMBLE(orders, created_at, INTERVAL '5' MINUTE)
GROUP BY customer_id, window_start, window_end;
`;

const OPS: readonly DebeziumOp[] = ['c', 'r', 'u', 'd'];
/** before image: none, complete (every column), key only (a PostgreSQL delete). */
const B_NONE = 0;
const B_FULL = 1;
const B_KEY = 2;

/** The events as columns (so holding two million of them costs the GC nothing). */
interface Tape {
  readonly n: number;
  readonly op: Uint8Array;
  readonly before: Uint8Array;
  readonly id: Float64Array;
  readonly customer: Float64Array;
  readonly amount: Float64Array;
  readonly beforeAmount: Float64Array;
  readonly createdMs: Float64Array;
}

/**
 * The same events, in the same order and with the same values, as test/bench/pipeline.ts writes
 * (examples/ecommerce/generate.ts generateOrders: seed 2026, 50,000 customers, one day, 5 s out of
 * order, no tombstones, no schema block): it replays that generator's random draws, including the
 * five the envelope text consumes per line, and keeps only what the decoder would hand over.
 */
function generate(events: number): Tape {
  const rnd = mulberry32(2026);
  const envelope = (): void => {
    for (let i = 0; i < 5; i++) rnd();
  };
  const customers = 50_000;
  const startMs = Date.UTC(2026, 10, 1);
  const spanMs = 86_400_000;
  const outOfOrderMs = 5_000;
  const POOL = 1 << 16;
  const t: Tape = {
    n: events,
    op: new Uint8Array(events),
    before: new Uint8Array(events),
    id: new Float64Array(events),
    customer: new Float64Array(events),
    amount: new Float64Array(events),
    beforeAmount: new Float64Array(events),
    createdMs: new Float64Array(events),
  };
  const pId = new Float64Array(POOL);
  const pCustomer = new Float64Array(POOL);
  const pAmount = new Float64Array(POOL);
  const pStatus = new Uint8Array(POOL);
  const pCreated = new Float64Array(POOL);
  const pAlive = new Uint8Array(POOL);
  let head = 0;
  let tail = 0;
  let nextId = 1_000_001;
  const add = (created: number): number => {
    if (tail - head === POOL) head++;
    const k = tail++ & (POOL - 1);
    pId[k] = nextId++;
    pCustomer[k] = 1 + Math.floor(customers * rnd() * rnd());
    pAmount[k] = 100 + Math.floor(rnd() * rnd() * 50_000);
    pStatus[k] = 0;
    pCreated[k] = created;
    pAlive[k] = 1;
    return k;
  };
  const put = (n: number, op: number, k: number, before: number, beforeAmount: number): void => {
    t.op[n] = op;
    t.before[n] = before;
    t.id[n] = pId[k]!;
    t.customer[n] = pCustomer[k]!;
    t.amount[n] = pAmount[k]!;
    t.beforeAmount[n] = beforeAmount;
    t.createdMs[n] = pCreated[k]!;
  };
  const snapshotRows = Math.min(50, Math.floor(events / 100));
  for (let n = 0; n < snapshotRows; n++) {
    const k = add(startMs - (snapshotRows - n) * 1000);
    pStatus[k] = 1;
    put(n, 1, k, B_NONE, 0);
    envelope();
    pAlive[k] = 0;
  }
  for (let n = snapshotRows; n < events; n++) {
    const frontier = startMs + Math.floor(((n - snapshotRows) * spanMs) / Math.max(1, events - snapshotRows));
    const time = frontier - Math.floor(rnd() * outOfOrderMs);
    while (head < tail && (pAlive[head & (POOL - 1)] === 0 || pCreated[head & (POOL - 1)]! < frontier - outOfOrderMs)) head++;
    const r = rnd();
    let k = -1;
    if (r >= 0.7 && tail > head) {
      for (let tries = 0; tries < 4 && k < 0; tries++) {
        const c = (head + Math.floor(rnd() * (tail - head))) & (POOL - 1);
        if (pAlive[c] === 1 && pCreated[c]! >= frontier - outOfOrderMs) k = c;
      }
    }
    if (k < 0) {
      const c = add(time);
      rnd(); // the change time's jitter
      put(n, 0, c, B_NONE, 0);
      envelope();
    } else if (r < 0.95) {
      const full = rnd() < 0.5;
      const beforeAmount = pAmount[k]!;
      const st = pStatus[k]!;
      if (st === 0) pStatus[k] = rnd() < 0.85 ? 1 : 3;
      else if (st === 1) pStatus[k] = rnd() < 0.9 ? 2 : 3;
      else pAmount[k] = Math.max(100, pAmount[k]! + Math.floor((rnd() - 0.5) * 2000));
      if (rnd() < 0.2) pAmount[k] = Math.max(100, pAmount[k]! - Math.floor(rnd() * 500));
      put(n, 2, k, full ? B_FULL : B_NONE, beforeAmount);
      envelope();
    } else {
      pAlive[k] = 0;
      put(n, 3, k, B_KEY, 0);
      envelope();
      rnd(); // tombstone draw
    }
  }
  return t;
}

/** Event n as a decoder hands it over: fresh row arrays, BIGINT/DECIMAL as bigints, unused status NULL. */
function eventAt(t: Tape, n: number): DecodedEvent {
  const id = BigInt(t.id[n]!);
  const created = t.createdMs[n]! * 1000;
  const b = t.before[n]!;
  const op = OPS[t.op[n]!]!;
  if (op === 'd') return { kind: 'event', op, before: [id, null, null, null, null], after: null, beforeComplete: false };
  const after: Value[] = [id, BigInt(t.customer[n]!), BigInt(t.amount[n]!), null, created];
  const before: Value[] | null = b === B_FULL ? [id, BigInt(t.customer[n]!), BigInt(t.beforeAmount[n]!), null, created] : null;
  return { kind: 'event', op, before, after, beforeComplete: b === B_FULL };
}

let gcMs = 0;
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcMs += e.duration;
}).observe({ entryTypes: ['gc'] });
/** GC entries arrive on the event loop: let them in before reading gcMs. */
const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 20));

const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const fmt = (x: number): string => Math.round(x).toLocaleString('en-US');

interface Measure {
  readonly cpu: number;
  readonly wall: number;
  readonly gc: number;
}

async function measure(body: () => void): Promise<Measure> {
  await settle();
  const g0 = gcMs;
  const w0 = performance.now();
  const c0 = cpuMs();
  body();
  const cpu = cpuMs() - c0;
  const wall = performance.now() - w0;
  await settle();
  return { cpu, wall, gc: gcMs - g0 };
}

/**
 * Building the events alone (subtracted from the pipeline run to isolate the operators). They
 * escape into a ring, as they escape into the operators, so the compiler cannot elide them.
 */
function generationOnly(tape: Tape): void {
  const ring = new Array<DecodedEvent | null>(256).fill(null);
  let sink = 0;
  for (let n = 0; n < tape.n; n++) {
    const ev = eventAt(tape, n);
    ring[n & 255] = ev;
    sink += ev.after === null ? 1 : ev.after.length;
  }
  if (sink === 0 || ring[0] === null) throw new Error('no events');
}

function buildChain(out: Output, ctx: OperatorContext): ReturnType<typeof lowerSink> {
  const { plans, diagnostics } = planScript([{ path: 'bench.sql', text: PIPELINE }], { env: {} });
  const sink = plans.sinks[0];
  if (sink === undefined || diagnostics.some((d) => d.severity === 'error')) throw new Error('bench pipeline does not plan');
  return lowerSink(sink.plan, out, ctx);
}

interface RunResult {
  /** Operator CPU per event (building the events subtracted), ns. */
  readonly ns: number;
  /** GC pause time per event (building the events subtracted), ns. */
  readonly gcNs: number;
  /** GC pauses as a share of the run's CPU time, events included. */
  readonly gcShare: number;
}

async function runPipeline(tape: Tape, gen: Measure): Promise<RunResult> {
  let rows = 0;
  let late = 0;
  let check = 0;
  const ctx: OperatorContext = { late: () => void late++ };
  const sink: Output = {
    change: (row: Row) => {
      rows++;
      check += row.length;
    },
    watermark() {},
  };
  const chain = buildChain(sink, ctx);
  const { normalizer, tracker } = chain;
  if (tracker === undefined) throw new Error('bench pipeline has no watermark');
  const m = await measure(() => {
    for (let n = 0; n < tape.n; n++) {
      normalizer.apply(eventAt(tape, n));
      tracker.flushWatermark();
    }
    tracker.onWatermark(END_OF_TIME);
  });
  const opsCpu = m.cpu - gen.cpu;
  const opsGc = m.gc - gen.gc;
  console.log(
    `chain ${chain.operators.map((o) => o.name).join(' -> ')}: ${fmt(tape.n)} events, ${fmt(normalizer.size)} keys, ` +
      `${fmt(rows)} window rows, ${fmt(late)} late, ${fmt(normalizer.counters.missing_before)} missing_before (check ${check % 7})\n` +
      `  whole: wall ${(m.wall / 1000).toFixed(2)} s, cpu ${(m.cpu / 1000).toFixed(2)} s, gc ${(m.gc / 1000).toFixed(2)} s;` +
      ` building events alone: cpu ${(gen.cpu / 1000).toFixed(2)} s, gc ${(gen.gc / 1000).toFixed(2)} s\n` +
      `  operators alone: ${((opsCpu * 1e6) / tape.n).toFixed(0)} ns/event CPU (${fmt(tape.n / (opsCpu / 1000))} events/s),` +
      ` GC ${((opsGc * 1e6) / tape.n).toFixed(0)} ns/event = ${((100 * opsGc) / Math.max(opsCpu, 1e-9)).toFixed(0)}% of it;` +
      ` GC share of the whole run ${((100 * m.gc) / m.cpu).toFixed(0)}%`,
  );
  return { ns: (opsCpu * 1e6) / tape.n, gcNs: (opsGc * 1e6) / tape.n, gcShare: m.gc / m.cpu };
}

/** The normalizer alone (its output only counted), to split the chain's cost. */
async function runNormalizer(tape: Tape, gen: Measure): Promise<void> {
  let changes = 0;
  const norm = new ChangelogNormalizer('bench/cl', { change: () => void changes++, watermark() {} }, { late() {} }, {
    columns: 5,
    primaryKey: [0],
    changelog: 'retract',
  });
  const m = await measure(() => {
    for (let n = 0; n < tape.n; n++) norm.apply(eventAt(tape, n));
  });
  const cpu = m.cpu - gen.cpu;
  console.log(
    `normalizer alone: ${fmt(changes)} changes; ${((cpu * 1e6) / tape.n).toFixed(0)} ns/event CPU,` +
      ` GC ${(((m.gc - gen.gc) * 1e6) / tape.n).toFixed(0)} ns/event`,
  );
}

/**
 * Checkpoint of a 1,000,000-key normalizer through the binary checkpoint container: rows of the
 * issue's shape (numbers and BIGINTs only, status unread so NULL) and rows with strings.
 */
function checkpointMillionKeys(): void {
  const ctx: OperatorContext = { late() {} };
  const shapes: [string, (i: number) => Value[]][] = [
    ['orders as the pipeline reads them', (i) => [BigInt(1_000_000 + i), BigInt(i % 50_000), BigInt(100 + (i % 50_000)), null, 1_700_000_000_000_000 + i]],
    ['with strings', (i) => [BigInt(i), BigInt(i % 977), BigInt(i * 7), `status-${i % 5}`, 1_700_000_000_000_000 + i]],
  ];
  for (const [label, row] of shapes) {
    const config = { columns: 5, primaryKey: [0], changelog: 'retract' as const };
    const norm = new ChangelogNormalizer('bench/cl', { change() {}, watermark() {} }, ctx, config);
    for (let i = 0; i < 1_000_000; i++) norm.apply({ kind: 'event', op: 'r', before: null, after: row(i), beforeComplete: false });
    const t0 = performance.now();
    const bytes = encodeCheckpoint({ version: 1, sink: 'bench', planFingerprint: '', positions: {}, operators: { cl: norm.snapshot() } });
    const t1 = performance.now();
    const copy = new ChangelogNormalizer('bench/cl2', { change() {}, watermark() {} }, ctx, config);
    copy.restore(decodeCheckpoint(bytes, 'bench').operators['cl']);
    const t2 = performance.now();
    console.log(
      `changelog checkpoint of ${fmt(copy.size)} keys (${label}): ${(bytes.byteLength / 1e6).toFixed(1)} MB,` +
        ` snapshot+encode ${(t1 - t0).toFixed(0)} ms, decode+restore ${(t2 - t1).toFixed(0)} ms`,
    );
  }
}

const tape = generate(EVENTS);
generationOnly(tape); // warm-up
const results: RunResult[] = [];
// The first run doubles as warm-up; building the events is re-measured before each run (the
// machine's load varies).
for (let r = 0; r < RUNS; r++) results.push(await runPipeline(tape, await measure(() => generationOnly(tape))));
const measured = results.length > 1 ? results.slice(1) : results;
const best = measured.reduce((a, b) => (b.ns < a.ns ? b : a));
console.log(
  `best of ${measured.length} measured runs: ${best.ns.toFixed(0)} ns/event operator CPU, GC ${best.gcNs.toFixed(0)} ns/event,` +
    ` GC share ${(100 * best.gcShare).toFixed(0)}% (machine shared: the minimum is the steadiest figure)`,
);
if (process.env['NORMALIZER'] !== '0')
  for (let r = 0; r < 2; r++) await runNormalizer(tape, await measure(() => generationOnly(tape)));
if (process.env['CHECKPOINT'] !== '0') checkpointMillionKeys();
