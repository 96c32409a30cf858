// Fixed-length durations: INTERVAL literals ('5' MINUTE, '5 minutes', '1 day 2 hours',
// '00:05:00'), option values ('10s', '500ms', '1 minute') and their compact display ('5m').
// Microseconds throughout. Pure; months and years are rejected (they have no fixed length).

const UNIT_MICROS: Readonly<Record<string, number>> = {
  us: 1, usec: 1, usecs: 1, microsecond: 1, microseconds: 1,
  ms: 1_000, msec: 1_000, msecs: 1_000, millisecond: 1_000, milliseconds: 1_000,
  s: 1e6, sec: 1e6, secs: 1e6, second: 1e6, seconds: 1e6,
  m: 6e7, min: 6e7, mins: 6e7, minute: 6e7, minutes: 6e7,
  h: 3.6e9, hr: 3.6e9, hrs: 3.6e9, hour: 3.6e9, hours: 3.6e9,
  d: 8.64e10, day: 8.64e10, days: 8.64e10,
  w: 6.048e11, week: 6.048e11, weeks: 6.048e11,
};
const CALENDAR_UNITS = new Set(['mon', 'mons', 'month', 'months', 'y', 'year', 'years', 'quarter', 'quarters', 'decade', 'decades']);

/** Whether a word can be the unit of `INTERVAL '5' <unit>` (fixed-length or calendar unit). */
export function isIntervalUnit(word: string): boolean {
  const w = word.toLowerCase();
  return UNIT_MICROS[w] !== undefined || CALENDAR_UNITS.has(w);
}

export type DurationResult = { readonly micros: number } | { readonly error: string };

const fail = (error: string): DurationResult => ({ error });

function unitMicros(unit: string): number | string {
  const u = unit.toLowerCase();
  const v = UNIT_MICROS[u];
  if (v !== undefined) return v;
  if (CALENDAR_UNITS.has(u)) return `'${unit}' has no fixed length; use days, hours, minutes or seconds`;
  return `unknown interval unit '${unit}'`;
}

function scaled(amount: string, unit: string): number | string {
  const per = unitMicros(unit);
  if (typeof per === 'string') return per;
  const micros = Math.round(Number(amount) * per);
  return Number.isSafeInteger(micros) ? micros : `interval '${amount} ${unit}' is out of range`;
}

/**
 * Value of `INTERVAL '<value>' [<unit>]`. With a unit, value is a number ('5', '1.5', '-2');
 * without one it is a list of amount-unit pairs ('5 minutes', '1 day 2 hours', '10s', '1h30m')
 * or a clock 'HH:MM[:SS[.f]]'.
 */
export function intervalMicros(value: string, unit?: string): DurationResult {
  const text = value.trim();
  if (unit !== undefined && unit !== '') {
    if (!/^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(text)) return fail(`invalid interval value '${value}'`);
    const v = scaled(text, unit);
    return typeof v === 'string' ? fail(v) : { micros: v };
  }
  const clock = /^([+-]?)(\d+):(\d{2})(?::(\d{2}(?:\.\d+)?))?$/.exec(text);
  if (clock) {
    const micros = Math.round((Number(clock[2]) * 3600 + Number(clock[3]) * 60 + Number(clock[4] ?? '0')) * 1e6);
    return { micros: clock[1] === '-' ? -micros : micros };
  }
  const pair = /\s*([+-]?(?:\d+(?:\.\d*)?|\.\d+))\s*([a-zA-Z]+)\s*/y;
  let total = 0;
  let pos = 0;
  let parts = 0;
  while (pos < text.length) {
    pair.lastIndex = pos;
    const m = pair.exec(text);
    if (!m) break;
    const v = scaled(m[1]!, m[2]!);
    if (typeof v === 'string') return fail(v);
    total += v;
    pos = pair.lastIndex;
    parts++;
  }
  if (parts === 0 || pos < text.length) {
    if (/^[+-]?\d+(\.\d*)?$/.test(text)) return fail(`interval '${value}' needs a unit, e.g. '${text} seconds'`);
    return fail(`invalid interval '${value}'`);
  }
  return { micros: total };
}

/** An option value such as '10s', '500ms' or '1 minute', in milliseconds. */
export function parseDurationMs(value: string): { readonly ms: number } | { readonly error: string } {
  const r = intervalMicros(value);
  if ('error' in r) return r;
  if (r.micros % 1000 !== 0) return { error: `duration '${value}' must be a whole number of milliseconds` };
  return { ms: r.micros / 1000 };
}

const DISPLAY_UNITS: readonly [number, string][] = [
  [8.64e10, 'd'],
  [3.6e9, 'h'],
  [6e7, 'm'],
  [1e6, 's'],
  [1e3, 'ms'],
  [1, 'us'],
];

/** Compact display in the largest unit that divides it exactly: '5m', '90s', '1d', '250ms'. */
export function formatMicros(micros: number): string {
  if (micros === 0) return '0s';
  for (const [per, name] of DISPLAY_UNITS) if (micros % per === 0) return `${micros / per}${name}`;
  return `${micros}us`;
}
