// Keeps the layering rules of ARCHITECTURE.md true: reads every .ts file of catalog/, sql/ and
// engine/, extracts its import specifiers and checks them against the dependency matrix.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...tsFiles(p));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

interface Import {
  readonly spec: string;
  readonly typeOnly: boolean;
  /** Repo-relative path of a project import ('' for packages and node: builtins). */
  readonly target: string;
}

const IMPORT_RE = /^\s*(import|export)\s+(type\s+)?(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/gm;

function importsOf(file: string, text = readFileSync(file, 'utf8')): Import[] {
  const out: Import[] = [];
  for (const m of text.matchAll(IMPORT_RE)) {
    const spec = m[3]!;
    const target = spec.startsWith('.') ? relative(ROOT, resolve(dirname(file), spec)).replace(/\.js$/, '.ts') : '';
    out.push({ spec, typeOnly: m[2] !== undefined, target });
  }
  for (const m of text.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)) {
    const spec = m[1]!;
    const target = spec.startsWith('.') ? relative(ROOT, resolve(dirname(file), spec)).replace(/\.js$/, '.ts') : '';
    out.push({ spec, typeOnly: true, target });
  }
  return out;
}

/** Third-party SDKs and the one adapter file allowed to import each. */
const SDK_ADAPTERS: Record<string, string[]> = {
  kafkajs: ['engine/connectors/kafka-client.ts'],
  '@aws-sdk/client-s3': ['catalog/store/s3-store.ts'],
  'apache-arrow': ['engine/sinks/parquet-writer.ts'],
  'parquet-wasm': ['engine/sinks/parquet-writer.ts'],
  '@duckdb/node-api': ['engine/query/duckdb.ts'],
  'node-sql-parser': ['sql/parser/select.ts'],
  chokidar: ['engine/watch/file-watcher.ts'],
};

function packageName(spec: string): string {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

const files = ['catalog', 'sql', 'engine'].flatMap((d) => tsFiles(join(ROOT, d))).map((f) => relative(ROOT, f));

function violations(file: string, text?: string): string[] {
  const errs: string[] = [];
  const layer = file.split('/')[0]!;
  const imports = importsOf(join(ROOT, file), text);
  for (const imp of imports) {
    const t = imp.target;
    if (t === '') {
      if (imp.spec.startsWith('node:')) {
        if (layer === 'sql') errs.push(`${file}: sql/ is pure and must not import '${imp.spec}'`);
        continue;
      }
      const pkg = packageName(imp.spec);
      const allowed = SDK_ADAPTERS[pkg];
      if (allowed && !allowed.includes(file)) errs.push(`${file}: '${pkg}' may only be imported by ${allowed.join(', ')}`);
      if (!allowed) errs.push(`${file}: imports unknown package '${pkg}' (add it to the adapter table)`);
      continue;
    }
    const tLayer = t.split('/')[0]!;
    if (layer === 'catalog' && tLayer !== 'catalog') errs.push(`${file}: catalog/ must not import ${t}`);
    if (layer === 'sql') {
      // catalog/types.ts holds pure DataType helpers sql/ may use; model and reader are types only.
      const ok =
        tLayer === 'sql' || t === 'catalog/types.ts' || (['catalog/model.ts', 'catalog/reader.ts'].includes(t) && imp.typeOnly);
      if (!ok) errs.push(`${file}: sql/ may only import catalog/types.ts and 'import type' catalog/model|reader, not ${t}`);
    }
    if (file.startsWith('engine/core/') && !t.startsWith('engine/core/') && t !== 'catalog/types.ts')
      errs.push(`${file}: engine/core may only import engine/core and catalog/types.ts, not ${t}`);
    if (file.startsWith('engine/ops/')) {
      const ok =
        t.startsWith('engine/core/') ||
        t.startsWith('engine/state/') ||
        t.startsWith('engine/ops/') ||
        (t === 'engine/formats/decoded-event.ts' && imp.typeOnly) ||
        (t === 'catalog/types.ts' && imp.typeOnly);
      if (!ok) errs.push(`${file}: engine/ops may only import engine/core and engine/state, not ${t}`);
    }
    if (file.startsWith('engine/state/')) {
      const ok =
        t.startsWith('engine/core/') ||
        t.startsWith('engine/state/') ||
        t.startsWith('catalog/') ||
        (t === 'engine/connectors/source.ts' && imp.typeOnly);
      if (!ok) errs.push(`${file}: engine/state may only import engine/core, engine/state and catalog/, not ${t}`);
    }
    const io = ['engine/connectors/', 'engine/formats/', 'engine/sinks/', 'engine/state/'];
    if (io.some((p) => file.startsWith(p)) && (t.startsWith('engine/runtime/') || t.startsWith('engine/compile/') || t.startsWith('engine/cli/')))
      errs.push(`${file}: connectors, formats, sinks and state must not import runtime/compile/cli (${t})`);
    if (layer === 'engine' && tLayer === 'sql' && !imp.typeOnly) {
      const ok = ['engine/compile/', 'engine/cli/', 'engine/runtime/', 'engine/watch/', 'engine/prefetch/'].some((p) => file.startsWith(p));
      if (!ok) errs.push(`${file}: only compile, runtime and cli may call into sql/ (${t})`);
    }
    if (t.startsWith('sql/plan/') && !file.startsWith('sql/')) {
      // Plan node knowledge + operators meet only in lower.ts.
      const knowsOps = imports.some((i) => i.target.startsWith('engine/ops/') && !i.typeOnly);
      if (knowsOps && file !== 'engine/compile/lower.ts')
        errs.push(`${file}: only engine/compile/lower.ts may know both plan nodes and operators`);
    }
  }
  return errs;
}

describe('architecture', () => {
  it('finds the source files', () => {
    expect(files.length).toBeGreaterThan(30);
    expect(files).toContain('engine/compile/lower.ts');
  });

  it('every import follows the dependency rules', () => {
    expect(files.flatMap((f) => violations(f))).toEqual([]);
  });

  it('reports violations (self-check of the rules)', () => {
    const bad = [
      "import { readFile } from 'node:fs';",
      "import { rowKey } from '../engine/core/value.js';",
      "import type { Schema } from '../catalog/types.js';",
      "import { FsStore } from '../catalog/store/fs-store.js';",
      "import { Kafka } from 'kafkajs';",
    ].join('\n');
    const errs = violations('sql/bad-example.ts', bad);
    expect(errs).toHaveLength(4);
    expect(errs.join('\n')).toMatch(/must not import 'node:fs'/);
    expect(errs.join('\n')).toMatch(/kafkajs/);
    const mixed = "import { compileExpr } from '../../sql/plan/evaluate.js';\nimport { FilterOp } from '../ops/filter.js';";
    expect(violations('engine/runtime/bad-example.ts', mixed)).toHaveLength(1);
    expect(violations('engine/compile/lower.ts', mixed)).toEqual([]);
  });
});
