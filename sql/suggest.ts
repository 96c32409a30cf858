// "Did you mean" suggestions: case-insensitive edit distance over a list of candidate names.
// Pure string functions; no knowledge of SQL objects.

/** Levenshtein distance with adjacent transpositions counted as one edit. */
export function editDistance(a: string, b: string): number {
  const n = a.length;
  const m = b.length;
  if (n === 0) return m;
  if (m === 0) return n;
  let prev2: number[] = new Array<number>(m + 1).fill(0);
  let prev: number[] = Array.from({ length: m + 1 }, (_, j) => j);
  let cur: number[] = new Array<number>(m + 1).fill(0);
  for (let i = 1; i <= n; i++) {
    cur[0] = i;
    for (let j = 1; j <= m; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, prev2[j - 2]! + 1);
      cur[j] = v;
    }
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[m]!;
}

/** The closest candidate within a length-dependent distance (1 for short names, up to a third). */
export function closestName(name: string, candidates: Iterable<string>): string | undefined {
  const needle = name.toLowerCase();
  const limit = Math.max(1, Math.floor(needle.length / 3));
  let best: string | undefined;
  let bestDist = Number.POSITIVE_INFINITY;
  for (const c of candidates) {
    if (c === name) continue;
    const d = editDistance(needle, c.toLowerCase());
    if (d <= limit && d < bestDist) {
      best = c;
      bestDist = d;
    }
  }
  return best;
}

/** `did you mean 'x'?` help lines (empty when nothing is close). */
export function didYouMean(name: string, candidates: Iterable<string>): string[] {
  const best = closestName(name, candidates);
  return best === undefined ? [] : [`did you mean '${best}'?`];
}
