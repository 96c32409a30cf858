// Lossless JSON for Iceberg metadata: integers beyond 2^53 (snapshot ids written by Java) parse to
// bigint instead of being silently rounded, and bigint values serialize as plain JSON numbers.
// Only whole-document parse/stringify lives here; no Iceberg semantics.

const BIG_TAG = '\u0000big:';
// A JSON string literal, or a number token. Strings are matched first so digits inside them are skipped.
const TOKEN_RE = /"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g;

export function parseJsonLossless(text: string): unknown {
  let tagged = false;
  const safe = text.replace(TOKEN_RE, (tok) => {
    if (tok.charCodeAt(0) === 34 /* " */) return tok;
    if (tok.length < 16 || /[.eE]/.test(tok)) return tok;
    if (Number.isSafeInteger(Number(tok))) return tok;
    tagged = true;
    return `"\\u0000big:${tok}"`;
  });
  if (!tagged) return JSON.parse(safe);
  return JSON.parse(safe, (_k, v: unknown) =>
    typeof v === 'string' && v.startsWith(BIG_TAG) ? BigInt(v.slice(BIG_TAG.length)) : v,
  );
}

export function stringifyJson(value: unknown, indent?: number): string {
  let tagged = false;
  const text = JSON.stringify(
    value,
    (_k, v: unknown) => {
      if (typeof v !== 'bigint') return v;
      if (v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER)) return Number(v);
      tagged = true;
      return BIG_TAG + v.toString();
    },
    indent,
  );
  if (!tagged) return text;
  return text.replace(/"\\u0000big:(-?\d+)"/g, '$1');
}

/** A JSON integer field that may have been parsed as number or bigint, as bigint. */
export function toBigInt(v: unknown, what: string): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
  if (typeof v === 'string' && /^-?\d+$/.test(v)) return BigInt(v);
  throw new Error(`${what}: expected an integer, got ${JSON.stringify(String(v))}`);
}

/** A JSON integer field that must fit a JS number exactly. */
export function toSafeInt(v: unknown, what: string): number {
  const n = typeof v === 'bigint' ? Number(v) : v;
  if (typeof n === 'number' && Number.isSafeInteger(n)) return n;
  throw new Error(`${what}: expected a safe integer, got ${String(v)}`);
}
