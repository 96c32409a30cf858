// Seeded (mulberry32) generator of realistic Debezium JSON change events for the example and the
// benchmarks: `orders` (c/r/u/d + tombstones, PostgreSQL-like) and `page_views` (per-user bursts).
// Deterministic per seed (event data never depends on the clock); streams in 4 MiB writes.
// CLI: node dist/examples/ecommerce/generate.js --out DIR [--events N] [--seed S] [--schema]
import { open } from 'node:fs/promises';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

export interface OrdersOptions {
  readonly events: number;
  readonly customers: number;
  readonly seed: number;
  readonly schemaBlock: boolean;
  readonly startMs: number;
  /** Event time advances over this span across all events. */
  readonly spanMs: number;
  /**
   * created_at / source.ts_ms lag the event-time frontier by up to this much. Updates and
   * deletes only touch orders created within this window (so a watermark delay >= it never
   * finds them late): with fewer than a few events per window, most events become inserts.
   */
  readonly outOfOrderMs: number;
  /** Share of inserts whose created_at is 1-11 minutes old (late for a 5 s watermark). Default 0. */
  readonly lateFraction?: number;
  /** Share of deletes followed by a tombstone line. Default 0.5. */
  readonly tombstoneFraction?: number;
  /** Share of updates carrying a full `before` image (else null, PG REPLICA IDENTITY DEFAULT). Default 0.5. */
  readonly fullBeforeFraction?: number;
  /** Snapshot ('r') rows emitted first. Default min(50, events / 100). */
  readonly snapshotRows?: number;
}

export interface PageViewOptions {
  readonly events: number;
  readonly users: number;
  readonly seed: number;
  readonly schemaBlock: boolean;
  readonly startMs: number;
  readonly outOfOrderMs: number;
}

export function mulberry32(seed: number): () => number {
  let a = seed | 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Minimal big-endian two's-complement bytes of an unscaled decimal, base64 (Connect Decimal). */
export function decimalBase64(unscaled: number): string {
  const bytes: number[] = [];
  let v = unscaled;
  for (;;) {
    const b = ((v % 256) + 256) % 256;
    bytes.unshift(b);
    v = Math.floor(v / 256);
    if ((v === 0 && b < 0x80) || (v === -1 && b >= 0x80)) break;
  }
  return Buffer.from(bytes).toString('base64');
}

function cents(v: number): string {
  const s = String(v).padStart(3, '0');
  return s.slice(0, -2) + '.' + s.slice(-2);
}

const f = (field: string, type: string, optional: boolean, extra: Record<string, unknown> = {}) => ({
  type,
  optional,
  ...extra,
  field,
});

function envelopeSchema(table: string, rowFields: readonly object[]): string {
  const value = { type: 'struct', fields: rowFields, optional: true, name: `shop.public.${table}.Value` };
  const source = {
    type: 'struct',
    fields: [
      f('version', 'string', false),
      f('connector', 'string', false),
      f('name', 'string', false),
      f('ts_ms', 'int64', false),
      f('snapshot', 'string', true, {
        name: 'io.debezium.data.Enum',
        version: 1,
        parameters: { allowed: 'true,first,first_in_data_collection,last_in_data_collection,last,false,incremental' },
        default: 'false',
      }),
      f('db', 'string', false),
      f('sequence', 'string', true),
      f('ts_us', 'int64', true),
      f('ts_ns', 'int64', true),
      f('schema', 'string', false),
      f('table', 'string', false),
      f('txId', 'int64', true),
      f('lsn', 'int64', true),
      f('xmin', 'int64', true),
    ],
    optional: false,
    name: 'io.debezium.connector.postgresql.Source',
    version: 1,
    field: 'source',
  };
  const transaction = {
    type: 'struct',
    fields: [f('id', 'string', false), f('total_order', 'int64', false), f('data_collection_order', 'int64', false)],
    optional: true,
    name: 'event.block',
    version: 1,
    field: 'transaction',
  };
  return JSON.stringify({
    type: 'struct',
    fields: [
      { ...value, field: 'before' },
      { ...value, field: 'after' },
      source,
      transaction,
      f('op', 'string', false),
      f('ts_ms', 'int64', true),
      f('ts_us', 'int64', true),
      f('ts_ns', 'int64', true),
    ],
    optional: false,
    name: `shop.public.${table}.Envelope`,
    version: 2,
  });
}

const ORDERS_SCHEMA = envelopeSchema('orders', [
  f('id', 'int64', false, { default: 0 }),
  f('customer_id', 'int64', true),
  f('amount', 'bytes', true, {
    name: 'org.apache.kafka.connect.data.Decimal',
    version: 1,
    parameters: { scale: '2', 'connect.decimal.precision': '10' },
  }),
  f('status', 'string', true),
  f('created_at', 'int64', true, { name: 'io.debezium.time.Timestamp', version: 1 }),
]);

const PAGE_VIEWS_SCHEMA = envelopeSchema('page_views', [
  f('id', 'int64', false, { default: 0 }),
  f('user_id', 'int64', true),
  f('url', 'string', true),
  f('viewed_at', 'int64', true, { name: 'io.debezium.time.Timestamp', version: 1 }),
]);

/** Builds the envelope text around row images; tracks LSN / txId like a PostgreSQL connector. */
class EnvelopeWriter {
  private lsn = 24_023_128;
  private txId = 5_000;
  constructor(
    private readonly table: string,
    private readonly schema: string | null,
    private readonly rnd: () => number,
  ) {}

  line(op: string, before: string, after: string, changeMs: number, snapshot: string): string {
    const prev = this.lsn;
    this.lsn += 80 + Math.floor(this.rnd() * 900);
    this.txId += 1;
    const subUs = Math.floor(this.rnd() * 1000);
    const procMs = changeMs + 40 + Math.floor(this.rnd() * 400);
    const procUs = Math.floor(this.rnd() * 1000);
    // exact digits for positive times (no float math); times at or before the epoch computed
    // (0 ms must not print as '0481': JSON numbers have no leading zeros)
    const pad3 = (n: number) => String(n).padStart(3, '0');
    const us = (ms: number, sub: number) => (ms > 0 ? String(ms) + pad3(sub) : String(ms * 1000 + sub));
    const ns = (ms: number, sub: number, r: number) => (ms > 0 ? String(ms) + pad3(sub) + pad3(r) : String((ms * 1000 + sub) * 1000 + r));
    const payload =
      `{"before":${before},"after":${after},"source":{"version":"3.2.7.Final","connector":"postgresql",` +
      `"name":"shop","ts_ms":${changeMs},"snapshot":"${snapshot}","db":"shop",` +
      `"sequence":"[\\"${prev}\\",\\"${this.lsn}\\"]","ts_us":${us(changeMs, subUs)},"ts_ns":${ns(changeMs, subUs, 0)},` +
      `"schema":"public","table":"${this.table}","txId":${this.txId},"lsn":${this.lsn},"xmin":null},` +
      `"transaction":null,"op":"${op}","ts_ms":${procMs},"ts_us":${us(procMs, procUs)},` +
      `"ts_ns":${ns(procMs, procUs, Math.floor(this.rnd() * 1000))}}`;
    return this.schema === null ? payload : `{"schema":${this.schema},"payload":${payload}}`;
  }
}

// Amounts: with the schema block they are Connect Decimal base64 (decimal.handling.mode=precise,
// the Debezium default); without it they are plain strings "12.50" (decimal.handling.mode=string),
// because a schemaless base64 decimal cannot be read without knowing its scale.
const STATUSES = ['pending', 'paid', 'shipped', 'cancelled'] as const;
const POOL = 1 << 16;

/** Debezium change events of the `orders` table, one JSON line each (tombstones are 'null'). */
export function* generateOrders(o: OrdersOptions): Generator<string> {
  const rnd = mulberry32(o.seed);
  const env = new EnvelopeWriter('orders', o.schemaBlock ? ORDERS_SCHEMA : null, rnd);
  const late = o.lateFraction ?? 0;
  const tomb = o.tombstoneFraction ?? 0.5;
  const fullBefore = o.fullBeforeFraction ?? 0.5;
  const snapshotRows = Math.min(o.snapshotRows ?? Math.min(50, Math.floor(o.events / 100)), o.events);
  // ring of recently created live orders (updates/deletes only touch these, so they are never late)
  const pId = new Float64Array(POOL);
  const pCustomer = new Float64Array(POOL);
  const pAmount = new Float64Array(POOL);
  const pStatus = new Uint8Array(POOL);
  const pCreated = new Float64Array(POOL);
  const pAlive = new Uint8Array(POOL);
  let head = 0;
  let tail = 0;
  let nextId = 1_000_001;
  const customer = () => 1 + Math.floor(o.customers * rnd() * rnd());
  const row = (k: number) => {
    const amount = o.schemaBlock ? `"${decimalBase64(pAmount[k]!)}"` : `"${cents(pAmount[k]!)}"`;
    return `{"id":${pId[k]},"customer_id":${pCustomer[k]},"amount":${amount},"status":"${STATUSES[pStatus[k]!]}","created_at":${pCreated[k]}}`;
  };
  const add = (created: number): number => {
    if (tail - head === POOL) head++;
    const k = tail++ & (POOL - 1);
    pId[k] = nextId++;
    pCustomer[k] = customer();
    pAmount[k] = 100 + Math.floor(rnd() * rnd() * 50_000);
    pStatus[k] = 0;
    pCreated[k] = created;
    pAlive[k] = 1;
    return k;
  };
  for (let n = 0; n < snapshotRows; n++) {
    const k = add(o.startMs - (snapshotRows - n) * 1000);
    pStatus[k] = 1;
    const snap = n === 0 ? 'first' : n === snapshotRows - 1 ? 'last' : 'true';
    yield env.line('r', 'null', row(k), o.startMs, snap);
    pAlive[k] = 0; // snapshot rows are old: never updated later
  }
  for (let n = snapshotRows; n < o.events; n++) {
    const frontier = o.startMs + Math.floor(((n - snapshotRows) * o.spanMs) / Math.max(1, o.events - snapshotRows));
    const t = frontier - Math.floor(rnd() * o.outOfOrderMs);
    while (head < tail && (pAlive[head & (POOL - 1)] === 0 || pCreated[head & (POOL - 1)]! < frontier - o.outOfOrderMs)) head++;
    const r = rnd();
    let k = -1;
    if (r >= 0.7 && tail > head) {
      for (let tries = 0; tries < 4 && k < 0; tries++) {
        const c = (head + Math.floor(rnd() * (tail - head))) & (POOL - 1);
        if (pAlive[c] === 1 && pCreated[c]! >= frontier - o.outOfOrderMs) k = c;
      }
    }
    if (k < 0) {
      const isLate = late > 0 && rnd() < late;
      const created = isLate ? t - 60_000 - Math.floor(rnd() * 600_000) : t;
      const c = add(created);
      if (isLate) pAlive[c] = 0;
      yield env.line('c', 'null', row(c), created + Math.floor(rnd() * 20), 'false');
    } else if (r < 0.95) {
      const before = rnd() < fullBefore ? row(k) : 'null';
      const st = pStatus[k]!;
      if (st === 0) pStatus[k] = rnd() < 0.85 ? 1 : 3;
      else if (st === 1) pStatus[k] = rnd() < 0.9 ? 2 : 3;
      else pAmount[k] = Math.max(100, pAmount[k]! + Math.floor((rnd() - 0.5) * 2000));
      if (rnd() < 0.2) pAmount[k] = Math.max(100, pAmount[k]! - Math.floor(rnd() * 500));
      yield env.line('u', before, row(k), Math.max(t, pCreated[k]!), 'false');
    } else {
      pAlive[k] = 0;
      // PG REPLICA IDENTITY DEFAULT: the before image of a delete holds only the key
      yield env.line('d', `{"id":${pId[k]}}`, 'null', Math.max(t, pCreated[k]!), 'false');
      if (rnd() < tomb) yield 'null';
    }
  }
}

const PATHS = ['/', '/cart', '/checkout', '/search?q=shoes', '/search?q=lamp', '/account', '/deals'];

/** Debezium insert events of `page_views`: per-user bursts of views separated by 35 min - 4 h gaps. */
export function* generatePageViews(o: PageViewOptions): Generator<string> {
  const rnd = mulberry32(o.seed ^ 0x5bd1e995);
  const env = new EnvelopeWriter('page_views', o.schemaBlock ? PAGE_VIEWS_SCHEMA : null, rnd);
  const users = Math.max(1, o.users);
  const next = new Float64Array(users);
  const left = new Int32Array(users);
  const heap = new Int32Array(users);
  for (let u = 0; u < users; u++) {
    next[u] = o.startMs + Math.floor(rnd() * 7_200_000);
    left[u] = 3 + Math.floor(rnd() * 20);
    heap[u] = u;
  }
  const less = (a: number, b: number) => next[heap[a]!]! < next[heap[b]!]!;
  const swap = (a: number, b: number) => {
    const t = heap[a]!;
    heap[a] = heap[b]!;
    heap[b] = t;
  };
  const down = (i: number) => {
    for (;;) {
      const l = 2 * i + 1;
      if (l >= users) return;
      const m = l + 1 < users && less(l + 1, l) ? l + 1 : l;
      if (!less(m, i)) return;
      swap(i, m);
      i = m;
    }
  };
  for (let i = (users >> 1) - 1; i >= 0; i--) down(i);
  for (let n = 0; n < o.events; n++) {
    const u = heap[0]!;
    const t = next[u]!;
    const viewed = t - Math.floor(rnd() * o.outOfOrderMs);
    const p = rnd() < 0.55 ? `/products/${1 + Math.floor(rnd() * 5000)}` : PATHS[Math.floor(rnd() * PATHS.length)]!;
    const after = `{"id":${n + 1},"user_id":${u + 1},"url":"https://shop.example.com${p}","viewed_at":${viewed}}`;
    yield env.line('c', 'null', after, viewed + Math.floor(rnd() * 20), 'false');
    if (--left[u]! > 0) next[u] = t + 2_000 + Math.floor(rnd() * 88_000);
    else {
      left[u] = 3 + Math.floor(rnd() * 20);
      next[u] = t + 2_100_000 + Math.floor(rnd() * 12_300_000);
    }
    down(0);
  }
}

/** Writes lines ('\n'-terminated) to `path` through one 4 MiB buffer; returns counts. */
export async function writeLines(path: string, lines: Iterable<string>): Promise<{ lines: number; bytes: number }> {
  const fh = await open(path, 'w');
  const out = Buffer.allocUnsafe(4 << 20);
  let off = 0;
  let count = 0;
  let bytes = 0;
  const flush = async () => {
    if (off > 0) await fh.write(out, 0, off);
    bytes += off;
    off = 0;
  };
  try {
    for (const l of lines) {
      count++;
      if (off + l.length * 3 + 1 > out.length) {
        await flush();
        if (l.length * 3 + 1 > out.length) {
          const big = Buffer.from(l + '\n');
          await fh.write(big);
          bytes += big.length;
          continue;
        }
      }
      off += out.write(l, off);
      out[off++] = 10;
    }
    await flush();
  } finally {
    await fh.close();
  }
  return { lines: count, bytes };
}

function arg(argv: readonly string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}

async function main(argv: readonly string[]): Promise<void> {
  const out = arg(argv, '--out');
  if (out === undefined) {
    process.stderr.write(
      'usage: generate.js --out DIR [--events N] [--page-views N] [--customers N] [--seed S] [--schema]\n' +
        '                   [--start ISO] [--span-ms MS] [--out-of-order-ms MS] [--late FRACTION]\n',
    );
    process.exit(1);
  }
  const events = Number(arg(argv, '--events') ?? 100_000);
  const seed = Number(arg(argv, '--seed') ?? 42);
  const schemaBlock = argv.includes('--schema');
  const startMs = Date.parse(arg(argv, '--start') ?? '2026-11-01T00:00:00Z');
  const dir = resolve(out);
  mkdirSync(dir, { recursive: true });
  const t0 = performance.now();
  const orders = await writeLines(
    join(dir, 'orders.jsonl'),
    generateOrders({
      events,
      customers: Number(arg(argv, '--customers') ?? 1000),
      seed,
      schemaBlock,
      startMs,
      spanMs: Number(arg(argv, '--span-ms') ?? events * 100), // 10 events per second of event time
      outOfOrderMs: Number(arg(argv, '--out-of-order-ms') ?? 3000),
      lateFraction: Number(arg(argv, '--late') ?? 0.0005),
    }),
  );
  const views = await writeLines(
    join(dir, 'page_views.jsonl'),
    generatePageViews({
      events: Number(arg(argv, '--page-views') ?? Math.ceil(events / 2)),
      users: Number(arg(argv, '--users') ?? 500),
      seed,
      schemaBlock,
      startMs,
      outOfOrderMs: Number(arg(argv, '--out-of-order-ms') ?? 3000),
    }),
  );
  const s = (performance.now() - t0) / 1000;
  const total = orders.lines + views.lines;
  process.stdout.write(
    `wrote ${orders.lines} lines (${(orders.bytes / 1e6).toFixed(1)} MB) to ${join(dir, 'orders.jsonl')}\n` +
      `wrote ${views.lines} lines (${(views.bytes / 1e6).toFixed(1)} MB) to ${join(dir, 'page_views.jsonl')}\n` +
      `${(total / s).toFixed(0)} lines/s, ${((orders.bytes + views.bytes) / 1e6 / s).toFixed(1)} MB/s in ${s.toFixed(2)} s\n`,
  );
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(2);
  });
}
