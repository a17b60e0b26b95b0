;; Globals: an imported mutable global through its pointer, defined
;; globals inline in the VMContext, a funcref global.
(module
  (import "env" "counter" (global $counter (mut i32)))
  (global $scale (mut f64) (f64.const 1.5))
  (global $fn (mut funcref) (ref.null func))
  (elem declare func $tick)
  (func $tick (result f64)
    (global.set $counter (i32.add (global.get $counter) (i32.const 1)))
    (global.set $fn (ref.func $tick))
    (f64.mul (global.get $scale) (f64.convert_i32_u (global.get $counter)))))
;; expected:
;; function %f0(i64 vmctx) -> f64 {
;; block0(v0: i64):
;;     @0044 v2 = load.i64 v0+32
;;     @0045 v3 = load.i32 v2
;;     @0047 v4 = iconst.i32 1
;;     @0049 v5 = iadd.i32 v3, v4
;;     @004a store.i32 v5, v2
;;     @004c v6 = iconst.i64 80
;;     @004c v7 = iadd.i64 v0, v6
;;     @004e store.i64 v7, v0+64
;;     @0050 v8 = load.f64 v0+48
;;     @0052 v9 = load.i32 v2
;;     @0054 v10 = fcvt_from_uint.f64 v9
;;     @0055 v11 = fmul.f64 v8, v10
;;     @0056 return v11
;; }
;;
;; -O2:
;; function %f0(i64 vmctx) -> f64 {
;; block0(v0: i64):
;;     @0044 v2 = load.i64 v0+32
;;     @0045 v3 = load.i32 v2
;;     @0047 v4 = iconst.i32 1
;;     @0049 v5 = iadd.i32 v3, v4
;;     @004a store.i32 v5, v2
;;     @004c v6 = iconst.i64 80
;;     @004c v7 = iadd.i64 v0, v6
;;     @004e store.i64 v7, v0+64
;;     @0050 v8 = load.f64 v0+48
;;     @0052 v9 = load.i32 v2
;;     @0054 v10 = fcvt_from_uint.f64 v9
;;     @0055 v11 = fmul.f64 v8, v10
;;     @0056 return v11
;; }
;;
