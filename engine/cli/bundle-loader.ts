// Finds the CLI's code: the esbuild bundles dist/engine/cli/check-command.bundle.cjs (`check`) and
// commands.bundle.cjs (run, explain, query, tables), written by `npm run build` after tsc; one
// file each, loaded through the V8 code cache: `check` starts ~2x faster than from its ~50 ES
// modules, `run` ~0.2 s sooner than from its ~140. A bundle missing, older than tsc's output of
// this file, or disabled (STREAMFORGE_NO_BUNDLE=1) falls back to the ES modules tsc emitted, which
// behave the same.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { freshBundle } from '../core/compiled-script.js';
import { requireWithCodeCache } from './code-cache.js';

type CheckModule = typeof import('./check-command.js');
type CommandsModule = typeof import('./commands.js');

/** The bundle's exports, or undefined when it is missing, stale or disabled. */
function bundled<T>(bundle: string, cacheName: string): T | undefined {
  const file = fileURLToPath(new URL(bundle, import.meta.url));
  if (!freshBundle(file, fileURLToPath(import.meta.url))) return undefined;
  if (process.env['STREAMFORGE_NO_CODE_CACHE'] === '1') return createRequire(import.meta.url)(file) as T;
  return requireWithCodeCache(file, cacheName) as T;
}

export async function loadCheck(): Promise<CheckModule> {
  return bundled<CheckModule>('check-command.bundle.cjs', 'streamforge-check') ?? (await import('./check-command.js'));
}

export async function loadCommands(): Promise<CommandsModule> {
  return bundled<CommandsModule>('commands.bundle.cjs', 'streamforge-commands') ?? (await import('./commands.js'));
}
