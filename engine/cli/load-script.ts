// Reads the .sql files of a pipeline (one file, or every *.sql under a directory, sorted) and
// plans them with sql/, with the on-disk parse cache installed for the planning (set
// STREAMFORGE_NO_PARSE_CACHE=1 to parse everything). The only place the CLI turns paths into SourceText.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import type { ParseCache } from '../../sql/index.js';
import type { SourceText } from '../../sql/source.js';
import { planScript, setParseCache } from '../../sql/index.js';
import { EngineError } from '../core/errors.js';
import { FileParseCache, parseCacheDir, parserVersionKey } from './parse-cache.js';
import { preloadParser } from './parser-code-cache.js';

export type PlanOutput = ReturnType<typeof planScript>;

// Synchronous on purpose: a handful of small files, and each thread-pool round trip of the
// promise API costs a `check` more than the read itself (one-shot CLI, nothing else to run meanwhile).
function sqlFilesUnder(dir: string): string[] {
  const out: string[] = [];
  const entries = readdirSync(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name === 'node_modules' || e.name.startsWith('.') || e.name === 'data' || e.name === 'warehouse') continue;
      out.push(...sqlFilesUnder(p));
    } else if (e.isFile() && e.name.endsWith('.sql')) {
      out.push(p);
    }
  }
  return out;
}

/** The .sql files named by a CLI argument (absolute paths). */
export function listSqlFiles(target: string): string[] {
  const abs = resolve(target);
  let st;
  try {
    st = statSync(abs);
  } catch {
    throw new EngineError('config', `no such file or directory: '${target}'`);
  }
  if (st.isDirectory()) {
    const files = sqlFilesUnder(abs);
    if (files.length === 0) throw new EngineError('config', `no .sql files under '${target}'`);
    return files;
  }
  return [abs];
}

/** Shown in diagnostics: relative to the working directory when the file is below it. */
function displayPath(abs: string): string {
  const rel = relative(process.cwd(), abs);
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? abs : rel;
}

export function readSources(files: readonly string[]): SourceText[] {
  return files.map((path) => ({ path: displayPath(path), text: readFileSync(path, 'utf8') }));
}

type Env = Readonly<Record<string, string | undefined>>;

/** The parse cache of a target; without one (disabled, no parser package) only the code cache warm-up. */
function openParseCache(target: string, env: Env): ParseCache & { save(): void } {
  if (env['STREAMFORGE_NO_PARSE_CACHE'] !== '1') {
    try {
      return new FileParseCache(target, { dir: parseCacheDir(env), parserKey: parserVersionKey(), parserLoading: preloadParser });
    } catch {
      // node-sql-parser not resolvable from here: the adapter's require reports it
    }
  }
  return { get: () => undefined, set() {}, parserLoading: preloadParser, save() {} };
}

export async function loadAndPlan(target: string, env: Env) {
  const sources = readSources(listSqlFiles(target));
  const cache = openParseCache(target, env);
  setParseCache(cache);
  try {
    const result = planScript(sources, { env });
    return { sources, ...result };
  } finally {
    setParseCache(undefined);
    cache.save();
  }
}
