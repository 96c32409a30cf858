// engine/cli/code-cache.ts (compiled, in a child process since caches are written at exit): a
// CommonJS file loads with the same exports with and without its V8 code cache, the cache is
// written once, replaced (not accumulated) when the file changes, and a corrupt cache is ignored.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO } from '../harness/cli.js';

const COMPILED = join(REPO, 'dist/engine/cli/code-cache.js');
const tmp = mkdtempSync(join(tmpdir(), 'sf-code-cache-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Loads `file` through requireWithCodeCache in a fresh node; returns what it printed. */
function load(file: string, home: string): string {
  const script = `
    const { requireWithCodeCache } = await import(${JSON.stringify(pathToFileURL(COMPILED).href)});
    const m = requireWithCodeCache(${JSON.stringify(file)}, 'probe');
    const again = requireWithCodeCache(${JSON.stringify(file)}, 'probe');
    console.log(JSON.stringify({ value: m.value(), same: m === again, dir: m.dir }));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    env: { ...process.env, XDG_CACHE_HOME: home },
    encoding: 'utf8',
  });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return r.stdout.trim();
}

describe.skipIf(!existsSync(COMPILED))('requireWithCodeCache', () => {
  it('loads with and without a cache, writes one cache per file version, ignores a corrupt one', () => {
    const home = join(tmp, 'home');
    const v8dir = join(home, 'streamforge', 'v8');
    const file = join(tmp, 'probe.cjs');
    const write = (n: number, t: number): void => {
      writeFileSync(file, `exports.value = () => ${n} * 2;\nexports.dir = __dirname;\n`);
      utimesSync(file, t, t);
    };
    write(21, 1_700_000_000);
    const expected = JSON.stringify({ value: 42, same: true, dir: tmp });
    expect(load(file, home)).toBe(expected);
    const first = readdirSync(v8dir);
    expect(first).toHaveLength(1);
    expect(first[0]).toMatch(/^probe-[0-9a-f]{8}-[0-9a-f]{12}\.bin$/);
    expect(load(file, home)).toBe(expected); // from the cache
    expect(readdirSync(v8dir)).toEqual(first);

    writeFileSync(join(v8dir, first[0]!), 'not a code cache');
    expect(load(file, home)).toBe(expected); // rejected, compiled again and rewritten
    expect(readdirSync(v8dir)).toEqual(first);
    expect(statSync(join(v8dir, first[0]!)).size).toBeGreaterThan(100);

    write(50, 1_700_000_100);
    expect(load(file, home)).toBe(JSON.stringify({ value: 100, same: true, dir: tmp }));
    const second = readdirSync(v8dir);
    expect(second).toHaveLength(1);
    expect(second[0]).not.toBe(first[0]);
  });
});
