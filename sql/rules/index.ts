// The ordered rule list run by sql/optimize.ts, with why each sits where it does.
// Pure data; add a rule here and it runs to the fixed point with the others.
import { foldConstants } from './fold-constants.js';
import { pruneColumns } from './prune-columns.js';
import { pushFilter } from './push-filter.js';
import type { Rule } from './rule.js';

export type { Rule } from './rule.js';

export const RULES: readonly Rule[] = [
  // first: constant predicates become TRUE/FALSE literals and TRUE filters disappear, so the
  // pushdown below moves fewer and simpler predicates
  foldConstants,
  // second: moves filters toward the sources (through projections substituted by their
  // expressions, which fold-constants may simplify on the next pass)
  pushFilter,
  // last: needs the final position of every filter to know which source columns are read
  pruneColumns,
];
