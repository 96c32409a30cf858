// Recursive-descent parser for statements: CREATE SOURCE / VIEW / SINK and [EXPLAIN] PREFETCH.
// Each statement is the token range up to the next ';'; a syntax error abandons only that
// statement, so one file reports every syntax error. SELECT bodies and expressions are delegated
// to parser/select.ts. No binding or option validation here.
import type {
  ColumnDefAst,
  CreateSink,
  CreateSource,
  CreateView,
  Expr,
  Ident,
  OptionAst,
  Prefetch,
  PrimaryKeyAst,
  Query,
  Statement,
  WatermarkAst,
} from '../ast.js';
import type { Diagnostic } from '../diagnostic.js';
import { Diagnostics } from '../diagnostic.js';
import type { Token } from '../lexer.js';
import { describeToken, isPunct, isWord, tokenize } from '../lexer.js';
import type { SourceText, Span } from '../source.js';
import type { ParseContext } from './select.js';
import { parseExpression, parseQuery } from './select.js';
import { parseTypeAt } from './type-name.js';

/** Thrown to abandon the current statement after its diagnostic was recorded. */
class Abort {}
const ABORT = new Abort();

/** A CREATE SOURCE / VIEW / SINK whose statement has errors (reported): its name still exists. */
export interface BrokenDeclaration {
  readonly kind: 'source' | 'view' | 'sink';
  readonly name: Ident;
}

export function parseStatements(src: SourceText): { statements: Statement[]; diagnostics: Diagnostic[]; broken: BrokenDeclaration[] } {
  const lexed = tokenize(src);
  const diags = new Diagnostics();
  diags.push(...lexed.diagnostics);
  const ctx: ParseContext = { src, tokens: lexed.tokens, diags };
  const statements: Statement[] = [];
  const broken: BrokenDeclaration[] = [];
  const tokens = lexed.tokens;
  let i = 0;
  while (tokens[i]!.kind !== 'eof') {
    if (isPunct(tokens[i], ';')) {
      i++;
      continue;
    }
    let end = i;
    while (tokens[end]!.kind !== 'eof' && !isPunct(tokens[end], ';')) end++;
    // a statement with a lexical error (already reported) is not parsed further
    const from = tokens[i]!.start;
    const to = tokens[end]!.end;
    let stmt: Statement | undefined;
    if (!lexed.diagnostics.some((d) => d.span.start >= from && d.span.start < to)) stmt = new StatementParser(ctx, i, end).parse();
    if (stmt) statements.push(stmt);
    else {
      const named = declaredName(ctx, i, end);
      if (named) broken.push(named);
    }
    i = end;
  }
  return { statements, diagnostics: diags.list, broken };
}

/** The kind and name of a statement in tokens [i, end) that starts CREATE SOURCE|VIEW|SINK name. */
function declaredName(ctx: ParseContext, i: number, end: number): BrokenDeclaration | undefined {
  const t = ctx.tokens;
  if (end - i < 3 || !isWord(t[i], 'create')) return undefined;
  const kind = (['source', 'view', 'sink'] as const).find((k) => isWord(t[i + 1], k));
  const n = t[i + 2]!;
  if (kind === undefined || (n.kind !== 'word' && n.kind !== 'quoted')) return undefined;
  return { kind, name: { name: n.kind === 'quoted' ? n.value : n.key, quoted: n.kind === 'quoted', span: { path: ctx.src.path, start: n.start, end: n.end } } };
}

class StatementParser {
  private i: number;

  constructor(
    private readonly ctx: ParseContext,
    private readonly start: number,
    private readonly end: number,
  ) {
    this.i = start;
  }

  parse(): Statement | undefined {
    try {
      const stmt = this.statement();
      if (this.i < this.end) this.fail(`unexpected ${describeToken(this.peek())}; expected ';'`, this.peek());
      return stmt;
    } catch (e) {
      if (e === ABORT) return undefined;
      throw e;
    }
  }

  // ---------- token helpers ----------

  private get tokens(): readonly Token[] {
    return this.ctx.tokens;
  }

  private peek(k = 0): Token {
    return this.tokens[Math.min(this.i + k, this.end)]!;
  }

  private tokSpan(t: Token): Span {
    return { path: this.ctx.src.path, start: t.start, end: t.end };
  }

  private spanFrom(startTok: number): Span {
    const last = this.tokens[Math.max(startTok, this.i - 1)]!;
    return { path: this.ctx.src.path, start: this.tokens[startTok]!.start, end: last.end };
  }

  private fail(message: string, at: Token | Span, help?: string[], code = 'syntax-error'): never {
    const span = 'kind' in at ? this.tokSpan(at) : at;
    this.ctx.diags.error(code, message, span, help ? { help } : {});
    throw ABORT;
  }

  private acceptWord(key: string): boolean {
    if (this.i < this.end && isWord(this.peek(), key)) {
      this.i++;
      return true;
    }
    return false;
  }

  private expectWord(key: string, what = key.toUpperCase()): Token {
    const t = this.peek();
    if (this.i < this.end && isWord(t, key)) {
      this.i++;
      return t;
    }
    return this.fail(`expected ${what}, found ${describeToken(t)}`, t);
  }

  private acceptPunct(v: string): boolean {
    if (this.i < this.end && isPunct(this.peek(), v)) {
      this.i++;
      return true;
    }
    return false;
  }

  private expectPunct(v: string): Token {
    const t = this.peek();
    if (this.i < this.end && isPunct(t, v)) {
      this.i++;
      return t;
    }
    return this.fail(`expected '${v}', found ${describeToken(t)}`, t);
  }

  private ident(what: string): Ident {
    const t = this.peek();
    if (this.i < this.end && (t.kind === 'word' || t.kind === 'quoted')) {
      this.i++;
      return { name: t.kind === 'quoted' ? t.value : t.key, quoted: t.kind === 'quoted', span: this.tokSpan(t) };
    }
    return this.fail(`expected ${what}, found ${describeToken(t)}`, t);
  }

  /** Index of the first depth-0 token in [i, end) matching `stop` (or `end`). */
  private scanDepth0(stop: (t: Token, index: number) => boolean): number {
    let depth = 0;
    for (let j = this.i; j < this.end; j++) {
      const t = this.tokens[j]!;
      if (depth === 0 && stop(t, j)) return j;
      if (isPunct(t, '(')) depth++;
      else if (isPunct(t, ')')) depth--;
      if (depth < 0) return j;
    }
    return this.end;
  }

  // ---------- statements ----------

  private statement(): Statement {
    const t = this.peek();
    if (isWord(t, 'create')) {
      this.i++;
      const what = this.peek();
      if (this.acceptWord('source')) return this.createSource();
      if (this.acceptWord('view')) return this.createView();
      if (this.acceptWord('sink')) return this.createSink();
      if (isWord(what, 'table'))
        return this.fail('CREATE TABLE is not a StreamForge statement', what, [
          'declare inputs with CREATE SOURCE and outputs with CREATE SINK',
        ]);
      return this.fail(`expected SOURCE, VIEW or SINK after CREATE, found ${describeToken(what)}`, what);
    }
    if (isWord(t, 'prefetch')) {
      this.i++;
      return this.prefetch(false);
    }
    if (isWord(t, 'explain')) {
      this.i++;
      if (this.acceptWord('prefetch')) return this.prefetch(true);
      return this.fail('EXPLAIN in a script is only supported for PREFETCH', t, [
        'print a pipeline plan with `streamforge explain <file> --sink NAME`',
      ]);
    }
    if (isWord(t, 'select') || isWord(t, 'with'))
      return this.fail('a query on its own is not a pipeline statement', t, [
        'name it with CREATE VIEW name AS SELECT ... or write it out with CREATE SINK name AS SELECT ...',
      ], 'unsupported');
    if (isWord(t, 'insert'))
      return this.fail('INSERT INTO is not supported', t, ['write query results with CREATE SINK name AS SELECT ...'], 'unsupported');
    return this.fail(`expected CREATE SOURCE, CREATE VIEW, CREATE SINK or PREFETCH, found ${describeToken(t)}`, t);
  }

  private createSource(): CreateSource {
    const startTok = this.start;
    const name = this.ident('a source name');
    this.expectPunct('(');
    const columns: ColumnDefAst[] = [];
    const primaryKeys: PrimaryKeyAst[] = [];
    const watermarks: WatermarkAst[] = [];
    if (!isPunct(this.peek(), ')')) {
      for (;;) {
        const t = this.peek();
        if (isWord(t, 'primary') && isWord(this.peek(1), 'key')) primaryKeys.push(this.primaryKey());
        else if (isWord(t, 'watermark') && isWord(this.peek(1), 'for')) watermarks.push(this.watermark());
        else columns.push(this.column());
        if (this.acceptPunct(',')) continue;
        const close = this.peek();
        if (isPunct(close, ')')) break;
        this.fail(`expected ',' or ')', found ${describeToken(close)}`, close);
      }
    }
    this.expectPunct(')');
    const options = this.acceptWord('with') ? this.options() : [];
    return { kind: 'create-source', name, columns, primaryKeys, watermarks, options, span: this.spanFrom(startTok) };
  }

  private column(): ColumnDefAst {
    const startTok = this.i;
    const name = this.ident('a column name, PRIMARY KEY or WATERMARK FOR');
    const parsed = parseTypeAt(this.tokens, this.i, this.end, this.ctx.src.path);
    if (parsed.error || !parsed.type) {
      const err = parsed.error!;
      this.fail(err.message, err.span, err.help, err.code);
    }
    const type = parsed.type!;
    this.i = parsed.next;
    let notNull = false;
    let primaryKey: Span | undefined;
    let metadata: { path: string; span: Span } | undefined;
    for (;;) {
      const t = this.peek();
      if (this.acceptWord('not')) {
        this.expectWord('null', 'NULL');
        notNull = true;
      } else if (this.acceptWord('null')) {
        notNull = false;
      } else if (isWord(t, 'primary')) {
        this.i++;
        const k = this.expectWord('key', 'KEY');
        primaryKey = { path: this.ctx.src.path, start: t.start, end: k.end };
      } else if (this.acceptWord('metadata')) {
        if (this.acceptWord('from')) {
          const p = this.peek();
          if (p.kind !== 'string') this.fail(`expected a metadata path string, found ${describeToken(p)}`, p);
          this.i++;
          metadata = { path: p.value, span: this.tokSpan(p) };
        } else metadata = { path: name.name, span: this.tokSpan(t) };
        this.acceptWord('virtual');
      } else break;
    }
    return {
      name,
      type,
      notNull,
      ...(primaryKey ? { primaryKey } : {}),
      ...(metadata ? { metadata } : {}),
      span: this.spanFrom(startTok),
    };
  }

  private primaryKey(): PrimaryKeyAst {
    const startTok = this.i;
    this.i += 2;
    this.expectPunct('(');
    const columns: Ident[] = [];
    do columns.push(this.ident('a column name'));
    while (this.acceptPunct(','));
    this.expectPunct(')');
    this.acceptWord('not');
    this.acceptWord('enforced');
    return { columns, span: this.spanFrom(startTok) };
  }

  private watermark(): WatermarkAst {
    const startTok = this.i;
    this.i += 2;
    const column = this.ident('the watermark column');
    this.expectWord('as', 'AS');
    const exprEnd = this.scanDepth0((t) => isPunct(t, ','));
    const expr = this.expression(exprEnd);
    return { column, expr, span: this.spanFrom(startTok) };
  }

  private expression(to: number): Expr {
    const e = parseExpression(this.ctx, this.i, to);
    if (!e) throw ABORT;
    this.i = to;
    return e;
  }

  private options(): OptionAst[] {
    this.expectPunct('(');
    const out: OptionAst[] = [];
    while (!this.acceptPunct(')')) {
      const k = this.peek();
      let key: string;
      let keyEnd = k.end;
      if (k.kind === 'string') {
        this.i++;
        key = k.value.toLowerCase();
      } else if (k.kind === 'word' || k.kind === 'quoted') {
        this.i++;
        key = k.kind === 'word' ? k.key : k.value.toLowerCase();
        while (isPunct(this.peek(), '.') && (this.peek(1).kind === 'word' || this.peek(1).kind === 'quoted')) {
          key += '.' + (this.peek(1).kind === 'word' ? this.peek(1).key : this.peek(1).value.toLowerCase());
          keyEnd = this.peek(1).end;
          this.i += 2;
        }
      } else return this.fail(`expected an option name, found ${describeToken(k)}`, k);
      this.expectPunct('=');
      const v = this.peek();
      let value: string;
      let valueOffset: number | undefined;
      let valueSpan = this.tokSpan(v);
      if (v.kind === 'string') {
        value = v.value;
        if (v.text.length === v.value.length + 2) valueOffset = v.start + 1;
        this.i++;
      } else if (v.kind === 'number' || v.kind === 'word') {
        value = v.text;
        valueOffset = v.start;
        this.i++;
      } else if (isPunct(v, '-') && this.peek(1).kind === 'number') {
        value = '-' + this.peek(1).text;
        valueSpan = { path: this.ctx.src.path, start: v.start, end: this.peek(1).end };
        this.i += 2;
      } else return this.fail(`expected a quoted option value, found ${describeToken(v)}`, v);
      out.push({ key, keySpan: { path: this.ctx.src.path, start: k.start, end: keyEnd }, value, valueSpan, ...(valueOffset !== undefined ? { valueOffset } : {}) });
      if (this.acceptPunct(',')) continue;
      const close = this.peek();
      if (!isPunct(close, ')')) this.fail(`expected ',' or ')', found ${describeToken(close)}`, close);
    }
    return out;
  }

  /** A SELECT from the current token to the statement end (or a depth-0 `WITH (` when allowed). */
  private query(stopAtWith: boolean): Query {
    const t = this.peek();
    if (isWord(t, 'with'))
      this.fail('WITH queries (common table expressions) are not supported', t, ['declare the inner query with CREATE VIEW'], 'unsupported');
    if (!isWord(t, 'select')) this.fail(`expected SELECT, found ${describeToken(t)}`, t);
    const to = stopAtWith
      ? this.scanDepth0((u, j) => isWord(u, 'with') && isPunct(this.tokens[j + 1], '('))
      : this.end;
    const q = parseQuery(this.ctx, this.i, to);
    if (!q) throw ABORT;
    this.i = to;
    return q;
  }

  private createView(): CreateView {
    const name = this.ident('a view name');
    this.expectWord('as', 'AS');
    const query = this.query(true);
    if (isWord(this.peek(), 'with')) this.fail('a view takes no WITH options', this.peek(), ['options belong to CREATE SOURCE and CREATE SINK']);
    return { kind: 'create-view', name, query, span: this.spanFrom(this.start) };
  }

  private createSink(): CreateSink {
    const name = this.ident('a sink name');
    let sink: Omit<CreateSink, 'span'>;
    if (this.acceptWord('with')) {
      const options = this.options();
      this.expectWord('as', 'AS');
      sink = { kind: 'create-sink', name, input: { kind: 'query', query: this.query(false) }, options };
    } else if (this.acceptWord('from')) {
      const from = this.ident('a source or view name');
      const options = this.acceptWord('with') ? this.options() : [];
      sink = { kind: 'create-sink', name, input: { kind: 'from', name: from }, options };
    } else if (this.acceptWord('as')) {
      const query = this.query(true);
      const options = this.acceptWord('with') ? this.options() : [];
      sink = { kind: 'create-sink', name, input: { kind: 'query', query }, options };
    } else {
      const t = this.peek();
      return this.fail(`expected WITH, FROM or AS after the sink name, found ${describeToken(t)}`, t);
    }
    return { ...sink, span: this.spanFrom(this.start) };
  }

  private prefetch(explain: boolean): Prefetch {
    const table: Ident[] = [this.ident('a table name')];
    while (this.acceptPunct('.')) table.push(this.ident('a table name'));
    let columns: Ident[] | undefined;
    if (this.acceptWord('columns')) {
      this.expectPunct('(');
      columns = [];
      do columns.push(this.ident('a column name'));
      while (this.acceptPunct(','));
      this.expectPunct(')');
    }
    let where: Expr | undefined;
    if (this.acceptWord('where')) where = this.expression(this.scanDepth0((t) => isWord(t, 'into')));
    this.expectWord('into', 'INTO');
    const p = this.peek();
    if (p.kind !== 'string') this.fail(`expected a quoted cache directory, found ${describeToken(p)}`, p);
    this.i++;
    const options = this.acceptWord('with') ? this.options() : [];
    return {
      kind: 'prefetch',
      explain,
      table,
      ...(columns ? { columns } : {}),
      ...(where ? { where } : {}),
      into: { value: p.value, span: this.tokSpan(p) },
      options,
      span: this.spanFrom(this.start),
    };
  }
}
