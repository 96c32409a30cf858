// The seeded example/benchmark generator: deterministic output, the c/u/d/r mix with PostgreSQL
// DEFAULT replica identity images and tombstones, event time that a 5 s watermark never finds
// late (unless late events are asked for), realistic sizes, and page-view bursts for sessions.
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decimalBase64, generateOrders, generatePageViews, writeLines } from '../../examples/ecommerce/generate.js';

const START = Date.UTC(2026, 10, 1);
const base = { events: 20_000, customers: 300, seed: 9, schemaBlock: false, startMs: START, spanMs: 3_600_000, outOfOrderMs: 4_000 };

interface Env {
  op: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  source: { ts_ms: number; snapshot: string; table: string };
}

describe('generateOrders', () => {
  it('is deterministic per seed', () => {
    const a = [...generateOrders({ ...base, events: 500 })];
    expect([...generateOrders({ ...base, events: 500 })]).toEqual(a);
    expect([...generateOrders({ ...base, events: 500, seed: 10 })]).not.toEqual(a);
  });

  it('mixes snapshot reads, inserts, updates and deletes like PostgreSQL with DEFAULT replica identity', () => {
    const lines = [...generateOrders(base)];
    const ops: Record<string, number> = {};
    let tombstones = 0;
    let fullBefore = 0;
    let nullBefore = 0;
    const live = new Map<number, Record<string, unknown>>();
    let prev: Env | null = null;
    for (const l of lines) {
      if (l === 'null') {
        expect(prev?.op).toBe('d'); // a tombstone follows its delete
        tombstones++;
        prev = null;
        continue;
      }
      const e = JSON.parse(l) as Env;
      ops[e.op] = (ops[e.op] ?? 0) + 1;
      const id = (e.after ?? e.before)!['id'] as number;
      if (e.op === 'c' || e.op === 'r') {
        expect(live.has(id)).toBe(false);
        live.set(id, e.after!);
      } else if (e.op === 'u') {
        expect(live.has(id)).toBe(true);
        if (e.before === null) nullBefore++;
        else {
          fullBefore++;
          expect(e.before).toEqual(live.get(id));
        }
        expect(e.after!['created_at']).toBe(live.get(id)!['created_at']);
        live.set(id, e.after!);
      } else {
        expect(e.op).toBe('d');
        expect(e.before).toEqual({ id });
        expect(e.after).toBeNull();
        live.delete(id);
      }
      expect(e.source.table).toBe('orders');
      prev = e;
    }
    expect(ops['r']).toBe(50);
    expect(ops['r']! + ops['c']! + ops['u']! + ops['d']!).toBe(base.events);
    expect(ops['c']! / base.events).toBeCloseTo(0.7, 1);
    expect(ops['u']! / base.events).toBeCloseTo(0.25, 1);
    expect(ops['d']! / base.events).toBeCloseTo(0.05, 1);
    expect(tombstones / ops['d']!).toBeCloseTo(0.5, 1);
    expect(fullBefore / (fullBefore + nullBefore)).toBeCloseTo(0.5, 1);
    const statuses = new Set([...live.values()].map((r) => r['status']));
    expect([...statuses].sort()).toEqual(['cancelled', 'paid', 'pending', 'shipped']);
  });

  const lateness = (lateFraction: number) => {
    let max = -Infinity;
    let late = 0;
    const created = new Map<number, number>();
    for (const l of generateOrders({ ...base, lateFraction })) {
      if (l === 'null') continue;
      const e = JSON.parse(l) as Env;
      const id = (e.after ?? e.before)!['id'] as number;
      const watermark = max - 5_000;
      // every row time the event touches: the stored row it retracts and the row it inserts
      const times: number[] = [];
      if (created.has(id) && e.op !== 'c') times.push(created.get(id)!);
      if (e.after) times.push(e.after['created_at'] as number);
      if (times.some((t) => t < watermark)) late++;
      if (e.after) created.set(id, e.after['created_at'] as number);
      for (const t of times) max = Math.max(max, t);
      expect(e.source.ts_ms).toBeGreaterThanOrEqual(START - 60_000 * 20);
    }
    return late;
  };

  it('keeps event time within outOfOrderMs, so a 5 s watermark finds nothing late', () => {
    expect(lateness(0)).toBe(0);
  });

  it('adds the requested share of very late inserts', () => {
    const late = lateness(0.01);
    expect(late).toBeGreaterThan(100);
    expect(late).toBeLessThan(220);
  });

  it('moves event time forward over spanMs', () => {
    const lines = [...generateOrders(base)].filter((l) => l !== 'null');
    const last = JSON.parse(lines[lines.length - 1]!) as Env;
    expect(last.source.ts_ms).toBeGreaterThan(START + base.spanMs - 10_000);
    expect(last.source.ts_ms).toBeLessThanOrEqual(START + base.spanMs + 1_000);
  });

  it('writes realistic sizes: ~550 bytes plain, ~3 KB with the schema block', () => {
    const avg = (schemaBlock: boolean) => {
      const ls = [...generateOrders({ ...base, events: 2000, schemaBlock })].filter((l) => l !== 'null');
      return ls.reduce((s, l) => s + l.length, 0) / ls.length;
    };
    expect(avg(false)).toBeGreaterThan(480);
    expect(avg(false)).toBeLessThan(650);
    expect(avg(true)).toBeGreaterThan(2800);
    expect(avg(true)).toBeLessThan(3400);
  });

  it('encodes amounts as Connect Decimal base64 with the schema block, as text without it', () => {
    expect(decimalBase64(120000)).toBe('AdTA');
    expect(decimalBase64(-100)).toBe('nA==');
    expect(decimalBase64(128)).toBe('AIA=');
    expect(decimalBase64(0)).toBe('AA==');
    const withSchema = JSON.parse([...generateOrders({ ...base, events: 60, schemaBlock: true })][55]!) as {
      schema: { fields: { field: string; fields?: { field: string; name?: string }[] }[] };
      payload: Env;
    };
    const amount = withSchema.schema.fields[1]!.fields!.find((f) => f.field === 'amount')!;
    expect(amount.name).toBe('org.apache.kafka.connect.data.Decimal');
    expect(withSchema.payload.after!['amount']).toMatch(/^[A-Za-z0-9+/]+=*$/);
    const plain = JSON.parse([...generateOrders({ ...base, events: 60 })][55]!) as Env;
    expect(plain.after!['amount']).toMatch(/^\d+\.\d\d$/);
  });
});

describe('generatePageViews', () => {
  it('emits inserts in per-user bursts separated by gaps longer than 30 minutes', () => {
    const last = new Map<number, number>();
    let gaps = 0;
    let ids = 0;
    for (const l of generatePageViews({ events: 10_000, users: 50, seed: 4, schemaBlock: false, startMs: START, outOfOrderMs: 1_000 })) {
      const e = JSON.parse(l) as Env;
      expect(e.op).toBe('c');
      expect(e.source.table).toBe('page_views');
      const a = e.after!;
      expect(a['id']).toBe(++ids);
      expect(a['url']).toMatch(/^https:\/\/shop\.example\.com\//);
      const u = a['user_id'] as number;
      const t = a['viewed_at'] as number;
      const p = last.get(u);
      if (p !== undefined) {
        const d = t - p;
        expect(d < 95_000 || d > 30 * 60_000).toBe(true);
        if (d > 30 * 60_000) gaps++;
      }
      last.set(u, t);
    }
    expect(gaps).toBeGreaterThan(300);
  });
});

describe('writeLines', () => {
  it('writes newline-terminated lines and reports counts', async () => {
    const dir = join(process.cwd(), 'test/.tmp/generate');
    mkdirSync(dir, { recursive: true });
    const p = join(dir, 'o.jsonl');
    const lines = [...generateOrders({ ...base, events: 3000 })];
    const r = await writeLines(p, lines);
    const text = readFileSync(p, 'utf8');
    expect(text).toBe(lines.join('\n') + '\n');
    expect(r).toEqual({ lines: lines.length, bytes: Buffer.byteLength(text) });
    rmSync(dir, { recursive: true, force: true });
  });
});
