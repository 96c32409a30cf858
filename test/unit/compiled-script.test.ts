// The CLI bundles as built: worker scripts are found from dist/ both by tsc's output and by the
// bundle (one folder down from engine/ too), each as its own bundle when that is fresh; no CLI
// bundle calls import() (it runs as a vm.Script for the V8 code cache, where import() throws
// without an experimental Node option: the S3 SDK is required instead). Needs the build (`npm
// test`'s pretest).
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, utimesSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { compiledScript, preferBundle } from '../../engine/core/compiled-script.js';

const WORKERS = ['runtime/decode-worker.js', 'connectors/kafka-fetch-worker.js', 'sinks/parquet-worker.js'];

describe('compiled worker scripts', () => {
  it('are found from the TypeScript sources, in dist/', () => {
    for (const w of WORKERS) {
      const url = compiledScript(w);
      expect(url, w).not.toBeNull();
      // the worker's own bundle, which `npm run build` writes after tsc's output
      expect(fileURLToPath(url!)).toMatch(new RegExp(`dist/engine/${w.replace('.js', '\\.bundle\\.cjs')}$`));
    }
    expect(compiledScript('runtime/no-such-worker.js')).toBeNull();
  });

  it('are found from the CLI bundle, which names each of them relative to itself', () => {
    const bundle = fileURLToPath(new URL('../../dist/engine/cli/commands.bundle.cjs', import.meta.url));
    const text = readFileSync(bundle, 'utf8');
    expect(text).toContain('compiledScript("runtime/decode-worker.js")');
    expect(text).toContain('compiledScript("connectors/kafka-fetch-worker.js")');
    expect(text).toContain('new URL("../sinks/parquet-worker.js", __sf_import_meta_url)');
    // compiledScript's first candidate, and the encoder pool's URL, from the bundle's place
    for (const w of WORKERS) expect(existsSync(fileURLToPath(new URL(`../${w}`, pathToFileURL(bundle)))), w).toBe(true);
  });

  it('no CLI bundle calls import()', () => {
    for (const name of ['commands.bundle.cjs', 'check-command.bundle.cjs']) {
      const text = readFileSync(fileURLToPath(new URL(`../../dist/engine/cli/${name}`, import.meta.url)), 'utf8');
      expect(text.match(/\bimport\(\s*["'`@\w]/g) ?? [], name).toEqual([]);
    }
  });

  describe('preferBundle', () => {
    let dir = '';
    afterEach(() => {
      if (dir) rmSync(dir, { recursive: true, force: true });
      delete process.env['STREAMFORGE_NO_BUNDLE'];
    });

    it('takes a bundle at least as new as the script, else the script', () => {
      dir = mkdtempSync(path.resolve('test/.tmp', 'bundle-'));
      const src = fileURLToPath(new URL('../../dist/engine/runtime/decode-worker.js', import.meta.url));
      const js = path.join(dir, 'w.js');
      const bundle = path.join(dir, 'w.bundle.cjs');
      copyFileSync(src, js);
      expect(fileURLToPath(preferBundle(pathToFileURL(js)))).toBe(js); // no bundle
      copyFileSync(src, bundle);
      utimesSync(js, 1000, 1000);
      utimesSync(bundle, 2000, 2000);
      expect(fileURLToPath(preferBundle(pathToFileURL(js)))).toBe(bundle);
      utimesSync(bundle, 500, 500); // left over from an older build
      expect(fileURLToPath(preferBundle(pathToFileURL(js)))).toBe(js);
      utimesSync(bundle, 2000, 2000);
      process.env['STREAMFORGE_NO_BUNDLE'] = '1';
      expect(fileURLToPath(preferBundle(pathToFileURL(js)))).toBe(js);
    });
  });
});
