;; A small spec-test script, in the format of the WebAssembly testsuite, to
;; show what `heron wast` checks: modules must validate and run; malformed
;; and invalid modules must be rejected with the expected message (a prefix
;; of Heron's); results and traps are compared with the expectations.

(module $counter
  (global $count (mut i32) (i32.const 0))
  (func (export "bump") (result i32)
    (global.set $count (i32.add (global.get $count) (i32.const 1)))
    (global.get $count)))

;; Execution: the counter keeps its state between calls.
(assert_return (invoke "bump") (i32.const 1))
(assert_return (invoke "bump") (i32.const 2))

;; The binary format: a bare header is a valid, empty module...
(module binary "\00asm" "\01\00\00\00")
;; ...and a cut one is malformed.
(assert_malformed (module binary "\00asm" "\01\00") "unexpected end")

;; The text format: an unknown instruction is malformed.
(assert_malformed (module quote "(func i32.frobnicate)") "unknown operator")

;; Validation: an i32 result cannot come from an f64.
(assert_invalid
  (module (func (result i32) (f64.const 1.5)))
  "type mismatch")

;; Validation: local 1 does not exist.
(assert_invalid
  (module (func (param i32) (drop (local.get 1))))
  "unknown local")
