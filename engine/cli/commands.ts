// The streamforge commands other than `check`: run, explain, query and tables. Imported by main.ts
// only when one of them is given, so `check` never loads the runtime, S3 or DuckDB modules.
// Argument handling and exit codes only; the work is done by the runtime and query modules.
import { openS3Store } from '../../catalog/store/s3-store.js';
import type { EngineError } from '../core/errors.js';
import type { Progress } from '../runtime/pipeline.js';
import { Warehouses } from '../runtime/warehouses.js';
import { flagString, positional, UsageError } from './args.js';
import type { ParsedArgs } from './args.js';
import { printDiagnostics } from './check-command.js';
import { loadAndPlan } from './load-script.js';
import { progressLine, summaryText } from './progress.js';

async function run(args: ParsedArgs): Promise<number> {
  const { sources, plans, diagnostics } = await loadAndPlan(positional(args, 'a file or directory'), process.env);
  if (printDiagnostics(diagnostics, sources) > 0) return 1;
  if (plans.sinks.length === 0) {
    process.stderr.write('nothing to run: no CREATE SINK in the given files\n');
    return 1;
  }
  // The decode thread loads its code while the runtime's modules load and the pipeline opens.
  const { DecodeThread, decodeThreadModeFromEnv } = await import('../runtime/decode-thread.js');
  const decodeThread = new DecodeThread(decodeThreadModeFromEnv());
  if ((await import('../runtime/input-volume.js')).expectsLargeInput(plans.sources)) decodeThread.boot();
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
    decodeThread,
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
  let summary;
  try {
    summary = await pipeline.run();
  } catch (err) {
    // a configuration error found in the warehouse: shown at its statement, like plan-time errors
    const site = err instanceof Error && err.name === 'EngineError' && (err as EngineError).kind === 'config' ? (err as EngineError).site : undefined;
    if (site === undefined) throw err;
    if (tty) process.stderr.write('\r\x1b[2K');
    const { path, start, end, code, help } = site;
    printDiagnostics([{ severity: 'error', code, message: (err as EngineError).detail, span: { path, start, end }, notes: [], help: help.map((message) => ({ message })) }], sources);
    return 1;
  }
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

/** Runs one of run | explain | query | tables; returns the exit code. */
export async function runCommand(args: ParsedArgs): Promise<number> {
  switch (args.command) {
    case 'run':
      return run(args);
    case 'explain': {
      const { sources, plans, diagnostics } = await loadAndPlan(positional(args, 'a file or directory'), process.env);
      if (printDiagnostics(diagnostics, sources) > 0) return 1;
      return (await import('./explain-command.js')).explainCommand(plans, flagString(args, 'sink'));
    }
    case 'query': {
      const sql = positional(args, 'a SQL query');
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
