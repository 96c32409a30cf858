// connector = 'iceberg': buffers a sink's rows and commits them as one Iceberg snapshot per
// barrier, together with the checkpoint (positions + operator state) that makes the commit
// exactly-once: Parquet files, then the checkpoint, then the metadata version (the atomic point).
// Knows nothing about operators or SQL; positions and state arrive as opaque JSON.
import type { SinkDef } from '../../catalog/model.js';
import type { Field, Schema } from '../../catalog/types.js';
import type { ObjectStore } from '../../catalog/store/object-store.js';
import { CommitConflictError, commitAppend, createTable, loadTable } from '../../catalog/iceberg/table.js';
import type { IcebergTable } from '../../catalog/iceberg/table.js';
import type { DataFile } from '../../catalog/iceberg/data-file.js';
import type { CommitRequest, ResumeInfo, SinkWriter } from '../connectors/sink.js';
import { EngineError, withContext } from '../core/errors.js';
import type { Row } from '../core/value.js';
import { pruneCheckpoints, readCheckpoint, writeCheckpoint } from '../state/checkpoint.js';
import { icebergTypeOf, icebergTypeToJson, sameIcebergType } from '../../catalog/iceberg/schema.js';

export const SUMMARY_POSITIONS = 'streamforge.positions';
export const SUMMARY_CHECKPOINT = 'streamforge.checkpoint';
export const SUMMARY_SINK = 'streamforge.sink';
export const SUMMARY_PLAN = 'streamforge.plan';

export interface IcebergSinkOptions {
  readonly name: string;
  readonly store: ObjectStore;
  readonly namespace: string;
  readonly table: string;
  /** Output schema of the sink's query (the `weight` column is added for format 'changelog'). */
  readonly schema: Schema;
  readonly partitionBy: SinkDef['partitionBy'];
  readonly format: SinkDef['format'];
  /** Fingerprint of the plan; a checkpoint of another plan is not restored. */
  readonly planFingerprint: string;
  /** Create the table only when the first rows arrive (dead-letter tables). */
  readonly createLazily?: boolean;
}

function tableSchema(o: IcebergSinkOptions): Schema {
  if (o.format !== 'changelog') return o.schema;
  const weight: Field = { name: 'weight', type: { kind: 'int' }, nullable: false };
  return { fields: [...o.schema.fields, weight] };
}

function schemaMismatch(existing: IcebergTable, wanted: Schema): string | undefined {
  const cols = existing.schema.columns;
  const want = wanted.fields;
  if (cols.length !== want.length) return `the table has ${cols.length} columns, the query produces ${want.length}`;
  for (let i = 0; i < cols.length; i++) {
    const c = cols[i]!;
    const w = want[i]!;
    if (c.name !== w.name) return `column ${i + 1} is '${c.name}' in the table but '${w.name}' in the query`;
    const wt = icebergTypeOf(w.type);
    if (!sameIcebergType(c.type, wt))
      return `column '${c.name}' is ${icebergTypeToJson(c.type)} in the table but ${icebergTypeToJson(wt)} in the query`;
  }
  return undefined;
}

export class IcebergSink implements SinkWriter {
  private table: IcebergTable | undefined;
  private rows: Row[] = [];
  /** Parquet files written ahead of the next commit (to bound memory), and their row count. */
  private staged: DataFile[] = [];
  private stagedRows = 0;
  private lastPositions = '';
  private keepCheckpoint: string | undefined;
  readonly schema: Schema;
  snapshots = 0;
  rowsWritten = 0;
  filesWritten = 0;

  constructor(private readonly o: IcebergSinkOptions) {
    this.schema = tableSchema(o);
  }

  get name(): string {
    return this.o.name;
  }

  get target(): string {
    return this.o.store.uri(`${this.o.namespace}/${this.o.table}`);
  }

  async open(): Promise<ResumeInfo> {
    const { store, namespace, table } = this.o;
    try {
      this.table = await loadTable(store, namespace, table);
      if (!this.table && !this.o.createLazily) await this.create();
    } catch (err) {
      throw withContext('connector', `while opening table '${namespace}.${table}' at ${this.target}`, err);
    }
    if (!this.table) return {};
    const bad = schemaMismatch(this.table, this.schema);
    if (bad)
      throw new EngineError(
        'config',
        `sink '${this.o.name}' writes table '${namespace}.${table}' whose schema differs from its query: ${bad}; ` +
          `write to a new table (WITH table = '...') or drop the old one`,
      );
    const summary = this.table.currentSnapshot?.summary;
    const positionsText = summary?.[SUMMARY_POSITIONS];
    if (!summary || positionsText === undefined) return {};
    const positions = JSON.parse(positionsText) as ResumeInfo['positions'];
    this.lastPositions = positionsText;
    const ckptKey = summary[SUMMARY_CHECKPOINT];
    if (!ckptKey) return { positions };
    if (summary[SUMMARY_PLAN] !== undefined && summary[SUMMARY_PLAN] !== this.o.planFingerprint)
      throw new EngineError(
        'config',
        `the query of sink '${this.o.name}' changed since table '${namespace}.${table}' was last committed; ` +
          `its saved window state does not fit the new query: write to a new table (WITH table = '...') or drop the old one`,
      );
    const ckpt = await readCheckpoint(store, ckptKey);
    this.keepCheckpoint = ckptKey;
    return { positions: ckpt.positions, operators: ckpt.operators };
  }

  private async create(): Promise<IcebergTable> {
    this.table = await createTable(this.o.store, this.o.namespace, this.o.table, this.schema, this.o.partitionBy);
    return this.table;
  }

  write(row: Row, weight: number): void {
    if (this.o.format === 'changelog') {
      this.rows.push([...row, weight]);
      return;
    }
    if (weight < 0)
      throw new EngineError('internal', `append-only sink '${this.o.name}' received a retraction (the planner should have rejected this query)`);
    for (let i = 0; i < weight; i++) this.rows.push(row);
  }

  pending(): number {
    return this.rows.length + this.stagedRows;
  }

  /**
   * Write the buffered rows as Parquet files now (they become part of the next commit), so a long
   * interval between commits does not hold every output row in memory. Files of an interrupted run
   * are never referenced by a snapshot.
   */
  async stage(minRows: number): Promise<void> {
    if (this.rows.length === 0 || this.rows.length < minRows) return;
    const table = this.table ?? (await this.create());
    const rows = this.rows;
    this.rows = [];
    this.staged.push(...(await this.writeFiles(table, rows)));
    this.stagedRows += rows.length;
  }

  private async writeFiles(table: IcebergTable, rows: readonly Row[]): Promise<DataFile[]> {
    // Loaded on first use: the Parquet stack (Arrow + WASM) costs ~0.3 s to load.
    return (await import('./data-file-writer.js')).writeDataFiles(this.o.store, table, rows);
  }

  async commit(req: CommitRequest): Promise<boolean> {
    const positionsText = JSON.stringify(req.positions);
    const pending = this.pending();
    if (pending === 0 && positionsText === this.lastPositions) return false;
    if (pending === 0 && !this.table && this.o.createLazily) return false;
    const table = this.table ?? (await this.create());
    const rows = this.rows;
    try {
      const files = [...this.staged, ...(rows.length > 0 ? await this.writeFiles(table, rows) : [])];
      const ckptKey = await writeCheckpoint(this.o.store, table.keyPrefix, {
        version: 1,
        sink: this.o.name,
        planFingerprint: this.o.planFingerprint,
        positions: req.positions,
        operators: req.operators,
      });
      this.table = await commitAppend(table, files, {
        [SUMMARY_POSITIONS]: positionsText,
        [SUMMARY_CHECKPOINT]: ckptKey,
        [SUMMARY_SINK]: this.o.name,
        [SUMMARY_PLAN]: this.o.planFingerprint,
        'engine-name': 'streamforge',
      });
      const keep = [ckptKey, ...(this.keepCheckpoint ? [this.keepCheckpoint] : [])];
      this.keepCheckpoint = ckptKey;
      await pruneCheckpoints(this.o.store, table.keyPrefix, keep);
      this.rows = [];
      this.staged = [];
      this.stagedRows = 0;
      this.lastPositions = positionsText;
      this.snapshots++;
      this.rowsWritten += pending;
      this.filesWritten += files.length;
      return true;
    } catch (err) {
      if (err instanceof CommitConflictError)
        throw new EngineError(
          'exec',
          `another writer committed to table '${table.qualifiedName}' (version ${table.version + 1}) while sink '${this.o.name}' ` +
            `was committing; nothing of this commit was kept. Restart to resume from the newest commit; ` +
            `run one engine per table`,
          { cause: err },
        );
      throw withContext('connector', `while committing snapshot ${table.snapshots.length + 1} of table '${table.qualifiedName}'`, err);
    }
  }

  async close(): Promise<void> {}
}
