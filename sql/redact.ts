// Secret WITH options (S3 secret keys and session tokens): their names, and a masking pass that
// hides their literal values, and the user info of URLs (http://user:password@host), in source
// text before a diagnostic shows a line of it.
// Pure string functions. Values written as `${NAME}` stay visible: they name a variable, not a secret.

/** Options whose values are credentials (keys as normalized by the binder). */
export const SECRET_OPTION_KEYS: readonly string[] = ['s3.secret_access_key', 's3.session_token'];

// A secret key (bare `s3.secret_access_key`, spaced `s3 . secret_access_key`, or quoted with '-' or
// '_'), '=', then its value: a quoted string (with '' escapes) or a bare word/number.
const SECRET_VALUE_RE =
  /((?:'|")?s3\s*\.\s*(?:secret[-_]access[-_]key|session[-_]token)(?:'|")?\s*=\s*)('(?:[^']|'')*'|[^\s,)]+)/gi;
const ENV_ONLY_RE = /^'(?:\$\{[^}']*\})+'$/;
// scheme://user[:password]@ in any URL.
const USER_INFO_RE = /([A-Za-z][A-Za-z0-9+.-]*:\/\/)([^\s/@'"]+)@/g;

/** Stars for every character of a value but its enclosing quotes and line breaks. */
function mask(value: string): string {
  const quoted = value.length >= 2 && value.startsWith("'") && value.endsWith("'");
  const inner = (quoted ? value.slice(1, -1) : value).replace(/[^\r\n]/g, '*');
  return quoted ? `'${inner}'` : inner;
}

/**
 * `text` with every literal value of a secret option, and every URL's user info, replaced by '*' of
 * the same length (offsets, line breaks and carets stay where they were). Values that are only
 * `${NAME}` references are kept.
 */
export function maskSecretValues(text: string): string {
  let out = text;
  if (out.includes('@')) out = out.replace(USER_INFO_RE, (_whole, scheme: string, info: string) => scheme + mask(info) + '@');
  if (!/s3/i.test(out)) return out;
  return out.replace(SECRET_VALUE_RE, (_whole, lead: string, value: string) =>
    ENV_ONLY_RE.test(value) ? lead + value : lead + mask(value),
  );
}
