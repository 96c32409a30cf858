// Finds `streamforge check`'s code: the esbuild bundle dist/engine/cli/check-command.bundle.cjs
// (written by `npm run build` after tsc; one file, loaded through the V8 code cache, ~2x faster to
// start than check's ~50 ES modules) when it is at least as new as this compiled file, otherwise
// the ES modules tsc emitted (check-command.js), which behave the same.
import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { requireWithCodeCache } from './code-cache.js';

type CheckModule = typeof import('./check-command.js');

const BUNDLE = 'check-command.bundle.cjs';

/** The bundle's exports, or undefined when it is missing, stale (older than tsc's output) or disabled. */
function bundled(): CheckModule | undefined {
  if (process.env['STREAMFORGE_NO_BUNDLE'] === '1') return undefined;
  const self = fileURLToPath(import.meta.url);
  const file = fileURLToPath(new URL(BUNDLE, import.meta.url));
  try {
    if (statSync(file).mtimeMs < statSync(self).mtimeMs) return undefined;
  } catch {
    return undefined; // not bundled (running from sources, or tsc only)
  }
  if (process.env['STREAMFORGE_NO_CODE_CACHE'] === '1') return createRequire(import.meta.url)(file) as CheckModule;
  return requireWithCodeCache(file, 'streamforge-check') as CheckModule;
}

export async function loadCheck(): Promise<CheckModule> {
  return bundled() ?? (await import('./check-command.js'));
}
