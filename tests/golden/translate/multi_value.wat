;; Multi-value: a block with params and two results, an if with params and
;; no else, and a function returning two values.
(module
  (type $swap (func (param i32 i64) (result i64 i32)))
  (func $f (param $a i32) (param $b i64) (result i64 i32)
    (local.get $a) (local.get $b)
    (block $blk (type $swap)
      (local.set $b) (local.set $a)
      (local.get $b) (local.get $a)
      (br_if $blk (i32.eqz (local.get $a)))
      (drop) (drop)
      (i64.const 7) (i32.const 8))
    (if (param i32) (result i32) (local.get $a)
      (then (i32.const 1) (i32.add)))))
;; expected:
;; function %f0(i64 vmctx, i32, i64) -> i64, i32 {
;; block0(v0: i64, v1: i32, v2: i64):
;;     @001f v7 = iconst.i32 0
;;     @0030 v8 = icmp.i32 eq v1, v7
;;     @0031 brif v8, block2(v2, v1), block3
;; block3:
;;     @0035 v9 = iconst.i64 7
;;     @0037 v10 = iconst.i32 8
;;     @0039 jump block2(v9, v10)
;; block2(v5: i64, v6: i32):
;;     @003c brif v1, block4, block5
;; block4:
;;     @003e v13 = iconst.i32 1
;;     @0040 v14 = iadd.i32 v6, v13
;;     @0041 jump block6(v14)
;; block5:
;;     @0041 jump block6(v6)
;; block6(v12: i32):
;;     @0042 return v5, v12
;; }
;;
;; -O2:
;; function %f0(i64 vmctx, i32, i64) -> i64, i32 {
;; block0(v0: i64, v1: i32, v2: i64):
;;     @001f v7 = iconst.i32 0
;;     @0030 v8 = icmp.i32 eq v1, v7
;;     @0031 brif v8, block2(v2, v1), block3
;; block3:
;;     @0035 v9 = iconst.i64 7
;;     @0037 v10 = iconst.i32 8
;;     @0039 jump block2(v9, v10)
;; block2(v5: i64, v6: i32):
;;     @003c brif v1, block4, block5
;; block4:
;;     @003e v13 = iconst.i32 1
;;     @0040 v14 = iadd.i32 v6, v13
;;     @0041 jump block6(v14)
;; block5:
;;     @0041 jump block6(v6)
;; block6(v12: i32):
;;     @0042 return v5, v12
;; }
;;
