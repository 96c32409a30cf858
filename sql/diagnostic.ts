// Diagnostics: the value every user SQL problem becomes (never an exception), small builders,
// a collector, and the one caret renderer shared by the CLI and the golden tests.
// Pure: no I/O. Messages start lowercase and quote identifiers in single quotes.
import type { Span } from './source.js';
import { displayWidth, lineCol } from './source.js';
import { maskSecretValues } from './redact.js';

export type Severity = 'error' | 'warning';

/** Extra context. A span elsewhere is also spelled out in the message (the renderer shows one file). */
export interface DiagnosticNote {
  readonly message: string;
  readonly span?: Span;
}

export interface Diagnostic {
  readonly severity: Severity;
  /** Stable kebab-case id, e.g. 'unknown-column'. */
  readonly code: string;
  readonly message: string;
  readonly span: Span;
  readonly notes: readonly DiagnosticNote[];
  readonly help: readonly DiagnosticNote[];
}

export interface DiagnosticExtras {
  readonly notes?: readonly (string | DiagnosticNote)[];
  readonly help?: readonly (string | DiagnosticNote)[];
}

const toNotes = (xs: readonly (string | DiagnosticNote)[] | undefined): DiagnosticNote[] =>
  (xs ?? []).map((x) => (typeof x === 'string' ? { message: x } : x));

export function makeDiagnostic(
  severity: Severity,
  code: string,
  message: string,
  span: Span,
  extras: DiagnosticExtras = {},
): Diagnostic {
  return { severity, code, message, span, notes: toNotes(extras.notes), help: toNotes(extras.help) };
}

/** Collects diagnostics in the order they are found. */
export class Diagnostics {
  readonly list: Diagnostic[] = [];

  error(code: string, message: string, span: Span, extras?: DiagnosticExtras): void {
    this.list.push(makeDiagnostic('error', code, message, span, extras));
  }

  warning(code: string, message: string, span: Span, extras?: DiagnosticExtras): void {
    this.list.push(makeDiagnostic('warning', code, message, span, extras));
  }

  push(...ds: readonly Diagnostic[]): void {
    for (const d of ds) this.list.push(d);
  }

  get errorCount(): number {
    let n = 0;
    for (const d of this.list) if (d.severity === 'error') n++;
    return n;
  }
}

export function hasErrors(ds: readonly Diagnostic[]): boolean {
  return ds.some((d) => d.severity === 'error');
}

/** "path:line:col" of a span's start. */
export function spanLocation(span: Span, text: string): string {
  const { line, col } = lineCol(text, span.start);
  return `${span.path}:${line}:${col}`;
}

/**
 * Deterministic order: by file (in the order given), then by offset; ties keep discovery order.
 * Exact duplicates (same code, message and span) are dropped.
 */
export function sortDiagnostics(ds: readonly Diagnostic[], pathOrder: readonly string[]): Diagnostic[] {
  const rank = new Map<string, number>();
  pathOrder.forEach((p, i) => rank.set(p, i));
  const seen = new Set<string>();
  const unique = ds.filter((d) => {
    const k = `${d.code}\u0000${d.message}\u0000${d.span.path}\u0000${d.span.start}\u0000${d.span.end}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  return unique
    .map((d, i) => ({ d, i }))
    .sort(
      (a, b) =>
        (rank.get(a.d.span.path) ?? 1e9) - (rank.get(b.d.span.path) ?? 1e9) ||
        a.d.span.start - b.d.span.start ||
        a.i - b.i,
    )
    .map((x) => x.d);
}

/**
 * Renders `path:line:col: error[code]: message`, the source line with its number, a `^^^` underline
 * under the span (first line only for multi-line spans) and `= note:` / `= help:` lines.
 * `text` is the full text of the file the span points into. Lines carry no trailing blanks.
 * Literal values of secret options (sql/redact.ts) are shown as '*'.
 */
export function renderDiagnostic(d: Diagnostic, fileText: string): string {
  const text = maskSecretValues(fileText);
  const { line, col, lineStart } = lineCol(text, d.span.start);
  let lineEnd = text.indexOf('\n', lineStart);
  if (lineEnd < 0) lineEnd = text.length;
  let source = text.slice(lineStart, lineEnd);
  if (source.endsWith('\r')) source = source.slice(0, -1);
  const from = Math.min(d.span.start - lineStart, source.length);
  const to = Math.max(from + 1, Math.min(d.span.end - lineStart, source.length));
  // the caret lines up under the text as a terminal shows it: tabs kept, wide characters two columns
  const lead = source
    .slice(0, from)
    .split('\t')
    .map((part) => ' '.repeat(displayWidth(part)))
    .join('\t');
  const carets = Math.max(1, displayWidth(source.slice(from, to)));
  const gutter = String(line);
  const pad = ' '.repeat(gutter.length);
  const out = [
    `${d.span.path}:${line}:${col}: ${d.severity}[${d.code}]: ${d.message}`,
    `${gutter} | ${source}`.trimEnd(),
    `${pad} | ${lead}${'^'.repeat(carets)}`,
  ];
  for (const n of d.notes) out.push(`${pad} = note: ${n.message}`);
  for (const h of d.help) out.push(`${pad} = help: ${h.message}`);
  return out.join('\n');
}
