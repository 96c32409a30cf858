// Loads a CommonJS file through a V8 code cache kept in ~/.cache/streamforge/v8 (XDG_CACHE_HOME),
// registering it in the require cache like `require` would. Used for node-sql-parser's bundle and
// the CLI's check bundle: a cache hit skips parsing and compiling them (also the functions the last
// run compiled lazily, as the cache is written at exit). Never changes what a file exports.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';

function cacheDir(): string {
  const base = process.env['XDG_CACHE_HOME'] || join(homedir(), '.cache');
  return join(base, 'streamforge', 'v8');
}

/**
 * `require(file)` through the code cache `<name>-<hash of path>-<key>.bin` (key: node version,
 * arch, size, mtime). A missing or rejected cache is written when the process exits, and older
 * caches of the same file are deleted then. Throws what loading the file throws.
 */
export function requireWithCodeCache(file: string, name: string): unknown {
  const req = createRequire(file);
  const known = req.cache[file];
  if (known !== undefined) return known.exports;
  const source = readFileSync(file, 'utf8');
  const st = statSync(file);
  const where = createHash('sha1').update(file).digest('hex').slice(0, 8);
  const key = createHash('sha1').update(`${process.version}\0${process.arch}\0${st.size}\0${st.mtimeMs}`).digest('hex').slice(0, 12);
  const prefix = `${name}-${where}-`;
  const dir = cacheDir();
  const cachePath = join(dir, `${prefix}${key}.bin`);
  let cached: Buffer | undefined;
  try {
    cached = readFileSync(cachePath);
  } catch {
    cached = undefined;
  }
  const script = new Script(Module.wrap(source), { filename: file, cachedData: cached });
  const mod = new Module(file);
  mod.filename = file;
  mod.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(dirname(file));
  req.cache[file] = mod;
  try {
    const wrapper = script.runInThisContext() as (e: unknown, r: NodeJS.Require, m: Module, f: string, d: string) => void;
    wrapper.call(mod.exports, mod.exports, req, mod, file, dirname(file));
  } catch (err) {
    delete req.cache[file];
    throw err;
  }
  mod.loaded = true;
  if (cached === undefined || script.cachedDataRejected === true) {
    // written at exit, so the functions this run compiled lazily are in the cache too
    process.once('exit', () => {
      try {
        mkdirSync(dir, { recursive: true });
        const tmp = `${cachePath}.${process.pid}.tmp`;
        writeFileSync(tmp, script.createCachedData());
        renameSync(tmp, cachePath);
        // older caches of this file, and those named before the path hash was part of the name
        const legacy = new RegExp(`^${name}-[0-9a-f]{16}\\.bin$`);
        for (const other of readdirSync(dir)) {
          const stale = (other.startsWith(prefix) && other.endsWith('.bin')) || legacy.test(other);
          if (stale && join(dir, other) !== cachePath) unlinkSync(join(dir, other));
        }
      } catch {
        // a read-only home: every run compiles the file itself
      }
    });
  }
  return mod.exports;
}
