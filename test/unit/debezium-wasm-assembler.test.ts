// The WebAssembly text assembler behind the Debezium fast path: modules it builds validate and
// compute what their text says (locals, globals, loops, branches, calls, memory, SIMD, i64),
// constants encode at their limits, the walker program assembles, and anything outside the
// supported subset is refused with a message naming it.
import { describe, expect, it } from 'vitest';
import { JSON_WALKER_WAT } from '../../engine/formats/json-walker-wat.js';
import { assembleWat } from '../../engine/formats/wasm-assembler.js';

interface Wasm {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (m: object) => { exports: Record<string, unknown> };
  validate(bytes: Uint8Array): boolean;
}
const wasm = (globalThis as unknown as { WebAssembly: Wasm }).WebAssembly;

function instantiate(text: string): Record<string, unknown> {
  const bytes = assembleWat(text);
  expect(wasm.validate(bytes)).toBe(true);
  return new wasm.Instance(new wasm.Module(bytes)).exports;
}

describe('wasm assembler', () => {
  it('assembles loops, branches, calls, globals and locals that compute the right thing', () => {
    const x = instantiate(`
      (module
        (memory (export "memory") 1)
        (global $calls (mut i32) (i32.const 0))
        ;; sum of 1..n, by a helper that counts its calls
        (func $add (param $a i32) (param $b i32) (result i32)
          (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
          (i32.add (local.get $a) (local.get $b)))
        (func (export "sum") (param $n i32) (result i32) (local $s i32)
          (block $done
            (loop $l
              (br_if $done (i32.eqz (local.get $n)))
              (local.set $s (call $add (local.get $s) (local.get $n)))
              (local.set $n (i32.sub (local.get $n) (i32.const 1)))
              (br $l)))
          (local.get $s))
        (func (export "calls") (result i32) (global.get $calls))
        (func (export "pick") (param $x i32) (result i32)
          (if (result i32) (i32.lt_s (local.get $x) (i32.const 0))
            (then (i32.const -1))
            (else (select (i32.const 1) (i32.const 0) (local.get $x))))))`);
    expect((x['sum'] as (n: number) => number)(100)).toBe(5050);
    expect((x['calls'] as () => number)()).toBe(100);
    const pick = x['pick'] as (n: number) => number;
    expect([pick(-5), pick(0), pick(9)]).toEqual([-1, 0, 1]);
  });

  it('encodes memory access with offsets, bulk memory, i64 arithmetic and SIMD', () => {
    const x = instantiate(`
      (module
        (memory (export "memory") 1)
        (func (export "poke") (param $a i32) (param $v i32)
          (i32.store offset=4 (local.get $a) (local.get $v))
          (memory.fill (i32.const 100) (i32.const 7) (i32.const 3))
          (memory.copy (i32.const 200) (i32.const 100) (i32.const 3)))
        (func (export "peek") (param $a i32) (result i32) (i32.load8_u offset=1 (local.get $a)))
        ;; bit mask of the bytes equal to '"' among the 16 at address a
        (func (export "quotes") (param $a i32) (result i32)
          (i8x16.bitmask (i8x16.eq (v128.load (local.get $a)) (i8x16.splat (i32.const 0x22)))))
        (func (export "wide") (param $a i32) (result i32)
          (i32.wrap_i64 (i64.shr_u (i64.mul (i64.extend_i32_u (local.get $a)) (i64.const 4294967296)) (i64.const 31))))
        (func (export "f") (param $a i32) (result i32)
          (f64.store (i32.const 512) (f64.convert_i64_u (i64.const 0x7fffffffffffffff)))
          (i32.const 0)))`);
    const mem = new Uint8Array((x['memory'] as { buffer: ArrayBuffer }).buffer);
    (x['poke'] as (a: number, v: number) => void)(8, 0x01020304);
    expect([...mem.subarray(12, 16)]).toEqual([4, 3, 2, 1]);
    expect([...mem.subarray(200, 204)]).toEqual([7, 7, 7, 0]);
    expect((x['peek'] as (a: number) => number)(12)).toBe(3);
    mem.set(Buffer.from('a"b""', 'latin1'), 300);
    expect((x['quotes'] as (a: number) => number)(300)).toBe(0b11010);
    expect((x['wide'] as (a: number) => number)(3)).toBe(6);
    (x['f'] as (a: number) => number)(0);
    expect(new Float64Array(mem.buffer, 512, 1)[0]).toBe(2 ** 63);
  });

  it('encodes constants at their limits', () => {
    const x = instantiate(`
      (module
        (memory (export "memory") 1)
        (func (export "a") (result i32) (i32.const -2147483648))
        (func (export "b") (result i32) (i32.const 0xffffffff))
        (func (export "c") (result i32) (i32.wrap_i64 (i64.shr_u (i64.const 0x8000000000000000) (i64.const 40))))
        (func (export "d") (result i32) (i32.const 63))
        (func (export "e") (result i32) (i32.const 64)))`);
    const call = (n: string) => (x[n] as () => number)();
    expect([call('a'), call('b'), call('c'), call('d'), call('e')]).toEqual([-2147483648, -1, 8388608, 63, 64]);
  });

  it('assembles the JSON walker into a valid module', () => {
    const bytes = assembleWat(JSON_WALKER_WAT);
    expect(wasm.validate(bytes)).toBe(true);
    const x = new wasm.Instance(new wasm.Module(bytes)).exports;
    expect(typeof x['walk']).toBe('function');
    expect(x['memory']).toBeDefined();
  });

  it('refuses what it does not know, naming it', () => {
    expect(() => assembleWat('(module (func (f32.add)))')).toThrow(/unsupported instruction f32\.add/);
    expect(() => assembleWat('(module (table 1 funcref))')).toThrow(/unsupported module field table/);
    expect(() => assembleWat('(module (func (br $nowhere)))')).toThrow(/unknown label/);
    expect(() => assembleWat('(module (func (local.get $x)))')).toThrow(/unknown local/);
    expect(() => assembleWat('(module (func (call $g)))')).toThrow(/unknown function/);
    expect(() => assembleWat('(module (func (i32.const 1))')).toThrow(/unbalanced/);
    expect(() => assembleWat('(func)')).toThrow(/expected one \(module/);
  });
});
