;; Memory access in guard-page mode: no checks, the base loaded once; loads
;; and stores of every width; memory.size and memory.grow.
(module
  (memory 1)
  (func $copy_byte (param $dst i32) (param $src i32) (result i32)
    (i32.store8 offset=1 (local.get $dst) (i32.load8_u (local.get $src)))
    (i64.store32 (local.get $dst) (i64.load16_s offset=2 (local.get $src)))
    (f64.store offset=8 (local.get $dst) (f64.load (local.get $src)))
    (drop (memory.grow (i32.const 1)))
    (memory.size)))
;; expected:
;; function %f0(i64 vmctx, i32, i32) -> i32 {
;;     sig0 = (i64 vmctx, i32, i64) -> i64
;; block0(v0: i64, v1: i32, v2: i32):
;;     @001e v4 = load.i64 v0+32
;;     @0023 v5 = heap_load.i32 u8 mem0 v4, v2
;;     @0026 heap_store.i32 trunc8 mem0 v5, v4, v1+1
;;     @002d v6 = heap_load.i64 s16 mem0 v4, v2+2
;;     @0030 heap_store.i64 trunc32 mem0 v6, v4, v1
;;     @0037 v7 = heap_load.f64 mem0 v4, v2
;;     @003a heap_store.f64 mem0 v7, v4, v1+8
;;     @003d v8 = iconst.i32 1
;;     @003f v9 = uextend.i64 v8
;;     @003f v10 = iconst.i32 0
;;     @003f v11 = libcall memory_grow sig0(v0, v10, v9)
;;     @003f v12 = ireduce.i32 v11
;;     @0042 v13 = iconst.i64 16
;;     @0042 v14 = load.i64 v0+40
;;     @0042 v15 = ushr.i64 v14, v13
;;     @0042 v16 = ireduce.i32 v15
;;     @0044 return v16
;; }
;;
;; -O2:
;; function %f0(i64 vmctx, i32, i32) -> i32 {
;;     sig0 = (i64 vmctx, i32, i64) -> i64
;; block0(v0: i64, v1: i32, v2: i32):
;;     @001e v4 = load.i64 v0+32
;;     @0023 v5 = heap_load.i32 u8 mem0 v4, v2
;;     @0026 heap_store.i32 trunc8 mem0 v5, v4, v1+1
;;     @002d v6 = heap_load.i64 s16 mem0 v4, v2+2
;;     @0030 heap_store.i64 trunc32 mem0 v6, v4, v1
;;     @0037 v7 = heap_load.f64 mem0 v4, v2
;;     @003a heap_store.f64 mem0 v7, v4, v1+8
;;     @003f v9 = iconst.i64 1
;;     @003f v10 = iconst.i32 0
;;     @003f v11 = libcall memory_grow sig0(v0, v10, v9)
;;     @0042 v13 = iconst.i64 16
;;     @0042 v14 = load.i64 v0+40
;;     @0042 v15 = ushr.i64 v14, v13
;;     @0042 v16 = ireduce.i32 v15
;;     @0044 return v16
;; }
;;
