;; SHA-256 four messages at a time, one per 32-bit lane of a v128 (WebAssembly SIMD).
;;
;; Why: a SigV4 presign is ~8 block compressions, and V8 already runs the scalar
;; JavaScript compression about as fast as scalar code can go. Four lanes per
;; instruction is the remaining factor: a batch of presigned URLs is four independent
;; hashes at every step, of messages with the same length.
;;
;; The state of the four hashes ("state4", 128 bytes) is 8 v128: vector j holds word j
;; of lanes 0..3. The caller (sha256x4.ts) owns every buffer above HEAP_BASE; this
;; module owns the tables and the message schedule below it.
(module
  (memory (export "memory") 1)

  ;; 0..255: the round constants K, little-endian i32.
  (data (i32.const 0)
    "\98\2f\8a\42\91\44\37\71\cf\fb\c0\b5\a5\db\b5\e9\5b\c2\56\39\f1\11\f1\59\a4\82\3f\92\d5\5e\1c\ab"
    "\98\aa\07\d8\01\5b\83\12\be\85\31\24\c3\7d\0c\55\74\5d\be\72\fe\b1\de\80\a7\06\dc\9b\74\f1\9b\c1"
    "\c1\69\9b\e4\86\47\be\ef\c6\9d\c1\0f\cc\a1\0c\24\6f\2c\e9\2d\aa\84\74\4a\dc\a9\b0\5c\da\88\f9\76"
    "\52\51\3e\98\6d\c6\31\a8\c8\27\03\b0\c7\7f\59\bf\f3\0b\e0\c6\47\91\a7\d5\51\63\ca\06\67\29\29\14"
    "\85\0a\b7\27\38\21\1b\2e\fc\6d\2c\4d\13\0d\38\53\54\73\0a\65\bb\0a\6a\76\2e\c9\c2\81\85\2c\72\92"
    "\a1\e8\bf\a2\4b\66\1a\a8\70\8b\4b\c2\a3\51\6c\c7\19\e8\92\d1\24\06\99\d6\85\35\0e\f4\70\a0\6a\10"
    "\16\c1\a4\19\08\6c\37\1e\4c\77\48\27\b5\bc\b0\34\b3\0c\1c\39\4a\aa\d8\4e\4f\ca\9c\5b\f3\6f\2e\68"
    "\ee\82\8f\74\6f\63\a5\78\14\78\c8\84\08\02\c7\8c\fa\ff\be\90\eb\6c\50\a4\f7\a3\f9\be\f2\78\71\c6")
  ;; 256..511: zeros, the "K" of a schedule that already holds K + W.
  ;; 512..527: the lower-case hex digits.
  (data (i32.const 512) "0123456789abcdef")
  ;; 1024..2047: the message schedule of the block being hashed, 64 v128.
  ;; 2048..2111: four rows in transit (hex4).
  ;; From 2112 (HEAP_BASE): the caller's.
  (global (export "heapBase") i32 (i32.const 2112))

  ;; W[16..63] from W[0..15], in place at 1024.
  (func $schedule
    (local $p i32) (local $x v128) (local $y v128)
    (local.set $p (i32.const 1280))
    (loop $next
      (local.set $x (v128.load (i32.sub (local.get $p) (i32.const 240))))  ;; W[i-15]
      (local.set $y (v128.load (i32.sub (local.get $p) (i32.const 32))))   ;; W[i-2]
      (v128.store (local.get $p)
        (i32x4.add
          (i32x4.add
            (v128.load (i32.sub (local.get $p) (i32.const 256)))           ;; W[i-16]
            (v128.load (i32.sub (local.get $p) (i32.const 112))))          ;; W[i-7]
          (i32x4.add
            ;; σ0(x) = rotr7 ^ rotr18 ^ shr3
            (v128.xor
              (v128.xor
                (v128.or (i32x4.shr_u (local.get $x) (i32.const 7)) (i32x4.shl (local.get $x) (i32.const 25)))
                (v128.or (i32x4.shr_u (local.get $x) (i32.const 18)) (i32x4.shl (local.get $x) (i32.const 14))))
              (i32x4.shr_u (local.get $x) (i32.const 3)))
            ;; σ1(y) = rotr17 ^ rotr19 ^ shr10
            (v128.xor
              (v128.xor
                (v128.or (i32x4.shr_u (local.get $y) (i32.const 17)) (i32x4.shl (local.get $y) (i32.const 15)))
                (v128.or (i32x4.shr_u (local.get $y) (i32.const 19)) (i32x4.shl (local.get $y) (i32.const 13))))
              (i32x4.shr_u (local.get $y) (i32.const 10))))))
      (local.set $p (i32.add (local.get $p) (i32.const 16)))
      (br_if $next (i32.lt_u (local.get $p) (i32.const 2048)))))

  ;; The 64 rounds over the schedule at 1024, plus the round constants at $k (K, or the
  ;; zeros when the schedule holds K + W already); adds the result into state4.
  (func $rounds (param $state i32) (param $k i32)
    (local $a v128) (local $b v128) (local $c v128) (local $d v128)
    (local $e v128) (local $f v128) (local $g v128) (local $h v128)
    (local $t1 v128) (local $t2 v128) (local $w i32)
    (local.set $a (v128.load offset=0 (local.get $state)))
    (local.set $b (v128.load offset=16 (local.get $state)))
    (local.set $c (v128.load offset=32 (local.get $state)))
    (local.set $d (v128.load offset=48 (local.get $state)))
    (local.set $e (v128.load offset=64 (local.get $state)))
    (local.set $f (v128.load offset=80 (local.get $state)))
    (local.set $g (v128.load offset=96 (local.get $state)))
    (local.set $h (v128.load offset=112 (local.get $state)))
    (local.set $w (i32.const 1024))
    (loop $round
      ;; t1 = h + Σ1(e) + Ch(e, f, g) + K[i] + W[i]
      (local.set $t1
        (i32x4.add
          (i32x4.add
            (local.get $h)
            (v128.xor
              (v128.xor
                (v128.or (i32x4.shr_u (local.get $e) (i32.const 6)) (i32x4.shl (local.get $e) (i32.const 26)))
                (v128.or (i32x4.shr_u (local.get $e) (i32.const 11)) (i32x4.shl (local.get $e) (i32.const 21))))
              (v128.or (i32x4.shr_u (local.get $e) (i32.const 25)) (i32x4.shl (local.get $e) (i32.const 7)))))
          (i32x4.add
            (v128.bitselect (local.get $f) (local.get $g) (local.get $e))
            (i32x4.add (v128.load (local.get $w)) (v128.load32_splat (local.get $k))))))
      ;; t2 = Σ0(a) + Maj(a, b, c); Maj picks c where a and b differ, else a.
      (local.set $t2
        (i32x4.add
          (v128.xor
            (v128.xor
              (v128.or (i32x4.shr_u (local.get $a) (i32.const 2)) (i32x4.shl (local.get $a) (i32.const 30)))
              (v128.or (i32x4.shr_u (local.get $a) (i32.const 13)) (i32x4.shl (local.get $a) (i32.const 19))))
            (v128.or (i32x4.shr_u (local.get $a) (i32.const 22)) (i32x4.shl (local.get $a) (i32.const 10))))
          (v128.bitselect (local.get $c) (local.get $a) (v128.xor (local.get $a) (local.get $b)))))
      (local.set $h (local.get $g))
      (local.set $g (local.get $f))
      (local.set $f (local.get $e))
      (local.set $e (i32x4.add (local.get $d) (local.get $t1)))
      (local.set $d (local.get $c))
      (local.set $c (local.get $b))
      (local.set $b (local.get $a))
      (local.set $a (i32x4.add (local.get $t1) (local.get $t2)))
      (local.set $k (i32.add (local.get $k) (i32.const 4)))
      (local.set $w (i32.add (local.get $w) (i32.const 16)))
      (br_if $round (i32.lt_u (local.get $w) (i32.const 2048))))
    (v128.store offset=0 (local.get $state) (i32x4.add (local.get $a) (v128.load offset=0 (local.get $state))))
    (v128.store offset=16 (local.get $state) (i32x4.add (local.get $b) (v128.load offset=16 (local.get $state))))
    (v128.store offset=32 (local.get $state) (i32x4.add (local.get $c) (v128.load offset=32 (local.get $state))))
    (v128.store offset=48 (local.get $state) (i32x4.add (local.get $d) (v128.load offset=48 (local.get $state))))
    (v128.store offset=64 (local.get $state) (i32x4.add (local.get $e) (v128.load offset=64 (local.get $state))))
    (v128.store offset=80 (local.get $state) (i32x4.add (local.get $f) (v128.load offset=80 (local.get $state))))
    (v128.store offset=96 (local.get $state) (i32x4.add (local.get $g) (v128.load offset=96 (local.get $state))))
    (v128.store offset=112 (local.get $state) (i32x4.add (local.get $h) (v128.load offset=112 (local.get $state)))))

  ;; Four rows of four big-endian words (row r at $src + r * $srcStride) to four columns
  ;; of native words (column c at $dst + c * $dstStride): lanes become vectors, and back.
  (func $transpose (param $src i32) (param $srcStride i32) (param $dst i32) (param $dstStride i32)
    (local $r0 v128) (local $r1 v128) (local $r2 v128) (local $r3 v128)
    (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
    (local.set $r0 (v128.load (local.get $src)))
    (local.set $r1 (v128.load (i32.add (local.get $src) (local.get $srcStride))))
    (local.set $r2 (v128.load (i32.add (local.get $src) (i32.shl (local.get $srcStride) (i32.const 1)))))
    (local.set $r3 (v128.load (i32.add (local.get $src) (i32.mul (local.get $srcStride) (i32.const 3)))))
    ;; Words 0 and 1 of rows 0 and 1, then of rows 2 and 3, bytes reversed on the way.
    (local.set $t0 (i8x16.shuffle 3 2 1 0 19 18 17 16 7 6 5 4 23 22 21 20 (local.get $r0) (local.get $r1)))
    (local.set $t1 (i8x16.shuffle 3 2 1 0 19 18 17 16 7 6 5 4 23 22 21 20 (local.get $r2) (local.get $r3)))
    ;; Words 2 and 3.
    (local.set $t2 (i8x16.shuffle 11 10 9 8 27 26 25 24 15 14 13 12 31 30 29 28 (local.get $r0) (local.get $r1)))
    (local.set $t3 (i8x16.shuffle 11 10 9 8 27 26 25 24 15 14 13 12 31 30 29 28 (local.get $r2) (local.get $r3)))
    (v128.store (local.get $dst)
      (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t0) (local.get $t1)))
    (v128.store (i32.add (local.get $dst) (local.get $dstStride))
      (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t0) (local.get $t1)))
    (v128.store (i32.add (local.get $dst) (i32.shl (local.get $dstStride) (i32.const 1)))
      (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t2) (local.get $t3)))
    (v128.store (i32.add (local.get $dst) (i32.mul (local.get $dstStride) (i32.const 3)))
      (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t2) (local.get $t3))))

  ;; Absorbs $blocks 64-byte blocks of four messages, lane l's at $message + l * $stride.
  (func (export "blocks4") (param $state i32) (param $message i32) (param $stride i32) (param $blocks i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $message) (i32.shl (local.get $blocks) (i32.const 6))))
    (block $done
      (loop $block
        (br_if $done (i32.ge_u (local.get $message) (local.get $end)))
        (call $transpose (local.get $message) (local.get $stride) (i32.const 1024) (i32.const 16))
        (call $transpose (i32.add (local.get $message) (i32.const 16)) (local.get $stride) (i32.const 1088) (i32.const 16))
        (call $transpose (i32.add (local.get $message) (i32.const 32)) (local.get $stride) (i32.const 1152) (i32.const 16))
        (call $transpose (i32.add (local.get $message) (i32.const 48)) (local.get $stride) (i32.const 1216) (i32.const 16))
        (call $schedule)
        (call $rounds (local.get $state) (i32.const 0))
        (local.set $message (i32.add (local.get $message) (i32.const 64)))
        (br $block))))

  ;; Absorbs $blocks blocks that are the same in every lane, given as their precomputed
  ;; K + W (64 native i32 per block at $schedule): the constant tail of a message.
  (func (export "scheduled4") (param $state i32) (param $schedule i32) (param $blocks i32)
    (local $w i32)
    (block $done
      (loop $block
        (br_if $done (i32.eqz (local.get $blocks)))
        (local.set $w (i32.const 1024))
        (loop $word
          (v128.store (local.get $w) (v128.load32_splat (local.get $schedule)))
          (local.set $schedule (i32.add (local.get $schedule) (i32.const 4)))
          (local.set $w (i32.add (local.get $w) (i32.const 16)))
          (br_if $word (i32.lt_u (local.get $w) (i32.const 2048))))
        (call $rounds (local.get $state) (i32.const 256))
        (local.set $blocks (i32.sub (local.get $blocks) (i32.const 1)))
        (br $block))))

  ;; The outer pass of HMAC-SHA256: state4 holds the four inner digests; hashes each as
  ;; the one block after the opad block, starting from the opad midstate at $outer
  ;; (8 native i32), and leaves the four HMACs in state4.
  (func (export "hmacOuter4") (param $state i32) (param $outer i32)
    (local $i i32)
    ;; W[0..7]: the digests; W[8]: the 0x80 that ends them; W[15]: 768 bits in all.
    (loop $word
      (v128.store offset=1024 (local.get $i) (v128.load (i32.add (local.get $state) (local.get $i))))
      (v128.store offset=1152 (local.get $i) (v128.const i32x4 0 0 0 0))
      (v128.store (i32.add (local.get $state) (local.get $i))
        (v128.load32_splat (i32.add (local.get $outer) (i32.shr_u (local.get $i) (i32.const 2)))))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br_if $word (i32.lt_u (local.get $i) (i32.const 128))))
    (v128.store (i32.const 1152) (v128.const i32x4 0x80000000 0x80000000 0x80000000 0x80000000))
    (v128.store (i32.const 1264) (v128.const i32x4 768 768 768 768))
    (call $schedule)
    (call $rounds (local.get $state) (i32.const 0)))

  ;; Writes each lane's digest as 64 lower-case hex characters, lane l's at $out + l * $stride.
  (func (export "hex4") (param $state i32) (param $out i32) (param $stride i32)
    (local $half i32) (local $lane i32) (local $row v128) (local $high v128) (local $low v128) (local $to i32)
    (loop $halves
      ;; Words 0-3 of each lane, then words 4-7, as big-endian bytes: the digest's order.
      (call $transpose (i32.add (local.get $state) (local.get $half)) (i32.const 16) (i32.const 2048) (i32.const 16))
      (local.set $lane (i32.const 0))
      (loop $lanes
        (local.set $row (v128.load offset=2048 (local.get $lane)))
        (local.set $high (i8x16.shr_u (local.get $row) (i32.const 4)))
        (local.set $low (v128.and (local.get $row) (v128.const i8x16 15 15 15 15 15 15 15 15 15 15 15 15 15 15 15 15)))
        (local.set $to
          (i32.add
            (i32.add (local.get $out) (i32.shr_u (local.get $half) (i32.const 1)))
            (i32.mul (i32.shr_u (local.get $lane) (i32.const 4)) (local.get $stride))))
        (v128.store offset=0 (local.get $to)
          (i8x16.swizzle (v128.load (i32.const 512))
            (i8x16.shuffle 0 16 1 17 2 18 3 19 4 20 5 21 6 22 7 23 (local.get $high) (local.get $low))))
        (v128.store offset=16 (local.get $to)
          (i8x16.swizzle (v128.load (i32.const 512))
            (i8x16.shuffle 8 24 9 25 10 26 11 27 12 28 13 29 14 30 15 31 (local.get $high) (local.get $low))))
        (local.set $lane (i32.add (local.get $lane) (i32.const 16)))
        (br_if $lanes (i32.lt_u (local.get $lane) (i32.const 64))))
      (local.set $half (i32.add (local.get $half) (i32.const 64)))
      (br_if $halves (i32.lt_u (local.get $half) (i32.const 128)))))
)
