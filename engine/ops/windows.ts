// Window arithmetic shared by WindowAssign and WindowAggregate: which epoch-aligned TUMBLE/HOP
// windows contain an event time (microseconds). Pure arithmetic; no state, no I/O.

/** TUMBLE/HOP windows in microseconds (mirrors the plan's WindowSpec without importing sql/). */
export type TimeWindowSpec =
  | { readonly kind: 'tumble'; readonly size: number }
  | { readonly kind: 'hop'; readonly slide: number; readonly size: number };

/** Largest multiple of `step` that is <= t (works for negative t). */
export function alignDown(t: number, step: number): number {
  // Division instead of `%` (a slow fmod call for doubles); exact for safe integers once the
  // possibly rounded quotient is corrected by one step.
  let s = Math.floor(t / step) * step + 0; // + 0: never -0
  if (Number.isSafeInteger(s) && Number.isSafeInteger(t)) {
    if (s > t) s -= step;
    else if (t - s >= step) s += step;
    return s;
  }
  const r = t % step;
  return r < 0 ? t - r - step : t - r;
}

export function checkWindowSpec(spec: TimeWindowSpec): void {
  const ok = (n: number): boolean => Number.isSafeInteger(n) && n > 0;
  if (spec.kind === 'tumble' ? !ok(spec.size) : !ok(spec.size) || !ok(spec.slide))
    throw new Error(`internal error: invalid window ${JSON.stringify(spec)} (sizes must be positive integers; this is a bug)`);
}

/**
 * Write the starts of every window containing `t` into `out` in increasing order and return
 * how many there are. TUMBLE: the one start aligned to size. HOP: every multiple of slide in
 * (t - size, t]. Window [start, start + size) is half-open.
 */
export function windowStarts(spec: TimeWindowSpec, t: number, out: number[]): number {
  if (spec.kind === 'tumble') {
    out[0] = alignDown(t, spec.size);
    return 1;
  }
  const last = alignDown(t, spec.slide);
  let first = last;
  while (first - spec.slide > t - spec.size) first -= spec.slide;
  let n = 0;
  for (let s = first; s <= last; s += spec.slide) out[n++] = s;
  return n;
}

export function describeWindow(spec: TimeWindowSpec): string {
  return spec.kind === 'tumble' ? `tumble=${spec.size}us` : `hop=${spec.slide}us/${spec.size}us`;
}
