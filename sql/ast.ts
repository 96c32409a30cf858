// The parsed, unbound syntax tree: kind-tagged readonly unions for statements, queries and
// expressions, every node with a span into its file. Declarations only: no parsing, no binding.
// Identifiers are already normalized (lower-case unless double-quoted).
import type { DataType } from '../catalog/types.js';
import type { Span } from './source.js';

export interface Ident {
  /** Normalized name: lower-cased unless written in double quotes. */
  readonly name: string;
  readonly quoted: boolean;
  readonly span: Span;
}

export interface TypeAst {
  readonly type: DataType;
  /** As written, for messages. */
  readonly text: string;
  readonly span: Span;
}

export interface OptionAst {
  /** Lower-cased key, e.g. 'connector' (quoted and bare keys are the same). */
  readonly key: string;
  readonly keySpan: Span;
  /** Value as written (string contents, number text or bare word), before `${ENV}` substitution. */
  readonly value: string;
  readonly valueSpan: Span;
  /** Offset of the first character of `value` in the file when it maps 1:1 to the source
   *  (a string without doubled quotes, a number or a word); undefined otherwise. */
  readonly valueOffset?: number;
}

// ---------- statements ----------

export type Statement = CreateSource | CreateView | CreateSink | Prefetch;

export interface ColumnDefAst {
  readonly name: Ident;
  readonly type: TypeAst;
  readonly notNull: boolean;
  /** Span of an inline PRIMARY KEY. */
  readonly primaryKey?: Span;
  /** METADATA FROM '<path>'. */
  readonly metadata?: { readonly path: string; readonly span: Span };
  readonly span: Span;
}

export interface PrimaryKeyAst {
  readonly columns: readonly Ident[];
  readonly span: Span;
}

export interface WatermarkAst {
  readonly column: Ident;
  readonly expr: Expr;
  readonly span: Span;
}

export interface CreateSource {
  readonly kind: 'create-source';
  readonly name: Ident;
  readonly columns: readonly ColumnDefAst[];
  /** Table-level PRIMARY KEY clauses (more than one is an error reported by the binder). */
  readonly primaryKeys: readonly PrimaryKeyAst[];
  readonly watermarks: readonly WatermarkAst[];
  readonly options: readonly OptionAst[];
  readonly span: Span;
}

export interface CreateView {
  readonly kind: 'create-view';
  readonly name: Ident;
  readonly query: Query;
  readonly span: Span;
}

export type SinkInput = { readonly kind: 'query'; readonly query: Query } | { readonly kind: 'from'; readonly name: Ident };

export interface CreateSink {
  readonly kind: 'create-sink';
  readonly name: Ident;
  readonly input: SinkInput;
  readonly options: readonly OptionAst[];
  readonly span: Span;
}

/** PREFETCH (and EXPLAIN PREFETCH): parsed here, planned by a later issue. */
export interface Prefetch {
  readonly kind: 'prefetch';
  readonly explain: boolean;
  /** Qualified table name parts, e.g. ['features', 'customer_spend_5m']. */
  readonly table: readonly Ident[];
  readonly columns?: readonly Ident[];
  readonly where?: Expr;
  readonly into: { readonly value: string; readonly span: Span };
  readonly options: readonly OptionAst[];
  readonly span: Span;
}

// ---------- queries ----------

export interface Query {
  readonly kind: 'select';
  readonly items: readonly SelectItem[];
  readonly from: readonly FromItem[];
  readonly where?: Expr;
  readonly groupBy: readonly Expr[];
  readonly having?: Expr;
  /** Clauses this version does not plan (DISTINCT, ORDER BY, joins, ...), reported by the binder. */
  readonly unsupported: readonly { readonly what: string; readonly span: Span }[];
  readonly span: Span;
}

export type SelectItem =
  | { readonly kind: 'expr'; readonly expr: Expr; readonly alias?: Ident; readonly span: Span }
  | { readonly kind: 'star'; readonly qualifier?: Ident; readonly span: Span };

export type WindowFn = 'tumble' | 'hop' | 'session';

export type FromItem =
  | { readonly kind: 'table'; readonly name: Ident; readonly alias?: Ident; readonly span: Span }
  | {
      readonly kind: 'window';
      readonly fn: WindowFn;
      /** Source or view the window reads. */
      readonly input: Ident;
      readonly time: Expr;
      /** Interval arguments: TUMBLE size; HOP slide, size; SESSION gap. */
      readonly args: readonly Expr[];
      readonly alias?: Ident;
      readonly fnSpan: Span;
      readonly span: Span;
    };

// ---------- expressions ----------

export type Expr =
  | ColumnExpr
  | NumberExpr
  | StringExpr
  | BooleanExpr
  | NullExpr
  | TypedLiteralExpr
  | IntervalExpr
  | UnaryExpr
  | BinaryExpr
  | CallExpr
  | CastExpr
  | CaseExpr
  | InExpr
  | BetweenExpr
  | IsExpr
  | ExtractExpr
  | UnsupportedExpr;

export interface ColumnExpr {
  readonly kind: 'column';
  readonly table?: Ident;
  readonly name: Ident;
  readonly span: Span;
}

export interface NumberExpr {
  readonly kind: 'number';
  /** Digits as written, e.g. '10', '10.50', '1e3' (a leading '-' when the parser folded a sign). */
  readonly text: string;
  readonly span: Span;
}

export interface StringExpr {
  readonly kind: 'string';
  readonly value: string;
  readonly span: Span;
}

export interface BooleanExpr {
  readonly kind: 'boolean';
  readonly value: boolean;
  readonly span: Span;
}

export interface NullExpr {
  readonly kind: 'null';
  readonly span: Span;
}

/** TIMESTAMP '...', DATE '...', TIMESTAMPTZ '...'. */
export interface TypedLiteralExpr {
  readonly kind: 'typed-literal';
  readonly type: DataType;
  readonly value: string;
  readonly span: Span;
}

/** INTERVAL '5' MINUTE (value '5', unit 'minute') or INTERVAL '5 minutes' (no unit). */
export interface IntervalExpr {
  readonly kind: 'interval';
  readonly value: string;
  readonly unit?: string;
  readonly span: Span;
}

export type UnaryOp = 'not' | '-' | '+';

export interface UnaryExpr {
  readonly kind: 'unary';
  readonly op: UnaryOp;
  readonly expr: Expr;
  readonly span: Span;
}

export type BinaryOp =
  | 'and'
  | 'or'
  | '='
  | '<>'
  | '<'
  | '<='
  | '>'
  | '>='
  | '+'
  | '-'
  | '*'
  | '/'
  | '%'
  | '||'
  | 'like'
  | 'not like';

export interface BinaryExpr {
  readonly kind: 'binary';
  readonly op: BinaryOp;
  readonly left: Expr;
  readonly right: Expr;
  readonly span: Span;
}

/** Function or aggregate call; `name` lower-case. TRIM modes become 'trim' / 'ltrim' / 'rtrim'. */
export interface CallExpr {
  readonly kind: 'call';
  readonly name: string;
  readonly nameSpan: Span;
  readonly args: readonly Expr[];
  /** COUNT(*). */
  readonly star: boolean;
  readonly distinct: boolean;
  /** FILTER (WHERE ...). */
  readonly filter?: Expr;
  readonly span: Span;
}

export interface CastExpr {
  readonly kind: 'cast';
  readonly expr: Expr;
  readonly type: TypeAst;
  readonly span: Span;
}

export interface CaseExpr {
  readonly kind: 'case';
  /** CASE x WHEN ... (simple form). */
  readonly operand?: Expr;
  readonly whens: readonly { readonly when: Expr; readonly then: Expr }[];
  readonly else?: Expr;
  readonly span: Span;
}

export interface InExpr {
  readonly kind: 'in';
  readonly expr: Expr;
  readonly list: readonly Expr[];
  readonly negated: boolean;
  readonly span: Span;
}

export interface BetweenExpr {
  readonly kind: 'between';
  readonly expr: Expr;
  readonly low: Expr;
  readonly high: Expr;
  readonly negated: boolean;
  readonly span: Span;
}

/** IS [NOT] NULL | TRUE | FALSE. */
export interface IsExpr {
  readonly kind: 'is';
  readonly expr: Expr;
  readonly test: 'null' | 'true' | 'false';
  readonly negated: boolean;
  readonly span: Span;
}

export interface ExtractExpr {
  readonly kind: 'extract';
  /** Lower-case field: year, month, day, hour, minute, second, dow, doy, epoch, ... */
  readonly field: string;
  readonly expr: Expr;
  readonly span: Span;
}

/** Syntax the parser recognised but this version does not plan (subqueries, OVER, ...). */
export interface UnsupportedExpr {
  readonly kind: 'unsupported';
  /** Noun phrase for "<what> is not supported", e.g. 'a subquery'. */
  readonly what: string;
  readonly help?: string;
  readonly span: Span;
}
