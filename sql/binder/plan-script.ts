// Plans all files of a pipeline as one namespace: sources, views and sinks may be declared in any
// file and in any order (views are bound on first use, cycles are reported). Binds sources,
// then views and sinks, checks append-only sinks, optimizes every plan and returns the PlanSet
// with all diagnostics sorted by file and position. Pure: text and env in, plans out.
import type { SinkDef, SourceDef, ViewDef } from '../../catalog/model.js';
import type { CreateSink, CreateSource, CreateView, Ident, Statement } from '../ast.js';
import type { Diagnostic } from '../diagnostic.js';
import { Diagnostics, sortDiagnostics, spanLocation } from '../diagnostic.js';
import { optimize } from '../optimize.js';
import { parseStatements } from '../parser/statements.js';
import type { LogicalPlan, SinkWrite, SourceScan } from '../plan/logical-plan.js';
import { appendOnly, retractingSource } from '../plan/properties.js';
import type { SourceText } from '../source.js';
import { didYouMean } from '../suggest.js';
import { bindQuery } from './bind-query.js';
import { bindSource } from './bind-source.js';
import type { Env } from './options.js';
import { sinkOptions } from './options.js';
import { parsePartitionBy } from './partition.js';

export interface PlanSet {
  readonly sources: SourceDef[];
  readonly views: { def: ViewDef; plan: LogicalPlan }[];
  readonly sinks: { sink: SinkDef; plan: SinkWrite }[];
}

type Decl =
  | { readonly kind: 'source'; readonly stmt: CreateSource; readonly file: SourceText }
  | { readonly kind: 'view'; readonly stmt: CreateView; readonly file: SourceText }
  | { readonly kind: 'sink'; readonly stmt: CreateSink; readonly file: SourceText };

type ViewState = { readonly state: 'binding' } | { readonly state: 'done'; readonly plan?: LogicalPlan };

export function planScript(
  files: readonly SourceText[],
  opts: { env: Env },
): { plans: PlanSet; diagnostics: Diagnostic[] } {
  const diags = new Diagnostics();
  const textOf = new Map(files.map((f) => [f.path, f.text]));
  const decls = new Map<string, Decl>();
  const ordered: Decl[] = [];
  /** Names declared by statements with errors (already reported): reading them reports nothing more. */
  const broken = new Set<string>();
  for (const file of files) {
    const parsed = parseStatements(file);
    diags.push(...parsed.diagnostics);
    for (const stmt of parsed.statements) register(stmt, file);
    for (const b of parsed.broken) if (b.kind !== 'sink') broken.add(b.name.name);
  }

  function register(stmt: Statement, file: SourceText): void {
    if (stmt.kind === 'prefetch') return; // planned by the PREFETCH issue
    const kind = stmt.kind === 'create-source' ? 'source' : stmt.kind === 'create-view' ? 'view' : 'sink';
    const prev = decls.get(stmt.name.name);
    if (prev) {
      const where = spanLocation(prev.stmt.name.span, textOf.get(prev.stmt.name.span.path) ?? '');
      diags.error('duplicate-name', `'${stmt.name.name}' is already declared`, stmt.name.span, {
        notes: [{ message: `${prev.kind} '${stmt.name.name}' is declared at ${where}`, span: prev.stmt.name.span }],
        help: ['sources, views and sinks share one namespace; rename one of them'],
      });
      return;
    }
    const decl = { kind, stmt, file } as Decl;
    decls.set(stmt.name.name, decl);
    ordered.push(decl);
  }

  const sources = new Map<string, { def: SourceDef; fields: SourceScan['schema'] }>();
  for (const d of ordered) {
    if (d.kind !== 'source') continue;
    const def = bindSource(d.stmt, dirOf(d.file.path), opts.env, diags);
    if (def) sources.set(def.name, { def, fields: { fields: def.columns.map((c) => ({ name: c.name, type: c.type, nullable: c.nullable })) } });
  }

  const views = new Map<string, ViewState>();
  // what a misspelled name may have meant: never a view being bound (reading it would be recursive)
  const readable = (): string[] =>
    ordered.filter((d) => d.kind !== 'sink' && views.get(d.stmt.name.name)?.state !== 'binding').map((d) => d.stmt.name.name);

  function resolve(name: Ident): LogicalPlan | undefined {
    const d = decls.get(name.name);
    if (!d) {
      if (broken.has(name.name)) return undefined; // declared, with errors: reported at the declaration
      diags.error('unknown-table', `source or view '${name.name}' not found`, name.span, { help: didYouMean(name.name, readable()) });
      return undefined;
    }
    if (d.kind === 'sink') {
      diags.error('unknown-table', `'${name.name}' is a sink; sinks cannot be read`, name.span, {
        help: ['read the source or view that the sink writes instead'],
      });
      return undefined;
    }
    if (d.kind === 'source') {
      const s = sources.get(name.name);
      if (!s) return undefined; // its declaration has errors, already reported
      return { kind: 'source-scan', source: s.def, usedColumns: s.def.columns.map((_, i) => i), schema: s.fields, span: name.span };
    }
    return bindView(d, name);
  }

  function bindView(d: Extract<Decl, { kind: 'view' }>, ref?: Ident): LogicalPlan | undefined {
    const st = views.get(d.stmt.name.name);
    if (st?.state === 'done') return st.plan;
    if (st?.state === 'binding') {
      diags.error('recursive-view', `view '${d.stmt.name.name}' depends on itself`, (ref ?? d.stmt.name).span, {
        help: ['a view cannot read from itself, directly or through other views'],
      });
      return undefined;
    }
    views.set(d.stmt.name.name, { state: 'binding' });
    const plan = bindQuery(d.stmt.query, resolve, diags);
    views.set(d.stmt.name.name, { state: 'done', ...(plan ? { plan } : {}) });
    return plan;
  }

  const plans: PlanSet = { sources: [...sources.values()].map((s) => s.def), views: [], sinks: [] };
  for (const d of ordered) {
    if (d.kind === 'view') {
      const plan = bindView(d);
      if (plan)
        plans.views.push({ def: { kind: 'view', name: d.stmt.name.name, schema: plan.schema, span: d.stmt.span }, plan: optimize(plan) });
    } else if (d.kind === 'sink') {
      const write = bindSink(d.stmt, d.file, opts.env, diags, resolve);
      if (write) plans.sinks.push({ sink: write.sink, plan: optimize(write) as SinkWrite });
    }
  }
  return { plans, diagnostics: sortDiagnostics(diags.list, files.map((f) => f.path)) };
}

/** Directory part of a file path ('.' when there is none); string operations only. */
export const dirOf = (path: string): string => {
  const i = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return i < 0 ? '.' : i === 0 ? path.slice(0, 1) : path.slice(0, i);
};

function bindSink(
  stmt: CreateSink,
  file: SourceText,
  env: Env,
  diags: Diagnostics,
  resolve: (name: Ident) => LogicalPlan | undefined,
): SinkWrite | undefined {
  const errors = diags.errorCount;
  const name = stmt.name.name;
  const opts = sinkOptions(name, stmt.options, env, diags);
  const plan = stmt.input.kind === 'from' ? resolve(stmt.input.name) : bindQuery(stmt.input.query, resolve, diags);
  const partitionBy = plan && opts.partitionBy && opts.connector === 'iceberg' ? parsePartitionBy(opts.partitionBy, plan.schema.fields, diags) : [];
  const sink: SinkDef = {
    kind: 'sink',
    name,
    connector: opts.connector,
    ...(opts.warehouse !== undefined ? { warehouse: opts.warehouse } : {}),
    namespace: opts.namespace,
    table: opts.table,
    partitionBy,
    commitIntervalMs: opts.commitIntervalMs,
    format: opts.format,
    options: opts.options,
    baseDir: dirOf(file.path),
    span: stmt.span,
  };
  if (!plan) return undefined;
  if (sink.connector === 'iceberg' && sink.format === 'append' && !appendOnly(plan)) {
    const src = retractingSource(plan);
    diags.error('updating-into-append-only-sink', `sink '${name}' is append-only but its query can retract rows`, stmt.name.span, {
      notes: src ? [`source '${src.source.name}' is read as a table (changelog = 'retract'): its updates and deletes retract rows`] : [],
      help: [
        'aggregate over a window (FROM TUMBLE/HOP/SESSION(...) GROUP BY ..., window_start, window_end): its rows are final',
        `or declare source '${src?.source.name ?? '...'}' WITH (changelog = 'append') to read every change event as a new row`,
        "or declare the sink WITH (format = 'changelog') to write retractions as rows with a weight column",
      ],
    });
  }
  if (diags.errorCount !== errors) return undefined;
  return { kind: 'sink-write', input: plan, sink, schema: plan.schema, span: stmt.span };
}
