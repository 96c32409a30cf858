// Command-line argument parsing for the streamforge CLI: positional words and --flags, and the
// UsageError commands throw for a missing argument. No command logic here; main.ts dispatches.

export interface ParsedArgs {
  readonly command: string | undefined;
  readonly positionals: readonly string[];
  readonly flags: ReadonlyMap<string, string | true>;
}

/** Flags that take a value (`--warehouse DIR` or `--warehouse=DIR`). */
const VALUE_FLAGS = new Set(['warehouse', 'format', 'sink', 'commit-interval', 'progress', 'pipeline']);

export function parseArgs(argv: readonly string[]): ParsedArgs {
  const positionals: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      if (eq > 0) {
        flags.set(a.slice(2, eq), a.slice(eq + 1));
      } else {
        const name = a.slice(2);
        if (VALUE_FLAGS.has(name) && i + 1 < argv.length) flags.set(name, argv[++i]!);
        else flags.set(name, true);
      }
    } else if (a === '-h') {
      flags.set('help', true);
    } else {
      positionals.push(a);
    }
  }
  return { command: positionals[0], positionals: positionals.slice(1), flags };
}

export function flagString(args: ParsedArgs, name: string): string | undefined {
  const v = args.flags.get(name);
  return typeof v === 'string' ? v : undefined;
}

/**
 * A command line that does not make sense: printed with the usage text, exit code 1. Recognized by
 * isUsageError (its name), not instanceof: the CLI bundles carry their own copy of this class.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export function isUsageError(err: unknown): err is UsageError {
  return err instanceof Error && err.name === 'UsageError';
}

/** The first positional argument of a command, or a UsageError naming `what` it needs. */
export function positional(args: ParsedArgs, what: string): string {
  const t = args.positionals[0];
  if (!t) throw new UsageError(`${args.command} needs ${what}`);
  return t;
}
