// VCode construction helpers, critical-edge splitting and a structural
// verifier for hand-built and lowered machine code.
#include "isa/x64/vcode.h"

#include <string>
#include <utility>

namespace heron::x64 {

Reg VCode::new_vreg(RegClass cls) {
  vreg_class_.push_back(cls);
  return Reg::vreg(uint32_t(vreg_class_.size() - 1));
}

uint32_t VCode::new_block() {
  blocks.emplace_back();
  return uint32_t(blocks.size() - 1);
}

Reg VCode::add_block_param(uint32_t block, RegClass cls) {
  Reg r = new_vreg(cls);
  blocks[block].params.push_back(r);
  return r;
}

void VCode::push(uint32_t block, MInst inst) {
  if (inst.srcloc == kNoSrcLoc) inst.srcloc = srcloc_;
  VBlock& b = blocks[block];
  if (is_terminator(inst.op)) b.edge_args.resize(inst.targets.size());
  b.insts.push_back(std::move(inst));
}

void VCode::set_edge_args(uint32_t block, size_t edge, std::vector<Reg> args) {
  VBlock& b = blocks[block];
  if (b.edge_args.size() <= edge) b.edge_args.resize(edge + 1);
  b.edge_args[edge] = std::move(args);
}

std::vector<std::vector<uint32_t>> VCode::compute_preds() const {
  std::vector<std::vector<uint32_t>> preds(blocks.size());
  for (uint32_t b = 0; b < blocks.size(); b++)
    for (uint32_t s : succs(b)) preds[s].push_back(b);
  return preds;
}

void VCode::split_critical_edges() {
  std::vector<uint32_t> npreds(blocks.size(), 0);
  for (uint32_t b = 0; b < blocks.size(); b++)
    for (uint32_t s : succs(b)) npreds[s]++;
  const uint32_t n = uint32_t(blocks.size());
  // One growth of `blocks` for all the new blocks.
  size_t num_critical = 0;
  for (uint32_t b = 0; b < n; b++)
    if (succs(b).size() >= 2)
      for (uint32_t s : succs(b)) num_critical += npreds[s] >= 2;
  blocks.reserve(n + num_critical);
  for (uint32_t b = 0; b < n; b++) {
    const size_t nsucc = blocks[b].insts.back().targets.size();
    if (nsucc < 2) continue;
    for (size_t e = 0; e < nsucc; e++) {
      const uint32_t s = blocks[b].insts.back().targets[e];
      if (npreds[s] < 2) continue;
      const uint32_t mid = new_block();  // invalidates references
      MInst j = inst::jmp(s);
      j.srcloc = blocks[b].insts.back().srcloc;
      blocks[mid].insts.push_back(std::move(j));
      blocks[mid].edge_args.push_back(std::move(blocks[b].edge_args[e]));
      blocks[b].edge_args[e].clear();
      blocks[b].insts.back().targets[e] = mid;
    }
  }
}

Result<void> VCode::verify() const {
  auto fail = [](uint32_t b, const std::string& what) -> Result<void> {
    return Error(ErrorKind::Internal,
                 "vcode block " + std::to_string(b) + ": " + what);
  };
  if (blocks.empty()) return Error(ErrorKind::Internal, "vcode: no blocks");
  for (uint32_t b = 0; b < blocks.size(); b++) {
    const VBlock& blk = blocks[b];
    if (blk.insts.empty() || !is_terminator(blk.insts.back().op))
      return fail(b, "does not end with a terminator");
    for (size_t i = 0; i + 1 < blk.insts.size(); i++)
      if (is_terminator(blk.insts[i].op))
        return fail(b, "terminator in the middle");
    const MInst& t = blk.insts.back();
    if (blk.edge_args.size() != t.targets.size() &&
        !(t.targets.empty() && blk.edge_args.empty()))
      return fail(b, "edge argument lists do not match the targets");
    for (size_t e = 0; e < t.targets.size(); e++) {
      if (t.targets[e] >= blocks.size()) return fail(b, "bad target");
      const VBlock& s = blocks[t.targets[e]];
      // (A conditional expression mixing the lvalue with a temporary would
      // copy the list.)
      static const std::vector<Reg> kNoArgs;
      const std::vector<Reg>& args =
          e < blk.edge_args.size() ? blk.edge_args[e] : kNoArgs;
      if (args.size() != s.params.size())
        return fail(b, "edge argument count differs from block params");
      for (size_t k = 0; k < args.size(); k++)
        if (reg_class(args[k]) != reg_class(s.params[k]))
          return fail(b, "edge argument class differs from block param");
    }
  }
  if (!blocks[0].params.empty()) return fail(0, "entry block has params");
  return {};
}

}  // namespace heron::x64
