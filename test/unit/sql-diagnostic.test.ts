// The diagnostic renderer (caret placement, tabs, end of file, multi-line spans), ordering,
// "did you mean" suggestions and duration parsing shared by intervals and options.
import { describe, expect, test } from 'vitest';
import { makeDiagnostic, renderDiagnostic, sortDiagnostics } from '../../sql/diagnostic.js';
import { formatMicros, intervalMicros, parseDurationMs } from '../../sql/durations.js';
import { closestName, didYouMean, editDistance } from '../../sql/suggest.js';

const at = (start: number, end: number, path = 'f.sql') => ({ path, start, end });

describe('renderDiagnostic', () => {
  test('location, source line, caret underline and help lines', () => {
    const text = 'CREATE VIEW v AS\nSELECT amout FROM orders;\n';
    const d = makeDiagnostic('error', 'unknown-column', "column 'amout' not found", at(24, 29), {
      notes: ['a note'],
      help: ["did you mean 'amount'?"],
    });
    expect(renderDiagnostic(d, text)).toBe(
      [
        "f.sql:2:8: error[unknown-column]: column 'amout' not found",
        '2 | SELECT amout FROM orders;',
        '  |        ^^^^^',
        '  = note: a note',
        "  = help: did you mean 'amount'?",
      ].join('\n'),
    );
  });

  test('tabs are kept so the caret lines up; CRLF is dropped', () => {
    const text = 'x\r\n\tSELECT\tbad;\r\n';
    const d = makeDiagnostic('warning', 'c', 'm', at(11, 14));
    expect(renderDiagnostic(d, text).split('\n')).toEqual(['f.sql:2:9: warning[c]: m', '2 | \tSELECT\tbad;', '  | \t      \t^^^']);
  });

  test('columns count characters; the caret lines up under wide (CJK, emoji) characters', () => {
    const text = "SELECT '\u{1F600}日本', bad FROM t;";
    const start = text.indexOf('bad');
    const out = renderDiagnostic(makeDiagnostic('error', 'e', 'm', at(start, start + 3)), text).split('\n');
    expect(out[0]).toBe('f.sql:1:15: error[e]: m'); // the emoji is one character, not two UTF-16 units
    expect(out[2]).toBe(`  | ${' '.repeat(8 + 2 + 4 + 3)}^^^`); // SELECT ' + emoji (2) + 日本 (4) + ', '
    const wideSpan = renderDiagnostic(makeDiagnostic('error', 'e', 'm', at(8, 11)), text).split('\n');
    expect(wideSpan[2]).toBe(`  | ${' '.repeat(8)}^^^^`); // the emoji and 日: two columns each
  });

  test('an empty span at end of file gets one caret; a multi-line span underlines its first line', () => {
    const text = 'SELECT a\nFROM';
    expect(renderDiagnostic(makeDiagnostic('error', 'e', 'm', at(13, 13)), text).split('\n').slice(1)).toEqual([
      '2 | FROM',
      '  |     ^',
    ]);
    expect(renderDiagnostic(makeDiagnostic('error', 'e', 'm', at(7, 13)), text).split('\n').slice(1)).toEqual([
      '1 | SELECT a',
      '  |        ^',
    ]);
  });

  test('wide line numbers widen the gutter and no line ends in blanks', () => {
    const text = '\n'.repeat(99) + '\n';
    const out = renderDiagnostic(makeDiagnostic('error', 'e', 'm', at(100, 100)), text);
    expect(out.split('\n')).toEqual(['f.sql:101:1: error[e]: m', '101 |', '    | ^']);
  });
});

test('sortDiagnostics orders by file, then offset, and drops exact duplicates', () => {
  const a = makeDiagnostic('error', 'x', 'm1', at(5, 6, 'b.sql'));
  const b = makeDiagnostic('error', 'x', 'm2', at(9, 9, 'a.sql'));
  const c = makeDiagnostic('error', 'x', 'm3', at(1, 2, 'a.sql'));
  const dup = makeDiagnostic('error', 'x', 'm3', at(1, 2, 'a.sql'));
  expect(sortDiagnostics([a, b, c, dup], ['a.sql', 'b.sql']).map((d) => d.message)).toEqual(['m3', 'm2', 'm1']);
});

test('edit distance and suggestions', () => {
  expect(editDistance('amout', 'amount')).toBe(1);
  expect(editDistance('stauts', 'status')).toBe(1); // transposition
  expect(editDistance('', 'abc')).toBe(3);
  expect(closestName('Ordrs', ['orders', 'order_items'])).toBe('orders');
  expect(closestName('xyz', ['orders'])).toBeUndefined();
  expect(didYouMean('custmer_id', ['customer_id', 'id'])).toEqual(["did you mean 'customer_id'?"]);
  expect(didYouMean('a', ['a'])).toEqual([]);
});

describe('durations', () => {
  test('INTERVAL values with and without a unit', () => {
    expect(intervalMicros('5', 'second')).toEqual({ micros: 5e6 });
    expect(intervalMicros('1.5', 'minutes')).toEqual({ micros: 9e7 });
    expect(intervalMicros('5 minutes')).toEqual({ micros: 3e8 });
    expect(intervalMicros('1 day 2 hours')).toEqual({ micros: 26 * 3.6e9 });
    expect(intervalMicros('1h30m')).toEqual({ micros: 5.4e9 });
    expect(intervalMicros('00:05:30')).toEqual({ micros: 3.3e8 });
    expect(intervalMicros('250 ms')).toEqual({ micros: 2.5e5 });
    expect(intervalMicros('-2', 'hour')).toEqual({ micros: -7.2e9 });
    expect(intervalMicros('1', 'month')).toEqual({ error: "'month' has no fixed length; use days, hours, minutes or seconds" });
    expect(intervalMicros('5')).toEqual({ error: "interval '5' needs a unit, e.g. '5 seconds'" });
    expect(intervalMicros('five minutes')).toEqual({ error: "invalid interval 'five minutes'" });
    expect(intervalMicros('5', 'fortnights')).toEqual({ error: "unknown interval unit 'fortnights'" });
  });

  test('option durations in milliseconds and compact display', () => {
    expect(parseDurationMs('10s')).toEqual({ ms: 10_000 });
    expect(parseDurationMs('500ms')).toEqual({ ms: 500 });
    expect(parseDurationMs('1 minute')).toEqual({ ms: 60_000 });
    expect(parseDurationMs('1us')).toEqual({ error: "duration '1us' must be a whole number of milliseconds" });
    expect([3e8, 9e7, 8.64e10, 2.5e5, 7, 0].map(formatMicros)).toEqual(['5m', '90s', '1d', '250ms', '7us', '0s']);
  });
});
