// Runs the streaming golden files test/slt/semantics/*.slt: `statement ok` records build the
// script; `events`/`changes`/`watermark`/`end`/`restart` feed the planned sink chains; `expect
// <sink>` compares the deltas emitted since the previous expect and `stats <source>` the counters.
// `UPDATE_SLT=1` rewrites expected blocks.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parseSlt, rewriteSlt } from '../harness/slt-parse.js';
import { StreamHarness, runStreamRecord } from '../harness/slt-stream.js';
import { planScript, renderDiagnostic } from '../../sql/index.js';

const DIR = join(import.meta.dirname, '..', 'slt', 'semantics');
const UPDATE = process.env['UPDATE_SLT'] === '1';

describe('streaming golden files', () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.slt')).sort();
  test('exist', () => expect(files.length).toBeGreaterThan(0));
  for (const name of files) {
    test(name, () => {
      const path = join(DIR, name);
      const file = parseSlt(readFileSync(path, 'utf8'));
      const statements: string[] = [];
      let harness: StreamHarness | undefined;
      const actual = new Map<number, readonly string[]>();
      const failures: string[] = [];
      for (const r of file.records) {
        if (r.kind === 'statement') {
          if (harness) throw new Error(`${name}:${r.line}: statements must come before the first streaming record`);
          statements.push(r.body.join('\n'));
          continue;
        }
        if (!harness) {
          const text = statements.join(';\n') + ';';
          const { plans, diagnostics } = planScript([{ path: name, text }], { env: {} });
          if (diagnostics.some((d) => d.severity === 'error'))
            throw new Error(diagnostics.map((d) => renderDiagnostic(d, text)).join('\n'));
          harness = new StreamHarness(plans);
        }
        const got = runStreamRecord(harness, r);
        if (got === undefined) continue;
        actual.set(r.line, got);
        if (!UPDATE && JSON.stringify(got) !== JSON.stringify(r.expected ?? []))
          failures.push(`${name}:${r.line}: ${r.header}\nexpected:\n${(r.expected ?? []).join('\n')}\nactual:\n${got.join('\n')}`);
      }
      if (UPDATE) writeFileSync(path, rewriteSlt(file, actual));
      expect(failures.join('\n\n')).toBe('');
    });
  }
});
