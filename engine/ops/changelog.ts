// ChangelogNormalizer: turns decoded Debezium events of one source into changes (+1 / -1 rows),
// upsert-normalizing sources with a PRIMARY KEY (the last row per key is kept and retracted on
// the next c/r/u/d of that key, whatever `before` holds) exactly as SPEC "CREATE SOURCE" says.
// All changes of one event are emitted before apply() returns (retractions first, then the
// insert); the caller advances the watermark only between events. Rows handed in are not kept:
// the key store copies them into typed arrays. No I/O, no decoding here.
import type { DecodedEvent } from '../formats/decoded-event.js';
import type { EventTime } from '../core/time.js';
import type { Row, Value } from '../core/value.js';
import { tupleKey } from '../core/value.js';
import type { GroupKey } from '../state/group-key.js';
import { keyOfColumns, singleKey } from '../state/group-key.js';
import type { RowsJson } from '../state/row-codec.js';
import { decodeRows, encodeRows } from '../state/row-codec.js';
import type { RowPages } from '../state/row-store.js';
import { KeyedRows } from './keyed-rows.js';
import type { OperatorContext, Output } from './operator.js';

export interface ChangelogConfig {
  /** Number of declared source columns (row width). */
  readonly columns: number;
  /** PRIMARY KEY column indexes; empty when the source declares none. */
  readonly primaryKey: readonly number[];
  readonly changelog: 'retract' | 'append';
  /**
   * METADATA column indexes (filled from the envelope, so they differ between the event that
   * inserted a row and the one that retracts it). Without a PRIMARY KEY, u/d find the live row
   * to retract by the other columns. Default: none.
   */
  readonly metadataColumns?: readonly number[];
}

export type NormalizeVerdict =
  | { readonly kind: 'ok' }
  | { readonly kind: 'dead-letter'; readonly reason: 'missing-image'; readonly message: string };

export interface ChangelogCounters {
  /** u/d events whose retraction was skipped: no stored row for the key and no complete before. */
  missing_before: number;
  /** t events (retract mode: every row retracted; append mode: skipped). */
  truncates: number;
}

type Snapshot =
  /** RowPages since the store's pages are checkpointed as they are; packed rows before. */
  | { readonly mode: 'keyed'; readonly rows: RowsJson | RowPages }
  | { readonly mode: 'multiset'; readonly rows: RowsJson }
  | { readonly mode: 'append' };

const OK: NormalizeVerdict = { kind: 'ok' };

function deadLetter(message: string): NormalizeVerdict {
  return { kind: 'dead-letter', reason: 'missing-image', message };
}

export class ChangelogNormalizer {
  readonly name = 'ChangelogNormalizer';
  readonly counters: ChangelogCounters = { missing_before: 0, truncates: 0 };
  private readonly mode: 'keyed' | 'multiset' | 'append';
  /** keyed: primary key -> last row (first-insert order). */
  private readonly byKey: KeyedRows;
  /** keyed with one key column: its index (the key needs no intermediate array), else -1. */
  private readonly keyCol: number;
  /** multiset: key of the non-metadata columns -> live rows with those values (oldest first). */
  private readonly live = new Map<string, Row[]>();
  private readonly physical: number[];
  private readonly physBuf: Value[];

  constructor(
    readonly id: string,
    private readonly out: Output,
    _ctx: OperatorContext,
    private readonly config: ChangelogConfig,
  ) {
    this.mode = config.changelog === 'append' ? 'append' : config.primaryKey.length > 0 ? 'keyed' : 'multiset';
    const meta = new Set(config.metadataColumns ?? []);
    this.physical = [];
    for (let c = 0; c < config.columns; c++) if (!meta.has(c)) this.physical.push(c);
    this.physBuf = new Array<Value>(this.physical.length);
    this.byKey = new KeyedRows(this.mode === 'keyed' ? config.columns : 0);
    this.keyCol = config.primaryKey.length === 1 ? config.primaryKey[0]! : -1;
  }

  describe(): Readonly<Record<string, string>> {
    return {
      changelog: this.config.changelog,
      key: this.config.primaryKey.length > 0 ? this.config.primaryKey.map((i) => `@${i}`).join(',') : 'none',
    };
  }

  /** Rows currently held (keyed: keys; multiset: live rows; append: 0). */
  get size(): number {
    if (this.mode === 'keyed') return this.byKey.size;
    let n = 0;
    for (const rows of this.live.values()) n += rows.length;
    return n;
  }

  /** Normalize one event; its changes are emitted before this returns. */
  apply(ev: DecodedEvent): NormalizeVerdict {
    switch (this.mode) {
      case 'keyed':
        return this.applyKeyed(ev);
      case 'multiset':
        return this.applyMultiset(ev);
      case 'append':
        return this.applyAppend(ev);
    }
  }

  /** Sources have no upstream operator; the watermark passes straight through. */
  onWatermark(time: EventTime): void {
    this.out.watermark(time);
  }

  /** `nums`: the image's numbers (DecodedEvent.afterNums): a safe BIGINT key is its number there. */
  private key(row: Row, nums?: Float64Array | null): GroupKey {
    if (this.keyCol < 0) return keyOfColumns(row, this.config.primaryKey);
    const n = nums != null ? nums[this.keyCol]! : Number.NaN;
    return n === n ? n : singleKey(row[this.keyCol] ?? null);
  }

  private hasKey(row: Row): boolean {
    for (const c of this.config.primaryKey) if ((row[c] ?? null) === null) return false;
    return true;
  }

  private applyKeyed(ev: DecodedEvent): NormalizeVerdict {
    const out = this.out;
    const store = this.byKey;
    const before = ev.before;
    const after = ev.after;
    const nums = ev.afterNums;
    switch (ev.op) {
      case 'c':
      case 'r': {
        if (after === null) return deadLetter(`'${ev.op}' event without an 'after' image`);
        const k = this.key(after, nums);
        const slot = store.slot(k);
        if (slot >= 0) {
          out.change(store.read(slot), -1);
          store.write(slot, after, nums);
        } else store.add(k, after, nums);
        out.change(after, 1);
        return OK;
      }
      case 'u': {
        if (after === null) return deadLetter(`'u' event without an 'after' image`);
        // The old key comes from `before` when it carries the key (a primary key change).
        const kAfter = this.key(after, nums);
        const k = before !== null && this.hasKey(before) ? this.key(before, ev.beforeNums) : kAfter;
        const slot = store.slot(k);
        if (slot >= 0) out.change(store.read(slot), -1);
        else if (before !== null && ev.beforeComplete) out.change(before, -1);
        else this.counters.missing_before++;
        if (k !== kAfter) {
          if (slot >= 0) store.remove(k, slot);
          // Keep "one row per key": a row already stored under the new key is replaced too.
          const other = store.slot(kAfter);
          if (other >= 0) out.change(store.read(other), -1);
          out.change(after, 1);
          store.put(kAfter, after);
          return OK;
        }
        out.change(after, 1);
        if (slot >= 0) store.write(slot, after, nums);
        else store.add(k, after, nums);
        return OK;
      }
      case 'd': {
        if (before === null) return deadLetter(`'d' event without a 'before' image`);
        const k = this.key(before, ev.beforeNums);
        const slot = store.slot(k);
        if (slot >= 0) {
          out.change(store.read(slot), -1);
          store.remove(k, slot);
        } else if (ev.beforeComplete) out.change(before, -1);
        else this.counters.missing_before++;
        return OK;
      }
      case 't': {
        this.counters.truncates++;
        store.forEach((row) => out.change(row, -1));
        store.clear();
        return OK;
      }
    }
  }

  private physKey(row: Row): string {
    const buf = this.physBuf;
    const cols = this.physical;
    for (let i = 0; i < cols.length; i++) buf[i] = row[cols[i]!] ?? null;
    return tupleKey(buf);
  }

  private addLive(row: Row): void {
    const k = this.physKey(row);
    const rows = this.live.get(k);
    if (rows === undefined) this.live.set(k, [row]);
    else rows.push(row);
  }

  /** Retract the live row matching `before` (or `before` itself when none is live). */
  private retractLive(before: Row): void {
    const k = this.physKey(before);
    const rows = this.live.get(k);
    if (rows === undefined) {
      this.out.change(before, -1);
      return;
    }
    const row = rows.shift()!;
    if (rows.length === 0) this.live.delete(k);
    this.out.change(row, -1);
  }

  private applyMultiset(ev: DecodedEvent): NormalizeVerdict {
    const out = this.out;
    const { before, after } = ev;
    switch (ev.op) {
      case 'c':
      case 'r':
        if (after === null) return deadLetter(`'${ev.op}' event without an 'after' image`);
        out.change(after, 1);
        this.addLive(after);
        return OK;
      case 'u':
      case 'd': {
        if (before === null || !ev.beforeComplete)
          return deadLetter(
            `'${ev.op}' event without a complete 'before' image on a source without a PRIMARY KEY: ` +
              'declare a PRIMARY KEY on the source or set REPLICA IDENTITY FULL on the table',
          );
        if (ev.op === 'u' && after === null) return deadLetter(`'u' event without an 'after' image`);
        this.retractLive(before);
        if (ev.op === 'u') {
          out.change(after!, 1);
          this.addLive(after!);
        }
        return OK;
      }
      case 't':
        this.counters.truncates++;
        for (const rows of this.live.values()) for (const row of rows) out.change(row, -1);
        this.live.clear();
        return OK;
    }
  }

  private applyAppend(ev: DecodedEvent): NormalizeVerdict {
    switch (ev.op) {
      case 'c':
      case 'r':
      case 'u':
        if (ev.after === null) return deadLetter(`'${ev.op}' event without an 'after' image`);
        this.out.change(ev.after, 1);
        return OK;
      case 'd':
        if (ev.before === null) return deadLetter(`'d' event without a 'before' image`);
        this.out.change(ev.before, 1);
        return OK;
      case 't':
        this.counters.truncates++;
        return OK;
    }
  }

  /** Key store as its typed-array pages, multiset rows packed by column. Counters are metrics, not state. */
  snapshot(): unknown {
    const width = this.config.columns;
    switch (this.mode) {
      case 'keyed':
        return { mode: 'keyed', rows: this.byKey.checkpointRows() } satisfies Snapshot;
      case 'multiset': {
        const rows: Row[] = [];
        for (const list of this.live.values()) for (const r of list) rows.push(r);
        return { mode: 'multiset', rows: encodeRows(rows, width) } satisfies Snapshot;
      }
      case 'append':
        return { mode: 'append' } satisfies Snapshot;
    }
  }

  restore(state: unknown): void {
    const s = state as Snapshot;
    if (s.mode !== this.mode)
      throw new Error(`internal error: changelog state of mode '${s.mode}' restored into mode '${this.mode}' (this is a bug)`);
    this.byKey.clear();
    this.live.clear();
    if (s.mode === 'append') return;
    if (s.mode === 'keyed') this.byKey.restoreRows(s.rows, (r) => this.key(r));
    else for (const r of decodeRows(s.rows)) this.addLive(r);
  }
}
