// Bounded retries with exponential backoff and jitter for remote object stores (S3).
// Pure policy + loop: the caller says which failures are transient; this file knows no SDK and
// never logs (error messages are built by the store, which knows what is safe to print).

export interface RetryPolicy {
  /** Total tries including the first (>= 1). */
  readonly maxAttempts: number;
  /** Backoff before the 2nd try; doubles per try. */
  readonly baseDelayMs: number;
  /** Cap of one backoff. */
  readonly maxDelayMs: number;
  /** No new try starts once this much time has passed since the first one. */
  readonly maxElapsedMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 8,
  baseDelayMs: 200,
  maxDelayMs: 8_000,
  maxElapsedMs: 30_000,
};

/** Merges user overrides into the default policy and rejects nonsense values. */
export function retryPolicy(overrides: Partial<RetryPolicy> = {}): RetryPolicy {
  const p = { ...DEFAULT_RETRY_POLICY, ...overrides };
  for (const [k, v] of Object.entries(p))
    if (!Number.isFinite(v) || v < 0) throw new RangeError(`retry option '${k}' must be a finite number >= 0, got ${v}`);
  if (p.maxAttempts < 1) throw new RangeError(`retry option 'maxAttempts' must be >= 1, got ${p.maxAttempts}`);
  return p;
}

/**
 * Backoff before try number `attempt + 1` (attempt counts from 1): "equal jitter", i.e. half of
 * min(maxDelay, base * 2^(attempt-1)) plus a uniformly random share of the other half.
 */
export function backoffMs(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return ceiling / 2 + random() * (ceiling / 2);
}

export interface RetryHooks {
  /** True when an error is transient (worth another try). */
  readonly retryable: (error: unknown) => boolean;
  /** Called before each backoff (e.g. to remember that an outcome is ambiguous). */
  readonly onRetry?: (error: unknown, attempt: number) => void;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
  readonly random?: () => number;
}

/** Thrown when every allowed try failed transiently; `cause` is the last failure. */
export class RetriesExhaustedError extends Error {
  constructor(
    readonly attempts: number,
    readonly elapsedMs: number,
    cause: unknown,
  ) {
    super(`gave up after ${attempts} attempt(s) in ${Math.round(elapsedMs)} ms`, { cause });
    this.name = 'RetriesExhaustedError';
  }
}

const realSleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Runs `op` until it succeeds, fails permanently (the error is rethrown as is), or the policy's
 * attempt/time budget is spent (RetriesExhaustedError wrapping the last error).
 */
export async function withRetry<T>(policy: RetryPolicy, hooks: RetryHooks, op: (attempt: number) => Promise<T>): Promise<T> {
  const now = hooks.now ?? Date.now;
  const sleep = hooks.sleep ?? realSleep;
  const started = now();
  for (let attempt = 1; ; attempt++) {
    try {
      return await op(attempt);
    } catch (e) {
      if (!hooks.retryable(e)) throw e;
      const elapsed = now() - started;
      const delay = backoffMs(policy, attempt, hooks.random);
      if (attempt >= policy.maxAttempts || elapsed + delay > policy.maxElapsedMs)
        throw new RetriesExhaustedError(attempt, elapsed, e);
      hooks.onRetry?.(e, attempt);
      await sleep(delay);
    }
  }
}
