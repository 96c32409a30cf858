// Runs every test/slt/sql/*.slt golden file against sql/ (parse, bind, plan, explain).
// Each file starts from an empty script; accepted statements accumulate in order, and every
// statement keeps its line numbers from the .slt file, so diagnostics point into the file.
// `UPDATE_SLT=1 npx vitest run test/unit/slt-sql.test.ts` rewrites the expected blocks (repeating
// until line numbers settle, since a longer block moves the records below it).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { SltFile, SltRecord } from '../harness/slt-parse.js';
import { parseSlt, rewriteSlt } from '../harness/slt-parse.js';
import type { Diagnostic } from '../../sql/index.js';
import { explain, planScript, renderDiagnostic } from '../../sql/index.js';

const DIR = join(import.meta.dirname, '..', 'slt', 'sql');
const UPDATE = process.env.UPDATE_SLT === '1';
/** Record kinds of the streaming runner; this runner leaves them alone. */
const STREAMING = new Set(['events', 'changes', 'watermark', 'end', 'expect', 'stats', 'checkpoint', 'restart', 'prefetch']);

interface Outcome {
  readonly record: SltRecord;
  /** Lines the expected block must hold. */
  readonly actual: readonly string[];
  /** A failure other than a different expected block (wrong error code, unexpected error, ...). */
  readonly failure?: string;
}

/** Evaluates every SQL record of a file in order. */
function run(name: string, file: SltFile): Outcome[] {
  const accepted: SltRecord[] = [];
  const env: Record<string, string> = {};
  const outcomes: Outcome[] = [];
  const plan = (extra?: SltRecord) => {
    // accepted statements (plus `extra`) at their .slt lines, each followed by a ';' line
    const lines = new Array<string>(file.lines.length + 1).fill('');
    for (const r of extra ? [...accepted, extra] : accepted) {
      r.body.forEach((l, i) => (lines[r.bodyLine - 1 + i] = l));
      lines[r.bodyLine - 1 + r.body.length] = ';';
    }
    const text = lines.join('\n');
    const result = planScript([{ path: name, text }], { env });
    const render = (ds: readonly Diagnostic[]): string[] => ds.flatMap((d) => renderDiagnostic(d, text).split('\n'));
    // diagnostics of `extra` itself (warnings of earlier statements are not repeated)
    const from = extra ? lines.slice(0, extra.bodyLine - 1).join('\n').length + 1 : text.length;
    const to = extra ? from + extra.body.join('\n').length + 1 : text.length;
    const own = result.diagnostics.filter((d) => d.span.start >= from && d.span.start <= to);
    return { ...result, render, own, errors: result.diagnostics.filter((d) => d.severity === 'error') };
  };
  for (const r of file.records) {
    const at = `${name}:${r.line}`;
    if (STREAMING.has(r.kind)) continue;
    switch (r.kind) {
      case 'env':
        for (const l of r.body) {
          const eq = l.indexOf('=');
          env[l.slice(0, eq).trim()] = l.slice(eq + 1);
        }
        break;
      case 'statement': {
        const p = plan(r);
        const actual = p.render([...p.own, ...p.errors.filter((d) => !p.own.includes(d))]);
        if (r.args[0] === 'ok') {
          if (p.errors.length === 0) accepted.push(r);
          const failure = p.errors.length > 0 ? `${at}: expected no errors, got:\n${actual.join('\n')}` : undefined;
          outcomes.push({ record: r, actual, ...(failure ? { failure } : {}) });
        } else if (r.args[0] === 'error' && r.args[1]) {
          const failure = p.errors.some((d) => d.code === r.args[1])
            ? undefined
            : `${at}: expected error ${r.args[1]}, got:\n${actual.join('\n') || '(no diagnostics)'}`;
          outcomes.push({ record: r, actual, ...(failure ? { failure } : {}) });
        } else outcomes.push({ record: r, actual: [], failure: `${at}: expected 'statement ok' or 'statement error <code>'` });
        break;
      }
      case 'explain': {
        const p = plan();
        const target = r.args[0];
        const found = p.plans.sinks.find((s) => s.sink.name === target)?.plan ?? p.plans.views.find((v) => v.def.name === target)?.plan;
        if (p.errors.length > 0) outcomes.push({ record: r, actual: [], failure: `${at}: the script has errors:\n${p.render(p.errors).join('\n')}` });
        else if (!found) outcomes.push({ record: r, actual: [], failure: `${at}: no sink or view named '${target}'` });
        else outcomes.push({ record: r, actual: explain(found).split('\n') });
        break;
      }
      default:
        outcomes.push({ record: r, actual: [], failure: `${at}: unknown record kind '${r.kind}'` });
    }
  }
  return outcomes;
}

const files = readdirSync(DIR).filter((f) => f.endsWith('.slt')).sort();

for (const name of files) {
  const path = join(DIR, name);
  let file = parseSlt(readFileSync(path, 'utf8'));
  if (UPDATE) {
    for (let round = 0; round < 5; round++) {
      const before = file.lines.join('\n') + '\n';
      const after = rewriteSlt(file, new Map(run(name, file).map((o) => [o.record.line, o.actual])));
      if (after === before) break;
      writeFileSync(path, after);
      file = parseSlt(after);
    }
  }
  const outcomes = run(name, file);
  describe(name, () => {
    for (const o of outcomes) {
      test(`${name}:${o.record.line} ${o.record.header}`, () => {
        if (o.failure) throw new Error(o.failure);
        expect(o.actual.join('\n'), `${name}:${o.record.line}`).toBe((o.record.expected ?? []).join('\n'));
      });
    }
  });
}
