// Part of the WebAssembly JSON walker (json-walker-wat.ts): its globals and the token layer, in
// text format. Whitespace, strings (escapes checked, 16 bytes at a time), numbers, literals,
// arrays, value records with pre-parsed numbers, and key comparison. No envelope knowledge here.
export const WALKER_TOKENS_WAT = String.raw`
  (global $in (mut i32) (i32.const 0))        ;; address of the text (recorded offsets are relative to it)
  (global $out (mut i32) (i32.const 0))       ;; address of the result slots
  (global $rows (mut i32) (i32.const 0))      ;; address of the row-image column table
  (global $rowSlots (mut i32) (i32.const 0))  ;; address of the row column records
  (global $ncols (mut i32) (i32.const 0))     ;; declared columns (row records per image)
  (global $esc (mut i32) (i32.const 0))       ;; the last string scanned had an escape
  (global $end (mut i32) (i32.const 0))       ;; $digitsValue: the address after the digits
  (global $digits (mut i64) (i64.const 0))    ;; $digitsValue: their value (modulo 2^64)

  ;; ------------------------------------------------------------------ tokens
  ;; The text is followed by at least 32 zero bytes, so 16-byte loads never leave it unguarded
  ;; and every scan stops there (a zero byte is never valid JSON).
  (func $ws (param $p i32) (result i32) (local $c i32)
    (loop $l
      (local.set $c (i32.load8_u (local.get $p)))
      (if (i32.or (i32.or (i32.eq (local.get $c) (i32.const 0x20)) (i32.eq (local.get $c) (i32.const 0x0a)))
                  (i32.or (i32.eq (local.get $c) (i32.const 0x0d)) (i32.eq (local.get $c) (i32.const 0x09))))
        (then (local.set $p (i32.add (local.get $p) (i32.const 1))) (br $l))))
    (local.get $p))

  (func $hex (param $c i32) (result i32)
    (i32.or (i32.lt_u (i32.sub (local.get $c) (i32.const 48)) (i32.const 10))
            (i32.lt_u (i32.sub (i32.or (local.get $c) (i32.const 0x20)) (i32.const 97)) (i32.const 6))))

  ;; p at an opening quote: the address of the closing quote, or -1 (raw control character,
  ;; invalid escape, end of text). Sets $esc. Sixteen bytes at a time.
  (func $string (param $p i32) (result i32) (local $m i32) (local $c i32) (local $v v128)
    (global.set $esc (i32.const 0))
    (local.set $p (i32.add (local.get $p) (i32.const 1)))
    (loop $scan
      (local.set $v (v128.load (local.get $p)))
      (local.set $m (i8x16.bitmask (v128.or (v128.or (i8x16.eq (local.get $v) (i8x16.splat (i32.const 0x22)))
                                                      (i8x16.eq (local.get $v) (i8x16.splat (i32.const 0x5c))))
                                            (i8x16.lt_u (local.get $v) (i8x16.splat (i32.const 0x20))))))
      (if (i32.eqz (local.get $m))
        (then (local.set $p (i32.add (local.get $p) (i32.const 16))) (br $scan)))
      (local.set $p (i32.add (local.get $p) (i32.ctz (local.get $m))))
      (local.set $c (i32.load8_u (local.get $p)))
      (if (i32.eq (local.get $c) (i32.const 0x22)) (then (return (local.get $p))))
      (if (i32.ne (local.get $c) (i32.const 0x5c)) (then (return (i32.const -1))))
      (global.set $esc (i32.const 1))
      (local.set $c (i32.load8_u offset=1 (local.get $p)))
      (if (i32.eq (local.get $c) (i32.const 0x75))
        (then
          (if (i32.eqz (i32.and (i32.and (call $hex (i32.load8_u offset=2 (local.get $p))) (call $hex (i32.load8_u offset=3 (local.get $p))))
                                (i32.and (call $hex (i32.load8_u offset=4 (local.get $p))) (call $hex (i32.load8_u offset=5 (local.get $p))))))
            (then (return (i32.const -1))))
          (local.set $p (i32.add (local.get $p) (i32.const 6)))
          (br $scan)))
      (if (i32.eqz (i32.or (i32.or (i32.or (i32.eq (local.get $c) (i32.const 0x22)) (i32.eq (local.get $c) (i32.const 0x5c)))
                                   (i32.or (i32.eq (local.get $c) (i32.const 0x2f)) (i32.eq (local.get $c) (i32.const 0x62))))
                           (i32.or (i32.or (i32.eq (local.get $c) (i32.const 0x66)) (i32.eq (local.get $c) (i32.const 0x6e)))
                                   (i32.or (i32.eq (local.get $c) (i32.const 0x72)) (i32.eq (local.get $c) (i32.const 0x74))))))
        (then (return (i32.const -1))))
      (local.set $p (i32.add (local.get $p) (i32.const 2)))
      (br $scan))
    (unreachable))

  ;; the address after the run of digits starting at p
  (func $digits (param $p i32) (result i32) (local $m i32)
    (loop $scan
      (local.set $m (i8x16.bitmask (i8x16.ge_u (i8x16.sub (v128.load (local.get $p)) (i8x16.splat (i32.const 48))) (i8x16.splat (i32.const 10)))))
      (if (i32.eqz (local.get $m))
        (then (local.set $p (i32.add (local.get $p) (i32.const 16))) (br $scan))))
    (i32.add (local.get $p) (i32.ctz (local.get $m))))

  ;; p at '-' or a digit: the address after the number, or -1
  (func $number (param $p i32) (result i32) (local $c i32)
    (if (i32.eq (i32.load8_u (local.get $p)) (i32.const 0x2d)) (then (local.set $p (i32.add (local.get $p) (i32.const 1)))))
    (local.set $c (i32.load8_u (local.get $p)))
    (if (i32.eq (local.get $c) (i32.const 0x30))
      (then (local.set $p (i32.add (local.get $p) (i32.const 1))))
      (else
        (if (i32.ge_u (i32.sub (local.get $c) (i32.const 49)) (i32.const 9)) (then (return (i32.const -1))))
        (local.set $p (call $digits (i32.add (local.get $p) (i32.const 1))))))
    (local.set $c (i32.load8_u (local.get $p)))
    (if (i32.eq (local.get $c) (i32.const 0x2e))
      (then
        (if (i32.ge_u (i32.sub (i32.load8_u offset=1 (local.get $p)) (i32.const 48)) (i32.const 10)) (then (return (i32.const -1))))
        (local.set $p (call $digits (i32.add (local.get $p) (i32.const 2))))
        (local.set $c (i32.load8_u (local.get $p)))))
    (if (i32.eq (i32.or (local.get $c) (i32.const 0x20)) (i32.const 0x65))
      (then
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (local.set $c (i32.load8_u (local.get $p)))
        (if (i32.or (i32.eq (local.get $c) (i32.const 0x2b)) (i32.eq (local.get $c) (i32.const 0x2d)))
          (then (local.set $p (i32.add (local.get $p) (i32.const 1)))))
        (if (i32.ge_u (i32.sub (i32.load8_u (local.get $p)) (i32.const 48)) (i32.const 10)) (then (return (i32.const -1))))
        (local.set $p (call $digits (i32.add (local.get $p) (i32.const 1))))))
    (local.get $p))

  ;; p at the first byte of a value: the address after it, or -1 (deep nesting traps: stack overflow).
  ;; Short plain strings and integers are scanned inline (one 16-byte step), the rest by calls.
  (func $value (param $p i32) (result i32) (local $c i32) (local $m i32) (local $v v128)
    (local.set $c (i32.load8_u (local.get $p)))
    (if (i32.eq (local.get $c) (i32.const 0x22))
      (then
        (global.set $esc (i32.const 0))
        (local.set $v (v128.load offset=1 (local.get $p)))
        (local.set $m (i8x16.bitmask (v128.or (v128.or (i8x16.eq (local.get $v) (i8x16.splat (i32.const 0x22)))
                                                        (i8x16.eq (local.get $v) (i8x16.splat (i32.const 0x5c))))
                                              (i8x16.lt_u (local.get $v) (i8x16.splat (i32.const 0x20))))))
        (if (local.get $m)
          (then
            (local.set $c (i32.add (i32.add (local.get $p) (i32.const 1)) (i32.ctz (local.get $m))))
            (if (i32.eq (i32.load8_u (local.get $c)) (i32.const 0x22)) (then (return (i32.add (local.get $c) (i32.const 1)))))))
        (local.set $p (call $string (local.get $p)))
        (return (select (i32.add (local.get $p) (i32.const 1)) (i32.const -1) (i32.ge_s (local.get $p) (i32.const 0))))))
    (if (i32.lt_u (i32.sub (local.get $c) (i32.const 49)) (i32.const 9))
      (then
        (local.set $m (i8x16.bitmask (i8x16.ge_u (i8x16.sub (v128.load offset=1 (local.get $p)) (i8x16.splat (i32.const 48))) (i8x16.splat (i32.const 10)))))
        (if (local.get $m)
          (then
            (local.set $c (i32.add (i32.add (local.get $p) (i32.const 1)) (i32.ctz (local.get $m))))
            (local.set $m (i32.or (i32.load8_u (local.get $c)) (i32.const 0x20)))
            (if (i32.and (i32.ne (local.get $m) (i32.const 0x2e)) (i32.ne (local.get $m) (i32.const 0x65)))
              (then (return (local.get $c))))))
        (return (call $number (local.get $p)))))
    (if (i32.or (i32.eq (local.get $c) (i32.const 0x2d)) (i32.eq (local.get $c) (i32.const 0x30)))
      (then (return (call $number (local.get $p)))))
    (if (i32.eq (local.get $c) (i32.const 0x7b)) (then (return (call $object (local.get $p) (i32.const 0) (i32.const 0)))))
    (if (i32.eq (local.get $c) (i32.const 0x5b)) (then (return (call $array (local.get $p)))))
    (if (i32.eq (i32.load (local.get $p)) (i32.const 0x6c6c756e)) (then (return (i32.add (local.get $p) (i32.const 4))))) ;; null
    (if (i32.eq (i32.load (local.get $p)) (i32.const 0x65757274)) (then (return (i32.add (local.get $p) (i32.const 4))))) ;; true
    (if (i32.and (i32.eq (local.get $c) (i32.const 0x66)) (i32.eq (i32.load offset=1 (local.get $p)) (i32.const 0x65736c61)))
      (then (return (i32.add (local.get $p) (i32.const 5))))) ;; false
    (i32.const -1))

  ;; p at '[': the address after the matching ']', or -1
  (func $array (param $p i32) (result i32) (local $c i32)
    (local.set $p (call $ws (i32.add (local.get $p) (i32.const 1))))
    (if (i32.eq (i32.load8_u (local.get $p)) (i32.const 0x5d)) (then (return (i32.add (local.get $p) (i32.const 1)))))
    (loop $el
      (local.set $p (call $value (local.get $p)))
      (if (i32.lt_s (local.get $p) (i32.const 0)) (then (return (i32.const -1))))
      (local.set $p (call $ws (local.get $p)))
      (local.set $c (i32.load8_u (local.get $p)))
      (if (i32.eq (local.get $c) (i32.const 0x2c))
        (then (local.set $p (call $ws (i32.add (local.get $p) (i32.const 1)))) (br $el))))
    (select (i32.add (local.get $p) (i32.const 1)) (i32.const -1) (i32.eq (local.get $c) (i32.const 0x5d))))

  ;; The value of the run of digits at p (modulo 2^64; exact up to 19 digits), eight at a time;
  ;; also in $digits. Sets $end to the address after the run.
  (func $digitsValue (param $p i32) (result i64) (local $m i64) (local $v i64) (local $c i32)
    (loop $eight
      (local.set $v (i64.load (local.get $p)))
      ;; all eight bytes are digits (each 0x30..0x39: high nibble 3, also after adding 6)
      (if (i64.eq (i64.or (i64.and (local.get $v) (i64.const 0xf0f0f0f0f0f0f0f0))
                          (i64.shr_u (i64.and (i64.add (local.get $v) (i64.const 0x0606060606060606)) (i64.const 0xf0f0f0f0f0f0f0f0)) (i64.const 4)))
                  (i64.const 0x3333333333333333))
        (then
          (local.set $v (i64.sub (local.get $v) (i64.const 0x3030303030303030)))
          (local.set $v (i64.and (i64.add (i64.mul (local.get $v) (i64.const 10)) (i64.shr_u (local.get $v) (i64.const 8))) (i64.const 0x00ff00ff00ff00ff)))
          (local.set $v (i64.and (i64.add (i64.mul (local.get $v) (i64.const 100)) (i64.shr_u (local.get $v) (i64.const 16))) (i64.const 0x0000ffff0000ffff)))
          (local.set $v (i64.and (i64.add (i64.mul (local.get $v) (i64.const 10000)) (i64.shr_u (local.get $v) (i64.const 32))) (i64.const 0xffffffff)))
          (local.set $m (i64.add (i64.mul (local.get $m) (i64.const 100000000)) (local.get $v)))
          (local.set $p (i32.add (local.get $p) (i32.const 8)))
          (br $eight))))
    (loop $one
      (local.set $c (i32.sub (i32.load8_u (local.get $p)) (i32.const 48)))
      (if (i32.lt_u (local.get $c) (i32.const 10))
        (then
          (local.set $m (i64.add (i64.mul (local.get $m) (i64.const 10)) (i64.extend_i32_u (local.get $c))))
          (local.set $p (i32.add (local.get $p) (i32.const 1)))
          (br $one))))
    (global.set $end (local.get $p))
    (global.set $digits (local.get $m))
    (local.get $m))

  ;; 10^k for k <= 15
  (func $pow10 (param $k i32) (result i64) (local $r i64)
    (local.set $r (i64.const 1))
    (block $done (loop $l
      (br_if $done (i32.eqz (local.get $k)))
      (local.set $r (i64.mul (local.get $r) (i64.const 10)))
      (local.set $k (i32.sub (local.get $k) (i32.const 1)))
      (br $l)))
    (local.get $r))

  ;; Records the value text[a..b) at rec: start, end (relative), info, the signed value as i32
  ;; (+12, when bit 4), the magnitude (f64, +16). info: bits 0-1 kind (0 other, 1 number, 2 string
  ;; without escapes, 3 such a string holding a plain decimal -?d*(.d+)? of 1 to 15 digits), bit 2
  ;; negative, bit 3 integer (a number without fraction or exponent), bit 4 the signed value of
  ;; all those digits fits an i32, bits 8-15 integer digits, bits 16-23 fraction digits (kind 3).
  ;; The magnitude is the value of all those digits, exact up to 15 of them.
  (func $record (param $rec i32) (param $a i32) (param $b i32)
    (local $c i32) (local $i i32) (local $info i32) (local $m i64) (local $d i32) (local $f i32)
    (i32.store (local.get $rec) (i32.sub (local.get $a) (global.get $in)))
    (i32.store offset=4 (local.get $rec) (i32.sub (local.get $b) (global.get $in)))
    (local.set $c (i32.load8_u (local.get $a)))
    (local.set $i (local.get $a))
    (block $done
      (if (i32.eq (local.get $c) (i32.const 0x22))
        (then
          (br_if $done (global.get $esc)) ;; escaped: other
          (local.set $info (i32.const 2))
          (local.set $i (i32.add (local.get $a) (i32.const 1)))
          (local.set $b (i32.sub (local.get $b) (i32.const 1))))) ;; the content ends at the closing quote
      (if (i32.eq (i32.load8_u (local.get $i)) (i32.const 0x2d))
        (then (local.set $info (i32.or (local.get $info) (i32.const 4))) (local.set $i (i32.add (local.get $i) (i32.const 1)))))
      (local.set $a (local.get $i))
      (local.set $m (call $digitsValue (local.get $i)))
      (local.set $i (global.get $end))
      (local.set $d (i32.sub (local.get $i) (local.get $a)))
      (if (i32.eqz (i32.and (local.get $info) (i32.const 2)))
        (then
          ;; a number token: its integer part (the walker validated the rest)
          (br_if $done (i32.eqz (local.get $d)))
          (local.set $info (i32.or (i32.or (local.get $info) (i32.const 1))
                                   (i32.shl (select (local.get $d) (i32.const 255) (i32.lt_u (local.get $d) (i32.const 255))) (i32.const 8))))
          (if (i32.eq (local.get $i) (local.get $b)) (then (local.set $info (i32.or (local.get $info) (i32.const 8)))))
          (br $done)))
      ;; string content: a plain decimal?
      (if (i32.eq (i32.load8_u (local.get $i)) (i32.const 0x2e))
        (then
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (local.set $a (local.get $i))
          (drop (call $digitsValue (local.get $i)))
          (local.set $i (global.get $end))
          ;; m * 10^(fraction digits) + fraction (exact while all digits number at most 15)
          (local.set $f (i32.sub (local.get $i) (local.get $a)))
          (if (i32.le_u (local.get $f) (i32.const 15))
            (then (local.set $m (i64.add (i64.mul (local.get $m) (call $pow10 (local.get $f))) (global.get $digits)))))
          (br_if $done (i32.eqz (local.get $f)))))
      (br_if $done (i32.ne (local.get $i) (local.get $b)))
      (br_if $done (i32.gt_u (i32.sub (i32.add (local.get $d) (local.get $f)) (i32.const 1)) (i32.const 14)))
      (local.set $info (i32.or (i32.or (i32.or (local.get $info) (i32.const 1)) (i32.shl (local.get $d) (i32.const 8))) (i32.shl (local.get $f) (i32.const 16)))))
    (if (i32.and (i32.ne (i32.and (local.get $info) (i32.const 1)) (i32.const 0)) (i64.lt_u (local.get $m) (i64.const 0x80000000)))
      (then
        (local.set $info (i32.or (local.get $info) (i32.const 16)))
        (i32.store offset=12 (local.get $rec)
          (select (i32.sub (i32.const 0) (i32.wrap_i64 (local.get $m))) (i32.wrap_i64 (local.get $m)) (i32.and (local.get $info) (i32.const 4))))))
    (i32.store offset=8 (local.get $rec) (local.get $info))
    (f64.store offset=16 (local.get $rec) (f64.convert_i64_u (local.get $m))))

  ;; ------------------------------------------------------------------ keys
  ;; ASCII case-insensitive equality (table keys are ASCII)
  (func $keyEqFold (param $a i32) (param $len i32) (param $addr i32) (result i32) (local $x i32) (local $y i32)
    (block $no
      (loop $l
        (br_if $no (i32.le_s (local.get $len) (i32.const 0)))
        (local.set $x (i32.load8_u (local.get $a)))
        (local.set $y (i32.load8_u (local.get $addr)))
        (if (i32.lt_u (i32.sub (local.get $x) (i32.const 65)) (i32.const 26)) (then (local.set $x (i32.or (local.get $x) (i32.const 0x20)))))
        (if (i32.lt_u (i32.sub (local.get $y) (i32.const 65)) (i32.const 26)) (then (local.set $y (i32.or (local.get $y) (i32.const 0x20)))))
        (if (i32.ne (local.get $x) (local.get $y)) (then (return (i32.const 0))))
        (local.set $a (i32.add (local.get $a) (i32.const 1)))
        (local.set $addr (i32.add (local.get $addr) (i32.const 1)))
        (local.set $len (i32.sub (local.get $len) (i32.const 1)))
        (br $l)))
    (i32.const 1))

  ;; text[a..b) holds a byte >= 0x80
  (func $hasHigh (param $a i32) (param $b i32) (result i32)
    (block $no (loop $l
      (br_if $no (i32.ge_u (local.get $a) (local.get $b)))
      (if (i32.ge_u (i32.load8_u (local.get $a)) (i32.const 0x80)) (then (return (i32.const 1))))
      (local.set $a (i32.add (local.get $a) (i32.const 1)))
      (br $l)))
    (i32.const 0))

  ;; text[a..a+len) equals the bytes at m: a remembered member text, or a table key (keys are
  ;; stored with 8 bytes of zero padding); both sides must be readable 8 bytes past len
  (func $memoEq (param $a i32) (param $m i32) (param $len i32) (result i32)
    (loop $l
      (if (i32.ge_s (local.get $len) (i32.const 8))
        (then
          (if (i64.ne (i64.load (local.get $a)) (i64.load (local.get $m))) (then (return (i32.const 0))))
          (local.set $a (i32.add (local.get $a) (i32.const 8)))
          (local.set $m (i32.add (local.get $m) (i32.const 8)))
          (local.set $len (i32.sub (local.get $len) (i32.const 8)))
          (br $l))))
    (i64.eqz (i64.and (i64.xor (i64.load (local.get $a)) (i64.load (local.get $m)))
                      (i64.sub (i64.shl (i64.const 1) (i64.extend_i32_u (i32.shl (local.get $len) (i32.const 3)))) (i64.const 1)))))
`;
