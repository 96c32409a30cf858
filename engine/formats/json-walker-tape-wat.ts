// Part of the WebAssembly JSON walker (json-walker-wat.ts): writes the row images of the envelope
// just walked as one decode-tape event record (event-tape.ts), for the common value forms that
// envelope-tape.ts would convert inline, byte for byte as TapeWriter writes them. Any other form
// returns -1 and JS writes the event. Never judges an event nor reads the text beyond its records.
import { MAX_TIMESTAMP_MS } from './column-convert.js';

export const WALKER_TAPE_WAT = String.raw`
  ;; ------------------------------------------------------------------ tape
  ;; Column plan table, 32 bytes per declared column: mode (0 not read: NULL; 1 BIGINT; 2
  ;; DECIMAL; 3 VARCHAR; 4 TIMESTAMP of epoch ms; 5 of epoch µs; 6 other: JS converts), scale,
  ;; 1 when the declared decimal form is base64 bytes, scale minus the base64 scale (-1 when
  ;; JS must rescale), 10^precision (f64, +16: the exclusive bound of the unscaled magnitude).
  ;; Tape tags: 0 NULL, 3 double, 4 int64, 6 string (u32 length, bytes).
  (global $b64 (mut i64) (i64.const 0))       ;; $base64: the value decoded

  ;; base64 (standard or url-safe, '=' padding optional) of at most 6 bytes in [a, b): 1 and $b64
  ;; = their big-endian two's complement value, or 0 when not such a text
  (func $base64 (param $a i32) (param $b i32) (result i32)
    (local $len i32) (local $c i32) (local $d i32) (local $acc i32) (local $bits i32) (local $n i32) (local $byte i32) (local $v i64)
    (block $trimmed (loop $trim
      (br_if $trimmed (i32.le_u (local.get $b) (local.get $a)))
      (br_if $trimmed (i32.ne (i32.load8_u (i32.sub (local.get $b) (i32.const 1))) (i32.const 61)))
      (local.set $b (i32.sub (local.get $b) (i32.const 1)))
      (br $trim)))
    (local.set $len (i32.sub (local.get $b) (local.get $a)))
    (if (i32.or (i32.gt_u (local.get $len) (i32.const 8)) (i32.eq (i32.rem_u (local.get $len) (i32.const 4)) (i32.const 1)))
      (then (return (i32.const 0))))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $a) (local.get $b)))
      (local.set $c (i32.load8_u (local.get $a)))
      (local.set $d (i32.const -1))
      (if (i32.lt_u (i32.sub (local.get $c) (i32.const 65)) (i32.const 26)) (then (local.set $d (i32.sub (local.get $c) (i32.const 65)))))
      (if (i32.lt_u (i32.sub (local.get $c) (i32.const 97)) (i32.const 26)) (then (local.set $d (i32.sub (local.get $c) (i32.const 71)))))
      (if (i32.lt_u (i32.sub (local.get $c) (i32.const 48)) (i32.const 10)) (then (local.set $d (i32.add (local.get $c) (i32.const 4)))))
      (if (i32.or (i32.eq (local.get $c) (i32.const 43)) (i32.eq (local.get $c) (i32.const 45))) (then (local.set $d (i32.const 62))))
      (if (i32.or (i32.eq (local.get $c) (i32.const 47)) (i32.eq (local.get $c) (i32.const 95))) (then (local.set $d (i32.const 63))))
      (if (i32.lt_s (local.get $d) (i32.const 0)) (then (return (i32.const 0))))
      (local.set $acc (i32.and (i32.or (i32.shl (local.get $acc) (i32.const 6)) (local.get $d)) (i32.const 0xffffff)))
      (local.set $bits (i32.add (local.get $bits) (i32.const 6)))
      (if (i32.ge_u (local.get $bits) (i32.const 8))
        (then
          (local.set $bits (i32.sub (local.get $bits) (i32.const 8)))
          (local.set $byte (i32.and (i32.shr_u (local.get $acc) (local.get $bits)) (i32.const 0xff)))
          ;; two's complement: a first byte with its high bit set extends the sign
          (if (i32.and (i32.eqz (local.get $n)) (i32.ge_u (local.get $byte) (i32.const 0x80))) (then (local.set $v (i64.const -1))))
          (local.set $v (i64.add (i64.mul (local.get $v) (i64.const 256)) (i64.extend_i32_u (local.get $byte))))
          (local.set $n (i32.add (local.get $n) (i32.const 1)))))
      (local.set $a (i32.add (local.get $a) (i32.const 1)))
      (br $l)))
    (global.set $b64 (local.get $v))
    (i32.const 1))

  (func $pow10f (param $k i32) (result f64)
    (f64.convert_i64_u (call $pow10 (local.get $k))))

  ;; Row image img (0 before, 1 after) of the walked envelope at dst, for plan table t: the
  ;; column count (u16), then each column's tagged value. The address after it, or -1.
  (func $tapeRow (param $dst i32) (param $t i32) (param $img i32) (result i32)
    (local $n i32) (local $c i32) (local $e i32) (local $r i32) (local $mode i32) (local $info i32)
    (local $digits i32) (local $scale i32) (local $k i32) (local $len i32) (local $int i32) (local $m f64) (local $v f64)
    (local.set $n (global.get $ncols))
    (i32.store16 (local.get $dst) (local.get $n))
    (local.set $dst (i32.add (local.get $dst) (i32.const 2)))
    (local.set $r (i32.add (global.get $rowSlots) (i32.mul (i32.mul (local.get $img) (local.get $n)) (i32.const 24))))
    (local.set $e (local.get $t))
    (block $end (loop $col
      (br_if $end (i32.ge_u (local.get $c) (local.get $n)))
      (local.set $mode (i32.load (local.get $e)))
      (block $next
        (if (i32.or (i32.eqz (local.get $mode)) (i32.lt_s (i32.load (local.get $r)) (i32.const 0)))
          (then
            (i32.store8 (local.get $dst) (i32.const 0))
            (local.set $dst (i32.add (local.get $dst) (i32.const 1)))
            (br $next)))
        (local.set $info (i32.load offset=8 (local.get $r)))
        (local.set $digits (i32.and (i32.shr_u (local.get $info) (i32.const 8)) (i32.const 255)))
        ;; an integer token of at most 15 digits: its signed value is exact as a double
        (local.set $int (i32.and (i32.eq (i32.and (local.get $info) (i32.const 11)) (i32.const 9))
                                 (i32.le_u (local.get $digits) (i32.const 15))))
        (local.set $m (f64.load offset=16 (local.get $r)))
        (if (i32.eq (local.get $mode) (i32.const 3)) ;; VARCHAR: a string without escapes, as it is
          (then
            (if (i32.eqz (i32.and (local.get $info) (i32.const 2))) (then (return (i32.const -1))))
            (local.set $len (i32.sub (i32.sub (i32.load offset=4 (local.get $r)) (i32.load (local.get $r))) (i32.const 2)))
            (i32.store8 (local.get $dst) (i32.const 6))
            (i32.store offset=1 (local.get $dst) (local.get $len))
            (memory.copy (i32.add (local.get $dst) (i32.const 5))
                         (i32.add (global.get $in) (i32.add (i32.load (local.get $r)) (i32.const 1))) (local.get $len))
            (local.set $dst (i32.add (i32.add (local.get $dst) (i32.const 5)) (local.get $len)))
            (br $next)))
        (if (i32.eq (local.get $mode) (i32.const 1)) ;; BIGINT: the i32 slot, else an integer token
          (then
            (i32.store8 (local.get $dst) (i32.const 4))
            (if (i32.eq (i32.and (local.get $info) (i32.const 27)) (i32.const 25))
              (then (i64.store offset=1 (local.get $dst) (i64.extend_i32_s (i32.load offset=12 (local.get $r)))))
              (else
                (if (i32.eqz (local.get $int)) (then (return (i32.const -1))))
                (if (i32.and (local.get $info) (i32.const 4)) (then (local.set $m (f64.sub (f64.convert_i32_u (i32.const 0)) (local.get $m)))))
                (i64.store offset=1 (local.get $dst) (i64.trunc_f64_s (local.get $m)))))
            (local.set $dst (i32.add (local.get $dst) (i32.const 9)))
            (br $next)))
        (if (i32.or (i32.eq (local.get $mode) (i32.const 4)) (i32.eq (local.get $mode) (i32.const 5))) ;; epoch ms / µs
          (then
            (if (i32.eqz (local.get $int)) (then (return (i32.const -1))))
            (if (i32.and (local.get $info) (i32.const 4)) (then (local.set $m (f64.sub (f64.convert_i32_u (i32.const 0)) (local.get $m)))))
            (if (i32.eq (local.get $mode) (i32.const 4))
              (then
                ;; micros beyond 2^53 are outside the TIMESTAMP range: JS dead-letters them
                (if (f64.gt (f64.abs (local.get $m)) (f64.convert_i64_u (i64.const ${MAX_TIMESTAMP_MS}))) (then (return (i32.const -1))))
                (local.set $m (f64.mul (local.get $m) (f64.convert_i32_u (i32.const 1000))))))
            (i32.store8 (local.get $dst) (i32.const 3))
            (f64.store offset=1 (local.get $dst) (local.get $m))
            (local.set $dst (i32.add (local.get $dst) (i32.const 9)))
            (br $next)))
        (if (i32.ne (local.get $mode) (i32.const 2)) (then (return (i32.const -1))))
        ;; DECIMAL: the unscaled value as an int64 when it is a safe integer within the precision
        (local.set $scale (i32.load offset=4 (local.get $e)))
        (if (i32.and (i32.ne (i32.load offset=8 (local.get $e)) (i32.const 0)) (i32.ne (i32.and (local.get $info) (i32.const 2)) (i32.const 0)))
          (then
            ;; base64 bytes, rescaled up from their scale
            (local.set $k (i32.load offset=12 (local.get $e)))
            (if (i32.lt_s (local.get $k) (i32.const 0)) (then (return (i32.const -1))))
            (if (i32.eqz (call $base64 (i32.add (global.get $in) (i32.add (i32.load (local.get $r)) (i32.const 1)))
                                       (i32.add (global.get $in) (i32.sub (i32.load offset=4 (local.get $r)) (i32.const 1)))))
              (then (return (i32.const -1))))
            (local.set $v (f64.mul (f64.convert_i64_s (global.get $b64)) (call $pow10f (local.get $k))))
            (local.set $m (f64.abs (local.get $v)))
            (if (i32.eqz (i32.and (f64.le (local.get $m) (f64.convert_i64_u (i64.const 9007199254740991)))
                                  (f64.lt (local.get $m) (f64.load offset=16 (local.get $e)))))
              (then (return (i32.const -1)))))
          (else
            (if (local.get $int)
              (then
                ;; an integer token
                (if (i32.gt_u (i32.add (local.get $digits) (local.get $scale)) (i32.const 15)) (then (return (i32.const -1))))
                (local.set $m (f64.mul (local.get $m) (call $pow10f (local.get $scale)))))
              (else
                ;; a plain decimal string (not for the base64 form)
                (if (i32.or (i32.ne (i32.and (local.get $info) (i32.const 3)) (i32.const 3)) (i32.ne (i32.load offset=8 (local.get $e)) (i32.const 0)))
                  (then (return (i32.const -1))))
                (local.set $k (i32.and (i32.shr_u (local.get $info) (i32.const 16)) (i32.const 255)))
                (if (i32.or (i32.gt_u (local.get $k) (local.get $scale)) (i32.gt_u (i32.add (local.get $digits) (local.get $scale)) (i32.const 15)))
                  (then (return (i32.const -1))))
                (local.set $m (f64.mul (local.get $m) (call $pow10f (i32.sub (local.get $scale) (local.get $k)))))))
            (if (f64.ge (local.get $m) (f64.load offset=16 (local.get $e))) (then (return (i32.const -1))))
            (local.set $v (select (f64.sub (f64.convert_i32_u (i32.const 0)) (local.get $m)) (local.get $m) (i32.and (local.get $info) (i32.const 4))))))
        (i32.store8 (local.get $dst) (i32.const 4))
        (i64.store offset=1 (local.get $dst) (i64.trunc_f64_s (local.get $v)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 9))))
      (local.set $c (i32.add (local.get $c) (i32.const 1)))
      (local.set $e (i32.add (local.get $e) (i32.const 32)))
      (local.set $r (i32.add (local.get $r) (i32.const 24)))
      (br $col)))
    (local.get $dst))

  ;; tape(dst, t, op, flags): the event record of the envelope just walked (op index; flags 1
  ;; before, 2 after, 4 complete before) at dst: the address after it, or -1 (JS writes it)
  (func (export "tape") (param $dst i32) (param $t i32) (param $op i32) (param $flags i32) (result i32)
    (i32.store8 (local.get $dst) (i32.const 0))
    (i32.store8 offset=1 (local.get $dst) (local.get $op))
    (i32.store8 offset=2 (local.get $dst) (local.get $flags))
    (local.set $dst (i32.add (local.get $dst) (i32.const 3)))
    (if (i32.and (local.get $flags) (i32.const 1))
      (then
        (local.set $dst (call $tapeRow (local.get $dst) (local.get $t) (i32.const 0)))
        (if (i32.lt_s (local.get $dst) (i32.const 0)) (then (return (i32.const -1))))))
    (if (i32.and (local.get $flags) (i32.const 2))
      (then (local.set $dst (call $tapeRow (local.get $dst) (local.get $t) (i32.const 1)))))
    (local.get $dst))
`;
