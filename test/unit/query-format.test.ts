// How `streamforge query` prints results: CSV keeps an empty string apart from NULL (quoted "" vs
// an empty field, as DuckDB writes CSV), quotes separators, and no format drops the sign of -0.
import { describe, expect, it } from 'vitest';
import { formatResult } from '../../engine/cli/query.js';

const result = {
  columns: ['s', 'x'],
  types: ['VARCHAR', 'DOUBLE'],
  rows: [
    ['', null],
    [null, -0],
    ['a,"b"', 1.5],
  ],
};

describe('query output', () => {
  it('CSV: "" is an empty string, an empty field is NULL', () => {
    expect(formatResult(result, 'csv')).toBe('s,x\n"",\n,-0\n"a,""b""",1.5\n');
  });
  it('table: NULL is written out and -0 keeps its sign', () => {
    const lines = formatResult(result, 'table').split('\n');
    expect(lines[3]).toBe('NULL  |   -0');
  });
});
