;; options: explicit_bounds_checks
;; Memory access with explicit bounds checks: heap_bounds_check before each
;; access; base and length reloaded per block and after calls.
(module
  (memory 1)
  (func $f (param $p i32) (result i32)
    (i32.store offset=4 (local.get $p) (i32.load (local.get $p)))
    (if (local.get $p) (then (drop (memory.grow (i32.const 1)))))
    (i32.load16_u offset=6 (local.get $p))))
;; expected:
;; function %f0(i64 vmctx, i32) -> i32 {
;;     sig0 = (i64 vmctx, i32, i64) -> i64
;; block0(v0: i64, v1: i32):
;;     @0022 v3 = load.i64 v0+40
;;     @0022 heap_bounds_check mem0 v1, v3, 4
;;     @0022 v4 = load.i64 v0+32
;;     @0022 v5 = heap_load.i32 mem0 v4, v1
;;     @0025 heap_bounds_check mem0 v1, v3, 8
;;     @0025 heap_store.i32 mem0 v5, v4, v1+4
;;     @002a brif v1, block2, block3
;; block2:
;;     @002c v6 = iconst.i32 1
;;     @002e v7 = uextend.i64 v6
;;     @002e v8 = iconst.i32 0
;;     @002e v9 = libcall memory_grow sig0(v0, v8, v7)
;;     @002e v10 = ireduce.i32 v9
;;     @0031 jump block4
;; block3:
;;     @0031 jump block4
;; block4:
;;     @0034 v12 = load.i64 v0+40
;;     @0034 heap_bounds_check mem0 v1, v12, 8
;;     @0034 v13 = load.i64 v0+32
;;     @0034 v14 = heap_load.i32 u16 mem0 v13, v1+6
;;     @0037 return v14
;; }
;;
;; -O2:
;; function %f0(i64 vmctx, i32) -> i32 {
;;     sig0 = (i64 vmctx, i32, i64) -> i64
;; block0(v0: i64, v1: i32):
;;     @0022 v3 = load.i64 v0+40
;;     @0022 heap_bounds_check mem0 v1, v3, 4
;;     @0022 v4 = load.i64 v0+32
;;     @0022 v5 = heap_load.i32 mem0 v4, v1
;;     @0025 heap_bounds_check mem0 v1, v3, 8
;;     @0025 heap_store.i32 mem0 v5, v4, v1+4
;;     @002a brif v1, block2, block3
;; block2:
;;     @002e v7 = iconst.i64 1
;;     @002e v8 = iconst.i32 0
;;     @002e v9 = libcall memory_grow sig0(v0, v8, v7)
;;     @0031 jump block4
;; block3:
;;     @0031 jump block4
;; block4:
;;     @0034 v12 = load.i64 v0+40
;;     @0034 heap_bounds_check mem0 v1, v12, 8
;;     @0034 v13 = load.i64 v0+32
;;     @0034 v14 = heap_load.i32 u16 mem0 v13, v1+6
;;     @0037 return v14
;; }
;;
