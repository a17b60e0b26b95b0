;; Nested ifs and a loop with an early exit: locals merged at each join,
;; dead code after br skipped, trapping arithmetic and conversions.
(module
  (func $f (param $x i32) (param $y f32) (result i32) (local $r i32)
    (block $exit
      (loop $again
        (if (i32.lt_s (local.get $x) (i32.const 0))
          (then (local.set $r (i32.const -1)) (br $exit) (local.set $r (i32.const 5)))
          (else
            (if (i32.eqz (local.get $x))
              (then (local.set $r (i32.trunc_f32_s (local.get $y))))
              (else (local.set $r (i32.div_s (local.get $r) (local.get $x)))))))
        (local.set $x (i32.sub (local.get $x) (i32.const 1)))
        (br_if $again (local.get $x))))
    (local.get $r)))
;; expected:
;; function %f0(i64 vmctx, i32, f32) -> i32 {
;; block0(v0: i64, v1: i32, v2: f32):
;;     @0019 v4 = load.i64 v0
;;     @0019 v12 = iconst.i32 0
;;     @001e jump block3(v1, v12)
;; block3(v8: i32, v16: i32):
;;     @001e v5 = load.i64 v4
;;     @001e v6 = iconst.i64 -32769
;;     @001e v7 = icmp.i64 eq v5, v6
;;     @001e trapnz v7, interrupt
;;     @0022 v9 = iconst.i32 0
;;     @0024 v10 = icmp.i32 slt v8, v9
;;     @0025 brif v10, block4, block5
;; block4:
;;     @0027 v11 = iconst.i32 -1
;;     @002b jump block2(v11)
;; block5:
;;     @0034 v13 = icmp.i32 eq v8, v12
;;     @0035 brif v13, block7, block8
;; block7:
;;     @0039 v15 = fcvt_to_sint.i32 v2
;;     @003c jump block9(v15)
;; block8:
;;     @0041 v17 = sdiv.i32 v16, v8
;;     @0044 jump block9(v17)
;; block9(v22: i32):
;;     @0048 v19 = iconst.i32 1
;;     @004a v20 = isub.i32 v8, v19
;;     @004f brif v20, block3(v20, v22), block10
;; block10:
;;     @0052 jump block2(v22)
;; block2(v23: i32):
;;     @0055 return v23
;; }
;;
;; -O2:
;; function %f0(i64 vmctx, i32, f32) -> i32 {
;; block0(v0: i64, v1: i32, v2: f32):
;;     @0019 v4 = load.i64 v0
;;     @0019 v12 = iconst.i32 0
;;     @001e jump block3(v1, v12)
;; block3(v8: i32, v16: i32):
;;     @001e v5 = load.i64 v4
;;     @001e v6 = iconst.i64 -32769
;;     @001e v7 = icmp.i64 eq v5, v6
;;     @001e trapnz v7, interrupt
;;     @0022 v9 = iconst.i32 0
;;     @0024 v10 = icmp.i32 slt v8, v9
;;     @0025 brif v10, block4, block5
;; block4:
;;     @0027 v11 = iconst.i32 -1
;;     @002b jump block2(v11)
;; block5:
;;     @0034 v13 = icmp.i32 eq v8, v12
;;     @0035 brif v13, block7, block8
;; block7:
;;     @0039 v15 = fcvt_to_sint.i32 v2
;;     @003c jump block9(v15)
;; block8:
;;     @0041 v17 = sdiv.i32 v16, v8
;;     @0044 jump block9(v17)
;; block9(v22: i32):
;;     @0048 v19 = iconst.i32 1
;;     @004a v20 = isub.i32 v8, v19
;;     @004f brif v20, block3(v20, v22), block10
;; block10:
;;     @0052 jump block2(v22)
;; block2(v23: i32):
;;     @0055 return v23
;; }
;;
