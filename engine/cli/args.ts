// Command-line argument parsing for the streamforge CLI: positional words and --flags, what each
// command accepts, and the UsageError for a command line that does not fit it. No command logic
// here; main.ts dispatches.

export interface ParsedArgs {
  readonly command: string | undefined;
  readonly positionals: readonly string[];
  readonly flags: ReadonlyMap<string, string | true>;
}

/** What a command accepts: its positional arguments (at most), flags with a value, bare flags. */
export interface CommandSpec {
  readonly positionals: number;
  readonly values: readonly string[];
  readonly switches: readonly string[];
}

export const COMMAND_SPECS: Readonly<Record<string, CommandSpec>> = {
  run: { positionals: 1, values: ['warehouse'], switches: ['once', 'quiet'] },
  check: { positionals: 1, values: [], switches: [] },
  explain: { positionals: 1, values: ['sink'], switches: [] },
  query: { positionals: 1, values: ['warehouse', 'pipeline', 'format'], switches: [] },
  tables: { positionals: 0, values: ['warehouse', 'pipeline'], switches: [] },
};

/** Flags that take a value (`--warehouse DIR` or `--warehouse=DIR`) in some command. */
const VALUE_FLAGS = new Set(Object.values(COMMAND_SPECS).flatMap((c) => c.values));

/**
 * Splits argv into the command, positional words and flags. A value flag takes the next word as
 * its value unless that word is a flag itself (then it has none: validateArgs reports it).
 */
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
        const next = argv[i + 1];
        if (VALUE_FLAGS.has(name) && next !== undefined && !next.startsWith('--')) {
          flags.set(name, next);
          i++;
        } else flags.set(name, true);
      }
    } else if (a === '-h') {
      flags.set('help', true);
    } else {
      positionals.push(a);
    }
  }
  return { command: positionals[0], positionals: positionals.slice(1), flags };
}

/**
 * Throws a UsageError for what the command does not take: an unknown flag (a typo of --once must
 * not start an unbounded run), a value flag without its value, a bare flag given a value, or more
 * positional arguments than it reads (`check a b` must not check only a).
 */
export function validateArgs(args: ParsedArgs, spec: CommandSpec): void {
  const cmd = args.command!;
  for (const [name, v] of args.flags) {
    if (spec.values.includes(name)) {
      if (v === true || v === '') throw new UsageError(`--${name} needs a value`);
    } else if (spec.switches.includes(name)) {
      if (v !== true) throw new UsageError(`--${name} takes no value`);
    } else {
      const known = [...spec.values, ...spec.switches].map((f) => `--${f}`);
      throw new UsageError(`${cmd} does not take --${name}${known.length > 0 ? ` (it takes ${known.join(', ')})` : ''}`);
    }
  }
  if (args.positionals.length > spec.positionals) {
    const extra = args.positionals.slice(spec.positionals).map((p) => `'${p}'`).join(' ');
    throw new UsageError(
      spec.positionals === 0
        ? `${cmd} takes no arguments, got ${extra}`
        : `${cmd} takes one ${cmd === 'query' ? 'SQL text (quote it)' : 'file or directory'}; unexpected ${extra}`,
    );
  }
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
