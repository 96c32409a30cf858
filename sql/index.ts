// The public surface of sql/: parse and plan scripts, EXPLAIN plans, render diagnostics and
// compile bound expressions. Other folders import sql/ only through this file.
// Pure: text (+ environment values) in, plans and diagnostics out; no I/O anywhere below.
import type { Statement } from './ast.js';
import type { Diagnostic } from './diagnostic.js';
import { parseStatements } from './parser/statements.js';
import type { SourceText } from './source.js';

export type { Statement } from './ast.js';
export type { Diagnostic, DiagnosticNote, Severity } from './diagnostic.js';
export { hasErrors, renderDiagnostic, sortDiagnostics } from './diagnostic.js';
export type { SourceText, Span } from './source.js';
export { lineCol } from './source.js';
export type { ParseCache, ParseOutcome } from './parser/parse-cache.js';
export { setParseCache } from './parser/parse-cache.js';
export type { PlanSet } from './binder/plan-script.js';
export { planScript } from './binder/plan-script.js';
export { explain, describeNode, formatWindow } from './explain.js';
export { optimize } from './optimize.js';
export type { Compiled } from './plan/evaluate.js';
export { compileExpr } from './plan/evaluate.js';
export { formatAggregate, formatExpr } from './plan/expr-utils.js';
export { appendOnly, eventTimeColumn, keyColumns, sourceScanOf, stateBound } from './plan/properties.js';
export type { AggregateCall, AggregateFn, BoundExpr } from './plan/expr.js';
export type {
  Filter,
  LogicalPlan,
  Project,
  SinkWrite,
  SourceScan,
  WindowAggregate,
  WindowAssign,
  WindowSpec,
} from './plan/logical-plan.js';

/** Parses one file into statements; syntax errors are diagnostics (one file reports them all). */
export function parseScript(src: SourceText): { statements: Statement[]; diagnostics: Diagnostic[] } {
  return parseStatements(src);
}
