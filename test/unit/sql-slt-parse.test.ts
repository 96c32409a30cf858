// The .slt record parser and the expected-block rewriter used by UPDATE_SLT=1.
import { expect, test } from 'vitest';
import { parseSlt, rewriteSlt } from '../harness/slt-parse.js';

const FILE = `# comment

statement ok
CREATE SOURCE a (x INT);

statement error unknown-column
SELECT y
FROM a
----
old line 1
old line 2

explain s
----

changes orders
+1 1 10.0
`;

test('records keep header, args, body, expected lines and line numbers', () => {
  const { records } = parseSlt(FILE);
  expect(records.map((r) => [r.kind, r.args, r.line, r.bodyLine, r.body, r.expected, r.separatorLine, r.endLine])).toEqual([
    ['statement', ['ok'], 3, 4, ['CREATE SOURCE a (x INT);'], undefined, undefined, 4],
    ['statement', ['error', 'unknown-column'], 6, 7, ['SELECT y', 'FROM a'], ['old line 1', 'old line 2'], 9, 11],
    ['explain', ['s'], 13, 14, [], [], 14, 14],
    ['changes', ['orders'], 16, 17, ['+1 1 10.0'], undefined, undefined, 17],
  ]);
});

test('rewriting replaces, adds and removes expected blocks and keeps the rest', () => {
  const file = parseSlt(FILE);
  const out = rewriteSlt(
    file,
    new Map([
      [3, ['warning line']],
      [6, []],
      [13, ['01)Plan']],
    ]),
  );
  expect(out).toBe(`# comment

statement ok
CREATE SOURCE a (x INT);
----
warning line

statement error unknown-column
SELECT y
FROM a

explain s
----
01)Plan

changes orders
+1 1 10.0
`);
  expect(rewriteSlt(parseSlt(out), new Map())).toBe(out);
});
