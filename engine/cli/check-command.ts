// `streamforge check`: plans the .sql files of a file or directory and prints every diagnostic,
// then a one-line summary; exit code 0 (ok) or 1 (errors). Also the diagnostics printer of the
// other commands. Bundled into dist/engine/cli/check-command.bundle.cjs (see bundle-loader.ts):
// keep its imports to what checking needs (sql/, the loader), nothing of the runtime.
import { renderDiagnostic } from '../../sql/index.js';
import type { Diagnostic } from '../../sql/index.js';
import type { SourceText } from '../../sql/source.js';
import { loadAndPlan } from './load-script.js';

/** Writes diagnostics to stderr (with their source lines); returns the number of errors. */
export function printDiagnostics(diags: readonly Diagnostic[], sources: readonly SourceText[]): number {
  const byPath = new Map(sources.map((s) => [s.path, s.text]));
  let errors = 0;
  for (const d of diags) {
    if (d.severity === 'error') errors++;
    process.stderr.write(renderDiagnostic(d, byPath.get(d.span?.path ?? '') ?? '') + '\n\n');
  }
  return errors;
}

export async function checkCommand(target: string, env: Readonly<Record<string, string | undefined>>): Promise<number> {
  const { sources, plans, diagnostics } = await loadAndPlan(target, env);
  const errors = printDiagnostics(diagnostics, sources);
  if (errors > 0) {
    const withErrors = new Set(diagnostics.filter((d) => d.severity === 'error').map((d) => d.span.path)).size;
    const of = (n: number, what: string): string => `${n} ${what}${n === 1 ? '' : 's'}`;
    process.stderr.write(`${of(errors, 'error')} in ${of(withErrors, 'file')} (${of(sources.length, 'file')} checked)\n`);
    return 1;
  }
  process.stdout.write(
    `ok: ${sources.length} file(s), ${plans.sources.length} source(s), ${plans.views.length} view(s), ${plans.sinks.length} sink(s)\n`,
  );
  return 0;
}
