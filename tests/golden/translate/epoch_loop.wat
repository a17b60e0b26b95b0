;; options: epoch_interruption
;; Epoch interruption: the deadline check at function entry and at every
;; loop header (after the interrupt check), here with a loop as the very
;; first operator and a nested loop; the counter is read through the
;; RuntimeLimits pointer each time (another thread bumps it).
(module
  (func (param i32) (result i32) (local i32)
    (loop $outer
      (loop $inner
        (local.set 1 (i32.add (local.get 1) (i32.const 1)))
        (br_if $inner (i32.and (local.get 1) (i32.const 7))))
      (br_if $outer (i32.lt_u (local.get 1) (local.get 0))))
    (local.get 1)))
;; expected:
;; function %f0(i64 vmctx, i32) -> i32 {
;; block0(v0: i64, v1: i32):
;;     @0018 v2 = load.i64 v0
;;     @0018 v31 = iconst.i32 0
;;     @0018 v3 = load.i64 v2+16
;;     @0018 v4 = load.i64 v3
;;     @0018 v5 = load.i64 v2+8
;;     @0018 v6 = icmp.i64 uge v4, v5
;;     @0018 trapnz v6, interrupt
;;     @001b jump block2(v31)
;; block2(v27: i32):
;;     @001b v8 = load.i64 v2
;;     @001b v9 = iconst.i64 -32769
;;     @001b v10 = icmp.i64 eq v8, v9
;;     @001b trapnz v10, interrupt
;;     @001b v11 = load.i64 v2+16
;;     @001b v12 = load.i64 v11
;;     @001b v13 = load.i64 v2+8
;;     @001b v14 = icmp.i64 uge v12, v13
;;     @001b trapnz v14, interrupt
;;     @001d jump block3(v27)
;; block3(v22: i32):
;;     @001d v15 = load.i64 v2
;;     @001d v16 = iconst.i64 -32769
;;     @001d v17 = icmp.i64 eq v15, v16
;;     @001d trapnz v17, interrupt
;;     @001d v18 = load.i64 v2+16
;;     @001d v19 = load.i64 v18
;;     @001d v20 = load.i64 v2+8
;;     @001d v21 = icmp.i64 uge v19, v20
;;     @001d trapnz v21, interrupt
;;     @0021 v23 = iconst.i32 1
;;     @0023 v24 = iadd.i32 v22, v23
;;     @0028 v25 = iconst.i32 7
;;     @002a v26 = band.i32 v24, v25
;;     @002b brif v26, block3(v24), block4
;; block4:
;;     @0032 v30 = icmp.i32 ult v24, v1
;;     @0033 brif v30, block2(v24), block5
;; block5:
;;     @0038 return v24
;; }
;;
;; -O2:
;; function %f0(i64 vmctx, i32) -> i32 {
;; block0(v0: i64, v1: i32):
;;     @0018 v2 = load.i64 v0
;;     @0018 v31 = iconst.i32 0
;;     @0018 v3 = load.i64 v2+16
;;     @0018 v4 = load.i64 v3
;;     @0018 v5 = load.i64 v2+8
;;     @0018 v6 = icmp.i64 uge v4, v5
;;     @0018 trapnz v6, interrupt
;;     @001b jump block2(v31)
;; block2(v27: i32):
;;     @001b v8 = load.i64 v2
;;     @001b v9 = iconst.i64 -32769
;;     @001b v10 = icmp.i64 eq v8, v9
;;     @001b trapnz v10, interrupt
;;     @001b v11 = load.i64 v2+16
;;     @001b v12 = load.i64 v11
;;     @001b v13 = load.i64 v2+8
;;     @001b v14 = icmp.i64 uge v12, v13
;;     @001b trapnz v14, interrupt
;;     @001d jump block3(v27)
;; block3(v22: i32):
;;     @001d v15 = load.i64 v2
;;     @001d v16 = iconst.i64 -32769
;;     @001d v17 = icmp.i64 eq v15, v16
;;     @001d trapnz v17, interrupt
;;     @001d v18 = load.i64 v2+16
;;     @001d v19 = load.i64 v18
;;     @001d v20 = load.i64 v2+8
;;     @001d v21 = icmp.i64 uge v19, v20
;;     @001d trapnz v21, interrupt
;;     @0021 v23 = iconst.i32 1
;;     @0023 v24 = iadd.i32 v22, v23
;;     @0028 v25 = iconst.i32 7
;;     @002a v26 = band.i32 v24, v25
;;     @002b brif v26, block3(v24), block4
;; block4:
;;     @0032 v30 = icmp.i32 ult v24, v1
;;     @0033 brif v30, block2(v24), block5
;; block5:
;;     @0038 return v24
;; }
;;
