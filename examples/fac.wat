;; Factorial two ways, plus a small memory-backed table of results: an example
;; module for `heron validate`, `heron inspect` and `make run`.
(module
  (memory (export "memory") 1)

  ;; n! by recursion.
  (func $fac_rec (export "fac_rec") (param $n i64) (result i64)
    (if (result i64) (i64.le_u (local.get $n) (i64.const 1))
      (then (i64.const 1))
      (else
        (i64.mul (local.get $n)
                 (call $fac_rec (i64.sub (local.get $n) (i64.const 1)))))))

  ;; n! by a loop.
  (func $fac_iter (export "fac_iter") (param $n i64) (result i64)
    (local $acc i64)
    (local.set $acc (i64.const 1))
    (block $done
      (loop $next
        (br_if $done (i64.le_u (local.get $n) (i64.const 1)))
        (local.set $acc (i64.mul (local.get $acc) (local.get $n)))
        (local.set $n (i64.sub (local.get $n) (i64.const 1)))
        (br $next)))
    (local.get $acc))

  ;; Stores 0! .. (count-1)! as i64 values at address 0 of memory.
  (func (export "fill") (param $count i32)
    (local $i i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $count)))
        (i64.store
          (i32.shl (local.get $i) (i32.const 3))
          (call $fac_iter (i64.extend_i32_u (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next))))
)
