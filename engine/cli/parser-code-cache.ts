// preloadParser(): loads node-sql-parser's 300 KB PostgreSQL bundle into the CommonJS module cache
// through the V8 code cache (code-cache.ts), so the sql/ adapter's plain `require` finds it
// compiled (saves ~60 ms). Called by the parse cache just before the adapter loads the library,
// so never when every statement hits. Any failure falls back silently to the normal require;
// must not change what the bundle exports. STREAMFORGE_NO_CODE_CACHE=1 turns it off.
import { createRequire } from 'node:module';
import { requireWithCodeCache } from './code-cache.js';

let done = false;

/** Loads the bundle through the code cache, once; never throws. */
export function preloadParser(): void {
  if (done || process.env['STREAMFORGE_NO_CODE_CACHE'] === '1') return;
  done = true;
  try {
    requireWithCodeCache(createRequire(import.meta.url).resolve('node-sql-parser/build/postgresql.js'), 'node-sql-parser');
  } catch {
    // the adapter's own require loads the bundle
  }
}
