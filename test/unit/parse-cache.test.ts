// The CLI's on-disk parse cache (engine/cli/parse-cache.ts) behind sql/'s ParseCache hook: plans
// and diagnostics made with a warm cache equal cold ones for every example and for scripts with
// syntax errors, edits re-parse only changed statements, corrupt/foreign files are ignored and
// repaired, outcomes JSON cannot reproduce are never written, and the directory stays bounded.
// With dist/ built, also the compiled `check`: identical output cold and warm, no library load warm.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, REPO } from '../harness/cli.js';
import { listSqlFiles, loadAndPlan, readSources } from '../../engine/cli/load-script.js';
import { FileParseCache, parseCacheDir, parserVersionKey } from '../../engine/cli/parse-cache.js';
import { planScript, setParseCache } from '../../sql/index.js';
import type { ParseOutcome, SourceText } from '../../sql/index.js';

const tmp = mkdtempSync(join(tmpdir(), 'sf-parse-cache-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let seq = 0;
const freshDir = (): string => join(tmp, `cache-${seq++}`);

const EXAMPLES = readdirSync(join(REPO, 'examples'), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => join(REPO, 'examples', d.name));

/** A pipeline with several syntax errors (SELECT and WATERMARK), a binding error and valid sinks. */
const BROKEN = `
CREATE SOURCE orders (
  id BIGINT, amount DECIMAL(10,2), created_at TIMESTAMP(3),
  WATERMARK FOR created_at AS created_at - - INTERVAL '5' SECOND +
) WITH (connector = 'file', path = 'orders.jsonl', changelog = 'append');
CREATE SOURCE clicks (
  id BIGINT, at TIMESTAMP(3),
  WATERMARK FOR at AS at - INTERVAL '1' SECOND
) WITH (connector = 'file', path = 'clicks.jsonl', changelog = 'append');
CREATE SINK a WITH (table = 'f.a') AS SELECT window_start, window_end, COUNT(*) AS n, FROM TUMBLE(clicks, at, INTERVAL '1' MINUTE) GROUP BY window_start, window_end;
CREATE SINK b WITH (table = 'f.b') AS SELECT window_start, window_end, SUM(nope) AS s FROM TUMBLE(clicks, at, INTERVAL '1' MINUTE) GROUP BY window_start, window_end;
CREATE SINK c WITH (table = 'f.c') AS SELECT window_start, window_end, COUNT(*) AS n FROM TUMBLE(clicks, at, INTERVAL '1' MINUTE) WHERE id > GROUP BY window_start, window_end;
CREATE SINK d WITH (table = 'f.d') AS SELECT window_start, window_end, COUNT(*) AS n FROM TUMBLE(clicks, at, INTERVAL '1' MINUTE) GROUP BY window_start, window_end;
`;

function writePipeline(files: Record<string, string>): string {
  const dir = join(tmp, `pipeline-${seq++}`);
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

/** Plans `target` through the CLI's loader with its cache in `cacheHome`; returns the cache's counters too. */
async function planWith(target: string, cacheHome: string) {
  const env = { ...process.env, XDG_CACHE_HOME: cacheHome, STREAMFORGE_NO_CODE_CACHE: '1' };
  delete env['STREAMFORGE_NO_PARSE_CACHE'];
  const probe = new FileParseCache(target, { dir: parseCacheDir(env), parserKey: parserVersionKey() });
  const before = { file: probe.file, existed: existsSync(probe.file) };
  const out = await loadAndPlan(target, env);
  return { ...out, file: before.file, existed: before.existed };
}

/** Plans with no cache installed at all (the library parses every text). */
function planUncached(sources: readonly SourceText[]) {
  setParseCache(undefined);
  return planScript(sources, { env: process.env });
}

/** Counts hits/misses of a FileParseCache while planning `sources`, then saves. */
function planCounting(cache: FileParseCache, sources: readonly SourceText[]) {
  setParseCache(cache);
  try {
    return planScript(sources, { env: process.env });
  } finally {
    setParseCache(undefined);
    cache.save();
  }
}

describe('warm parse cache plans exactly like a cold one', () => {
  for (const dir of EXAMPLES) {
    it(`examples/${dir.split('/').pop()}`, async () => {
      const home = freshDir();
      const cold = await planWith(dir, home);
      expect(cold.existed).toBe(false);
      expect(existsSync(cold.file)).toBe(true);
      const warm = await planWith(dir, home);
      expect(warm.existed).toBe(true);
      expect(warm.diagnostics).toEqual(cold.diagnostics);
      expect(warm.plans).toEqual(cold.plans);
      expect(warm.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      expect(planUncached(cold.sources)).toEqual({ plans: cold.plans, diagnostics: cold.diagnostics });
      // every text of the warm run came from the file
      const counting = new FileParseCache(dir, { dir: parseCacheDir({ XDG_CACHE_HOME: home }), parserKey: parserVersionKey() });
      planCounting(counting, cold.sources);
      expect(counting.misses).toBe(0);
      expect(counting.hits).toBeGreaterThan(3);
    });
  }

  it('a script with several syntax errors reports all of them, identically cold and warm', async () => {
    const dir = writePipeline({ 'p.sql': BROKEN });
    const home = freshDir();
    const cold = await planWith(dir, home);
    const warm = await planWith(dir, home);
    const errors = cold.diagnostics.filter((d) => d.severity === 'error');
    expect(errors.filter((d) => d.code === 'syntax-error').length).toBeGreaterThanOrEqual(3);
    expect(errors.some((d) => d.code !== 'syntax-error')).toBe(true);
    expect(warm.diagnostics).toEqual(cold.diagnostics);
    expect(warm.plans).toEqual(cold.plans);
    expect(planUncached(cold.sources)).toEqual({ plans: cold.plans, diagnostics: cold.diagnostics });
    const counting = new FileParseCache(dir, { dir: parseCacheDir({ XDG_CACHE_HOME: home }), parserKey: parserVersionKey() });
    planCounting(counting, cold.sources);
    expect(counting.misses).toBe(0);
  });
});

describe('FileParseCache', () => {
  const opts = (dir: string, extra: Partial<ConstructorParameters<typeof FileParseCache>[1]> = {}) => ({
    dir,
    parserKey: parserVersionKey(),
    ...extra,
  });
  const examplePath = EXAMPLES.find((d) => d.endsWith('ecommerce')) ?? EXAMPLES[0]!;

  const sourcesOf = (dir: string): SourceText[] => readSources(listSqlFiles(dir));

  it('an edit re-parses only the changed statement, and the file keeps only the texts in use', () => {
    const dir = freshDir();
    const first = writePipeline({ 'a.sql': BROKEN.replace('COUNT(*) AS n, FROM', 'COUNT(*) AS n FROM') });
    const sources = sourcesOf(first);
    const c1 = new FileParseCache(first, opts(dir));
    planCounting(c1, sources);
    const lookups = c1.misses;
    expect(c1.hits).toBe(0);
    // change the last statement (sink d) only: the texts of the statements before it are unchanged
    const text = sources[0]!.text;
    const last = text.lastIndexOf('COUNT(*) AS n FROM');
    const edited = [{ ...sources[0]!, text: text.slice(0, last) + 'MAX(id)  AS n FROM' + text.slice(last + 18) }];
    const c2 = new FileParseCache(first, opts(dir));
    const warm = planCounting(c2, edited);
    expect(c2.misses).toBe(1);
    expect(c2.hits).toBe(lookups - 1);
    expect(warm).toEqual(planUncached(edited));
    // the replaced text is gone from the file (sinks a and c still count rows)
    const stored = readFileSync(c2.file, 'utf8');
    expect(stored).toContain('MAX');
    expect(stored.split('COUNT ( * ) AS').length - 1).toBe(2);
  });

  it('ignores corrupt, truncated, foreign-version and tampered files and rewrites them', () => {
    const sources = sourcesOf(examplePath);
    const reference = planUncached(sources);
    const dir = freshDir();
    const good = new FileParseCache(examplePath, opts(dir));
    planCounting(good, sources);
    const valid = readFileSync(good.file, 'utf8');
    const nl = valid.indexOf('\n');
    const body = valid.slice(nl + 1);
    const bad: Record<string, string | Buffer> = {
      garbage: Buffer.from([0xff, 0x00, 0x13, 0x37, 0x0a, 0x7b]),
      empty: '',
      truncated: valid.slice(0, Math.floor(valid.length / 2)),
      'flipped digit': valid.slice(0, nl + 1) + body.replace(/"§(\d)/, (_m, d: string) => `"§${(Number(d) + 1) % 10}`),
      'other parser version': valid.replace(parserVersionKey(), 'node-sql-parser@0.0.1/1/1'),
      'wrong shape with a valid checksum': (() => {
        const b = JSON.stringify([['SELECT 1', 'x', 3]]);
        return valid.slice(0, valid.lastIndexOf('\t', nl) + 1) + digest(b) + '\n' + b;
      })(),
    };
    for (const [what, content] of Object.entries(bad)) {
      writeFileSync(good.file, content);
      const c = new FileParseCache(examplePath, opts(dir));
      const planned = planCounting(c, sources);
      expect(c.hits, what).toBe(0);
      expect(planned, what).toEqual(reference);
      // save() rewrote it: the next open hits every text
      const again = new FileParseCache(examplePath, opts(dir));
      expect(planCounting(again, sources), what).toEqual(reference);
      expect(again.misses, what).toBe(0);
    }
  });

  it('never serves an outcome for a different text, and never writes what JSON cannot reproduce', () => {
    const dir = freshDir();
    const c = new FileParseCache('/some/pipeline', opts(dir));
    const ast: ParseOutcome = { kind: 'ast', ast: { type: 'select', columns: [] } };
    c.set('SELECT "§1"', ast);
    c.set('SELECT "§2"', { kind: 'ast', ast: { type: 'select', where: undefined } });
    c.set('SELECT "§3"', { kind: 'ast', ast: { type: 'select', n: Number.POSITIVE_INFINITY } });
    c.set('SELECT "§4" +', { kind: 'error', offset: 12 });
    c.set('SELECT "§5" +', { kind: 'error', offset: undefined });
    expect(c.get('SELECT "§1" ')).toBeUndefined();
    expect(c.get('select "§1"')).toBeUndefined();
    expect(c.get('SELECT "§1"')).toBe(ast);
    c.save();
    const d = new FileParseCache('/some/pipeline', opts(dir));
    expect(d.get('SELECT "§1"')).toEqual(ast);
    expect(d.get('SELECT "§2"')).toBeUndefined();
    expect(d.get('SELECT "§3"')).toBeUndefined();
    expect(d.get('SELECT "§4" +')).toEqual({ kind: 'error', offset: 12 });
    expect(d.get('SELECT "§5" +')).toEqual({ kind: 'error', offset: undefined });
    // another target or another library version does not see these entries
    expect(new FileParseCache('/other/pipeline', opts(dir)).get('SELECT "§1"')).toBeUndefined();
    expect(new FileParseCache('/some/pipeline', opts(dir, { parserKey: 'node-sql-parser@9.9.9/1/1' })).get('SELECT "§1"')).toBeUndefined();
  });

  it('keeps at most maxFiles files, deleting the least recently written', () => {
    const dir = freshDir();
    const old = Date.now() / 1000 - 3600;
    for (let i = 0; i < 5; i++) {
      const c = new FileParseCache(`/pipeline/${i}`, opts(dir, { maxFiles: 3 }));
      c.set(`SELECT ${i}`, { kind: 'error', offset: 0 });
      c.save();
      utimesSync(c.file, old + i, old + i);
    }
    const files = readdirSync(dir);
    expect(files.length).toBe(3);
    for (let i = 0; i < 5; i++) {
      const c = new FileParseCache(`/pipeline/${i}`, opts(dir, { maxFiles: 3 }));
      expect(c.get(`SELECT ${i}`) !== undefined, `pipeline ${i}`).toBe(i >= 2);
    }
  });

  it('a read-only cache directory only costs the parse', () => {
    const sources = sourcesOf(examplePath);
    const file = freshDir();
    writeFileSync(file, 'not a directory');
    const c = new FileParseCache(examplePath, opts(join(file, 'parse')));
    expect(planCounting(c, sources)).toEqual(planUncached(sources));
  });
});

/** The checksum FileParseCache writes (first 16 hex digits of the body's SHA-1). */
const digest = (s: string): string => createHash('sha1').update(s).digest('hex').slice(0, 16);

describe.skipIf(!existsSync(CLI))('compiled streamforge check', () => {
  const check = (target: string, home: string, extra: Record<string, string> = {}) =>
    new Promise<{ status: number; stdout: string; stderr: string }>((res, rej) => {
      const env = { ...process.env, XDG_CACHE_HOME: home, ...extra };
      delete env['STREAMFORGE_NO_PARSE_CACHE'];
      import('node:child_process').then(({ spawn }) => {
        const child = spawn(process.execPath, [CLI, 'check', target], { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
        const out: Buffer[] = [];
        const err: Buffer[] = [];
        child.stdout.on('data', (d: Buffer) => out.push(d));
        child.stderr.on('data', (d: Buffer) => err.push(d));
        child.on('error', rej);
        child.on('close', (code) => res({ status: code ?? -1, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() }));
      }, rej);
    });
  const LIB = 'Module._load REQUEST node-sql-parser/build/postgresql.js';

  it('prints the same diagnostics cold and warm, and a warm run does not load node-sql-parser', async () => {
    for (const target of [writePipeline({ 'p.sql': BROKEN }), ...EXAMPLES]) {
      const home = freshDir();
      const cold = await check(target, home, { NODE_DEBUG: 'module' });
      const warm = await check(target, home, { NODE_DEBUG: 'module' });
      const strip = (s: string) => s.split('\n').filter((l) => !l.startsWith('MODULE ')).join('\n');
      expect(cold.stderr).toContain(LIB);
      expect(warm.stderr).not.toContain(LIB);
      expect(warm.status).toBe(cold.status);
      expect(warm.stdout).toBe(cold.stdout);
      expect(strip(warm.stderr)).toBe(strip(cold.stderr));
      // no parse cache, and the ES modules instead of the check bundle: the same output
      for (const extra of [{ STREAMFORGE_NO_PARSE_CACHE: '1' }, { STREAMFORGE_NO_BUNDLE: '1' }]) {
        const other = await check(target, freshDir(), extra);
        expect(other.status).toBe(cold.status);
        expect(other.stdout).toBe(cold.stdout);
        expect(other.stderr).toBe(strip(cold.stderr));
      }
    }
    // and the broken script fails with every error listed
    const broken = await check(writePipeline({ 'p.sql': BROKEN }), freshDir());
    expect(broken.status).toBe(1);
    expect(broken.stderr).toMatch(/\d+ errors in 1 file/);
    const missing = await check(join(tmp, 'no-such-dir'), freshDir());
    expect(missing.status).toBe(1);
    expect(missing.stderr).toBe(`configuration error: no such file or directory: '${join(tmp, 'no-such-dir')}'\n`);
  });
});
