// The CLI bundles as built: worker scripts are found from dist/ both by tsc's output and by the
// bundle (one folder down from engine/ too), and no bundle calls import() (it runs as a vm.Script
// for the V8 code cache, where import() throws without an experimental Node option: the S3 SDK is
// required instead). Needs the build (`npm test`'s pretest).
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compiledScript } from '../../engine/core/compiled-script.js';

const WORKERS = ['runtime/decode-worker.js', 'connectors/kafka-fetch-worker.js', 'sinks/parquet-worker.js'];

describe('compiled worker scripts', () => {
  it('are found from the TypeScript sources, in dist/', () => {
    for (const w of WORKERS) {
      const url = compiledScript(w);
      expect(url, w).not.toBeNull();
      expect(fileURLToPath(url!)).toMatch(new RegExp(`dist/engine/${w.replace('.', '\\.')}$`));
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
});
