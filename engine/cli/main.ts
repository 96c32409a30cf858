// The streamforge command line: run | check | explain | tables | query. Parses arguments, turns
// diagnostics and EngineErrors into exit codes (0 ok, 1 user error, 2 runtime failure) and
// delegates: `check` to its bundle (check-loader.ts), the others to commands.ts, imported only
// when given. Keep the static imports tiny: they are paid by every `check`.
import { describeError } from '../core/errors.js';
import { parseArgs, positional, UsageError } from './args.js';
import { loadCheck } from './check-loader.js';

const USAGE = `usage:
  streamforge run <file-or-dir> [--once] [--warehouse DIR|s3://bucket/prefix]
  streamforge check <file-or-dir>
  streamforge explain <file-or-dir> [--sink NAME]
  streamforge query "<SQL>" [--warehouse ...] [--pipeline <file-or-dir>] [--format table|csv|json]
  streamforge tables [--warehouse ...] [--pipeline <file-or-dir>]
`;

const COMMANDS = new Set(['run', 'explain', 'query', 'tables']);

async function main(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv);
  if (!args.command || args.flags.has('help')) {
    process.stdout.write(USAGE);
    return args.command ? 0 : 1;
  }
  if (args.command === 'check') {
    const target = positional(args, 'a file or directory');
    return (await loadCheck()).checkCommand(target, process.env);
  }
  if (!COMMANDS.has(args.command)) throw new UsageError(`unknown command '${args.command}'`);
  return (await import('./commands.js')).runCommand(args);
}

/**
 * A configuration EngineError (exit code 1). Checked by shape, not instanceof: the check bundle
 * carries its own copy of the EngineError class.
 */
function isConfigError(err: unknown): boolean {
  return err instanceof Error && err.name === 'EngineError' && (err as { kind?: unknown }).kind === 'config';
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
    process.exitCode = isConfigError(err) ? 1 : 2;
  },
);
