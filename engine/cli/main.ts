// The streamforge command line: run | check | explain | tables | query. Parses arguments, turns
// diagnostics and EngineErrors into exit codes (0 ok, 1 user error, 2 runtime failure) and
// delegates the work to sql/, the pipeline runtime and the query module.
import './parser-code-cache.js'; // first: sql/ requires the parser bundle while it loads
import { renderDiagnostic } from '../../sql/index.js';
import type { Diagnostic } from '../../sql/index.js';
import type { SourceText } from '../../sql/source.js';
import { EngineError, describeError } from '../core/errors.js';
import type { Progress } from '../runtime/pipeline.js';
import { openS3Store } from '../../catalog/store/s3-store.js';
import { Warehouses } from '../runtime/warehouses.js';
import { flagString, parseArgs } from './args.js';
import type { ParsedArgs } from './args.js';
import { loadAndPlan } from './load-script.js';
import { progressLine, summaryText } from './progress.js';

const USAGE = `usage:
  streamforge run <file-or-dir> [--once] [--warehouse DIR|s3://bucket/prefix]
  streamforge check <file-or-dir>
  streamforge explain <file-or-dir> [--sink NAME]
  streamforge query "<SQL>" [--warehouse ...] [--pipeline <file-or-dir>] [--format table|csv|json]
  streamforge tables [--warehouse ...] [--pipeline <file-or-dir>]
`;

class UsageError extends Error {}

function printDiagnostics(diags: readonly Diagnostic[], sources: readonly SourceText[]): number {
  const byPath = new Map(sources.map((s) => [s.path, s.text]));
  let errors = 0;
  for (const d of diags) {
    if (d.severity === 'error') errors++;
    process.stderr.write(renderDiagnostic(d, byPath.get(d.span?.path ?? '') ?? '') + '\n\n');
  }
  return errors;
}

function target(args: ParsedArgs, what: string): string {
  const t = args.positionals[0];
  if (!t) throw new UsageError(`${args.command} needs ${what}`);
  return t;
}

async function check(args: ParsedArgs): Promise<number> {
  const { sources, plans, diagnostics } = await loadAndPlan(target(args, 'a file or directory'), process.env);
  const errors = printDiagnostics(diagnostics, sources);
  if (errors > 0) {
    process.stderr.write(`${errors} error${errors === 1 ? '' : 's'} in ${sources.length} file${sources.length === 1 ? '' : 's'}\n`);
    return 1;
  }
  process.stdout.write(
    `ok: ${sources.length} file(s), ${plans.sources.length} source(s), ${plans.views.length} view(s), ${plans.sinks.length} sink(s)\n`,
  );
  return 0;
}

async function run(args: ParsedArgs): Promise<number> {
  const { sources, plans, diagnostics } = await loadAndPlan(target(args, 'a file or directory'), process.env);
  if (printDiagnostics(diagnostics, sources) > 0) return 1;
  if (plans.sinks.length === 0) {
    process.stderr.write('nothing to run: no CREATE SINK in the given files\n');
    return 1;
  }
  const { PipelineRun } = await import('../runtime/pipeline.js');
  const { defaultDeadLetterFactory, defaultSinkFactory, defaultSourceFactory } = await import('../runtime/default-factories.js');
  const warehouses = new Warehouses(flagString(args, 'warehouse') ?? './warehouse', openS3Store);
  warehouses.configure(plans.sinks.map((s) => s.sink));
  const once = args.flags.has('once');
  const abort = new AbortController();
  const stop = (): void => abort.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const tty = process.stderr.isTTY === true && !args.flags.has('quiet');
  let prev: Progress | undefined;
  const pipeline = new PipelineRun(plans, {
    once,
    openSource: defaultSourceFactory(),
    openSink: defaultSinkFactory(warehouses),
    openDeadLetter: defaultDeadLetterFactory(warehouses),
    signal: abort.signal,
    ...(tty
      ? {
          onProgress: (p: Progress) => {
            process.stderr.write('\r\x1b[2K' + progressLine(p, prev));
            prev = p;
          },
        }
      : {}),
  });
  const summary = await pipeline.run();
  if (tty) process.stderr.write('\r\x1b[2K');
  process.stdout.write(summaryText(summary) + '\n');
  return 0;
}

/**
 * The warehouse `query` and `tables` read: --warehouse; with --pipeline, the s3.* options of that
 * pipeline's Iceberg sinks apply and, without --warehouse, the one warehouse they write to.
 */
async function readWarehouses(args: ParsedArgs): Promise<Warehouses | undefined> {
  const pipeline = flagString(args, 'pipeline');
  if (pipeline === undefined) return new Warehouses(flagString(args, 'warehouse') ?? './warehouse', openS3Store);
  const { sources, plans, diagnostics } = await loadAndPlan(pipeline, process.env);
  if (printDiagnostics(diagnostics, sources) > 0) return undefined;
  return Warehouses.forReading(flagString(args, 'warehouse'), plans.sinks.map((s) => s.sink), openS3Store);
}

async function main(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv);
  if (!args.command || args.flags.has('help')) {
    process.stdout.write(USAGE);
    return args.command ? 0 : 1;
  }
  switch (args.command) {
    case 'run':
      return run(args);
    case 'check':
      return check(args);
    case 'explain': {
      const { sources, plans, diagnostics } = await loadAndPlan(target(args, 'a file or directory'), process.env);
      if (printDiagnostics(diagnostics, sources) > 0) return 1;
      return (await import('./explain-command.js')).explainCommand(plans, flagString(args, 'sink'));
    }
    case 'query': {
      const sql = target(args, 'a SQL query');
      const warehouses = await readWarehouses(args);
      if (!warehouses) return 1;
      return (await import('./query.js')).queryCommand(sql, { warehouses, format: flagString(args, 'format') ?? 'table' });
    }
    case 'tables': {
      const warehouses = await readWarehouses(args);
      if (!warehouses) return 1;
      return (await import('./tables.js')).tablesCommand(warehouses);
    }
    default:
      throw new UsageError(`unknown command '${args.command}'`);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof UsageError) {
      process.stderr.write(`error: ${err.message}\n${USAGE}`);
      process.exitCode = 1;
      return;
    }
    process.stderr.write(describeError(err) + '\n');
    if (process.env['STREAMFORGE_DEBUG'] && err instanceof Error && err.stack) process.stderr.write(err.stack + '\n');
    process.exitCode = err instanceof EngineError && err.kind === 'config' ? 1 : 2;
  },
);
