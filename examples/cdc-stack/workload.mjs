#!/usr/bin/env node
// examples/cdc-stack/workload.mjs — a seeded INSERT/UPDATE/DELETE workload for the CDC demo: orders in
// PostgreSQL and payments in MariaDB, driven through the `psql` and `mariadb` (or `mysql`) clients.
// Event times only move forward and rows are changed only while their windows are still open, so no
// change is late for the pipelines in this directory. Needs no npm packages; must not read Kafka or MinIO.
//
// usage: node examples/cdc-stack/workload.mjs [--setup] [--seed N] [--minutes N] [--orders-per-minute N]
//          [--payments-per-minute N] [--customers N] [--run-id ID] [--pace MS] [--only pg|my] [--json]
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const MINUTE = 60_000;
const WINDOW = 5 * MINUTE; // customer_spend_5m's TUMBLE size (and payment_volume_5m's HOP size)
const STATUSES = ['pending', 'paid', 'shipped', 'cancelled'];
const METHODS = ['card', 'paypal', 'bank_transfer', 'voucher'];

// ---- options ---------------------------------------------------------------------------------------
function parseOptions(argv) {
  const o = {
    setup: false, seed: 1, minutes: 30, ordersPerMinute: 40, paymentsPerMinute: 30, customers: 40,
    runId: '', pace: 0, only: '', json: false,
  };
  const ints = { '--seed': 'seed', '--minutes': 'minutes', '--orders-per-minute': 'ordersPerMinute',
    '--payments-per-minute': 'paymentsPerMinute', '--customers': 'customers', '--pace': 'pace' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--setup') o.setup = true;
    else if (a === '--json') o.json = true;
    else if (a === '--run-id') o.runId = argv[++i] ?? '';
    else if (a === '--only') o.only = argv[++i] ?? '';
    else if (a in ints) {
      const v = Number(argv[++i]);
      if (!Number.isInteger(v) || v < 0) usage(`${a} needs a non-negative integer`);
      o[ints[a]] = v;
    } else if (a === '-h' || a === '--help') usage('');
    else usage(`unknown argument '${a}'`);
  }
  if (o.only !== '' && o.only !== 'pg' && o.only !== 'my') usage(`--only must be 'pg' or 'my'`);
  if (o.minutes < 1 || o.customers < 2) usage('--minutes must be >= 1 and --customers >= 2');
  if (!/^[A-Za-z0-9_.-]{0,64}$/.test(o.runId)) usage('--run-id: up to 64 of [A-Za-z0-9_.-]');
  if (o.runId === '') o.runId = `wl-${Date.now().toString(36)}-${o.seed}`;
  return o;
}

function usage(msg) {
  if (msg) console.error(`workload: ${msg}`);
  console.error('usage: node examples/cdc-stack/workload.mjs [--setup] [--seed N] [--minutes N] [--orders-per-minute N]\n' +
    '         [--payments-per-minute N] [--customers N] [--run-id ID] [--pace MS] [--only pg|my] [--json]');
  process.exit(msg ? 2 : 0);
}

// ---- database clients (same variables and defaults as deploy/local/lib.sh) -------------------------
const env = process.env;
const HOST = env.STREAMFORGE_HOST ?? '127.0.0.1';
const PG = {
  cmd: 'psql',
  args: ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-h', HOST, '-p', env.STREAMFORGE_PG_PORT ?? '15432',
    '-U', env.STREAMFORGE_PG_USER ?? 'postgres', '-d', env.STREAMFORGE_PG_DB ?? 'shop'],
  queryArgs: ['-tA', '-F', '\t', '-c'],
  env: { ...env, PGPASSWORD: env.STREAMFORGE_PG_PASSWORD ?? 'postgres', PGCONNECT_TIMEOUT: '5' },
};
const MY = {
  cmd: mysqlClient(),
  args: ['--no-defaults', '--batch', '--skip-column-names', '--connect-timeout=5', '-h', HOST,
    '-P', env.STREAMFORGE_MARIADB_PORT ?? '13306', '-u', env.STREAMFORGE_MARIADB_USER ?? 'debezium',
    env.STREAMFORGE_MARIADB_DB ?? 'shop'],
  queryArgs: ['-e'],
  env: { ...env, MYSQL_PWD: env.STREAMFORGE_MARIADB_PASSWORD ?? 'debezium' },
};

function mysqlClient() {
  for (const c of ['mariadb', 'mysql']) if (spawnSync(c, ['--version'], { stdio: 'ignore' }).status === 0) return c;
  return 'mariadb';
}

/** Runs one query and returns its rows as arrays of strings (tab-separated client output). */
function query(db, sql) {
  const r = spawnSync(db.cmd, [...db.args, ...db.queryArgs, sql], { env: db.env, encoding: 'utf8' });
  if (r.error) throw new Error(`${db.cmd}: ${r.error.message} (is the client installed?)`);
  if (r.status !== 0) throw new Error(`${db.cmd} failed: ${r.stderr.trim()}`);
  return r.stdout.split('\n').filter((l) => l !== '').map((l) => l.split('\t'));
}

/** Feeds SQL chunks to one client session; with pace > 0 waits that long between chunks. */
function runScript(db, chunks, pace) {
  return new Promise((resolve, reject) => {
    const child = spawn(db.cmd, db.args, { env: db.env, stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', (e) => reject(new Error(`${db.cmd}: ${e.message}`)));
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${db.cmd} exited with ${code}: ${stderr.trim()}`))));
    child.stdin.on('error', () => undefined); // the close handler reports the failure
    (async () => {
      for (const c of chunks) {
        if (child.exitCode !== null) return;
        if (!child.stdin.write(c)) await new Promise((r) => child.stdin.once('drain', r));
        if (pace > 0) await new Promise((r) => setTimeout(r, pace));
      }
      child.stdin.end();
    })();
  });
}

// ---- seeded generation -----------------------------------------------------------------------------
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ts = (ms) => `'${new Date(ms).toISOString().slice(0, 23).replace('T', ' ')}'`;
const money = (cents) => `${Math.trunc(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;

/** n increasing event times inside [from, from + span). */
function times(rnd, n, from, span) {
  const out = [];
  for (let i = 0; i < n; i++) out.push(from + Math.floor(rnd() * span));
  return out.sort((x, y) => x - y);
}

function pickOther(rnd, list, current) {
  const others = list.filter((x) => x !== current);
  return others[Math.floor(rnd() * others.length)];
}

/**
 * PostgreSQL orders. Rows are changed only while their 5-minute window is open: every change
 * targets a row created in the current window, whose event times are all below that window's end.
 * Each window ends with one transaction that pays every pending order of the window and deletes a few.
 */
function ordersScript(o, rnd, t0, firstId) {
  const chunks = [];
  const c = { inserts: 0, updates: 0, deletes: 0, pkChanges: 0, transactions: 0 };
  let nextId = firstId;
  let live = new Map(); // id -> row, rows of the current window only
  for (let k = 0; k < o.minutes; k++) {
    const slotStart = t0 + k * MINUTE;
    if (k % 5 === 0) live = new Map();
    const lines = [];
    const n = Math.max(1, Math.round(o.ordersPerMinute * (0.7 + 0.6 * rnd())));
    for (const at of times(rnd, n, slotStart, MINUTE)) {
      const row = { id: nextId++, customer: 1 + Math.floor(rnd() * o.customers), cents: 100 + Math.floor(rnd() * 49_900), status: 'pending', at };
      live.set(row.id, row);
      lines.push(`INSERT INTO orders (id, customer_id, amount, status, created_at) VALUES (${row.id}, ${row.customer}, ${money(row.cents)}, '${row.status}', ${ts(at)});`);
      c.inserts++;
      if (rnd() >= 0.4 || live.size === 0) continue;
      const ids = [...live.keys()];
      const r = live.get(ids[Math.floor(rnd() * ids.length)]);
      const x = rnd();
      if (x < 0.25) {
        r.status = pickOther(rnd, STATUSES, r.status);
        lines.push(`UPDATE orders SET status = '${r.status}' WHERE id = ${r.id};`);
        c.updates++;
      } else if (x < 0.5) {
        r.cents = r.cents + 1 + Math.floor(rnd() * 5000);
        lines.push(`UPDATE orders SET amount = ${money(r.cents)} WHERE id = ${r.id};`);
        c.updates++;
      } else if (x < 0.6) {
        r.customer = pickOther(rnd, Array.from({ length: o.customers }, (_, i) => i + 1), r.customer);
        lines.push(`UPDATE orders SET customer_id = ${r.customer} WHERE id = ${r.id};`);
        c.updates++;
      } else if (x < 0.7) {
        r.cents = Math.max(1, r.cents - 1 - Math.floor(rnd() * 90));
        r.status = pickOther(rnd, STATUSES, r.status);
        lines.push(`UPDATE orders SET amount = ${money(r.cents)}, status = '${r.status}' WHERE id = ${r.id};`);
        c.updates++;
      } else if (x < 0.85) {
        live.delete(r.id);
        lines.push(`DELETE FROM orders WHERE id = ${r.id};`);
        c.deletes++;
      } else {
        // primary-key change: Debezium sends a delete of the old key and a create of the new one
        live.delete(r.id);
        const old = r.id;
        r.id = nextId++;
        live.set(r.id, r);
        lines.push(`UPDATE orders SET id = ${r.id} WHERE id = ${old};`);
        c.pkChanges++;
      }
    }
    if (k % 5 === 4 || k === o.minutes - 1) {
      // the window's closing transaction: many rows in one commit
      const winStart = t0 + Math.floor(k / 5) * WINDOW;
      const pending = [...live.values()].filter((r) => r.status === 'pending');
      const doomed = [...live.values()].filter(() => rnd() < 0.05);
      for (const r of pending) r.status = 'paid';
      for (const r of doomed) live.delete(r.id);
      lines.push('BEGIN;');
      lines.push(`UPDATE orders SET status = 'paid' WHERE status = 'pending' AND created_at >= ${ts(winStart)} AND created_at < ${ts(winStart + WINDOW)};`);
      if (doomed.length > 0) lines.push(`DELETE FROM orders WHERE id IN (${doomed.map((r) => r.id).join(', ')});`);
      lines.push('COMMIT;');
      c.updates += pending.length;
      c.deletes += doomed.length;
      c.transactions++;
    }
    chunks.push(lines.join('\n') + '\n');
  }
  return { chunks, counts: { ...c, events: c.inserts + c.updates + c.deletes + 2 * c.pkChanges }, lastId: nextId - 1 };
}

/**
 * MariaDB payments for payment_volume_5m (HOP, 1-minute slide): a row's earliest window ends at the
 * end of its minute, so rows are changed only during the minute they were created in. Each minute
 * ends with one transaction that adds a fee to every payment of that minute (and refunds one).
 */
function paymentsScript(o, rnd, t0, firstId, lastOrderId) {
  const chunks = [];
  const c = { inserts: 0, updates: 0, deletes: 0, pkChanges: 0, transactions: 0 };
  let nextId = firstId;
  for (let k = 0; k < o.minutes; k++) {
    const slotStart = t0 + k * MINUTE;
    const live = new Map();
    const lines = [];
    const n = Math.max(1, Math.round(o.paymentsPerMinute * (0.7 + 0.6 * rnd())));
    for (const at of times(rnd, n, slotStart, MINUTE)) {
      const row = {
        id: nextId++, order: 1 + Math.floor(rnd() * Math.max(1, lastOrderId)), customer: 1 + Math.floor(rnd() * o.customers),
        method: METHODS[Math.floor(rnd() * METHODS.length)], cents: 100 + Math.floor(rnd() * 49_900), at,
      };
      live.set(row.id, row);
      lines.push(`INSERT INTO payments (id, order_id, customer_id, method, amount, paid_at) VALUES (${row.id}, ${row.order}, ${row.customer}, '${row.method}', ${money(row.cents)}, ${ts(at)});`);
      c.inserts++;
      if (rnd() >= 0.3) continue;
      const ids = [...live.keys()];
      const r = live.get(ids[Math.floor(rnd() * ids.length)]);
      const x = rnd();
      if (x < 0.3) {
        r.cents += 1 + Math.floor(rnd() * 3000);
        lines.push(`UPDATE payments SET amount = ${money(r.cents)} WHERE id = ${r.id};`);
        c.updates++;
      } else if (x < 0.55) {
        r.method = pickOther(rnd, METHODS, r.method);
        lines.push(`UPDATE payments SET method = '${r.method}' WHERE id = ${r.id};`);
        c.updates++;
      } else if (x < 0.7) {
        r.customer = pickOther(rnd, Array.from({ length: o.customers }, (_, i) => i + 1), r.customer);
        lines.push(`UPDATE payments SET customer_id = ${r.customer} WHERE id = ${r.id};`);
        c.updates++;
      } else if (x < 0.88) {
        live.delete(r.id);
        lines.push(`DELETE FROM payments WHERE id = ${r.id};`);
        c.deletes++;
      } else {
        live.delete(r.id);
        const old = r.id;
        r.id = nextId++;
        live.set(r.id, r);
        lines.push(`UPDATE payments SET id = ${r.id} WHERE id = ${old};`);
        c.pkChanges++;
      }
    }
    if (live.size > 0) {
      const refund = [...live.values()][Math.floor(rnd() * live.size)];
      live.delete(refund.id);
      lines.push('START TRANSACTION;');
      lines.push(`UPDATE payments SET amount = amount + 1.00 WHERE paid_at >= ${ts(slotStart)} AND paid_at < ${ts(slotStart + MINUTE)};`);
      lines.push(`DELETE FROM payments WHERE id = ${refund.id};`);
      lines.push('COMMIT;');
      c.updates += live.size + 1;
      c.deletes++;
      c.transactions++;
    }
    chunks.push(lines.join('\n') + '\n');
  }
  return { chunks, counts: { ...c, events: c.inserts + c.updates + c.deletes + 2 * c.pkChanges } };
}

// ---- main ------------------------------------------------------------------------------------------
async function main() {
  const o = parseOptions(process.argv.slice(2));
  const usePg = o.only !== 'my';
  const useMy = o.only !== 'pg';
  const log = (m) => (o.json ? process.stderr : process.stdout).write(m + '\n');
  if (o.setup) {
    const ddl = [...(usePg ? [[PG, 'db/postgres.ddl']] : []), ...(useMy ? [[MY, 'db/mariadb.ddl']] : [])];
    for (const [db, file] of ddl) await runScript(db, [readFileSync(join(HERE, file), 'utf8')], 0);
    log(`workload: tables created (${ddl.map(([, f]) => f).join(', ')})`);
  }
  // Where the previous runs stopped: new ids above theirs, new event times at least one window later.
  const missing = 'does not exist; create the tables first (--setup, or db/*.ddl)';
  let pgMaxId = 0, pgMaxAt = 0, myMaxId = 0, myMaxAt = 0;
  if (usePg) {
    const [r] = query(PG, `SELECT to_regclass('public.orders') IS NOT NULL`);
    if (r?.[0] !== 't') throw new Error(`PostgreSQL table public.orders ${missing}`);
    const [m] = query(PG, `SELECT coalesce(max(id), 0), coalesce(floor(extract(epoch FROM max(created_at)) * 1000), 0) FROM orders`);
    [pgMaxId, pgMaxAt] = m.map(Number);
  }
  if (useMy) {
    const [r] = query(MY, `SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = 'payments'`);
    if (r?.[0] !== '1') throw new Error(`MariaDB table payments ${missing}`);
    const [m] = query(MY, `SELECT COALESCE(MAX(id), 0), COALESCE(FLOOR(TIMESTAMPDIFF(MICROSECOND, '1970-01-01', MAX(paid_at)) / 1000), 0) FROM payments`);
    [myMaxId, myMaxAt] = m.map(Number);
  }
  const after = Math.max(Date.now(), pgMaxAt > 0 ? pgMaxAt + WINDOW : 0, myMaxAt > 0 ? myMaxAt + WINDOW : 0);
  const t0 = Math.ceil((after + 1) / WINDOW) * WINDOW;
  const t1 = t0 + o.minutes * MINUTE;
  const rnd = mulberry32(o.seed);
  const pg = ordersScript(o, rnd, t0, pgMaxId + 1);
  const my = paymentsScript(o, mulberry32(o.seed ^ 0x5eed), t0, myMaxId + 1, pg.lastId);
  const mark = (phase, events) =>
    `INSERT INTO workload_runs (run_id, phase, events) VALUES ('${o.runId}', '${phase}', ${events});\n`;
  const pgChunks = [`SET synchronous_commit = off;\n`, ...pg.chunks, mark('done', pg.counts.events)];
  const myChunks = [...my.chunks, mark('done', my.counts.events)];
  log(`workload ${o.runId}: seed ${o.seed}, event time ${new Date(t0).toISOString()} .. ${new Date(t1).toISOString()} (${o.minutes} min)` +
    (o.pace > 0 ? `, one event-minute every ${o.pace} ms` : ''));
  const started = Date.now();
  await Promise.all([
    usePg ? runScript(PG, pgChunks, o.pace) : Promise.resolve(),
    useMy ? runScript(MY, myChunks, o.pace) : Promise.resolve(),
  ]);
  const summary = {
    runId: o.runId, seed: o.seed, startMs: t0, endMs: t1, start: new Date(t0).toISOString(), end: new Date(t1).toISOString(),
    seconds: (Date.now() - started) / 1000,
    ...(usePg ? { postgres: { table: 'public.orders', topic: 'shop_pg.public.orders', ...pg.counts } } : {}),
    ...(useMy ? { mariadb: { table: 'shop.payments', topic: 'shop_my.shop.payments', ...my.counts } } : {}),
  };
  if (o.json) process.stdout.write(JSON.stringify(summary) + '\n');
  else {
    for (const k of ['postgres', 'mariadb']) {
      const s = summary[k];
      if (s) log(`  ${s.table}: ${s.inserts} inserts, ${s.updates} updated rows, ${s.deletes} deletes, ${s.pkChanges} key changes, ` +
        `${s.transactions} multi-row transactions -> ${s.events} change events on ${s.topic}`);
    }
    log(`  done in ${summary.seconds.toFixed(1)} s; sentinel: workload_runs (run_id '${o.runId}', phase 'done')`);
  }
}

main().catch((e) => {
  console.error(`workload: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
