// The streamforge command line: run | check | explain | tables | query. Parses arguments, turns
// diagnostics and EngineErrors into exit codes (0 ok, 1 user error, 2 runtime failure) and
// delegates: `check` to its bundle, the others to commands.ts (bundled too; see bundle-loader.ts),
// loaded only when given. Keep the static imports tiny: they are paid by every `check`.
import { describeError } from '../core/errors.js';
import { COMMAND_SPECS, isUsageError, parseArgs, positional, UsageError, validateArgs } from './args.js';
import { loadCheck, loadCommands } from './bundle-loader.js';

const USAGE = `usage:
  streamforge run <file-or-dir> [--once] [--warehouse DIR|s3://bucket/prefix] [--quiet]
  streamforge check <file-or-dir>
  streamforge explain <file-or-dir> [--sink NAME]
  streamforge query "<SQL>" [--warehouse ...] [--pipeline <file-or-dir>] [--format table|csv|json]
  streamforge tables [--warehouse ...] [--pipeline <file-or-dir>]
`;

async function main(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv);
  if (args.flags.has('help')) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (!args.command) {
    process.stdout.write(USAGE);
    return 1;
  }
  const spec = COMMAND_SPECS[args.command];
  if (spec === undefined) throw new UsageError(`unknown command '${args.command}'`);
  validateArgs(args, spec);
  if (args.command === 'check') {
    const target = positional(args, 'a file or directory');
    return (await loadCheck()).checkCommand(target, process.env);
  }
  return (await loadCommands()).runCommand(args);
}

/**
 * A configuration EngineError (exit code 1). Checked by shape, not instanceof: the CLI bundles
 * carry their own copy of the EngineError class.
 */
function isConfigError(err: unknown): boolean {
  return err instanceof Error && err.name === 'EngineError' && (err as { kind?: unknown }).kind === 'config';
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (isUsageError(err)) {
      process.stderr.write(`error: ${err.message}\n${USAGE}`);
      process.exitCode = 1;
      return;
    }
    process.stderr.write(describeError(err) + '\n');
    if (process.env['STREAMFORGE_DEBUG'] && err instanceof Error && err.stack) process.stderr.write(err.stack + '\n');
    process.exitCode = isConfigError(err) ? 1 : 2;
  },
);
