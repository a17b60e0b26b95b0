;; An invalid module, for `make run` to show Heron's diagnostic: the function
;; promises an i32 but leaves an f32 on the stack.
(module
  (func (export "half") (param $x i32) (result i32)
    (f32.div (f32.convert_i32_s (local.get $x)) (f32.const 2))))
