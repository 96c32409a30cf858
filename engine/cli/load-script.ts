// Reads the .sql files of a pipeline (one file, or every *.sql under a directory, sorted) and
// plans them with sql/. The only place the CLI turns paths into SourceText.
import { readdir, readFile, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import type { SourceText } from '../../sql/source.js';
import { planScript } from '../../sql/index.js';
import { EngineError } from '../core/errors.js';

export type PlanOutput = ReturnType<typeof planScript>;

async function sqlFilesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name === 'node_modules' || e.name.startsWith('.') || e.name === 'data' || e.name === 'warehouse') continue;
      out.push(...(await sqlFilesUnder(p)));
    } else if (e.isFile() && e.name.endsWith('.sql')) {
      out.push(p);
    }
  }
  return out;
}

/** The .sql files named by a CLI argument (absolute paths). */
export async function listSqlFiles(target: string): Promise<string[]> {
  const abs = resolve(target);
  let st;
  try {
    st = await stat(abs);
  } catch {
    throw new EngineError('config', `no such file or directory: '${target}'`);
  }
  if (st.isDirectory()) {
    const files = await sqlFilesUnder(abs);
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

export async function readSources(files: readonly string[]): Promise<SourceText[]> {
  return Promise.all(files.map(async (path) => ({ path: displayPath(path), text: await readFile(path, 'utf8') })));
}

export async function loadAndPlan(target: string, env: Readonly<Record<string, string | undefined>>) {
  const sources = await readSources(await listSqlFiles(target));
  const result = planScript(sources, { env });
  return { sources, ...result };
}
