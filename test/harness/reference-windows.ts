// A deliberately naive, from-scratch reference for the windowed pipeline
// (changelog normalization -> watermark -> optional filter -> TUMBLE/HOP/SESSION aggregate),
// used by the oracle test. It keeps plain arrays, the full list of accepted changes, decides
// lateness itself from the SPEC wording, and after every event (windows are emitted only after the
// whole event, also when the event changed something without moving the watermark) recomputes
// the windows that close from the integrated accepted input. Nothing here is fast or clever on purpose.
import type { DataType } from '../../catalog/types.js';
import type { Row, Value } from '../../engine/core/value.js';
import { compareValues, tupleKey, valueKey } from '../../engine/core/value.js';
import type { DecodedEvent } from '../../engine/formats/decoded-event.js';
import type { AggregateSpec } from '../../engine/ops/accumulators.js';

export type RefWindow =
  | { readonly kind: 'tumble'; readonly size: number }
  | { readonly kind: 'hop'; readonly slide: number; readonly size: number }
  | { readonly kind: 'session'; readonly gap: number };

export interface RefQuery {
  readonly source: {
    readonly columns: number;
    readonly primaryKey: readonly number[];
    readonly changelog: 'retract' | 'append';
    readonly metadataColumns: readonly number[];
  };
  readonly timeColumn: number;
  readonly delay: number;
  readonly filter?: (row: Row) => Value;
  readonly window: RefWindow;
  readonly groupKeys: readonly ((row: Row) => Value)[];
  readonly aggregates: readonly AggregateSpec[];
}

const same = (a: Value, b: Value): boolean => a === b || valueKey(a) === valueKey(b);

// ---------------------------------------------------------------- aggregates, from scratch

function effective(spec: AggregateSpec, row: Row): Value {
  if (spec.filter !== undefined && spec.filter(row) !== true) return null;
  if (spec.fn === 'count_star') return true;
  return spec.arg!(row);
}

/** Weighted values per distinct value, keeping only values whose total weight is positive. */
function positiveValues(items: readonly [Value, number][]): Value[] {
  const m = new Map<string, [Value, number]>();
  for (const [v, w] of items) {
    const k = valueKey(v);
    const e = m.get(k);
    if (e) e[1] += w;
    else m.set(k, [v, w]);
  }
  return [...m.values()].filter((e) => e[1] > 0).map((e) => e[0]);
}

function toExact(v: Value, t: DataType): bigint {
  if (typeof v === 'bigint') return v;
  if (t.kind === 'double') {
    const q = (v as number) * 4; // the oracle only generates multiples of 0.25
    if (!Number.isInteger(q)) throw new Error(`reference: non-quarter double ${String(v)}`);
    return BigInt(q);
  }
  return BigInt(v as number);
}

function exactScale(t: DataType): number {
  return t.kind === 'decimal' ? 10 ** t.scale : t.kind === 'double' ? 4 : 1;
}

export function referenceAggregate(spec: AggregateSpec, rows: readonly [Row, number][]): Value {
  const items: [Value, number][] = [];
  for (const [row, w] of rows) {
    const v = effective(spec, row);
    if (v !== null) items.push([v, w]);
  }
  let n = 0;
  for (const [, w] of items) n += w;
  const argType = spec.argType!;
  switch (spec.fn) {
    case 'count_star':
    case 'count':
      return BigInt(n);
    case 'count_distinct':
      return BigInt(positiveValues(items).length);
    case 'min':
    case 'max': {
      const vals = positiveValues(items).sort(compareValues);
      if (vals.length === 0) return null;
      return spec.fn === 'min' ? vals[0]! : vals[vals.length - 1]!;
    }
    case 'sum':
    case 'avg': {
      if (n <= 0) return null;
      if (argType.kind === 'double') {
        let s = 0;
        for (const [v, w] of items) s += (v as number) * w;
        return spec.fn === 'avg' ? s / n : s;
      }
      let s = 0n;
      for (const [v, w] of items) s += toExact(v, argType) * BigInt(w);
      if (spec.fn === 'avg') return Number(s) / (exactScale(argType) * n);
      if (spec.resultType.kind === 'double') return Number(s) / exactScale(argType);
      return s;
    }
    case 'var_pop':
    case 'var_samp':
    case 'stddev_pop':
    case 'stddev_samp': {
      const samp = spec.fn.endsWith('samp');
      if (samp ? n < 2 : n <= 0) return null;
      // Σ w·(n·x − S)² = n·(n·Q − S²), all exact
      let S = 0n;
      for (const [v, w] of items) S += toExact(v, argType) * BigInt(w);
      let num = 0n;
      const bn = BigInt(n);
      for (const [v, w] of items) {
        const d = bn * toExact(v, argType) - S;
        num += d * d * BigInt(w);
      }
      const sc = exactScale(argType);
      const variance = Math.max(0, Number(num)) / (n * n * (samp ? n - 1 : n) * sc * sc);
      return spec.fn.startsWith('var') ? variance : Math.sqrt(variance);
    }
  }
}

// ---------------------------------------------------------------- the pipeline

interface Accepted {
  readonly row: Row;
  readonly w: number;
  readonly start: number; // window start (TUMBLE/HOP) or event time (SESSION)
  readonly group: string;
  readonly proj: string; // SESSION: time + aggregate inputs
  done: boolean; // SESSION: its session was emitted
}

export class ReferencePipeline {
  readonly output: Row[] = [];
  late = 0;
  deadLetters = 0;
  missingBefore = 0;
  truncates = 0;
  private table: Value[][] = []; // PRIMARY KEY: one row per key; else the live rows, oldest first
  private maxTime = Number.NEGATIVE_INFINITY;
  private forwarded = Number.NEGATIVE_INFINITY; // last watermark the source forwarded
  private W = Number.NEGATIVE_INFINITY; // the aggregate's watermark
  private lastFinite = Number.NEGATIVE_INFINITY;
  private maxClosed = Number.NEGATIVE_INFINITY;
  private readonly accepted: Accepted[] = [];
  private readonly closedWindows = new Set<number>();
  private readonly emittedEnd = new Map<string, number>();

  constructor(private readonly q: RefQuery) {}

  // --- normalization, straight from the SPEC text
  private keyEq(a: Row, b: Row): boolean {
    return this.q.source.primaryKey.every((c) => same(a[c] ?? null, b[c] ?? null));
  }
  private physEq(a: Row, b: Row): boolean {
    for (let c = 0; c < this.q.source.columns; c++)
      if (!this.q.source.metadataColumns.includes(c) && !same(a[c] ?? null, b[c] ?? null)) return false;
    return true;
  }

  private normalize(ev: DecodedEvent): [Row, number][] | 'dead' {
    const { before, after } = ev;
    const out: [Row, number][] = [];
    const src = this.q.source;
    if (src.changelog === 'append') {
      if (ev.op === 't') {
        this.truncates++;
        return out;
      }
      const img = ev.op === 'd' ? before : after;
      if (img === null) return 'dead';
      return [[img, 1]];
    }
    if (ev.op === 't') {
      this.truncates++;
      for (const r of this.table) out.push([r, -1]);
      this.table = [];
      return out;
    }
    if ((ev.op === 'c' || ev.op === 'r' || ev.op === 'u') && after === null) return 'dead';
    if (ev.op === 'd' && before === null) return 'dead';
    if (src.primaryKey.length === 0) {
      if (ev.op === 'c' || ev.op === 'r') {
        this.table.push(after!);
        return [[after!, 1]];
      }
      if (before === null || !ev.beforeComplete) return 'dead';
      const i = this.table.findIndex((r) => this.physEq(r, before));
      if (i >= 0) out.push([this.table.splice(i, 1)[0]!, -1]);
      else out.push([before, -1]);
      if (ev.op === 'u') {
        out.push([after!, 1]);
        this.table.push(after!);
      }
      return out;
    }
    if (ev.op === 'c' || ev.op === 'r') {
      const i = this.table.findIndex((r) => this.keyEq(r, after!));
      if (i >= 0) {
        out.push([this.table[i]!, -1]);
        this.table[i] = after!;
      } else this.table.push(after!);
      out.push([after!, 1]);
      return out;
    }
    const hasKey = before !== null && src.primaryKey.every((c) => (before[c] ?? null) !== null);
    const old = ev.op === 'u' ? (hasKey ? before : after!) : before!;
    const i = this.table.findIndex((r) => this.keyEq(r, old));
    if (i >= 0) out.push([this.table[i]!, -1]);
    else if (before !== null && ev.beforeComplete) out.push([before, -1]);
    else this.missingBefore++;
    if (ev.op === 'd') {
      if (i >= 0) this.table.splice(i, 1);
      return out;
    }
    if (!this.keyEq(old, after!)) {
      if (i >= 0) this.table.splice(i, 1);
      const j = this.table.findIndex((r) => this.keyEq(r, after!));
      if (j >= 0) {
        out.push([this.table[j]!, -1]);
        this.table[j] = after!;
      } else this.table.push(after!);
    } else if (i >= 0) this.table[i] = after!;
    else this.table.push(after!);
    out.push([after!, 1]);
    return out;
  }

  // --- one event through the whole pipeline
  event(ev: DecodedEvent): void {
    const changes = this.normalize(ev);
    if (changes === 'dead') {
      this.deadLetters++;
      return;
    }
    for (const [row, w] of changes) {
      const t = row[this.q.timeColumn];
      if (typeof t === 'number' && t > this.maxTime) this.maxTime = t;
      if (this.q.filter !== undefined && this.q.filter(row) !== true) continue;
      this.offer(row, w);
    }
    const wm = this.maxTime === Number.NEGATIVE_INFINITY ? this.maxTime : this.maxTime - this.q.delay;
    if (wm > this.forwarded) {
      this.forwarded = wm;
      this.step(wm);
    } else if (changes.length > 0 && this.forwarded !== Number.NEGATIVE_INFINITY) {
      // the watermark did not move, but this event's changes may have made a session closable
      this.step(this.forwarded);
    }
  }

  /** End of a bounded run: the watermark becomes +Infinity. */
  end(): void {
    this.forwarded = Number.POSITIVE_INFINITY;
    this.step(Number.POSITIVE_INFINITY);
  }

  /**
   * A new run over appended input after a checkpoint taken at end of input (the documented rule):
   * SESSION resumes from the data watermark (per-key emitted ends keep emitted sessions final);
   * TUMBLE/HOP from max(data watermark, largest window_end closed).
   */
  restartAfterEnd(): void {
    this.W = this.q.window.kind === 'session' ? this.lastFinite : Math.max(this.lastFinite, this.maxClosed);
    this.forwarded = this.maxTime === Number.NEGATIVE_INFINITY ? this.maxTime : this.maxTime - this.q.delay;
  }

  private groupOf(row: Row): string {
    return tupleKey(this.q.groupKeys.map((f) => f(row)));
  }

  private windowsOf(t: number): number[] {
    const win = this.q.window;
    if (win.kind === 'session') return [];
    const slide = win.kind === 'tumble' ? win.size : win.slide;
    const starts: number[] = [];
    for (let k = Math.floor((t - win.size) / slide) - 1; k * slide <= t; k++)
      if (k * slide <= t && t < k * slide + win.size) starts.push(k * slide);
    return starts;
  }

  private offer(row: Row, w: number): void {
    const t = row[this.q.timeColumn];
    if (typeof t !== 'number') return;
    const group = this.groupOf(row);
    const win = this.q.window;
    if (win.kind !== 'session') {
      let late = false;
      for (const start of this.windowsOf(t)) {
        if (this.W < start + win.size) this.accepted.push({ row, w, start, group, proj: '', done: false });
        else late = true;
      }
      if (late) this.late++;
      return;
    }
    const proj = tupleKey([t, ...this.q.aggregates.map((a) => effective(a, row))]);
    const gap = win.gap;
    if (w > 0) {
      const emitted = this.emittedEnd.get(group) ?? Number.NEGATIVE_INFINITY;
      const joins = this.sessions(group).some((s) => t < s.last + gap && s.first < t + gap);
      if (t < emitted || (!joins && t + gap <= this.W)) {
        this.late++;
        return;
      }
    } else {
      const pendingWeight = this.pending(group)
        .filter((a) => a.proj === proj)
        .reduce((s, a) => s + a.w, 0);
      if (pendingWeight + w < 0) {
        this.late++;
        return;
      }
    }
    this.accepted.push({ row, w, start: t, group, proj, done: false });
  }

  private pending(group: string): Accepted[] {
    return this.accepted.filter((a) => a.group === group && !a.done);
  }

  /** Pending sessions of a group, derived from the live pending rows. */
  private sessions(group: string): { first: number; last: number }[] {
    const byProj = new Map<string, number>();
    const timeOf = new Map<string, number>();
    for (const a of this.pending(group)) {
      byProj.set(a.proj, (byProj.get(a.proj) ?? 0) + a.w);
      timeOf.set(a.proj, a.start);
    }
    const times = [...byProj].filter(([, w]) => w > 0).map(([p]) => timeOf.get(p)!).sort((x, y) => x - y);
    const out: { first: number; last: number }[] = [];
    for (const t of times) {
      const cur = out[out.length - 1];
      if (cur !== undefined && t - cur.last < (this.q.window as { gap: number }).gap) cur.last = t;
      else out.push({ first: t, last: t });
    }
    return out;
  }

  private row(keyRow: Row, start: number, end: number, rows: [Row, number][]): Row {
    return [...this.q.groupKeys.map((f) => f(keyRow)), start, end, ...this.q.aggregates.map((a) => referenceAggregate(a, rows))];
  }

  /** A watermark call: recompute, from the accepted changes, every window it closes. */
  private step(t: number): void {
    if (t > this.W) this.W = t;
    if (t !== Number.POSITIVE_INFINITY && t > this.lastFinite) this.lastFinite = t;
    const win = this.q.window;
    if (win.kind === 'session') {
      const groups = [...new Set(this.accepted.map((a) => a.group))];
      for (const g of groups) {
        for (const s of this.sessions(g)) {
          const end = s.last + win.gap;
          if (end > this.W) continue;
          const members = this.pending(g).filter((a) => a.start >= s.first && a.start <= s.last);
          const integrated = members.map((a): [Row, number] => [a.row, a.w]);
          this.output.push(this.row(members[0]!.row, s.first, end, integrated));
          for (const a of members) a.done = true;
          this.emittedEnd.set(g, end);
          if (end > this.maxClosed) this.maxClosed = end;
        }
      }
      return;
    }
    const starts = [...new Set(this.accepted.map((a) => a.start))]
      .filter((s) => !this.closedWindows.has(s) && s + win.size <= this.W)
      .sort((a, b) => a - b);
    for (const start of starts) {
      this.closedWindows.add(start);
      const end = start + win.size;
      if (end > this.maxClosed) this.maxClosed = end;
      const inWindow = this.accepted.filter((a) => a.start === start);
      for (const g of [...new Set(inWindow.map((a) => a.group))]) {
        // integrate: net weight per distinct row
        const net = new Map<string, [Row, number]>();
        for (const a of inWindow) {
          if (a.group !== g) continue;
          const k = tupleKey(a.row);
          const e = net.get(k);
          if (e) e[1] += a.w;
          else net.set(k, [a.row, a.w]);
        }
        const rows = [...net.values()].filter((e) => e[1] !== 0);
        if (rows.reduce((s, e) => s + e[1], 0) <= 0) continue;
        this.output.push(this.row(rows[0]![0], start, end, rows));
      }
    }
  }
}
