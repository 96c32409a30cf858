// Imported first by the CLI for its side effect: loads node-sql-parser's 300 KB PostgreSQL bundle
// into the CommonJS module cache through a V8 code cache kept in ~/.cache/streamforge/v8, so the
// sql/ adapter's plain `require` finds it compiled (saves ~60 ms of every `streamforge` command).
// Any failure falls back silently to the normal require; must not change what the bundle exports.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';

function cacheDir(): string {
  const base = process.env['XDG_CACHE_HOME'] || join(homedir(), '.cache');
  return join(base, 'streamforge', 'v8');
}

function preload(): void {
  if (process.env['STREAMFORGE_NO_CODE_CACHE'] === '1') return;
  const req = createRequire(import.meta.url);
  const file = req.resolve('node-sql-parser/build/postgresql.js');
  if (req.cache[file] !== undefined) return;
  const source = readFileSync(file, 'utf8');
  const st = statSync(file);
  const key = createHash('sha1').update(`${process.version}\0${process.arch}\0${file}\0${st.size}\0${st.mtimeMs}`).digest('hex').slice(0, 16);
  const cachePath = join(cacheDir(), `node-sql-parser-${key}.bin`);
  let cached: Buffer | undefined;
  try {
    cached = readFileSync(cachePath);
  } catch {
    cached = undefined;
  }
  const script = new Script(Module.wrap(source), { filename: file, cachedData: cached });
  const mod = new Module(file);
  mod.filename = file;
  const wrapper = script.runInThisContext() as (e: unknown, r: NodeJS.Require, m: Module, f: string, d: string) => void;
  wrapper.call(mod.exports, mod.exports, createRequire(file), mod, file, dirname(file));
  mod.loaded = true;
  req.cache[file] = mod;
  if (cached === undefined || script.cachedDataRejected === true) {
    // written at exit, so the functions this run compiled lazily are in the cache too
    process.once('exit', () => {
      try {
        mkdirSync(dirname(cachePath), { recursive: true });
        const tmp = `${cachePath}.${process.pid}.tmp`;
        writeFileSync(tmp, script.createCachedData());
        renameSync(tmp, cachePath);
      } catch {
        // a read-only home: every run compiles the bundle itself
      }
    });
  }
}

try {
  preload();
} catch {
  // the adapter's own require loads the bundle
}
