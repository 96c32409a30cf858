// Finds a worker thread's compiled script dist/engine/<path>: relative to this module in dist/
// (tsc's output, or the CLI bundle in dist/engine/cli/, one folder down from engine/ alike) or,
// running from TypeScript sources (vitest), in the repository's dist/. Only checks files exist.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** `path` is relative to engine/, e.g. 'runtime/decode-worker.js'; null when it is not built. */
export function compiledScript(path: string): URL | null {
  for (const rel of [`../${path}`, `../../dist/engine/${path}`]) {
    const url = new URL(rel, import.meta.url);
    if (existsSync(fileURLToPath(url))) return url;
  }
  return null;
}
