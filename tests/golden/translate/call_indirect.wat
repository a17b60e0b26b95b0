;; call_indirect: bounds, null and signature checks; a direct call and a
;; call of an import.
(module
  (import "env" "log" (func $log (param i32)))
  (type $binop (func (param i32 i32) (result i32)))
  (table 2 funcref)
  (func $add (type $binop) (i32.add (local.get 0) (local.get 1)))
  (func $apply (param $i i32) (param $x i32) (result i32)
    (call $log (local.get $x))
    (call_indirect (type $binop)
      (call $add (local.get $x) (local.get $x)) (local.get $x) (local.get $i))))
;; expected:
;; function %f1(i64 vmctx, i32, i32) -> i32 {
;; block0(v0: i64, v1: i32, v2: i32):
;;     @0036 v4 = iadd.i32 v1, v2
;;     @0037 return v4
;; }
;;
;; -O2:
;; function %f1(i64 vmctx, i32, i32) -> i32 {
;; block0(v0: i64, v1: i32, v2: i32):
;;     @0036 v4 = iadd.i32 v1, v2
;;     @0037 return v4
;; }
;;
;; function %f2(i64 vmctx, i32, i32) -> i32 {
;;     sig0 = (i64 vmctx, i32)
;;     sig1 = (i64 vmctx, i32, i32) -> i32
;; block0(v0: i64, v1: i32, v2: i32):
;;     @0039 v15 = iconst.i64 0
;;     @0039 v17 = load.i64 v0+8
;;     @003c v4 = load.i64 v0+32
;;     @003c v5 = load.i64 v0+40
;;     @003c call_indirect sig0 v4(v5, v2)
;;     @0042 v6 = call fn1 sig1(v0, v2, v2)
;;     @0048 v7 = uextend.i64 v1
;;     @0048 v8 = load.i64 v0+72
;;     @0048 v9 = icmp.i64 uge v7, v8
;;     @0048 trapnz v9, undef_elem
;;     @0048 v10 = load.i64 v0+64
;;     @0048 v11 = iconst.i64 3
;;     @0048 v12 = ishl.i64 v7, v11
;;     @0048 v13 = iadd.i64 v10, v12
;;     @0048 v14 = load.i64 v13
;;     @0048 v16 = icmp.i64 eq v14, v15
;;     @0048 trapnz v16, icall_null
;;     @0048 v18 = load.i32 v17
;;     @0048 v19 = load.i32 v14+8
;;     @0048 v20 = icmp.i32 ne v19, v18
;;     @0048 trapnz v20, bad_sig
;;     @0048 v21 = load.i64 v14
;;     @0048 v22 = load.i64 v14+16
;;     @0048 v23 = call_indirect sig1 v21(v22, v6, v2)
;;     @004b return v23
;; }
;;
;; -O2:
;; function %f2(i64 vmctx, i32, i32) -> i32 {
;;     sig0 = (i64 vmctx, i32)
;;     sig1 = (i64 vmctx, i32, i32) -> i32
;; block0(v0: i64, v1: i32, v2: i32):
;;     @0039 v15 = iconst.i64 0
;;     @0039 v17 = load.i64 v0+8
;;     @003c v4 = load.i64 v0+32
;;     @003c v5 = load.i64 v0+40
;;     @003c call_indirect sig0 v4(v5, v2)
;;     @0042 v6 = call fn1 sig1(v0, v2, v2)
;;     @0048 v7 = uextend.i64 v1
;;     @0048 v8 = load.i64 v0+72
;;     @0048 v9 = icmp.i64 uge v7, v8
;;     @0048 trapnz v9, undef_elem
;;     @0048 v10 = load.i64 v0+64
;;     @0048 v11 = iconst.i64 3
;;     @0048 v12 = ishl.i64 v7, v11
;;     @0048 v13 = iadd.i64 v10, v12
;;     @0048 v14 = load.i64 v13
;;     @0048 v16 = icmp.i64 eq v14, v15
;;     @0048 trapnz v16, icall_null
;;     @0048 v18 = load.i32 v17
;;     @0048 v19 = load.i32 v14+8
;;     @0048 v20 = icmp.i32 ne v19, v18
;;     @0048 trapnz v20, bad_sig
;;     @0048 v21 = load.i64 v14
;;     @0048 v22 = load.i64 v14+16
;;     @0048 v23 = call_indirect sig1 v21(v22, v6, v2)
;;     @004b return v23
;; }
;;
