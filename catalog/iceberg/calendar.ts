// Proleptic Gregorian calendar arithmetic on epoch days and epoch microseconds (UTC), without Date
// allocations, for partition transforms and human-readable partition paths. No I/O, no time zones.

export const MICROS_PER_DAY = 86_400_000_000;
export const MICROS_PER_HOUR = 3_600_000_000;

export interface Civil {
  readonly year: number;
  readonly month: number; // 1..12
  readonly day: number; // 1..31
}

/** Civil date of a day number (days since 1970-01-01); H. Hinnant's algorithm. */
export function civilFromDays(days: number): Civil {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return { year, month, day };
}

/** Day number of a civil date. */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = month > 2 ? month - 3 : month + 9;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export function daysOfMicros(micros: number): number {
  return Math.floor(micros / MICROS_PER_DAY);
}

function pad(n: number, w: number): string {
  const s = String(Math.abs(n)).padStart(w, '0');
  return n < 0 ? '-' + s : s;
}

export function formatYear(year: number): string {
  return pad(year, 4);
}

export function formatDate(days: number): string {
  const c = civilFromDays(days);
  return `${pad(c.year, 4)}-${pad(c.month, 2)}-${pad(c.day, 2)}`;
}

/** ISO-8601 like PyIceberg's human strings: 2017-11-16T22:31:08[.000001][+00:00]. */
export function formatTimestamp(micros: number, withZone: boolean): string {
  const days = daysOfMicros(micros);
  let rest = micros - days * MICROS_PER_DAY;
  const h = Math.floor(rest / MICROS_PER_HOUR);
  rest -= h * MICROS_PER_HOUR;
  const m = Math.floor(rest / 60_000_000);
  rest -= m * 60_000_000;
  const s = Math.floor(rest / 1_000_000);
  const us = rest - s * 1_000_000;
  const frac = us === 0 ? '' : '.' + pad(us, 6);
  return `${formatDate(days)}T${pad(h, 2)}:${pad(m, 2)}:${pad(s, 2)}${frac}${withZone ? '+00:00' : ''}`;
}
