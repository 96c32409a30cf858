// Calendar arithmetic on the runtime representations (DATE = days since 1970-01-01, TIMESTAMP =
// microseconds since epoch, INTERVAL = microseconds): civil date conversion, parsing and
// formatting of ISO-like text, EXTRACT fields and DATE_TRUNC. Pure integer math; no Date, no clock.

export const MICROS_PER_SECOND = 1_000_000;
export const MICROS_PER_MINUTE = 60 * MICROS_PER_SECOND;
export const MICROS_PER_HOUR = 60 * MICROS_PER_MINUTE;
export const MICROS_PER_DAY = 24 * MICROS_PER_HOUR;

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm). */
export function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** [year, month 1-12, day 1-31] of a day number. */
export function civilFromDays(days: number): [number, number, number] {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

const isLeap = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
export function daysInMonth(y: number, m: number): number {
  return m === 2 && isLeap(y) ? 29 : MONTH_DAYS[m - 1]!;
}

const TS_RE =
  /^\s*(-?\d{4,})-(\d{1,2})-(\d{1,2})(?:(?:[Tt]|\s+)(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(?:([Zz]|UTC|utc)|([+-])(\d{2})(?::?(\d{2}))?)?\s*$/;

/**
 * Parses 'YYYY-MM-DD[( |T)HH:MM[:SS[.fffffffff]]][Z|UTC|±HH[:MM]]' to microseconds. With
 * `applyOffset` (TIMESTAMPTZ) a zone offset converts to UTC; otherwise it is ignored, as in
 * PostgreSQL's TIMESTAMP WITHOUT TIME ZONE. Fractions beyond microseconds round half up.
 */
export function parseTimestamp(s: string, applyOffset: boolean): number | undefined {
  const m = TS_RE.exec(s);
  if (!m) return undefined;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return undefined;
  const h = m[4] === undefined ? 0 : Number(m[4]);
  const mi = m[5] === undefined ? 0 : Number(m[5]);
  const sec = m[6] === undefined ? 0 : Number(m[6]);
  if (h > 23 || mi > 59 || sec > 59) return undefined;
  let frac = 0;
  if (m[7] !== undefined) {
    const f = m[7].padEnd(9, '0');
    frac = Number(f.slice(0, 6)) + (Number(f[6]) >= 5 ? 1 : 0);
  }
  let micros = daysFromCivil(y, mo, d) * MICROS_PER_DAY + h * MICROS_PER_HOUR + mi * MICROS_PER_MINUTE + sec * MICROS_PER_SECOND + frac;
  if (applyOffset && m[9] !== undefined) {
    const off = Number(m[10]) * MICROS_PER_HOUR + Number(m[11] ?? '0') * MICROS_PER_MINUTE;
    micros -= m[9] === '-' ? -off : off;
  }
  return Number.isSafeInteger(micros) ? micros : undefined;
}

/** 'YYYY-MM-DD' (a time part, if any, is truncated) to days. */
export function parseDate(s: string): number | undefined {
  const micros = parseTimestamp(s, false);
  return micros === undefined ? undefined : Math.floor(micros / MICROS_PER_DAY);
}

const pad = (n: number, w: number): string => String(n).padStart(w, '0');

export function formatDate(days: number): string {
  const [y, m, d] = civilFromDays(days);
  const ys = y < 0 ? '-' + pad(-y, 4) : pad(y, 4);
  return `${ys}-${pad(m, 2)}-${pad(d, 2)}`;
}

/** 'YYYY-MM-DD HH:MM:SS[.ffffff]' (fraction without trailing zeros); '+00:00' appended for TIMESTAMPTZ. */
export function formatTimestamp(micros: number, withZone: boolean): string {
  const days = Math.floor(micros / MICROS_PER_DAY);
  let rest = micros - days * MICROS_PER_DAY;
  const h = Math.floor(rest / MICROS_PER_HOUR);
  rest -= h * MICROS_PER_HOUR;
  const mi = Math.floor(rest / MICROS_PER_MINUTE);
  rest -= mi * MICROS_PER_MINUTE;
  const s = Math.floor(rest / MICROS_PER_SECOND);
  const f = rest - s * MICROS_PER_SECOND;
  const frac = f === 0 ? '' : '.' + pad(f, 6).replace(/0+$/, '');
  return `${formatDate(days)} ${pad(h, 2)}:${pad(mi, 2)}:${pad(s, 2)}${frac}${withZone ? '+00:00' : ''}`;
}

/** PostgreSQL-style interval text: '[N day[s] ]HH:MM:SS[.ffffff]'. */
export function formatInterval(micros: number): string {
  const neg = micros < 0;
  let rest = Math.abs(micros);
  const days = Math.floor(rest / MICROS_PER_DAY);
  rest -= days * MICROS_PER_DAY;
  const clock = formatTimestamp(rest, false).slice(11);
  const dayPart = days === 0 ? '' : `${days} day${days === 1 ? '' : 's'} `;
  return `${neg ? '-' : ''}${dayPart}${clock}`;
}

export const EXTRACT_FIELDS = [
  'year', 'quarter', 'month', 'week', 'day', 'hour', 'minute', 'second',
  'millisecond', 'microsecond', 'dow', 'isodow', 'doy', 'epoch',
] as const;
export type ExtractField = (typeof EXTRACT_FIELDS)[number];

/** Accepted spellings of EXTRACT fields and DATE_TRUNC units, normalized. */
export function normalizeTimeField(name: string): string {
  const n = name.toLowerCase();
  const plural: Record<string, string> = {
    years: 'year', months: 'month', days: 'day', hours: 'hour', minutes: 'minute', seconds: 'second',
    milliseconds: 'millisecond', microseconds: 'microsecond', weeks: 'week', quarters: 'quarter',
    decades: 'decade', centuries: 'century', millennia: 'millennium', millenniums: 'millennium',
  };
  return plural[n] ?? n;
}

/** EXTRACT(field FROM ts): integer fields as numbers, EPOCH as fractional seconds. */
export function extractField(field: ExtractField, micros: number): number {
  const days = Math.floor(micros / MICROS_PER_DAY);
  const inDay = micros - days * MICROS_PER_DAY;
  switch (field) {
    case 'epoch':
      return micros / MICROS_PER_SECOND;
    case 'hour':
      return Math.floor(inDay / MICROS_PER_HOUR);
    case 'minute':
      return Math.floor((inDay % MICROS_PER_HOUR) / MICROS_PER_MINUTE);
    case 'second':
      return Math.floor((inDay % MICROS_PER_MINUTE) / MICROS_PER_SECOND);
    case 'millisecond':
      return Math.floor((inDay % MICROS_PER_MINUTE) / 1000);
    case 'microsecond':
      return inDay % MICROS_PER_MINUTE;
    case 'dow':
      return (((days + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday; Sunday = 0
    case 'isodow': {
      const dow = (((days + 4) % 7) + 7) % 7;
      return dow === 0 ? 7 : dow;
    }
    default:
      break;
  }
  const [y, m, d] = civilFromDays(days);
  switch (field) {
    case 'year':
      return y;
    case 'quarter':
      return Math.floor((m - 1) / 3) + 1;
    case 'month':
      return m;
    case 'day':
      return d;
    case 'doy':
      return days - daysFromCivil(y, 1, 1) + 1;
    case 'week':
      return isoWeek(days);
  }
}

function isoWeek(days: number): number {
  const isodow = (dd: number): number => ((((dd + 3) % 7) + 7) % 7) + 1; // Monday = 1
  const thursday = days - isodow(days) + 4;
  const [ty] = civilFromDays(thursday);
  const jan1 = daysFromCivil(ty, 1, 1);
  return Math.floor((thursday - jan1) / 7) + 1;
}

export const TRUNC_UNITS = [
  'microsecond', 'millisecond', 'second', 'minute', 'hour', 'day', 'week', 'month', 'quarter', 'year',
  'decade', 'century', 'millennium',
] as const;
export type TruncUnit = (typeof TRUNC_UNITS)[number];

const floorTo = (v: number, step: number): number => Math.floor(v / step) * step;

/** DATE_TRUNC(unit, ts) on microseconds. Weeks start on Monday (ISO). */
export function dateTrunc(unit: TruncUnit, micros: number): number {
  switch (unit) {
    case 'microsecond':
      return micros;
    case 'millisecond':
      return floorTo(micros, 1000);
    case 'second':
      return floorTo(micros, MICROS_PER_SECOND);
    case 'minute':
      return floorTo(micros, MICROS_PER_MINUTE);
    case 'hour':
      return floorTo(micros, MICROS_PER_HOUR);
    case 'day':
      return floorTo(micros, MICROS_PER_DAY);
    case 'week': {
      const days = Math.floor(micros / MICROS_PER_DAY);
      const fromMonday = (((days + 3) % 7) + 7) % 7;
      return (days - fromMonday) * MICROS_PER_DAY;
    }
    default:
      break;
  }
  const [y, m] = civilFromDays(Math.floor(micros / MICROS_PER_DAY));
  let ty = y;
  let tm = 1;
  switch (unit) {
    case 'month':
      tm = m;
      break;
    case 'quarter':
      tm = Math.floor((m - 1) / 3) * 3 + 1;
      break;
    case 'year':
      break;
    case 'decade':
      ty = Math.floor(y / 10) * 10;
      break;
    case 'century':
      ty = Math.floor((y - 1) / 100) * 100 + 1;
      break;
    case 'millennium':
      ty = Math.floor((y - 1) / 1000) * 1000 + 1;
      break;
  }
  return daysFromCivil(ty, tm, 1) * MICROS_PER_DAY;
}
