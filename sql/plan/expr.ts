// The bound (typed, name-resolved) expression union shared by the binder, the rules and the engine.
// Declarations here; the evaluator factory lives in sql/plan/evaluate.ts. Pure: no I/O.
import type { DataType, Value } from '../../catalog/types.js';
import type { Span } from '../source.js';

export type BoundExpr =
  | ColumnRef
  | Literal
  | Call
  | Cast
  | CaseExpr;

/** Reads input column `index` of the row the expression is evaluated on. */
export interface ColumnRef {
  readonly kind: 'column';
  readonly index: number;
  readonly name: string;
  readonly type: DataType;
  readonly span?: Span;
}

export interface Literal {
  readonly kind: 'literal';
  readonly value: Value;
  readonly type: DataType;
  readonly span?: Span;
}

/**
 * Operators and scalar functions, by lower-case name: arithmetic '+', '-', '*', '/', '%', 'neg';
 * comparison '=', '<>', '<', '<=', '>', '>='; 'and', 'or', 'not'; '||'; 'is_null', 'is_not_null';
 * 'in' (args[0] IN args[1..]); 'between' (a, lo, hi); 'like' / 'not_like'; 'coalesce'; 'nullif';
 * 'lower', 'upper', 'trim', 'length', 'substring'; 'abs', 'round', 'floor', 'ceil';
 * 'extract' (args[0] is a varchar literal naming the field); 'date_trunc' (args[0] unit literal).
 */
export interface Call {
  readonly kind: 'call';
  readonly fn: string;
  readonly args: readonly BoundExpr[];
  readonly type: DataType;
  readonly span?: Span;
}

export interface Cast {
  readonly kind: 'cast';
  readonly expr: BoundExpr;
  readonly type: DataType;
  readonly span?: Span;
}

export interface CaseExpr {
  readonly kind: 'case';
  readonly whens: readonly { readonly when: BoundExpr; readonly then: BoundExpr }[];
  readonly else?: BoundExpr;
  readonly type: DataType;
  readonly span?: Span;
}

export type AggregateFn =
  | 'count_star'
  | 'count'
  | 'count_distinct'
  | 'sum'
  | 'avg'
  | 'min'
  | 'max'
  | 'stddev_pop'
  | 'stddev_samp'
  | 'var_pop'
  | 'var_samp';

/** One aggregate of a window aggregation; `arg` and `filter` read the aggregation's input row. */
export interface AggregateCall {
  readonly fn: AggregateFn;
  readonly arg?: BoundExpr;
  readonly filter?: BoundExpr;
  /** Result type: COUNT -> bigint; SUM(int|bigint) -> bigint; SUM(decimal(p,s)) -> decimal(38,s);
   *  SUM(double) -> double; AVG/STDDEV/VAR -> double; MIN/MAX -> type of arg. */
  readonly type: DataType;
  /** Display text for EXPLAIN, e.g. 'sum(amount)'. */
  readonly display: string;
  readonly span?: Span;
}
