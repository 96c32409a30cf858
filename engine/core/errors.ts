// Runtime failures: EngineError with a kind and a fixed message prefix per kind, `cause` chained.
// User SQL problems are never thrown: they are sql/ Diagnostics. Nothing else lives here.

export type EngineErrorKind = 'plan' | 'exec' | 'connector' | 'config' | 'internal';

const PREFIX: Record<EngineErrorKind, string> = {
  plan: 'planning error',
  exec: 'execution error',
  connector: 'connector error',
  config: 'configuration error',
  internal: 'internal error (this is a bug in StreamForge, please report it)',
};

/**
 * Where in the user's .sql files a configuration error found at run time belongs (e.g. the sink
 * whose table does not fit its query), so the CLI prints it as a diagnostic like plan-time errors.
 */
export interface ErrorSite {
  readonly path: string;
  readonly start: number;
  readonly end: number;
  /** Stable kebab-case code, as diagnostics have. */
  readonly code: string;
  readonly help: readonly string[];
}

export class EngineError extends Error {
  /** Set for errors a user fixes in a .sql file: the statement to point at. */
  readonly site: ErrorSite | undefined;
  /** The message without the kind's prefix. */
  readonly detail: string;

  constructor(
    readonly kind: EngineErrorKind,
    message: string,
    options?: { cause?: unknown; site?: ErrorSite },
  ) {
    super(`${PREFIX[kind]}: ${message}`, options);
    this.name = 'EngineError';
    this.site = options?.site;
    this.detail = message;
  }
}

export function internal(message: string): EngineError {
  return new EngineError('internal', message);
}

export function assertInternal(cond: unknown, message: string): asserts cond {
  if (!cond) throw internal(message);
}

/** Wrap an error with context ("while committing snapshot 3 of table 'x'"). */
export function withContext(kind: EngineErrorKind, context: string, cause: unknown): EngineError {
  const inner = cause instanceof Error ? cause.message : String(cause);
  return new EngineError(kind, `${context}: ${inner}`, { cause });
}

/** Full message including the chain of causes, for the CLI. */
export function describeError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  return err.message;
}
