// Parser for the sqllogictest-style record format of test/slt/**/*.slt, plus the writer used by
// `UPDATE_SLT=1`. A record is a header line (`statement ok`, `statement error <code>`,
// `explain <name>`, `env`, and later streaming kinds such as `changes <source>`), body lines,
// an optional `----` line and expected lines, ending at a blank line. Lines starting with `#`
// between records are comments. Line numbers are 1-based. No I/O here.

export interface SltRecord {
  /** First word of the header, e.g. 'statement', 'explain', 'env'. */
  readonly kind: string;
  /** Remaining words of the header, e.g. ['error', 'unknown-column']. */
  readonly args: readonly string[];
  readonly header: string;
  /** Line of the header. */
  readonly line: number;
  readonly body: readonly string[];
  /** Line of the first body line (line + 1). */
  readonly bodyLine: number;
  /** Lines after `----`; undefined when the record has no `----`. */
  readonly expected?: readonly string[];
  /** Line of the `----` separator, when present. */
  readonly separatorLine?: number;
  /** Last line of the record (inclusive). */
  readonly endLine: number;
}

export interface SltFile {
  readonly records: readonly SltRecord[];
  /** The file's lines (without line terminators), for rewriting. */
  readonly lines: readonly string[];
}

export function parseSlt(text: string): SltFile {
  const lines = text.split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const records: SltRecord[] = [];
  let i = 0;
  while (i < lines.length) {
    const l = lines[i]!;
    if (l.trim() === '' || l.startsWith('#')) {
      i++;
      continue;
    }
    const start = i;
    const words = l.trim().split(/\s+/);
    i++;
    const body: string[] = [];
    while (i < lines.length && lines[i]!.trim() !== '' && lines[i] !== '----') body.push(lines[i++]!);
    let expected: string[] | undefined;
    let separatorLine: number | undefined;
    if (i < lines.length && lines[i] === '----') {
      separatorLine = i + 1;
      i++;
      expected = [];
      while (i < lines.length && lines[i]!.trim() !== '') expected.push(lines[i++]!);
    }
    records.push({
      kind: words[0]!,
      args: words.slice(1),
      header: l,
      line: start + 1,
      body,
      bodyLine: start + 2,
      ...(expected ? { expected } : {}),
      ...(separatorLine !== undefined ? { separatorLine } : {}),
      endLine: i,
    });
  }
  return { records, lines };
}

/**
 * Rewrites the expected blocks of `file`: `actual` maps a record's header line to its new
 * expected lines (an empty array removes the block). Everything else is kept byte for byte.
 */
export function rewriteSlt(file: SltFile, actual: ReadonlyMap<number, readonly string[]>): string {
  const out: string[] = [];
  let next = 0; // index of the next line of `file.lines` to copy
  for (const r of file.records) {
    const update = actual.get(r.line);
    if (update === undefined) continue;
    const bodyEnd = r.line + r.body.length; // 0-based index just after the body
    while (next < bodyEnd) out.push(file.lines[next++]!);
    if (update.length > 0) out.push('----', ...update);
    next = r.endLine;
  }
  while (next < file.lines.length) out.push(file.lines[next++]!);
  return out.join('\n') + '\n';
}
