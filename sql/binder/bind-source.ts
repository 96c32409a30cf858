// CREATE SOURCE -> SourceDef: columns (unique names, METADATA paths), the PRIMARY KEY (inline
// or table-level, once), the WATERMARK (`col` or `col - INTERVAL ...` on a TIMESTAMP column) and
// the validated WITH options. Reports every problem; returns a SourceDef whenever the column
// list is usable so that readers of the source can still be checked.
import type { SourceColumn, SourceDef } from '../../catalog/model.js';
import type { CreateSource, Expr, Ident } from '../ast.js';
import type { Diagnostics } from '../diagnostic.js';
import { intervalMicros } from '../durations.js';
import type { Span } from '../source.js';
import { didYouMean } from '../suggest.js';
import { isTimestamp, typeToString } from '../types.js';
import type { Env } from './options.js';
import { sourceOptions } from './options.js';

const METADATA_PATHS = ['op', 'ts_ms', 'source.ts_ms', 'transaction.id'];

/** `baseDir` is the directory of the declaring file; `path` options resolve against it. */
export function bindSource(stmt: CreateSource, baseDir: string, env: Env, diags: Diagnostics): SourceDef | undefined {
  const columns: SourceColumn[] = [];
  const index = new Map<string, number>();
  let usable = true;
  for (const c of stmt.columns) {
    if (index.has(c.name.name)) {
      diags.error('duplicate-name', `column '${c.name.name}' is declared twice`, c.name.span);
      usable = false;
      continue;
    }
    if (c.type.type.kind === 'interval') {
      diags.error('type-mismatch', `column '${c.name.name}' cannot have type INTERVAL`, c.type.span);
      usable = false;
    }
    const meta = c.metadata;
    if (meta && !METADATA_PATHS.includes(meta.path) && !/^source\.[A-Za-z0-9_]+$/.test(meta.path)) {
      diags.error('invalid-definition', `unknown metadata path '${meta.path}'`, meta.span, {
        help: [...didYouMean(meta.path, METADATA_PATHS), "paths: 'op', 'ts_ms', 'source.<field>', 'transaction.id'"],
      });
    }
    index.set(c.name.name, columns.length);
    columns.push({ name: c.name.name, type: c.type.type, nullable: !c.notNull, ...(meta ? { metadata: meta.path } : {}) });
  }

  const lookup = (id: Ident, what: string): number | undefined => {
    const i = index.get(id.name);
    if (i === undefined)
      diags.error('unknown-column', `${what} column '${id.name}' is not a column of source '${stmt.name.name}'`, id.span, {
        help: didYouMean(id.name, index.keys()),
      });
    return i;
  };

  // PRIMARY KEY: inline on one column or one table-level clause
  const keyClauses: { columns: Ident[]; span: Span }[] = stmt.primaryKeys.map((p) => ({ columns: [...p.columns], span: p.span }));
  for (const c of stmt.columns) if (c.primaryKey) keyClauses.push({ columns: [c.name], span: c.primaryKey });
  const primaryKey: number[] = [];
  if (keyClauses.length > 1) {
    diags.error('invalid-definition', `source '${stmt.name.name}' declares more than one PRIMARY KEY`, keyClauses[1]!.span, {
      help: ['declare a composite key once: PRIMARY KEY (a, b)'],
    });
  } else if (keyClauses[0]) {
    for (const id of keyClauses[0].columns) {
      const i = lookup(id, 'key');
      if (i === undefined) continue;
      if (primaryKey.includes(i)) diags.error('duplicate-name', `key column '${id.name}' is listed twice`, id.span);
      else if (columns[i]!.metadata !== undefined)
        diags.error('invalid-definition', `metadata column '${id.name}' cannot be part of the PRIMARY KEY`, id.span);
      else primaryKey.push(i);
    }
  }
  for (const k of primaryKey) columns[k] = { ...columns[k]!, nullable: false };

  // WATERMARK FOR col AS col [- INTERVAL ...]
  let watermark: SourceDef['watermark'];
  if (stmt.watermarks.length > 1)
    diags.error('invalid-definition', `source '${stmt.name.name}' declares more than one WATERMARK`, stmt.watermarks[1]!.span);
  const wm = stmt.watermarks[0];
  if (wm) {
    const col = lookup(wm.column, 'watermark');
    if (col !== undefined) {
      const t = columns[col]!.type;
      if (!isTimestamp(t)) {
        diags.error('type-mismatch', `watermark column '${wm.column.name}' must be a TIMESTAMP, found ${typeToString(t)}`, wm.column.span);
      } else {
        const delay = watermarkDelay(wm.expr, wm.column.name, diags);
        if (delay !== undefined) watermark = { column: col, delayMicros: delay };
      }
    }
  }

  const opts = sourceOptions(stmt.name.name, stmt.options, env, diags, stmt.name.span);
  if (!usable) return undefined;
  return {
    kind: 'source',
    name: stmt.name.name,
    columns,
    primaryKey,
    ...(watermark ? { watermark } : {}),
    connector: opts.connector,
    format: opts.format,
    changelog: opts.changelog,
    onError: opts.onError,
    idleTimeoutMs: opts.idleTimeoutMs,
    options: opts.options,
    baseDir,
    span: stmt.span,
  };
}

/** Delay of `col` (0) or `col - INTERVAL '...'`; diagnostics for any other shape. */
function watermarkDelay(e: Expr, column: string, diags: Diagnostics): number | undefined {
  const shape = (): undefined => {
    diags.error('unsupported', `watermark expression must be '${column}' or '${column} - INTERVAL ...'`, e.span, {
      help: [`e.g. WATERMARK FOR ${column} AS ${column} - INTERVAL '5' SECOND`],
    });
    return undefined;
  };
  const isCol = (x: Expr): boolean => x.kind === 'column' && !x.table && x.name.name === column;
  if (isCol(e)) return 0;
  if (e.kind !== 'binary' || e.op !== '-' || !isCol(e.left) || e.right.kind !== 'interval') return shape();
  const r = intervalMicros(e.right.value, e.right.unit);
  if ('error' in r) {
    diags.error(r.error.includes('no fixed length') ? 'unsupported' : 'invalid-literal', r.error, e.right.span);
    return undefined;
  }
  if (r.micros < 0) {
    diags.error('invalid-definition', 'watermark delay must not be negative', e.right.span);
    return undefined;
  }
  return r.micros;
}
