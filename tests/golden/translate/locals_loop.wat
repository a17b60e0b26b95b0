;; Locals across a loop: the sum and the counter are loop-carried (header
;; params), the step is invariant (no param). Interrupt check at the header.
(module
  (func $sum (param $n i32) (param $step i32) (result i32) (local $acc i32)
    (loop $l
      (local.set $acc (i32.add (local.get $acc) (local.get $n)))
      (local.set $n (i32.sub (local.get $n) (local.get $step)))
      (br_if $l (i32.gt_s (local.get $n) (i32.const 0))))
    (local.get $acc)))
;; expected:
;; function %f0(i64 vmctx, i32, i32) -> i32 {
;; block0(v0: i64, v1: i32, v2: i32):
;;     @0019 v4 = load.i64 v0
;;     @0019 v15 = iconst.i32 0
;;     @001c jump block2(v15, v1)
;; block2(v8: i32, v9: i32):
;;     @001c v5 = load.i64 v4
;;     @001c v6 = iconst.i64 -32769
;;     @001c v7 = icmp.i64 eq v5, v6
;;     @001c trapnz v7, interrupt
;;     @0022 v10 = iadd.i32 v8, v9
;;     @0029 v12 = isub.i32 v9, v2
;;     @002e v13 = iconst.i32 0
;;     @0030 v14 = icmp.i32 sgt v12, v13
;;     @0031 brif v14, block2(v10, v12), block3
;; block3:
;;     @0036 return v10
;; }
;;
;; -O2:
;; function %f0(i64 vmctx, i32, i32) -> i32 {
;; block0(v0: i64, v1: i32, v2: i32):
;;     @0019 v4 = load.i64 v0
;;     @0019 v15 = iconst.i32 0
;;     @001c jump block2(v15, v1)
;; block2(v8: i32, v9: i32):
;;     @001c v5 = load.i64 v4
;;     @001c v6 = iconst.i64 -32769
;;     @001c v7 = icmp.i64 eq v5, v6
;;     @001c trapnz v7, interrupt
;;     @0022 v10 = iadd.i32 v8, v9
;;     @0029 v12 = isub.i32 v9, v2
;;     @002e v13 = iconst.i32 0
;;     @0030 v14 = icmp.i32 sgt v12, v13
;;     @0031 brif v14, block2(v10, v12), block3
;; block3:
;;     @0036 return v10
;; }
;;
