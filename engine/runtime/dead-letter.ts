// Dead-letter table of one source (`default.<source>_dead_letter`): bad records and late changes
// with reason, message, raw text and position. Exactly-once like a sink: it skips records its
// last commit already covers, and commits before the sinks do. Pipelines that read a source of
// the same name share its table: each keeps its positions there under its own key (the tables it
// writes), so one never skips the other's records. No decoding or SQL here.
import type { Schema } from '../../catalog/types.js';
import type { SinkWriter } from '../connectors/sink.js';
import type { Positions } from '../connectors/source.js';

export const DEAD_LETTER_SCHEMA: Schema = {
  fields: [
    { name: 'source', type: { kind: 'varchar' }, nullable: false },
    { name: 'reason', type: { kind: 'varchar' }, nullable: false },
    { name: 'message', type: { kind: 'varchar' }, nullable: true },
    { name: 'raw', type: { kind: 'varchar' }, nullable: true },
    { name: 'position', type: { kind: 'varchar' }, nullable: false },
  ],
};

export const DEAD_LETTER_NAMESPACE = 'default';

export function deadLetterTableName(source: string): string {
  return `${source}_dead_letter`;
}

export interface DeadLetterRecord {
  readonly reason: string;
  readonly message: string;
  readonly raw: string;
  readonly position: string;
}

export class DeadLetterWriter {
  private resume: Positions = {};
  rowsWritten = 0;

  /** The key of this pipeline's positions in the table's summary. */
  private readonly key: string;

  constructor(
    private readonly source: string,
    /** Which pipeline reads the source: the tables (or console sinks) it feeds, sorted. */
    reader: string,
    private readonly sink: SinkWriter,
  ) {
    this.key = `${source}@${reader}`;
  }

  get target(): string {
    return this.sink.target;
  }

  async open(): Promise<void> {
    const r = await this.sink.open();
    const all = r.positions ?? {};
    // a table written before positions were kept per pipeline has the source's name as its key
    const keyed = Object.keys(all).some((k) => k.startsWith(`${this.source}@`));
    this.resume = all[this.key] ?? (keyed ? {} : (all[this.source] ?? {}));
  }

  /** Record index below which this table already holds the dead letters of `split`. */
  resumeIndex(split: string): number {
    return this.resume[split] ?? 0;
  }

  add(split: string, index: number, r: DeadLetterRecord): void {
    if (index < this.resumeIndex(split)) return;
    this.sink.write([this.source, r.reason, r.message, r.raw, r.position], 1);
  }

  pending(): number {
    return this.sink.pending();
  }

  /** Commit buffered dead letters with the source positions they cover (no-op when none). */
  async commit(positions: Readonly<Record<string, Positions>>, final: boolean): Promise<void> {
    const n = this.sink.pending();
    if (n === 0) return;
    const mine = positions[this.source];
    if (await this.sink.commit({ positions: mine === undefined ? {} : { [this.key]: mine }, operators: {}, final })) this.rowsWritten += n;
  }
}
