;; Tables and references: inline get/set/size with bounds checks, library
;; calls for grow/fill/copy/init and elem.drop, ref.func and ref.is_null.
(module
  (table $t 4 funcref)
  (table $x i64 2 externref)
  (elem $e func $f)
  (func $f (param $i i32) (param $e externref) (result i32)
    (table.set $t (local.get $i) (ref.func $f))
    (table.set $x (i64.const 1) (local.get $e))
    (drop (table.grow $t (table.get $t (local.get $i)) (i32.const 2)))
    (table.fill $x (i64.const 0) (ref.null extern) (i64.const 2))
    (table.copy $t $t (i32.const 0) (i32.const 1) (i32.const 1))
    (table.init $t $e (i32.const 0) (i32.const 0) (i32.const 1))
    (elem.drop $e)
    (i32.add (table.size $t) (ref.is_null (local.get $e)))))
;; expected:
;; function %f0(i64 vmctx, i32, i64) -> i32 {
;;     sig0 = (i64 vmctx, i32, i64, i64) -> i64
;;     sig1 = (i64 vmctx, i32, i64, i64, i64)
;;     sig2 = (i64 vmctx, i32, i32, i64, i64, i64)
;;     sig3 = (i64 vmctx, i32, i32, i64, i32, i32)
;;     sig4 = (i64 vmctx, i32)
;; block0(v0: i64, v1: i32, v2: i64):
;;     @0029 v34 = iconst.i64 0
;;     @002c v4 = iconst.i64 64
;;     @002c v5 = iadd.i64 v0, v4
;;     @002e v6 = uextend.i64 v1
;;     @002e v7 = load.i64 v0+40
;;     @002e v8 = icmp.i64 uge v6, v7
;;     @002e trapnz v8, table_oob
;;     @002e v9 = load.i64 v0+32
;;     @002e v10 = iconst.i64 3
;;     @002e v11 = ishl.i64 v6, v10
;;     @002e v12 = iadd.i64 v9, v11
;;     @002e store.i64 v5, v12
;;     @0030 v13 = iconst.i64 1
;;     @0034 v14 = load.i64 v0+56
;;     @0034 v15 = icmp.i64 uge v13, v14
;;     @0034 trapnz v15, table_oob
;;     @0034 v16 = load.i64 v0+48
;;     @0034 v17 = iconst.i64 3
;;     @0034 v18 = ishl.i64 v13, v17
;;     @0034 v19 = iadd.i64 v16, v18
;;     @0034 store.i64 v2, v19
;;     @0038 v20 = uextend.i64 v1
;;     @0038 v21 = load.i64 v0+40
;;     @0038 v22 = icmp.i64 uge v20, v21
;;     @0038 trapnz v22, table_oob
;;     @0038 v23 = load.i64 v0+32
;;     @0038 v24 = iconst.i64 3
;;     @0038 v25 = ishl.i64 v20, v24
;;     @0038 v26 = iadd.i64 v23, v25
;;     @0038 v27 = load.i64 v26
;;     @003a v28 = iconst.i32 2
;;     @003c v29 = uextend.i64 v28
;;     @003c v30 = iconst.i32 0
;;     @003c v31 = libcall table_grow sig0(v0, v30, v27, v29)
;;     @003c v32 = ireduce.i32 v31
;;     @0040 v33 = iconst.i64 0
;;     @0044 v35 = iconst.i64 2
;;     @0046 v36 = iconst.i32 1
;;     @0046 libcall table_fill sig1(v0, v36, v33, v34, v35)
;;     @0049 v37 = iconst.i32 0
;;     @004b v38 = iconst.i32 1
;;     @004d v39 = iconst.i32 1
;;     @004f v40 = uextend.i64 v39
;;     @004f v41 = uextend.i64 v38
;;     @004f v42 = uextend.i64 v37
;;     @004f v43 = iconst.i32 0
;;     @004f v44 = iconst.i32 0
;;     @004f libcall table_copy sig2(v0, v43, v44, v42, v41, v40)
;;     @0053 v45 = iconst.i32 0
;;     @0055 v46 = iconst.i32 0
;;     @0057 v47 = iconst.i32 1
;;     @0059 v48 = uextend.i64 v45
;;     @0059 v49 = iconst.i32 0
;;     @0059 v50 = iconst.i32 0
;;     @0059 libcall table_init sig3(v0, v49, v50, v48, v46, v47)
;;     @005d v51 = iconst.i32 0
;;     @005d libcall elem_drop sig4(v0, v51)
;;     @0060 v52 = load.i64 v0+40
;;     @0060 v53 = ireduce.i32 v52
;;     @0065 v54 = icmp.i64 eq v2, v34
;;     @0066 v55 = iadd.i32 v53, v54
;;     @0067 return v55
;; }
;;
;; -O2:
;; function %f0(i64 vmctx, i32, i64) -> i32 {
;;     sig0 = (i64 vmctx, i32, i64, i64) -> i64
;;     sig1 = (i64 vmctx, i32, i64, i64, i64)
;;     sig2 = (i64 vmctx, i32, i32, i64, i64, i64)
;;     sig3 = (i64 vmctx, i32, i32, i64, i32, i32)
;;     sig4 = (i64 vmctx, i32)
;; block0(v0: i64, v1: i32, v2: i64):
;;     @0029 v34 = iconst.i64 0
;;     @002c v4 = iconst.i64 64
;;     @002c v5 = iadd.i64 v0, v4
;;     @002e v6 = uextend.i64 v1
;;     @002e v7 = load.i64 v0+40
;;     @002e v8 = icmp.i64 uge v6, v7
;;     @002e trapnz v8, table_oob
;;     @002e v9 = load.i64 v0+32
;;     @002e v10 = iconst.i64 3
;;     @002e v11 = ishl.i64 v6, v10
;;     @002e v12 = iadd.i64 v9, v11
;;     @002e store.i64 v5, v12
;;     @0030 v13 = iconst.i64 1
;;     @0034 v14 = load.i64 v0+56
;;     @0034 v15 = icmp.i64 uge v13, v14
;;     @0034 trapnz v15, table_oob
;;     @0034 v16 = load.i64 v0+48
;;     @0034 v18 = iconst.i64 8
;;     @0034 v19 = iadd.i64 v16, v18
;;     @0034 store.i64 v2, v19
;;     @0038 v20 = uextend.i64 v1
;;     @0038 v21 = load.i64 v0+40
;;     @0038 v22 = icmp.i64 uge v20, v21
;;     @0038 trapnz v22, table_oob
;;     @0038 v23 = load.i64 v0+32
;;     @0038 v24 = iconst.i64 3
;;     @0038 v25 = ishl.i64 v20, v24
;;     @0038 v26 = iadd.i64 v23, v25
;;     @0038 v27 = load.i64 v26
;;     @003c v29 = iconst.i64 2
;;     @003c v30 = iconst.i32 0
;;     @003c v31 = libcall table_grow sig0(v0, v30, v27, v29)
;;     @0040 v33 = iconst.i64 0
;;     @0044 v35 = iconst.i64 2
;;     @0046 v36 = iconst.i32 1
;;     @0046 libcall table_fill sig1(v0, v36, v33, v34, v35)
;;     @004f v40 = iconst.i64 1
;;     @004f v41 = iconst.i64 1
;;     @004f v42 = iconst.i64 0
;;     @004f v43 = iconst.i32 0
;;     @004f v44 = iconst.i32 0
;;     @004f libcall table_copy sig2(v0, v43, v44, v42, v41, v40)
;;     @0055 v46 = iconst.i32 0
;;     @0057 v47 = iconst.i32 1
;;     @0059 v48 = iconst.i64 0
;;     @0059 v49 = iconst.i32 0
;;     @0059 v50 = iconst.i32 0
;;     @0059 libcall table_init sig3(v0, v49, v50, v48, v46, v47)
;;     @005d v51 = iconst.i32 0
;;     @005d libcall elem_drop sig4(v0, v51)
;;     @0060 v52 = load.i64 v0+40
;;     @0060 v53 = ireduce.i32 v52
;;     @0065 v54 = icmp.i64 eq v2, v34
;;     @0066 v55 = iadd.i32 v53, v54
;;     @0067 return v55
;; }
;;
