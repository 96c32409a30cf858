// Every example pipeline must plan with no diagnostics (the Arroyo corpus idea), so examples
// cannot go stale. A file whose first line is `-- fail: <code>` must fail with exactly that code.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planScript } from '../../sql/index.js';

const ROOT = resolve(import.meta.dirname, '../..');

function sqlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) return n === 'data' || n === 'warehouse' ? [] : sqlFiles(p);
    return n.endsWith('.sql') ? [p] : [];
  });
}

const byDir = new Map<string, string[]>();
for (const f of sqlFiles(join(ROOT, 'examples'))) byDir.set(dirname(f), [...(byDir.get(dirname(f)) ?? []), f]);

describe('example corpus', () => {
  it('has examples', () => {
    expect(byDir.size).toBeGreaterThan(0);
  });

  for (const [dir, files] of byDir) {
    const expectFail = files.filter((f) => readFileSync(f, 'utf8').startsWith('-- fail:'));
    const good = files.filter((f) => !expectFail.includes(f));
    it(`${relative(ROOT, dir)} plans with no diagnostics`, () => {
      const sources = good.map((f) => ({ path: relative(ROOT, f), text: readFileSync(f, 'utf8') }));
      const { plans, diagnostics } = planScript(sources, { env: process.env });
      expect(diagnostics.map((d) => `${d.span?.path}: ${d.code}: ${d.message}`)).toEqual([]);
      expect(plans.sinks.length).toBeGreaterThan(0);
    });
    for (const f of expectFail) {
      it(`${relative(ROOT, f)} fails as its first line says`, () => {
        const text = readFileSync(f, 'utf8');
        const code = /^-- fail: *([a-z0-9-]+)/.exec(text)![1];
        const others = good.map((g) => ({ path: relative(ROOT, g), text: readFileSync(g, 'utf8') }));
        const { diagnostics } = planScript([...others, { path: relative(ROOT, f), text }], { env: process.env });
        expect(diagnostics.map((d) => d.code)).toContain(code);
      });
    }
  }
});
