// The hook through which the host may memoize node-sql-parser's results (the CLI keeps them on
// disk, so a `check` whose statements all hit never loads the library). Entries are keyed by the
// exact text handed to the library. Pure: holds the object the host installed, does no I/O itself.

/** What the library made of one text: its AST (first statement) or the offset it failed at. */
export type ParseOutcome =
  | { readonly kind: 'ast'; readonly ast: unknown }
  | { readonly kind: 'error'; readonly offset: number | undefined };

export interface ParseCache {
  /** The outcome recorded for exactly this text, or undefined (a miss). */
  get(text: string): ParseOutcome | undefined;
  /** Records what the library made of `text`; the AST is never mutated afterwards. */
  set(text: string, outcome: ParseOutcome): void;
  /** Called once, on the first miss, just before node-sql-parser is loaded. */
  parserLoading?(): void;
}

let installed: ParseCache | undefined;

/** Installs (or with undefined removes) the cache every later parse consults. */
export function setParseCache(cache: ParseCache | undefined): void {
  installed = cache;
}

export function currentParseCache(): ParseCache | undefined {
  return installed;
}
