// Streaming records for the golden .slt files: plans the script, feeds Debezium events or compact
// changes into every sink chain (decoder -> normalizer -> watermark -> operators, exactly as the
// runtime does per event), and checks emitted deltas, counters and restarts. Test harness only.
import { formatValue } from '../../engine/core/format-value.js';
import type { Row, Value } from '../../engine/core/value.js';
import { lowerSink } from '../../engine/compile/lower.js';
import type { SinkChain } from '../../engine/compile/lower.js';
import { createDebeziumDecoder } from '../../engine/formats/debezium-json.js';
import type { DecodedEvent, Decoder } from '../../engine/formats/decoded-event.js';
import { END_OF_TIME } from '../../engine/core/time.js';
import type { PlanSet } from '../../sql/index.js';
import type { SourceDef } from '../../catalog/model.js';
import type { DataType } from '../../catalog/types.js';
import type { SltRecord } from './slt-parse.js';

interface SinkState {
  readonly name: string;
  readonly plan: PlanSet['sinks'][number]['plan'];
  chain: SinkChain;
  deltas: { row: Row; weight: number }[];
}

interface SourceStats {
  events: number;
  late: number;
  bad: number;
}

/** Parse one whitespace-separated token of a `changes` line as a value of `type`. */
export function parseToken(tok: string, type: DataType): Value {
  if (tok === 'NULL') return null;
  const unq = tok.startsWith("'") && tok.endsWith("'") ? tok.slice(1, -1) : tok;
  switch (type.kind) {
    case 'bigint':
      return BigInt(unq);
    case 'int':
    case 'double':
      return Number(unq);
    case 'boolean':
      return unq === 'true';
    case 'decimal': {
      const neg = unq.startsWith('-');
      const [i, f = ''] = (neg ? unq.slice(1) : unq).split('.');
      const frac = (f + '0'.repeat(type.scale)).slice(0, type.scale);
      const v = BigInt((i ?? '0') + frac);
      return neg ? -v : v;
    }
    case 'timestamp':
    case 'timestamptz':
      return Date.parse(unq.endsWith('Z') || /[+-]\d\d:\d\d$/.test(unq) ? unq : unq + 'Z') * 1000;
    case 'date':
      return Date.parse(unq + 'T00:00:00Z') / 86_400_000;
    default:
      return unq;
  }
}

function splitTokens(line: string): string[] {
  return line.match(/'[^']*'|\S+/g) ?? [];
}

export class StreamHarness {
  private sinks: SinkState[] = [];
  private decoders = new Map<string, Decoder>();
  private stats = new Map<string, SourceStats>();
  private sources = new Map<string, SourceDef>();

  constructor(private plans: PlanSet) {
    for (const s of plans.sources) this.sources.set(s.name, s);
    this.build(undefined);
  }

  private build(state: Map<string, Record<string, unknown>> | undefined): void {
    const old = new Map(this.sinks.map((s) => [s.name, s.deltas]));
    this.sinks = this.plans.sinks.map((s) => {
      const st: SinkState = { name: s.sink.name, plan: s.plan, chain: undefined as unknown as SinkChain, deltas: old.get(s.sink.name) ?? [] };
      const src = (): SourceStats => this.statsOf(st.chain.source.name);
      st.chain = lowerSink(s.plan, { change: (row, weight) => st.deltas.push({ row, weight }), watermark: () => {} }, { late: () => src().late++ });
      const saved = state?.get(s.sink.name);
      if (saved) {
        st.chain.normalizer.restore(saved[st.chain.normalizer.id]);
        for (const op of st.chain.operators) op.restore(saved[op.id]);
      }
      return st;
    });
    for (const src of this.plans.sources) {
      const used = [...new Set(this.sinks.filter((s) => s.chain.source.name === src.name).flatMap((s) => s.chain.usedColumns))];
      this.decoders.set(src.name, createDebeziumDecoder(src, used.length > 0 ? used : src.columns.map((_, i) => i)));
    }
  }

  private statsOf(source: string): SourceStats {
    let s = this.stats.get(source);
    if (!s) this.stats.set(source, (s = { events: 0, late: 0, bad: 0 }));
    return s;
  }

  private chainsOf(source: string): SinkChain[] {
    return this.sinks.filter((s) => s.chain.source.name === source).map((s) => s.chain);
  }

  private source(name: string): SourceDef {
    const s = this.sources.get(name.toLowerCase());
    if (!s) throw new Error(`unknown source '${name}'`);
    return s;
  }

  /** Feeds one event to every chain of `source`; a dead-letter verdict counts one bad record per event (as the runtime does). */
  private apply(source: string, ev: DecodedEvent): void {
    let bad = false;
    for (const c of this.chainsOf(source)) {
      if (c.normalizer.apply(ev).kind === 'dead-letter') bad = true;
      c.tracker?.flushWatermark();
    }
    if (bad) this.statsOf(source).bad++;
  }

  /** `events <source>`: one Debezium message value per body line. */
  events(source: string, lines: readonly string[]): void {
    const dec = this.decoders.get(this.source(source).name)!;
    const stats = this.statsOf(this.source(source).name);
    for (const line of lines) {
      stats.events++;
      const r = dec.decode(line.trim() === 'null' ? '' : line);
      if (r.kind === 'bad') stats.bad++;
      if (r.kind === 'event') this.apply(this.source(source).name, r);
    }
  }

  /** `changes <source>`: `+1 v1 v2 ...` inserts (op c), `-1 v1 v2 ...` deletes (op d, full before). */
  changes(source: string, lines: readonly string[]): void {
    const def = this.source(source);
    const physical = def.columns.map((c, i) => ({ c, i })).filter((x) => x.c.metadata === undefined);
    const stats = this.statsOf(def.name);
    for (const line of lines) {
      const toks = splitTokens(line.trim());
      const w = Number(toks[0]);
      if (toks.length - 1 !== physical.length) throw new Error(`'${line}': expected ${physical.length} values after the weight`);
      const row: Value[] = new Array<Value>(def.columns.length).fill(null);
      physical.forEach((p, k) => (row[p.i] = parseToken(toks[k + 1]!, p.c.type)));
      stats.events++;
      for (let n = 0; n < Math.abs(w); n++)
        this.apply(def.name, w > 0
          ? { kind: 'event', op: 'c', before: null, after: row, beforeComplete: false }
          : { kind: 'event', op: 'd', before: row, after: null, beforeComplete: true });
    }
  }

  watermark(source: string, ts: string): void {
    const t = parseToken(ts, { kind: 'timestamp', precision: 6 }) as number;
    for (const c of this.chainsOf(this.source(source).name)) (c.tracker ?? c.normalizer).onWatermark(t);
  }

  end(): void {
    for (const s of this.sinks) (s.chain.tracker ?? s.chain.normalizer).onWatermark(END_OF_TIME);
  }

  /** Serialize every chain's state through JSON text and rebuild the chains from it. */
  restart(): void {
    const state = new Map<string, Record<string, unknown>>();
    for (const s of this.sinks) {
      const ops: Record<string, unknown> = { [s.chain.normalizer.id]: s.chain.normalizer.snapshot() };
      for (const op of s.chain.operators) ops[op.id] = op.snapshot();
      state.set(s.name, JSON.parse(JSON.stringify(ops)) as Record<string, unknown>);
    }
    this.build(state);
  }

  /** Deltas emitted by `sink` since the last call, rendered like the expect block (sorted). */
  takeDeltas(sink: string): string[] {
    const s = this.sinks.find((x) => x.name === sink.toLowerCase());
    if (!s) throw new Error(`unknown sink '${sink}'`);
    const fields = s.plan.schema.fields;
    const lines = s.deltas.map(
      (d) => fields.map((f, i) => formatValue(d.row[i] ?? null, f.type)).join(' ') + ` ${d.weight > 0 ? '+' : ''}${d.weight}`,
    );
    s.deltas = [];
    return [fields.map((f) => f.name).join(' ') + ' weight', ...lines.sort()];
  }

  statsText(source: string): string {
    const s = this.statsOf(this.source(source).name);
    const missing = this.chainsOf(this.source(source).name).reduce((n, c) => Math.max(n, c.normalizer.counters.missing_before), 0);
    return `events=${s.events} late=${s.late} bad=${s.bad} missing_before=${missing}`;
  }
}

/** Run one streaming record; returns the actual expected-block lines (or undefined when none). */
export function runStreamRecord(h: StreamHarness, r: SltRecord): string[] | undefined {
  switch (r.kind) {
    case 'events':
      h.events(r.args[0]!, r.body);
      return undefined;
    case 'changes':
      h.changes(r.args[0]!, r.body);
      return undefined;
    case 'watermark':
      h.watermark(r.args[0]!, r.args[1]!);
      return undefined;
    case 'end':
      h.end();
      return undefined;
    case 'restart':
      h.restart();
      return undefined;
    case 'expect':
      return h.takeDeltas(r.args[0]!);
    case 'stats':
      return [h.statsText(r.args[0]!)];
    default:
      throw new Error(`line ${r.line}: unknown record kind '${r.kind}'`);
  }
}
