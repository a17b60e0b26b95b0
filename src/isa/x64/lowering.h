// The state of lowering one IR function (internal to src/isa/x64). The work
// is split by instruction family: lower.cc (driver, control flow, calls and
// the ABI), lower_int.cc, lower_float.cc, lower_mem.cc.
//
// Design note.
//  - Values: every IR value has one virtual register (GPR for i32/i64, XMM
//    for f32/f64). i32 values live in the low half of a GPR and nothing
//    relies on the upper half: where a 64-bit use needs a zero-extended i32
//    (heap addresses, uextend, unsigned conversions) an explicit
//    `mov r32, r32` is emitted.
//  - Constants (iconst/f32const/f64const) are not materialized at their
//    definition: each use either folds them (immediates, [base + disp]) or
//    re-materializes them right there, which keeps them out of the register
//    allocator's long live ranges.
//  - An icmp whose only use is a brif, select, trapz or trapnz of the same
//    block is not materialized either: the user emits the compare itself and
//    consumes the flags (cmp+jcc, cmp+cmov, cmp+jcc-to-trap).
//  - Sequences that need control flow (fmin/fmax, sdiv overflow) split the
//    current block: `order_` records the emission order of the VCode blocks
//    (continuations right after their block, cold paths at the end) and the
//    blocks are renumbered into it at the end.
#pragma once

#include <cstdint>
#include <vector>

#include "heron/error.h"
#include "ir/function.h"
#include "isa/x64/abi.h"
#include "isa/x64/cpu_features.h"
#include "isa/x64/vcode.h"

namespace heron::x64 {

// The per-function tables of a Lowering, whose buffers a thread keeps from
// one function to the next (allocating them was a visible share of lowering
// small functions).
struct LoweringTables {
  std::vector<Reg> vregs;
  std::vector<uint32_t> use_count, user, vblock, order, cold;
  std::vector<bool> deferred;
  void swap(LoweringTables& o);
};

class Lowering {
 public:
  Lowering(const ir::Function& f, const CpuFeatures& cpu);
  ~Lowering();
  Lowering(const Lowering&) = delete;
  Lowering& operator=(const Lowering&) = delete;
  Result<VCode> run();

 private:
  // ---- values and emission helpers (lower.cc)
  Reg vreg(ir::Value v);  // the value's own register (defs)
  Reg use(ir::Value v);   // a register holding v (consts rematerialized)
  bool const_of(ir::Value v, uint64_t* bits) const;
  bool imm32_of(ir::Value v, int32_t* imm) const;  // sign-extended fits
  Reg gpr() { return vc_.new_vreg(RegClass::Gpr); }
  Reg xmm() { return vc_.new_vreg(RegClass::Xmm); }
  void emit(MInst in) { vc_.push(cur_, std::move(in)); }
  Reg zext32(Reg r);  // fresh vreg = mov r32, r32
  Reg int_const(uint64_t bits, uint8_t size);
  Reg float_const(uint64_t bits, uint8_t size);
  Reg fconst(double value, uint8_t size);  // as f32 (size 4) or f64
  Reg to_gpr(Reg x, uint8_t size);         // movd/movq
  static MInst with_size(MInst m, uint8_t size);
  // Starts a new block placed right after the current one / out of line.
  uint32_t new_block_inline();
  uint32_t new_block_cold();
  void switch_to(uint32_t b) { cur_ = b; }
  void jump(uint32_t target, std::vector<Reg> args = {});
  // A compare to emit: `cmp a, b|imm` or `test a, a`; `cc` holds when the
  // IR condition is true.
  struct CmpSpec {
    Reg a, b;
    bool has_imm = false;
    bool is_test = false;
    bool is_float = false;  // ucomis a, b (an ordered fcmp: lt, le, gt, ge)
    int32_t imm = 0;
    uint8_t size = 4;
    Cond cc = Cond::NE;
  };
  CmpSpec icmp_spec(ir::Inst icmp);
  CmpSpec fcmp_spec(ir::Inst fcmp);
  // An i32 condition: the deferred icmp that defines it, or a test.
  CmpSpec condition_spec(ir::Value cond);
  Cond emit_cmp(const CmpSpec& s);
  void store_slot(Reg r, Amode m, uint8_t size);  // never traps
  void load_slot(Reg r, Amode m, uint8_t size);   // never traps
  std::vector<Reg> block_args(const ir::BlockCall& c);

  Result<void> lower_block(ir::Block b);
  Result<void> lower_inst(ir::Inst i);
  void lower_entry_args(const std::vector<Reg>& incoming);
  void lower_icmp(ir::Inst i);
  void lower_select(ir::Inst i);
  void lower_return(ir::Inst i);
  void lower_branch(ir::Inst i);
  void lower_call(ir::Inst i);

  // ---- families
  Result<void> lower_int(ir::Inst i);    // lower_int.cc
  Result<void> lower_float(ir::Inst i);  // lower_float.cc
  Result<void> lower_conv(ir::Inst i);   // lower_float.cc (conversions)
  Result<void> lower_mem(ir::Inst i);    // lower_mem.cc

  void lower_div(ir::Inst i);
  void lower_bitcount(ir::Inst i);
  void lower_fminmax(ir::Inst i);
  void lower_float_to_int(ir::Inst i);
  void lower_uint_to_float(ir::Inst i);
  Amode heap_amode(ir::Value base, ir::Value index, uint64_t offset);

  const ir::Function& f_;
  const CpuFeatures& cpu_;
  VCode vc_;
  AbiLayout abi_;
  Reg ret_area_;      // the hidden return-area pointer, if any
  LoweringTables t_;  // the buffers of the vectors below
  std::vector<Reg>& vregs_ = t_.vregs;               // per IR value
  std::vector<uint32_t>& use_count_ = t_.use_count;  // per IR value
  // Per IR value: the instruction using it if it has a single use.
  std::vector<uint32_t>& user_ = t_.user;
  // Per IR inst: icmp/fcmp fused into its user.
  std::vector<bool>& deferred_ = t_.deferred;
  std::vector<uint32_t>& vblock_ = t_.vblock;  // per IR block
  std::vector<uint32_t>& order_ = t_.order;    // emission order of VCode blocks
  std::vector<uint32_t>& cold_ = t_.cold;  // out-of-line blocks, emitted last
  uint32_t cur_ = 0;
};

inline uint8_t type_size(ir::Type t) {
  return (t == ir::Type::I64 || t == ir::Type::F64) ? 8 : 4;
}

}  // namespace heron::x64
