// Invertible accumulators: every aggregate under inserts and retractions (negative weights),
// FILTER, NULL handling, exact DECIMAL/BIGINT arithmetic, DOUBLE results of exact sums rounded
// once (correctly rounded quotients) and snapshot/restore.
import { describe, expect, it } from 'vitest';
import { T } from '../../catalog/types.js';
import type { DataType } from '../../catalog/types.js';
import type { Row, Value } from '../../engine/core/value.js';
import type { AggregateFn, AggregateSpec } from '../../engine/ops/accumulators.js';
import { AccumulatorSet, createAccumulator } from '../../engine/ops/accumulators.js';
import { ratio } from '../../engine/ops/accumulator-kinds.js';

const col = (i: number) => (r: Row): Value => r[i] ?? null;

function acc(fn: AggregateFn, argType?: DataType, resultType: DataType = T.double, filter?: (r: Row) => Value) {
  const spec: AggregateSpec = { fn, arg: fn === 'count_star' ? undefined : col(0), argType, resultType, filter };
  return createAccumulator(spec);
}

/** Feed [value, weight] pairs as one-column rows. */
function feed(a: ReturnType<typeof acc>, items: [Value, number][]): void {
  for (const [v, w] of items) a.add([v], w);
}

describe('COUNT', () => {
  it('COUNT(*) counts every row, COUNT(x) skips NULL, both invert', () => {
    const star = acc('count_star', undefined, T.bigint);
    const cnt = acc('count', T.int, T.bigint);
    const rows: [Value, number][] = [[1, 1], [null, 1], [3, 1], [1, -1]];
    feed(star, rows);
    feed(cnt, rows);
    expect(star.result()).toBe(2n);
    expect(cnt.result()).toBe(1n);
  });

  it('FILTER counts only rows where the predicate is exactly TRUE', () => {
    const f = (r: Row): Value => (r[0] === null ? null : (r[0] as number) > 1);
    const star = acc('count_star', undefined, T.bigint, f);
    feed(star, [[1, 1], [2, 1], [5, 1], [null, 1], [5, -1]]);
    expect(star.result()).toBe(1n);
  });

  it('COUNT(DISTINCT) follows a value multiset through retractions', () => {
    const d = acc('count_distinct', T.varchar, T.bigint);
    feed(d, [['a', 1], ['a', 1], ['b', 1], [null, 1]]);
    expect(d.result()).toBe(2n);
    feed(d, [['a', -1]]);
    expect(d.result()).toBe(2n);
    feed(d, [['a', -1]]);
    expect(d.result()).toBe(1n);
    feed(d, [['b', -1]]);
    expect(d.result()).toBe(0n);
  });
});

describe('SUM and AVG', () => {
  it('SUM(DECIMAL) is exact after retractions: 0.10 + 0.20 - 0.10 = 0.20', () => {
    const s = acc('sum', T.decimal(10, 2), T.decimal(38, 2));
    feed(s, [[10n, 1], [20n, 1], [10n, -1]]);
    expect(s.result()).toBe(20n);
    const a = acc('avg', T.decimal(10, 2), T.double);
    feed(a, [[10n, 1], [20n, 1], [10n, -1], [25n, 1]]);
    expect(a.result()).toBe(0.225);
  });

  it('SUM(INT) returns BIGINT and stays exact beyond 2^53', () => {
    const s = acc('sum', T.int, T.bigint);
    const big = 2_000_000_000;
    for (let i = 0; i < 5_000_000; i++) s.add([big], 1);
    expect(s.result()).toBe(10_000_000_000_000_000n);
    s.add([big], -5_000_000);
    expect(s.result()).toBe(null);
    s.add([7], 3);
    expect(s.result()).toBe(21n);
  });

  it('SUM(BIGINT) is exact for values beyond 2^53 and handles weights', () => {
    const s = acc('sum', T.bigint, T.bigint);
    feed(s, [[9007199254740993n, 1], [1n, 2], [9007199254740993n, -1]]);
    expect(s.result()).toBe(2n);
  });

  it('SUM(DOUBLE) returns a double; SUM over no non-NULL row is NULL', () => {
    const s = acc('sum', T.double, T.double);
    expect(s.result()).toBe(null);
    feed(s, [[null, 1]]);
    expect(s.result()).toBe(null);
    feed(s, [[1.5, 1], [2.25, 2]]);
    expect(s.result()).toBe(6);
    feed(s, [[1.5, -1], [2.25, -2]]);
    expect(s.result()).toBe(null);
  });

  it('AVG over INT and DOUBLE returns a double', () => {
    const a = acc('avg', T.int, T.double);
    feed(a, [[1, 1], [2, 1], [4, 1], [4, -1]]);
    expect(a.result()).toBe(1.5);
    const d = acc('avg', T.double, T.double);
    feed(d, [[0.5, 1], [1.5, 1]]);
    expect(d.result()).toBe(1);
  });

  it('AVG(DECIMAL) divides once: 0.01, 0.00, 0.00 -> the double nearest 1/300', () => {
    const a = acc('avg', T.decimal(10, 2), T.double);
    feed(a, [[1n, 1], [0n, 1], [0n, 1]]);
    expect(a.result()).toBe(0.0033333333333333335);
    expect(a.result()).toBe(1 / 300);
    const neg = acc('avg', T.decimal(10, 2), T.double);
    feed(neg, [[-1n, 1], [0n, 2]]);
    expect(neg.result()).toBe(-1 / 300);
  });

  it('AVG(DECIMAL) of sums beyond 2^53 is still the nearest double', () => {
    // sum 35183270579849869.87 over 3 rows: Number(sum) / 300 would round twice (…458e16)
    const a = acc('avg', T.decimal(38, 2), T.double);
    feed(a, [[3518327057984836987n, 1], [0n, 2]]);
    expect(a.result()).toBe(1.1727756859949456e16);
  });
});

describe('MIN and MAX', () => {
  it('recompute the extreme after it is retracted', () => {
    const mn = acc('min', T.int, T.int);
    const mx = acc('max', T.int, T.int);
    const rows: [Value, number][] = [[5, 1], [3, 1], [9, 1], [3, 1]];
    feed(mn, rows);
    feed(mx, rows);
    expect([mn.result(), mx.result()]).toEqual([3, 9]);
    feed(mn, [[3, -1]]);
    feed(mx, [[9, -1]]);
    expect([mn.result(), mx.result()]).toEqual([3, 5]);
    feed(mn, [[3, -1]]);
    expect(mn.result()).toBe(5);
    feed(mn, [[5, -1], [9, -1]]);
    expect(mn.result()).toBe(null);
  });

  it('work for strings, decimals and many distinct values', () => {
    const mx = acc('max', T.varchar, T.varchar);
    feed(mx, [['pear', 1], ['apple', 1], ['zucchini', 1], ['zucchini', -1]]);
    expect(mx.result()).toBe('pear');
    const mn = acc('min', T.decimal(10, 2), T.decimal(10, 2));
    for (let i = 100; i > 0; i--) mn.add([BigInt(i)], 1);
    for (let i = 1; i <= 50; i++) mn.add([BigInt(i)], -1);
    expect(mn.result()).toBe(51n);
  });

  it('BIGINT values inside and beyond the safe-integer range mix exactly and come back as bigints', () => {
    const huge = 2n ** 60n;
    const mx = acc('max', T.bigint, T.bigint);
    const mn = acc('min', T.bigint, T.bigint);
    const dc = acc('count_distinct', T.bigint, T.bigint);
    const rows: [Value, number][] = [[7n, 1], [huge, 1], [-huge, 1], [7n, 1], [2n ** 53n, 1], [2n ** 53n - 1n, 1]];
    for (const a of [mx, mn, dc]) feed(a, rows);
    expect([mx.result(), mn.result(), dc.result()]).toEqual([huge, -huge, 5n]);
    for (const a of [mx, mn, dc]) feed(a, [[huge, -1], [-huge, -1], [2n ** 53n, -1]]);
    expect([mx.result(), mn.result(), dc.result()]).toEqual([2n ** 53n - 1n, 7n, 2n]);
    expect(typeof mn.result()).toBe('bigint');
  });

  it('snapshots hold the values as before (bigints tagged), so old checkpoints restore', () => {
    const mx = acc('max', T.decimal(10, 2), T.decimal(10, 2));
    feed(mx, [[120n, 1], [99n, 1], [120n, 1], [5n, 1]]);
    // one entry per aggregate: [first value, its count, [other values, their counts]]
    expect(JSON.parse(JSON.stringify(mx.snapshot()))).toEqual([[{ i: '120' }, 2, [[{ i: '99' }, { i: '5' }], [1, 1]]]]);
    const old = [[{ i: '120' }, 2, [[{ i: '99' }, { i: '5' }], [1, 1]]]];
    const copy = acc('max', T.decimal(10, 2), T.decimal(10, 2));
    copy.restore(old);
    expect(copy.result()).toBe(120n);
    feed(copy, [[120n, -2], [99n, 1]]);
    expect(copy.result()).toBe(99n);
    feed(copy, [[99n, -2]]);
    expect(copy.result()).toBe(5n);
  });
});

describe('MIN and MAX of strings', () => {
  it('order by code point: a character above U+FFFF is after U+FF5E, as in DuckDB', () => {
    const mx = acc('max', T.varchar, T.varchar);
    const mn = acc('min', T.varchar, T.varchar);
    const rows: [Value, number][] = [['\uff5e', 1], ['\u{1F600}', 1], ['a', 1]];
    for (const a of [mx, mn]) feed(a, rows);
    expect([mx.result(), mn.result()]).toEqual(['\u{1F600}', 'a']);
    for (const a of [mx, mn]) feed(a, [['\u{1F600}', -1]]);
    expect(mx.result()).toBe('\uff5e');
  });
});

describe('VAR and STDDEV', () => {
  it('exact moments for INT survive retractions', () => {
    const vp = acc('var_pop', T.int, T.double);
    const vs = acc('var_samp', T.int, T.double);
    const sp = acc('stddev_pop', T.int, T.double);
    const ss = acc('stddev_samp', T.int, T.double);
    const rows: [Value, number][] = [[2, 1], [4, 1], [4, 1], [4, 1], [5, 1], [5, 1], [7, 1], [9, 1], [1000, 1], [1000, -1]];
    for (const a of [vp, vs, sp, ss]) feed(a, rows);
    expect(vp.result()).toBe(4);
    expect(sp.result()).toBe(2);
    expect(vs.result()).toBeCloseTo(32 / 7, 12);
    expect(ss.result()).toBeCloseTo(Math.sqrt(32 / 7), 12);
  });

  it('samp with n < 2 and pop with n = 0 are NULL', () => {
    const vp = acc('var_pop', T.double, T.double);
    const vs = acc('var_samp', T.double, T.double);
    expect([vp.result(), vs.result()]).toEqual([null, null]);
    vp.add([3.5], 1);
    vs.add([3.5], 1);
    expect([vp.result(), vs.result()]).toEqual([0, null]);
  });

  it('VAR/STDDEV of DECIMAL equal the INT results for the same numbers (one rounding)', () => {
    const ints: [Value, number][] = [2, 4, 4, 4, 5, 5, 7, 9].map((x) => [x, 1]);
    const decs: [Value, number][] = [2, 4, 4, 4, 5, 5, 7, 9].map((x) => [BigInt(x * 100), 1]);
    for (const fn of ['var_pop', 'var_samp', 'stddev_pop', 'stddev_samp'] as const) {
      const i = acc(fn, T.int, T.double);
      const d = acc(fn, T.decimal(10, 2), T.double);
      feed(i, ints);
      feed(d, decs);
      expect(d.result(), fn).toBe(i.result());
    }
    const vs = acc('var_samp', T.decimal(10, 2), T.double);
    feed(vs, decs);
    expect(vs.result()).toBe(4.571428571428571); // 32 / 7
    expect(vs.result()).toBe(32 / 7);
  });

  it('DECIMAL moments use the scale; large offsets do not cancel', () => {
    const vp = acc('var_pop', T.decimal(18, 2), T.double);
    // 1e12 + 0.01 and 1e12 + 0.03: variance 0.0001 exactly despite the huge mean
    feed(vp, [[100000000000001n, 1], [100000000000003n, 1], [5n, 1], [5n, -1]]);
    expect(vp.result()).toBeCloseTo(0.0001, 15);
  });
});

describe('DOUBLE sums and moments are exact', () => {
  it('a large mean does not cancel the spread (VAR/STDDEV of 100000001..100000004)', () => {
    const rows: [Value, number][] = [100000001, 100000002, 100000003, 100000004].map((x) => [x, 1]);
    const [vp, vs, sp, ss] = (['var_pop', 'var_samp', 'stddev_pop', 'stddev_samp'] as const).map((fn) => acc(fn, T.double, T.double));
    for (const a of [vp!, vs!, sp!, ss!]) feed(a, rows);
    expect(vp!.result()).toBe(1.25);
    expect(vs!.result()).toBe(5 / 3);
    expect(sp!.result()).toBe(Math.sqrt(1.25));
    expect(ss!.result()).toBe(Math.sqrt(5 / 3));
  });

  it('retracting a huge value leaves the exact moments of the rest', () => {
    const vp = acc('var_pop', T.double, T.double);
    feed(vp, [[1e15, 1], [1, 1], [2, 1], [4, 1], [1e15, -1]]);
    expect(vp.result()).toBe(14 / 9); // 1, 2, 4: (3·21 − 7²) / 3²
    const fractions = acc('var_samp', T.double, T.double);
    feed(fractions, [[1e300, 1], [0.1, 1], [0.2, 1], [0.3, 1], [1e300, -1]]);
    expect(fractions.result()).toBeCloseTo(0.01, 16);
  });

  it('SUM and AVG of DOUBLE undo a retraction to the bit, rounding the exact sum once', () => {
    const sum = acc('sum', T.double, T.double);
    const avg = acc('avg', T.double, T.double);
    const rows: [Value, number][] = [[1e20, 1], [0.1, 1], [0.2, 1], [1e20, -1]];
    feed(sum, rows);
    feed(avg, rows);
    expect(sum.result()).toBe(0.1 + 0.2); // the exact 0.1 + 0.2 rounds as one IEEE addition does
    expect(avg.result()).toBe((0.1 + 0.2) / 2);
    const tiny = acc('sum', T.double, T.double);
    feed(tiny, [[5e-324, 1], [5e-324, 1], [1, 1], [1, -1]]);
    expect(tiny.result()).toBe(1e-323);
  });

  it('NaN and infinities count like values: present they decide the result, retracted they are gone', () => {
    const sum = acc('sum', T.double, T.double);
    const vp = acc('var_pop', T.double, T.double);
    for (const a of [sum, vp]) feed(a, [[1.5, 1], [Infinity, 1]]);
    expect(sum.result()).toBe(Infinity);
    expect(vp.result()).toBeNaN();
    for (const a of [sum, vp]) feed(a, [[-Infinity, 1]]);
    expect(sum.result()).toBeNaN();
    for (const a of [sum, vp]) feed(a, [[Infinity, -1], [-Infinity, -1], [Number.NaN, 1]]);
    expect(sum.result()).toBeNaN();
    for (const a of [sum, vp]) feed(a, [[Number.NaN, -1], [2.5, 1]]);
    expect(sum.result()).toBe(4);
    expect(vp.result()).toBe(0.25);
  });

  it('restores its state from a snapshot, and from the plain double sums older versions kept', () => {
    const vs = acc('var_samp', T.double, T.double);
    feed(vs, [[1e15, 1], [0.5, 1], [2.25, 1], [7, 1], [1e15, -1]]);
    const copy = acc('var_samp', T.double, T.double);
    copy.restore(JSON.parse(JSON.stringify(vs.snapshot())));
    expect(copy.result()).toBe(vs.result());
    const old = acc('var_pop', T.double, T.double);
    old.restore([[3, 7, 21]]); // [n, S, Q] of 1, 2, 4
    expect(old.result()).toBe(14 / 9);
    const oldSum = acc('avg', T.double, T.double);
    oldSum.restore([[2, 0.75]]);
    expect(oldSum.result()).toBe(0.375);
  });
});

describe('ratio: a bigint quotient as the nearest double', () => {
  /** Exact rational value of a finite double as [numerator, power-of-two denominator]. */
  function exact(x: number): [bigint, bigint] {
    const v = new DataView(new ArrayBuffer(8));
    v.setFloat64(0, x);
    const hi = v.getUint32(0);
    const exp = (hi >>> 20) & 0x7ff;
    let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(v.getUint32(4));
    if (exp !== 0) mant |= 1n << 52n;
    const e = (exp === 0 ? 1 : exp) - 1075;
    const sign = hi >>> 31 === 1 ? -1n : 1n;
    return e >= 0 ? [sign * (mant << BigInt(e)), 1n] : [sign * mant, 1n << BigInt(-e)];
  }
  function neighbour(x: number, up: boolean): number {
    const f = new Float64Array([x]);
    const i = new BigInt64Array(f.buffer);
    i[0] = i[0]! + ((x >= 0) === up ? 1n : -1n);
    return f[0]!;
  }
  /** |x - num/den| compared exactly: negative when x is closer than y. */
  function closer(x: number, y: number, num: bigint, den: bigint): number {
    const [xp, xq] = exact(x);
    const [yp, yq] = exact(y);
    const ex = xp * den - num * xq;
    const ey = yp * den - num * yq;
    const a = (ex < 0n ? -ex : ex) * yq;
    const b = (ey < 0n ? -ey : ey) * xq;
    return a < b ? -1 : a > b ? 1 : 0;
  }

  it('matches the exactly nearest double on random operands of up to 200 bits', () => {
    let seed = 12345;
    const bits = (n: number): bigint => {
      let x = 0n;
      for (let k = 0; k < n; k += 16) {
        seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
        x = (x << 16n) | BigInt(seed >>> 16);
      }
      return x;
    };
    let slow = 0;
    for (let i = 0; i < 3000; i++) {
      const num = bits(16 + (i % 13) * 16) * (i % 2 === 0 ? 1n : -1n);
      const den = bits(16 + (i % 7) * 24) + 1n;
      const r = ratio(num, den);
      if (num < 0n ? -num : num > BigInt(Number.MAX_SAFE_INTEGER)) slow++;
      for (const up of [true, false]) {
        const other = neighbour(r, up);
        const c = closer(r, other, num, den);
        // strictly closer than both neighbours, or a tie resolved to the even mantissa
        if (c > 0 || (c === 0 && (new BigInt64Array(new Float64Array([r]).buffer)[0]! & 1n) === 1n))
          throw new Error(`ratio(${num}, ${den}) = ${r}, but ${other} is nearer`);
      }
    }
    expect(slow).toBeGreaterThan(1000); // the bigint path was exercised
    expect(ratio(0n, 7n)).toBe(0);
    expect(ratio(10n ** 40n, 10n ** 39n)).toBe(10);
    expect(ratio(2n ** 54n + 1n, 2n)).toBe(2 ** 53); // tie (2^53 + 0.5) to even
    expect(ratio(2n ** 54n + 3n, 2n)).toBe(2 ** 53 + 2); // tie (2^53 + 1.5) to even
  });
});

describe('AccumulatorSet', () => {
  it('lays several aggregates over one array and round-trips through JSON', () => {
    const specs: AggregateSpec[] = [
      { fn: 'count_star', argType: undefined, resultType: T.bigint },
      { fn: 'sum', arg: col(0), argType: T.decimal(10, 2), resultType: T.decimal(38, 2) },
      { fn: 'max', arg: col(1), argType: T.varchar, resultType: T.varchar },
      { fn: 'count_distinct', arg: col(1), argType: T.varchar, resultType: T.bigint },
      { fn: 'stddev_samp', arg: col(2), argType: T.double, resultType: T.double },
      { fn: 'avg', arg: col(3), argType: T.int, resultType: T.double },
    ];
    const set = new AccumulatorSet(specs);
    const s: unknown[] = new Array(set.width + 1);
    set.init(s, 1);
    set.add(s, 1, [150n, 'b', 1.0, 3], 1);
    set.add(s, 1, [250n, 'z', 3.0, 4], 1);
    set.add(s, 1, [-5n, 'c', 5.0, null], 1);
    set.add(s, 1, [250n, 'z', 3.0, 4], -1);
    const json = JSON.parse(JSON.stringify(set.toJson(s, 1))) as unknown[];
    const r: unknown[] = new Array(set.width);
    set.init(r, 0);
    set.fromJson(r, 0, json);
    const a: Value[] = [];
    const b: Value[] = [];
    set.results(s, 1, a);
    set.results(r, 0, b);
    expect(a).toEqual([2n, 145n, 'c', 2n, Math.sqrt(8), 3]);
    expect(b).toEqual(a);
    // the restored state keeps working
    set.add(r, 0, [-5n, 'c', 5.0, null], -1);
    const c: Value[] = [];
    set.results(r, 0, c);
    expect(c).toEqual([1n, 150n, 'b', 1n, null, 3]);
  });

  it('createAccumulator snapshot/restore keeps MIN after the extreme is retracted', () => {
    const mn = acc('min', T.bigint, T.bigint);
    feed(mn, [[4n, 1], [2n, 1], [8n, 1]]);
    const snap = JSON.parse(JSON.stringify(mn.snapshot())) as unknown;
    const copy = acc('min', T.bigint, T.bigint);
    copy.restore(snap);
    copy.add([2n], -1);
    expect(copy.result()).toBe(4n);
  });

  it('aggregates with one inputKey share state where their kinds agree, and snapshot as if they did not', () => {
    const dec = T.decimal(10, 2);
    const plain: AggregateSpec[] = [
      { fn: 'sum', arg: col(0), argType: dec, resultType: T.decimal(38, 2) },
      { fn: 'avg', arg: col(0), argType: dec, resultType: T.double },
      { fn: 'max', arg: col(0), argType: dec, resultType: dec },
      { fn: 'var_pop', arg: col(1), argType: T.double, resultType: T.double },
      { fn: 'stddev_samp', arg: col(1), argType: T.double, resultType: T.double },
      { fn: 'sum', arg: col(1), argType: T.double, resultType: T.double, filter: (r) => (r[0] ?? 0n) !== 0n },
    ];
    const keys = ['a|', 'a|', 'a|', 'b|', 'b|', 'b|nonzero'];
    const keyed = plain.map((p, i) => ({ ...p, inputKey: keys[i]! }));
    const one = new AccumulatorSet(plain);
    const two = new AccumulatorSet(keyed);
    // SUM/AVG share [n, small, big]; VAR_POP/STDDEV_SAMP share [n, exact sums]; MAX and the filtered SUM keep their own
    expect(two.width).toBe(one.width - 3 - 7);
    const s1: unknown[] = new Array(one.width);
    const s2: unknown[] = new Array(two.width);
    one.init(s1, 0);
    two.init(s2, 0);
    const rows: [Row, number][] = [
      [[125n, 1.5], 1],
      [[0n, 2.5], 1],
      [[null, 4], 1],
      [[990n, null], 2],
      [[125n, 1.5], -1],
    ];
    for (const [row, w] of rows) {
      one.add(s1, 0, row, w);
      two.add(s2, 0, row, w);
    }
    const r1: Value[] = [];
    const r2: Value[] = [];
    one.results(s1, 0, r1);
    two.results(s2, 0, r2);
    expect(r2).toEqual(r1);
    expect(r1[0]).toBe(1980n);
    // one JSON entry per aggregate, the same as without sharing, and each restores into the other
    const j1 = JSON.parse(JSON.stringify(one.toJson(s1, 0))) as unknown[];
    const j2 = JSON.parse(JSON.stringify(two.toJson(s2, 0))) as unknown[];
    expect(j2).toEqual(j1);
    const back: unknown[] = new Array(two.width);
    two.init(back, 0);
    two.fromJson(back, 0, j1);
    two.add(back, 0, [10n, 1], 1);
    one.add(s1, 0, [10n, 1], 1);
    const after1: Value[] = [];
    const after2: Value[] = [];
    one.results(s1, 0, after1);
    two.results(back, 0, after2);
    expect(after2).toEqual(after1);
  });

  it('addInput applies a shared state once, through its first aggregate', () => {
    const specs: AggregateSpec[] = [
      { fn: 'sum', arg: col(0), argType: T.bigint, resultType: T.bigint, inputKey: 'x|' },
      { fn: 'avg', arg: col(0), argType: T.bigint, resultType: T.double, inputKey: 'x|' },
    ];
    const set = new AccumulatorSet(specs);
    const s: unknown[] = new Array(set.width);
    set.init(s, 0);
    for (const v of [3n, 4n]) for (let i = 0; i < set.count; i++) set.addInput(s, 0, i, set.input(i, [v]), 1);
    const out: Value[] = [];
    set.results(s, 0, out);
    expect(out).toEqual([7n, 3.5]);
  });

  it('with rowCountBefore, COUNT(*) without FILTER reads the row count kept before base', () => {
    const specs: AggregateSpec[] = [
      { fn: 'count_star', argType: undefined, resultType: T.bigint, inputKey: '*|' },
      { fn: 'count_star', argType: undefined, resultType: T.bigint, filter: (r) => r[0] === 'y', inputKey: '*|y' },
      { fn: 'count_star', argType: undefined, resultType: T.bigint, inputKey: '*|' },
    ];
    const set = new AccumulatorSet(specs, { rowCountBefore: true });
    expect(set.width).toBe(1); // only the filtered COUNT keeps a count
    const s: unknown[] = [0, ...new Array<unknown>(set.width)];
    set.init(s, 1);
    for (const [row, w] of [[['y'], 1], [['n'], 1], [['n'], 1], [['y'], -1], [['y'], 1]] as [Row, number][]) {
      s[0] = (s[0] as number) + w;
      set.add(s, 1, row, w);
    }
    const out: Value[] = [];
    set.results(s, 1, out);
    expect(out).toEqual([3n, 1n, 3n]);
    expect(set.toJson(s, 1)).toEqual([3, 1, 3]);
  });
});
