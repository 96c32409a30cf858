// Part of the WebAssembly JSON walker (json-walker-wat.ts): objects read with query tables
// (envelope keys, METADATA paths, row columns, member memo), in text format, and the exported
// entry point. Records where values are; never converts them and leaves odd cases to JS (-2).
export const WALKER_OBJECTS_WAT = String.raw`
  ;; ------------------------------------------------------------------ objects
  ;; Query node: [count, envelope, memo address, memo positions, 16 buckets (entry address or 0),
  ;; count x entry (len, keyAddr, action, arg, next entry in the bucket or 0, 3 unused)]; a key's
  ;; bucket is (len x 7 + first byte + last byte) mod 16 (an empty key: twice the quote).
  ;; Actions: 0 skip, 1 image (arg 0 before / 1 after), 2 op, 3 metadata path (arg = address of
  ;; [record, child node]), 4 schema, 5 payload (arg = node), 6 a block only descended into (arg =
  ;; node, to remember its members). Envelope nodes count their keys except schema and payload.
  ;; Memo: per member position, a 128-byte record of the member last read there: key length with
  ;; its colon (0 none), its action and arg, member length (0 key only, -1 given up on the value),
  ;; value misses, then up to 96 bytes of text. A repeated key (compared 8 bytes at a time) skips
  ;; the key scan and lookup; a repeated skipped member is stepped over whole (it was validated
  ;; then, in the same object).
  ;; Slots (bytes from $out): 0 envelope keys; 4 op kind (1 string, 2 other), start, end;
  ;; 16 schema kind (1 object, 2 other), start, end; 28 payload kind (1 object, 2 other);
  ;; 40 + 16 x image: kind (1 null, 2 object, 3 other), start, end, declared columns seen;
  ;; 72 + 24 x metadata record; row column records at $rowSlots + 24 x (image x ncols + column).
  ;; Kinds and starts are -1 when absent. -2: an escaped key, a repeated envelope key or row
  ;; column, a key that may match a column case-insensitively, a schema after the payload or an
  ;; image.

  ;; p at '{' (resume 0), or right after a member's value (resume 1), of an object read with query
  ;; node 'node' (0: only validated): the address after the closing '}', -1 or -2.
  (func $object (param $p i32) (param $node i32) (param $resume i32) (result i32)
    (local $c i32) (local $ks i32) (local $ke i32) (local $len i32) (local $e i32) (local $n i32)
    (local $act i32) (local $arg i32) (local $slot i32) (local $v i32) (local $km i32) (local $kv v128)
    (local $k i32) (local $ms i32) (local $mrec i32) (local $known i32)
    (if (i32.eqz (local.get $resume))
      (then
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (if (i32.le_u (i32.load8_u (local.get $p)) (i32.const 0x20)) (then (local.set $p (call $ws (local.get $p)))))
        (if (i32.eq (i32.load8_u (local.get $p)) (i32.const 0x7d)) (then (return (i32.add (local.get $p) (i32.const 1)))))))
    (loop $member
      (if (i32.eqz (local.get $resume))
        (then (block $member_done
          (if (i32.ne (i32.load8_u (local.get $p)) (i32.const 0x22)) (then (return (i32.const -1))))
          (local.set $ms (local.get $p))
          (local.set $mrec (i32.const 0))
          (local.set $known (i32.const 0))
          (if (local.get $node)
            (then (if (i32.lt_u (local.get $k) (i32.load offset=12 (local.get $node)))
              (then
                ;; the member seen at this position last time: the same text (a skipped member)?
                (local.set $len (i32.load (local.get $mrec)))
                (local.set $n (i32.load offset=12 (local.get $mrec)))
                (if (i32.gt_s (local.get $n) (local.get $len))
                  (then (if (call $memoEq (local.get $p) (i32.add (local.get $mrec) (i32.const 24)) (local.get $n))
                    (then
                      ;; unless its value goes on (a longer number)
                      (local.set $c (i32.load8_u (i32.add (local.get $p) (local.get $n))))
                      (if (i32.or (i32.or (i32.eq (local.get $c) (i32.const 0x2c)) (i32.eq (local.get $c) (i32.const 0x7d)))
                                  (i32.or (i32.or (i32.eq (local.get $c) (i32.const 0x20)) (i32.eq (local.get $c) (i32.const 0x0a)))
                                          (i32.or (i32.eq (local.get $c) (i32.const 0x0d)) (i32.eq (local.get $c) (i32.const 0x09)))))
                        (then
                          (local.set $p (i32.add (local.get $p) (local.get $n)))
                          (i32.store offset=16 (local.get $mrec) (i32.const 0))
                          (if (i32.load offset=4 (local.get $node))
                            (then (i32.store (global.get $out) (i32.add (i32.load (global.get $out)) (i32.const 1)))))
                          (br $member_done)))))))
                ;; the same key (and colon) at least: its meaning is known
                (if (i32.gt_s (local.get $len) (i32.const 0))
                  (then (if (call $memoEq (local.get $p) (i32.add (local.get $mrec) (i32.const 24)) (local.get $len))
                    (then
                      (local.set $known (i32.const 1))
                      (local.set $act (i32.load offset=4 (local.get $mrec)))
                      (local.set $arg (i32.load offset=8 (local.get $mrec)))
                      ;; the remembered key ends where its value began: more blanks may follow now
                      (local.set $p (i32.add (local.get $p) (local.get $len)))
                      (if (i32.le_u (i32.load8_u (local.get $p)) (i32.const 0x20)) (then (local.set $p (call $ws (local.get $p)))))))))))))
          (if (i32.eqz (local.get $known))
            (then
              (local.set $ks (i32.add (local.get $p) (i32.const 1)))
              (global.set $esc (i32.const 0))
              (local.set $kv (v128.load offset=1 (local.get $p)))
              (local.set $km (i8x16.bitmask (v128.or (v128.or (i8x16.eq (local.get $kv) (i8x16.splat (i32.const 0x22)))
                                                              (i8x16.eq (local.get $kv) (i8x16.splat (i32.const 0x5c))))
                                                    (i8x16.lt_u (local.get $kv) (i8x16.splat (i32.const 0x20))))))
              (local.set $ke (i32.add (local.get $ks) (i32.ctz (local.get $km))))
              (if (i32.or (i32.eqz (local.get $km)) (i32.ne (i32.load8_u (local.get $ke)) (i32.const 0x22)))
                (then (local.set $ke (call $string (local.get $p)))))
              (if (i32.lt_s (local.get $ke) (i32.const 0)) (then (return (i32.const -1))))
              (local.set $p (i32.add (local.get $ke) (i32.const 1)))
              (if (i32.le_u (i32.load8_u (local.get $p)) (i32.const 0x20)) (then (local.set $p (call $ws (local.get $p)))))
              (if (i32.ne (i32.load8_u (local.get $p)) (i32.const 0x3a)) (then (return (i32.const -1))))
              (local.set $p (i32.add (local.get $p) (i32.const 1)))
              (if (i32.le_u (i32.load8_u (local.get $p)) (i32.const 0x20)) (then (local.set $p (call $ws (local.get $p)))))
              (local.set $act (i32.const 0))
              (if (local.get $node)
                (then
                  (if (global.get $esc) (then (return (i32.const -2))))
                  (local.set $len (i32.sub (local.get $ke) (local.get $ks)))
                  ;; the bucket of (len x 7 + first byte + last byte) mod 16, then its chain
                  (local.set $e (i32.load offset=16 (i32.add (local.get $node) (i32.shl (i32.and
                    (i32.add (i32.add (i32.mul (local.get $len) (i32.const 7)) (i32.load8_u (local.get $ks)))
                             (i32.load8_u (i32.sub (local.get $ke) (i32.const 1))))
                    (i32.const 15)) (i32.const 2)))))
                  (block $found
                    (loop $find
                      (br_if $found (i32.eqz (local.get $e)))
                      (if (i32.eq (i32.load (local.get $e)) (local.get $len))
                        (then (if (call $memoEq (local.get $ks) (i32.load offset=4 (local.get $e)) (local.get $len))
                          (then
                            (local.set $act (i32.load offset=8 (local.get $e)))
                            (local.set $arg (i32.load offset=12 (local.get $e)))
                            (br $found)))))
                      (local.set $e (i32.load offset=16 (local.get $e)))
                      (br $find)))
                  ;; remember the key (with its colon) and what it means at this position
                  (if (local.get $mrec)
                    (then
                      (local.set $len (i32.sub (local.get $p) (local.get $ms)))
                      (if (i32.le_u (local.get $len) (i32.const 96))
                        (then
                          (i32.store (local.get $mrec) (local.get $len))
                          (i32.store offset=4 (local.get $mrec) (local.get $act))
                          (i32.store offset=8 (local.get $mrec) (local.get $arg))
                          (i32.store offset=12 (local.get $mrec) (i32.const 0))
                          (i32.store offset=16 (local.get $mrec) (i32.const 0))
                          (memory.copy (i32.add (local.get $mrec) (i32.const 24)) (local.get $ms) (local.get $len)))
                        (else (local.set $mrec (i32.const 0))))))))))
          (if (local.get $node)
            (then (if (i32.and (i32.load offset=4 (local.get $node)) (i32.ne (i32.and (local.get $act) (i32.const 6)) (i32.const 4)))
              (then (i32.store (global.get $out) (i32.add (i32.load (global.get $out)) (i32.const 1)))))))
          (local.set $v (local.get $p))
          (local.set $c (i32.load8_u (local.get $p)))
          (block $done
            (if (i32.eqz (local.get $act))
              (then (local.set $p (call $value (local.get $p))) (br $done)))
            (if (i32.eq (local.get $act) (i32.const 1)) ;; before / after
              (then
                (local.set $slot (i32.add (global.get $out) (i32.add (i32.const 40) (i32.shl (local.get $arg) (i32.const 4)))))
                (if (i32.ne (i32.load (local.get $slot)) (i32.const -1)) (then (return (i32.const -2))))
                (if (i32.eq (local.get $c) (i32.const 0x7b))
                  (then
                    (local.set $p (call $row (local.get $p) (local.get $arg)))
                    (i32.store (local.get $slot) (i32.const 2)))
                  (else
                    (local.set $p (call $value (local.get $p)))
                    (i32.store (local.get $slot) (select (i32.const 1) (i32.const 3) (i32.eq (local.get $c) (i32.const 0x6e))))))
                (i32.store offset=4 (local.get $slot) (i32.sub (local.get $v) (global.get $in)))
                (i32.store offset=8 (local.get $slot) (i32.sub (local.get $p) (global.get $in)))
                (br $done)))
            (if (i32.eq (local.get $act) (i32.const 3)) ;; on a metadata path
              (then
                (local.set $n (i32.load offset=4 (local.get $arg)))
                (if (i32.and (i32.ne (local.get $n) (i32.const 0)) (i32.eq (local.get $c) (i32.const 0x7b)))
                  (then (local.set $p (call $object (local.get $p) (local.get $n) (i32.const 0))))
                  (else (local.set $p (call $value (local.get $p)))))
                (if (i32.ge_s (local.get $p) (i32.const 0))
                  (then (call $record (i32.add (global.get $out) (i32.load (local.get $arg))) (local.get $v) (local.get $p))))
                (br $done)))
            (if (i32.eq (local.get $act) (i32.const 6)) ;; a block read only to remember its members
              (then
                (if (i32.eq (local.get $c) (i32.const 0x7b))
                  (then (local.set $p (call $object (local.get $p) (local.get $arg) (i32.const 0))))
                  (else (local.set $p (call $value (local.get $p)))))
                (br $done)))
            (if (i32.eq (local.get $act) (i32.const 5)) ;; payload
              (then
                (if (i32.ne (i32.load offset=28 (global.get $out)) (i32.const -1)) (then (return (i32.const -2))))
                (if (i32.eq (local.get $c) (i32.const 0x7b))
                  (then
                    (local.set $p (call $object (local.get $p) (local.get $arg) (i32.const 0)))
                    (i32.store offset=28 (global.get $out) (i32.const 1)))
                  (else
                    (local.set $p (call $value (local.get $p)))
                    (i32.store offset=28 (global.get $out) (i32.const 2))))
                (br $done)))
            ;; op (2) and schema (4), once each; a schema after the payload or an image is left to JS
            (local.set $slot (i32.add (global.get $out) (select (i32.const 4) (i32.const 16) (i32.eq (local.get $act) (i32.const 2)))))
            (if (i32.ne (i32.load (local.get $slot)) (i32.const -1)) (then (return (i32.const -2))))
            (if (i32.and (i32.eq (local.get $act) (i32.const 4))
                         (i32.or (i32.ne (i32.load offset=28 (global.get $out)) (i32.const -1))
                                 (i32.ne (i32.and (i32.load offset=40 (global.get $out)) (i32.load offset=56 (global.get $out))) (i32.const -1))))
              (then (return (i32.const -2))))
            (local.set $p (call $value (local.get $p)))
            (i32.store (local.get $slot)
              (select (i32.const 1) (i32.const 2) (i32.eq (local.get $c) (select (i32.const 0x22) (i32.const 0x7b) (i32.eq (local.get $act) (i32.const 2))))))
            (i32.store offset=4 (local.get $slot) (i32.sub (local.get $v) (global.get $in)))
            (i32.store offset=8 (local.get $slot) (i32.sub (local.get $p) (global.get $in))))
          (if (i32.lt_s (local.get $p) (i32.const 0)) (then (return (local.get $p))))
          ;; remember a skipped member whole for the next event, unless it keeps changing
          (if (i32.and (i32.ne (local.get $mrec) (i32.const 0)) (i32.eqz (local.get $act)))
            (then (if (i32.ge_s (i32.load offset=12 (local.get $mrec)) (i32.const 0))
              (then
                (if (i32.gt_s (i32.load offset=12 (local.get $mrec)) (i32.const 0))
                  (then (i32.store offset=16 (local.get $mrec) (i32.add (i32.load offset=16 (local.get $mrec)) (i32.const 1)))))
                (local.set $len (i32.sub (local.get $p) (local.get $ms)))
                (if (i32.or (i32.gt_u (local.get $len) (i32.const 96)) (i32.gt_u (i32.load offset=16 (local.get $mrec)) (i32.const 2)))
                  (then (i32.store offset=12 (local.get $mrec) (i32.const -1)))
                  (else
                    (i32.store offset=12 (local.get $mrec) (local.get $len))
                    (memory.copy (i32.add (local.get $mrec) (i32.const 24)) (local.get $ms) (local.get $len)))))))))))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (local.set $resume (i32.const 0))
      ;; after the value: ',' and the next member, or '}'
      (if (i32.le_u (i32.load8_u (local.get $p)) (i32.const 0x20)) (then (local.set $p (call $ws (local.get $p)))))
      (local.set $c (i32.load8_u (local.get $p)))
      (if (i32.eq (local.get $c) (i32.const 0x2c))
        (then
          (local.set $p (i32.add (local.get $p) (i32.const 1)))
          (if (i32.le_u (i32.load8_u (local.get $p)) (i32.const 0x20)) (then (local.set $p (call $ws (local.get $p)))))
          (br $member))))
    (select (i32.add (local.get $p) (i32.const 1)) (i32.const -1) (i32.eq (local.get $c) (i32.const 0x7d))))

  ;; p at '{' of row image 'img': records every declared column found by its exact name (the
  ;; column table entry at the member's position is compared first, before any scan) and counts them.
  (func $row (param $p i32) (param $img i32) (result i32)
    (local $c i32) (local $ks i32) (local $ke i32) (local $len i32) (local $e i32) (local $n i32)
    (local $col i32) (local $slot i32) (local $count i32) (local $k i32) (local $table i32) (local $ntab i32) (local $v i32) (local $km i32) (local $kv v128)
    (local.set $table (i32.add (global.get $rows) (i32.const 4)))
    (local.set $ntab (i32.load (global.get $rows)))
    (local.set $p (i32.add (local.get $p) (i32.const 1)))
    (if (i32.le_u (i32.load8_u (local.get $p)) (i32.const 0x20)) (then (local.set $p (call $ws (local.get $p)))))
    (if (i32.ne (i32.load8_u (local.get $p)) (i32.const 0x7d))
      (then
        (loop $member
          (if (i32.ne (i32.load8_u (local.get $p)) (i32.const 0x22)) (then (return (i32.const -1))))
          (local.set $ks (i32.add (local.get $p) (i32.const 1)))
          (local.set $col (i32.const -1))
          ;; the column usually at this position: its name and a closing quote, compared directly
          (if (i32.lt_u (local.get $k) (local.get $ntab))
            (then
              (local.set $e (i32.add (local.get $table) (i32.mul (local.get $k) (i32.const 12))))
              (local.set $len (i32.load (local.get $e)))
              (if (i32.eq (i32.load8_u (i32.add (local.get $ks) (local.get $len))) (i32.const 0x22))
                (then (if (call $memoEq (local.get $ks) (i32.load offset=4 (local.get $e)) (local.get $len))
                  (then
                    (local.set $col (i32.load offset=8 (local.get $e)))
                    (local.set $ke (i32.add (local.get $ks) (local.get $len)))))))))
          (if (i32.lt_s (local.get $col) (i32.const 0))
            (then
              (global.set $esc (i32.const 0))
              (local.set $kv (v128.load offset=1 (local.get $p)))
              (local.set $km (i8x16.bitmask (v128.or (v128.or (i8x16.eq (local.get $kv) (i8x16.splat (i32.const 0x22)))
                                                              (i8x16.eq (local.get $kv) (i8x16.splat (i32.const 0x5c))))
                                                    (i8x16.lt_u (local.get $kv) (i8x16.splat (i32.const 0x20))))))
              (local.set $ke (i32.add (local.get $ks) (i32.ctz (local.get $km))))
              (if (i32.or (i32.eqz (local.get $km)) (i32.ne (i32.load8_u (local.get $ke)) (i32.const 0x22)))
                (then (local.set $ke (call $string (local.get $p)))))
              (if (i32.lt_s (local.get $ke) (i32.const 0)) (then (return (i32.const -1))))
              (if (global.get $esc) (then (return (i32.const -2))))))
          (local.set $p (i32.add (local.get $ke) (i32.const 1)))
          (if (i32.le_u (i32.load8_u (local.get $p)) (i32.const 0x20)) (then (local.set $p (call $ws (local.get $p)))))
          (if (i32.ne (i32.load8_u (local.get $p)) (i32.const 0x3a)) (then (return (i32.const -1))))
          (local.set $p (i32.add (local.get $p) (i32.const 1)))
          (if (i32.le_u (i32.load8_u (local.get $p)) (i32.const 0x20)) (then (local.set $p (call $ws (local.get $p)))))
          (local.set $len (i32.sub (local.get $ke) (local.get $ks)))
          (if (i32.lt_s (local.get $col) (i32.const 0))
            (then
              (local.set $e (local.get $table))
              (local.set $n (local.get $ntab))
              (block $found
                (loop $find
                  (br_if $found (i32.eqz (local.get $n)))
                  (if (i32.eq (i32.load (local.get $e)) (local.get $len))
                    (then (if (if (result i32) (i32.eq (i32.load8_u (local.get $ks)) (i32.load8_u (i32.load offset=4 (local.get $e)))) (then (call $memoEq (local.get $ks) (i32.load offset=4 (local.get $e)) (local.get $len))) (else (i32.eqz (local.get $len))))
                      (then (local.set $col (i32.load offset=8 (local.get $e))) (br $found)))))
                  (local.set $e (i32.add (local.get $e) (i32.const 12)))
                  (local.set $n (i32.sub (local.get $n) (i32.const 1)))
                  (br $find)))))
          (local.set $v (local.get $p))
          (if (i32.lt_s (local.get $col) (i32.const 0))
            (then
              ;; not a declared name: unless it could still match one in JS, skip the value
              (if (call $hasHigh (local.get $ks) (local.get $ke)) (then (return (i32.const -2))))
              (local.set $e (local.get $table))
              (local.set $n (local.get $ntab))
              (loop $fold
                (if (local.get $n)
                  (then
                    (if (i32.eq (i32.load (local.get $e)) (local.get $len))
                      (then (if (call $keyEqFold (local.get $ks) (local.get $len) (i32.load offset=4 (local.get $e)))
                        (then (return (i32.const -2))))))
                    (local.set $e (i32.add (local.get $e) (i32.const 12)))
                    (local.set $n (i32.sub (local.get $n) (i32.const 1)))
                    (br $fold))))
              (local.set $p (call $value (local.get $p))))
            (else
              (local.set $slot (i32.add (global.get $rowSlots)
                (i32.mul (i32.add (i32.mul (local.get $img) (global.get $ncols)) (local.get $col)) (i32.const 24))))
              (if (i32.ne (i32.load (local.get $slot)) (i32.const -1)) (then (return (i32.const -2))))
              (local.set $p (call $value (local.get $p)))
              (if (i32.ge_s (local.get $p) (i32.const 0)) (then (call $record (local.get $slot) (local.get $v) (local.get $p))))
              (local.set $count (i32.add (local.get $count) (i32.const 1)))))
          (if (i32.lt_s (local.get $p) (i32.const 0)) (then (return (i32.const -1))))
          (local.set $k (i32.add (local.get $k) (i32.const 1)))
          (if (i32.le_u (i32.load8_u (local.get $p)) (i32.const 0x20)) (then (local.set $p (call $ws (local.get $p)))))
          (local.set $c (i32.load8_u (local.get $p)))
          (if (i32.eq (local.get $c) (i32.const 0x2c))
            (then
              (local.set $p (i32.add (local.get $p) (i32.const 1)))
              (if (i32.le_u (i32.load8_u (local.get $p)) (i32.const 0x20)) (then (local.set $p (call $ws (local.get $p)))))
              (br $member))))
        (if (i32.ne (local.get $c) (i32.const 0x7d)) (then (return (i32.const -1))))))
    (i32.store offset=52 (i32.add (global.get $out) (i32.shl (local.get $img) (i32.const 4))) (local.get $count))
    (i32.add (local.get $p) (i32.const 1)))

  ;; walk(in, at, node, rows, ncols, out, slotBytes, rowOff, resume): reads the envelope object at
  ;; in + at ('{'; or with resume = 1, right after the value of its cached "schema" member);
  ;; returns the offset after it, -1 when the text is malformed there, -2 (see above)
  (func (export "walk") (param $in i32) (param $at i32) (param $node i32) (param $rows i32) (param $ncols i32)
                        (param $out i32) (param $slotBytes i32) (param $rowOff i32) (param $resume i32) (result i32)
    (local $r i32)
    (global.set $in (local.get $in))
    (global.set $out (local.get $out))
    (global.set $rows (local.get $rows))
    (global.set $ncols (local.get $ncols))
    (global.set $rowSlots (i32.add (local.get $out) (local.get $rowOff)))
    (memory.fill (local.get $out) (i32.const 0xff) (local.get $slotBytes))
    (i32.store (local.get $out) (i32.const 0))
    (if (local.get $resume) (then (i32.store offset=16 (local.get $out) (i32.const 1))))
    (local.set $r (call $object (i32.add (local.get $in) (local.get $at)) (local.get $node) (local.get $resume)))
    (select (i32.sub (local.get $r) (local.get $in)) (local.get $r) (i32.ge_s (local.get $r) (i32.const 0))))
`;
