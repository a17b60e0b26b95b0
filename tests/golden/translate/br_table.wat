;; br_table to three blocks and the function label, with a value.
(module
  (func $switch (param $i i32) (result i32)
    (block $done (result i32)
      (block $two (result i32)
        (block $one (result i32)
          (br_table $one $two $done 0 (i32.const 100) (local.get $i)))
        (i32.const 1)
        (i32.add)
        (br $done))
      (i32.const 2)
      (i32.mul))))
;; expected:
;; function %f0(i64 vmctx, i32) -> i32 {
;; block0(v0: i64, v1: i32):
;;     @001f v6 = iconst.i32 100
;;     @0024 br_table v1, block4, [block4, block3, block2(v6)]
;; block4:
;;     @002b v7 = iconst.i32 1
;;     @002d v8 = iadd.i32 v6, v7
;;     @002e jump block2(v8)
;; block3:
;;     @0031 v9 = iconst.i32 2
;;     @0033 v10 = imul.i32 v6, v9
;;     @0034 jump block2(v10)
;; block2(v3: i32):
;;     @0035 return v3
;; }
;;
;; -O2:
;; function %f0(i64 vmctx, i32) -> i32 {
;; block0(v0: i64, v1: i32):
;;     @001f v6 = iconst.i32 100
;;     @0024 br_table v1, block4, [block4, block3, block2(v6)]
;; block4:
;;     @002d v8 = iconst.i32 101
;;     @002e jump block2(v8)
;; block3:
;;     @0033 v10 = iconst.i32 200
;;     @0034 jump block2(v10)
;; block2(v3: i32):
;;     @0035 return v3
;; }
;;
