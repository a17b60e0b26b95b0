// Register allocator: linear scan over lifetime intervals with interval
// splitting.
//
// Design note. The algorithm follows Wimmer & Mössenböck, "Optimized Interval
// Splitting in a Linear Scan Register Allocator" (VEE 2005):
//
//  1. Fixed-register constraints are made explicit first: an operand that
//     must be in a given register (call arguments and results, div's rax/rdx,
//     shift counts in rcx, function arguments, return values) is replaced by
//     that physical register plus a move to or from the virtual register. The
//     physical registers then have short "fixed intervals", and call clobbers
//     add a one-position fixed range to every caller-saved register; a value
//     live across a call therefore cannot sit in a caller-saved register there
//     and ends up in a callee-saved register or (partly) in a spill slot.
//  2. Instructions are numbered in block order; instruction i reads its uses
//     at position 2i and writes its defs at 2i+1 (early defs at 2i, so they
//     never share a register with a use). Liveness is a backward dataflow
//     fixpoint over the CFG (loops included); one backward pass per block
//     then builds each virtual register's interval: a sorted list of ranges
//     [from, to) plus the positions where it must be in a register.
//  3. Linear scan in order of interval start keeps `active` intervals (in a
//     register now) and `inactive` ones (in a register, but in a lifetime
//     hole). A new interval takes the register free for longest (its move
//     hint if that one is free for its whole life); if it is free only for a
//     while the interval is split there. If no register is free, the one
//     whose next use is furthest away is taken and its current owner split
//     and spilled until its next use; or the new interval itself is spilled
//     until its first use if that comes later. Split children re-enter the
//     queue. Split positions are the latest instruction boundary allowed.
//  4. Resolution: where two pieces of one value meet inside a block, a move
//     is inserted; on every CFG edge, the locations of each live-in value and
//     block parameter at the end of the predecessor and at the start of the
//     successor form one parallel move (parallel_move.h), placed in the
//     successor when it has one predecessor, else before the predecessor's
//     jmp (critical edges are split beforehand, so one of the two holds).
//     All moves at one instruction (entering its block, pieces meeting,
//     leaving its block) are composed into a single parallel move: in a
//     block that is only a jmp, as a split critical edge is, entering and
//     leaving happen at the same instruction and must stay ordered.
//     A value with a single definition is stored to its slot once, right
//     after that definition, and moves into its slot are then dropped (the
//     "spill at definition" of Wimmer & Franz, "Linear Scan Register
//     Allocation on SSA Form", CGO 2010), so spill stores leave loops.
//  5. Spill slots are shared: each spilled value occupies its slot over the
//     hull of its lifetime, and slots are reused by values whose hulls do not
//     overlap (interval-graph colouring, greedy by start).
//
// Registers r11 and xmm15 are never allocated: parallel moves use them to
// break cycles and the emitter for addresses, so they are free everywhere.
#include "isa/x64/regalloc.h"

#include <algorithm>
#include <memory>
#include <string>
#include <utility>

#include "isa/x64/parallel_move.h"

namespace heron::x64 {
namespace {

constexpr uint32_t kInf = UINT32_MAX;

struct Range {
  uint32_t from, to;  // [from, to)
};

struct Interval {
  Reg vreg;  // owner (virtual or physical)
  RegClass cls = RegClass::Gpr;
  std::vector<Range> ranges;   // ascending, disjoint, non-adjacent
  std::vector<uint32_t> uses;  // ascending positions needing a register
  Reg reg;                     // assigned register, if not spilled
  bool spilled = false;
  Reg hint;

  uint32_t start() const { return ranges.front().from; }
  uint32_t end() const { return ranges.back().to; }
  bool covers(uint32_t pos) const {
    for (const Range& r : ranges) {
      if (pos < r.from) return false;
      if (pos < r.to) return true;
    }
    return false;
  }
  uint32_t next_use_from(uint32_t pos) const {
    auto it = std::lower_bound(uses.begin(), uses.end(), pos);
    return it == uses.end() ? kInf : *it;
  }
};

// First position covered by both, or kInf.
uint32_t next_intersection(const Interval& a, const Interval& b) {
  size_t i = 0, j = 0;
  while (i < a.ranges.size() && j < b.ranges.size()) {
    const Range& x = a.ranges[i];
    const Range& y = b.ranges[j];
    if (x.to <= y.from) {
      i++;
    } else if (y.to <= x.from) {
      j++;
    } else {
      return std::max(x.from, y.from);
    }
  }
  return kInf;
}

// Ranges are collected in descending order during the backward pass.
void add_range_backward(Interval& it, uint32_t from, uint32_t to) {
  if (!it.ranges.empty() && it.ranges.back().from <= to) {
    it.ranges.back().from = std::min(it.ranges.back().from, from);
    it.ranges.back().to = std::max(it.ranges.back().to, to);
  } else {
    it.ranges.push_back({from, to});
  }
}

class BitSet {
 public:
  explicit BitSet(size_t n = 0) : w_((n + 63) / 64, 0) {}
  bool get(size_t i) const { return (w_[i / 64] >> (i % 64)) & 1; }
  void set(size_t i) { w_[i / 64] |= uint64_t{1} << (i % 64); }
  void clear(size_t i) { w_[i / 64] &= ~(uint64_t{1} << (i % 64)); }
  // this |= other & ~mask; returns whether this changed.
  bool or_and_not(const BitSet& other, const BitSet* mask) {
    bool changed = false;
    for (size_t k = 0; k < w_.size(); k++) {
      uint64_t add = other.w_[k] & (mask ? ~mask->w_[k] : ~uint64_t{0});
      if ((w_[k] | add) != w_[k]) {
        w_[k] |= add;
        changed = true;
      }
    }
    return changed;
  }
  template <class F>
  void for_each(F&& f) const {
    for (size_t k = 0; k < w_.size(); k++)
      for (uint64_t w = w_[k]; w; w &= w - 1)
        f(k * 64 + size_t(__builtin_ctzll(w)));
  }

 private:
  std::vector<uint64_t> w_;
};

class Allocator {
 public:
  explicit Allocator(VCode& vc) : vc_(vc) {}
  Result<RegAllocStats> run();

 private:
  auto class_of() {
    return [this](Reg r) { return vc_.reg_class(r); };
  }
  Result<void> legalize_fixed_operands();
  bool needs_stack_args(const MInst& in) const;
  void number_and_liveness();
  void build_intervals();
  void linear_scan();
  void assign_slots();
  void resolve_and_rewrite();

  Interval* new_piece(Reg vreg, RegClass cls) {
    pool_.push_back(std::make_unique<Interval>());
    Interval* it = pool_.back().get();
    it->vreg = vreg;
    it->cls = cls;
    return it;
  }
  Interval* split(Interval* it, uint32_t pos);
  bool try_allocate_free(Interval* cur);
  void allocate_blocked(Interval* cur);
  void split_and_spill(Interval* it, uint32_t pos);
  void push_unhandled(Interval* it);
  Interval* piece_at(Reg vreg, uint32_t pos) const;
  Loc loc_at(Reg vreg, uint32_t pos) const;
  Reg resolve_hint(const Interval* cur) const;
  const std::vector<Reg>& candidates(RegClass cls) const {
    return cls == RegClass::Gpr ? gpr_candidates_ : xmm_candidates_;
  }

  VCode& vc_;
  RegAllocStats stats_;
  std::vector<std::unique_ptr<Interval>> pool_;
  std::vector<std::vector<Interval*>> pieces_;  // per vreg index
  Interval fixed_[Reg::kNumPhys];
  std::vector<uint32_t> block_first_;  // first instruction id per block
  std::vector<BitSet> live_in_, live_out_;
  BitSet block_start_pos_;         // positions that start a block
  std::vector<uint32_t> slot_of_;  // per vreg index, kInf if never spilled
  // Per vreg: the instruction id of its last definition if all of them are
  // in one block the value is not live into (else kInf; block parameters
  // and early defs are excluded).
  std::vector<uint32_t> last_def_;
  std::vector<Interval*> unhandled_, active_, inactive_;
  std::vector<Reg> gpr_candidates_, xmm_candidates_;
};

bool Allocator::needs_stack_args(const MInst& in) const {
  auto too_many = [&](const std::vector<Reg>& regs, size_t max_gpr,
                      size_t max_xmm) {
    size_t g = 0, x = 0;
    for (Reg r : regs) (vc_.reg_class(r) == RegClass::Gpr ? g : x)++;
    return g > max_gpr || x > max_xmm;
  };
  switch (in.op) {
    case Op::CallDirect:
    case Op::CallLibcall:
    case Op::CallIndirect:
      return too_many(in.args, 6, kNumArgXmms) || too_many(in.rets, 2, 2);
    case Op::Args:
      return too_many(in.rets, 6, kNumArgXmms);
    case Op::Ret:
      return too_many(in.rets, 2, 2);
    default:
      return false;
  }
}

Result<void> Allocator::legalize_fixed_operands() {
  for (VBlock& b : vc_.blocks) {
    std::vector<MInst> out;
    out.reserve(b.insts.size());
    for (MInst& in : b.insts) {
      std::vector<MInst> before, after;
      if (needs_stack_args(in))
        return Error(ErrorKind::Limit,
                     "x64: arguments or results beyond the SysV registers "
                     "must be passed through memory by the lowering");
      for_each_operand(in, class_of(), [&](Reg& r, OperandKind kind, Reg fx) {
        if (r.is_phys() || !fx.valid()) return;
        MInst mv = make_move(Loc::reg(fx), Loc::reg(fx), vc_.reg_class(r));
        if (kind == OperandKind::Use) {
          mv.dst = fx;
          mv.src1 = r;
          before.push_back(mv);
        } else {
          mv.dst = r;
          mv.src1 = fx;
          after.push_back(mv);
        }
        r = fx;
      });
      for (MInst& m : before) {
        m.srcloc = in.srcloc;
        out.push_back(m);
      }
      const uint32_t loc = in.srcloc;
      out.push_back(std::move(in));
      for (MInst& m : after) {
        m.srcloc = loc;
        out.push_back(m);
      }
    }
    // Moves after a terminator are impossible: terminators define nothing.
    b.insts = std::move(out);
  }
  return {};
}

void Allocator::number_and_liveness() {
  const size_t nb = vc_.blocks.size();
  const size_t nv = vc_.num_vregs();
  block_first_.resize(nb);
  uint32_t id = 0;
  for (size_t b = 0; b < nb; b++) {
    block_first_[b] = id;
    id += uint32_t(vc_.blocks[b].insts.size());
  }
  block_start_pos_ = BitSet(size_t(id) * 2 + 2);
  for (size_t b = 0; b < nb; b++) block_start_pos_.set(block_first_[b] * 2);

  std::vector<BitSet> gen(nb, BitSet(nv)), kill(nb, BitSet(nv));
  for (size_t b = 0; b < nb; b++) {
    VBlock& blk = vc_.blocks[b];
    for (Reg p : blk.params) kill[b].set(p.vindex());
    for (MInst& in : blk.insts) {
      for_each_operand(in, class_of(), [&](Reg& r, OperandKind k, Reg) {
        if (!r.is_virt()) return;
        if ((k == OperandKind::Use || k == OperandKind::UseDef) &&
            !kill[b].get(r.vindex()))
          gen[b].set(r.vindex());
      });
      for_each_operand(in, class_of(), [&](Reg& r, OperandKind k, Reg) {
        if (r.is_virt() && k != OperandKind::Use) kill[b].set(r.vindex());
      });
    }
    for (const auto& args : blk.edge_args)
      for (Reg a : args)
        if (!kill[b].get(a.vindex())) gen[b].set(a.vindex());
  }
  live_in_.assign(nb, BitSet(nv));
  live_out_.assign(nb, BitSet(nv));
  for (bool changed = true; changed;) {
    changed = false;
    for (size_t b = nb; b-- > 0;) {
      for (uint32_t s : vc_.succs(uint32_t(b)))
        live_out_[b].or_and_not(live_in_[s], nullptr);
      changed |= live_in_[b].or_and_not(gen[b], nullptr);
      changed |= live_in_[b].or_and_not(live_out_[b], &kill[b]);
    }
  }
}

void Allocator::build_intervals() {
  const size_t nv = vc_.num_vregs();
  // Values all of whose definitions are in one block that they are not
  // live into can be stored once, after the last of them.
  last_def_.assign(nv, kInf);
  std::vector<uint32_t> def_block(nv, kInf);
  std::vector<bool> eligible(nv, true);
  for (size_t b = 0; b < vc_.blocks.size(); b++) {
    for (Reg p : vc_.blocks[b].params) eligible[p.vindex()] = false;
    for (size_t k = 0; k < vc_.blocks[b].insts.size(); k++)
      for_each_operand(vc_.blocks[b].insts[k], class_of(),
                       [&](Reg& r, OperandKind kind, Reg) {
                         if (!r.is_virt() || kind == OperandKind::Use) return;
                         const uint32_t v = r.vindex();
                         if (kind == OperandKind::EarlyDef ||
                             (def_block[v] != kInf && def_block[v] != b))
                           eligible[v] = false;
                         def_block[v] = uint32_t(b);
                         last_def_[v] = block_first_[b] + uint32_t(k);
                       });
  }
  for (size_t v = 0; v < nv; v++)
    if (!eligible[v] || def_block[v] == kInf || live_in_[def_block[v]].get(v))
      last_def_[v] = kInf;
  std::vector<Interval*> parent(nv, nullptr);
  auto get = [&](Reg r) -> Interval* {
    if (r.is_phys()) return &fixed_[r.bits];
    Interval*& p = parent[r.vindex()];
    if (!p) p = new_piece(r, vc_.reg_class(r));
    return p;
  };
  for (size_t b = vc_.blocks.size(); b-- > 0;) {
    VBlock& blk = vc_.blocks[b];
    const uint32_t from = block_first_[b] * 2;
    const uint32_t last = block_first_[b] + uint32_t(blk.insts.size()) - 1;
    const uint32_t to = (last + 1) * 2;
    BitSet live(nv);
    live.or_and_not(live_out_[b], nullptr);
    live.for_each([&](size_t v) {
      add_range_backward(*get(Reg::vreg(uint32_t(v))), from, to);
    });
    for (const auto& args : blk.edge_args)
      for (Reg a : args) {
        if (live.get(a.vindex())) continue;
        add_range_backward(*get(a), from, last * 2 + 1);
        live.set(a.vindex());
      }
    RegMask phys_live = 0;
    for (uint32_t i = last + 1; i-- > block_first_[b];) {
      MInst& in = blk.insts[i - block_first_[b]];
      const uint32_t use_pos = 2 * i, def_pos = 2 * i + 1;
      auto is_live = [&](Reg r) {
        return r.is_phys() ? (phys_live & mask_of(r)) != 0
                           : live.get(r.vindex());
      };
      auto set_live = [&](Reg r, bool on) {
        if (r.is_phys()) {
          phys_live = on ? (phys_live | mask_of(r)) : (phys_live & ~mask_of(r));
        } else if (on) {
          live.set(r.vindex());
        } else {
          live.clear(r.vindex());
        }
      };
      // Defs first (the backward pass meets them after later uses).
      for_each_operand(in, class_of(), [&](Reg& r, OperandKind k, Reg) {
        if (k == OperandKind::Use || !r.valid()) return;
        if (r.is_phys() && !is_allocatable(r)) return;
        const uint32_t pos = k == OperandKind::EarlyDef ? use_pos : def_pos;
        Interval* it = get(r);
        if (is_live(r)) {
          it->ranges.back().from = pos;
        } else {
          add_range_backward(*it, pos, pos + 1);
        }
        if (r.is_virt()) it->uses.push_back(pos);
        set_live(r, false);
      });
      RegMask clob = clobbers(in);
      for (uint32_t p = 0; p < Reg::kNumPhys; p++)
        if ((clob >> p) & 1 && is_allocatable(Reg::phys(p)))
          add_range_backward(fixed_[p], def_pos, def_pos + 1);
      for_each_operand(in, class_of(), [&](Reg& r, OperandKind k, Reg) {
        if (k == OperandKind::Def || k == OperandKind::EarlyDef) return;
        if (!r.valid() || (r.is_phys() && !is_allocatable(r))) return;
        Interval* it = get(r);
        add_range_backward(*it, from, use_pos + 1);
        if (r.is_virt()) it->uses.push_back(use_pos);
        set_live(r, true);
      });
      // Hints: a copy wants both sides in one register.
      if (in.op == Op::MovRR || in.op == Op::XmmMovRR) {
        if (in.dst.is_virt()) get(in.dst)->hint = in.src1;
        if (in.src1.is_virt() && in.dst.is_phys()) get(in.src1)->hint = in.dst;
      }
    }
    for (Reg p : blk.params) {
      Interval* it = get(p);
      if (live.get(p.vindex())) {
        it->ranges.back().from = from;
      } else {
        add_range_backward(*it, from, from + 1);
      }
      live.clear(p.vindex());
    }
    if (phys_live != 0)
      fatal_invariant("regalloc: physical register live into a block");
  }
  for (Interval& f : fixed_) std::reverse(f.ranges.begin(), f.ranges.end());
  pieces_.assign(nv, {});
  for (size_t v = 0; v < nv; v++) {
    Interval* it = parent[v];
    if (!it) continue;
    std::reverse(it->ranges.begin(), it->ranges.end());
    std::sort(it->uses.begin(), it->uses.end());
    it->uses.erase(std::unique(it->uses.begin(), it->uses.end()),
                   it->uses.end());
    pieces_[v].push_back(it);
    push_unhandled(it);
    stats_.num_vregs++;
  }
}

void Allocator::push_unhandled(Interval* it) {
  // Kept sorted by descending start (ties: vreg), so pop_back is the next.
  auto before = [](const Interval* a, const Interval* b) {
    if (a->start() != b->start()) return a->start() > b->start();
    return a->vreg.bits > b->vreg.bits;
  };
  unhandled_.insert(
      std::upper_bound(unhandled_.begin(), unhandled_.end(), it, before), it);
}

Interval* Allocator::split(Interval* it, uint32_t pos) {
  if (pos <= it->start() || pos >= it->end())
    fatal_invariant("regalloc: split outside the interval");
  Interval* child = new_piece(it->vreg, it->cls);
  std::vector<Range> head;
  for (const Range& r : it->ranges) {
    if (r.to <= pos) {
      head.push_back(r);
    } else if (r.from >= pos) {
      child->ranges.push_back(r);
    } else {
      head.push_back({r.from, pos});
      child->ranges.push_back({pos, r.to});
    }
  }
  it->ranges = std::move(head);
  auto mid = std::lower_bound(it->uses.begin(), it->uses.end(), pos);
  child->uses.assign(mid, it->uses.end());
  it->uses.erase(mid, it->uses.end());
  pieces_[it->vreg.vindex()].push_back(child);
  return child;
}

Reg Allocator::resolve_hint(const Interval* cur) const {
  Reg h = cur->hint;
  if (!h.valid()) return Reg();
  if (h.is_phys()) return h;
  for (const Interval* p : pieces_[h.vindex()])
    if (p->reg.valid()) return p->reg;
  return Reg();
}

bool Allocator::try_allocate_free(Interval* cur) {
  uint32_t free_until[Reg::kNumPhys] = {};
  for (Reg r : candidates(cur->cls)) free_until[r.bits] = kInf;
  for (Interval* it : active_)
    if (it->cls == cur->cls) free_until[it->reg.bits] = 0;
  for (Interval* it : inactive_) {
    if (it->cls != cur->cls) continue;
    uint32_t x = next_intersection(*it, *cur);
    free_until[it->reg.bits] = std::min(free_until[it->reg.bits], x);
  }
  for (Reg r : candidates(cur->cls)) {
    uint32_t x = next_intersection(fixed_[r.bits], *cur);
    free_until[r.bits] = std::min(free_until[r.bits], x);
  }
  const Reg hint = resolve_hint(cur);
  if (hint.valid() && is_allocatable(hint) && hint.phys_class() == cur->cls &&
      free_until[hint.bits] >= cur->end()) {
    cur->reg = hint;
    return true;
  }
  Reg best;
  for (Reg r : candidates(cur->cls))
    if (!best.valid() || free_until[r.bits] > free_until[best.bits]) best = r;
  const uint32_t until = free_until[best.bits];
  if (until >= cur->end()) {
    cur->reg = best;
    return true;
  }
  const uint32_t pos = until & ~1u;
  if (pos <= cur->start()) return false;
  cur->reg = best;
  push_unhandled(split(cur, pos));
  return true;
}

void Allocator::split_and_spill(Interval* it, uint32_t pos) {
  Interval* tail = it;
  const uint32_t at = pos & ~1u;
  if (at > it->start()) {
    tail = split(it, at);
  } else {
    it->reg = Reg();
  }
  tail->spilled = true;
  const uint32_t use = tail->next_use_from(at);
  if (use != kInf) {
    const uint32_t p = use & ~1u;
    if (p <= tail->start()) fatal_invariant("regalloc: evicted a used value");
    push_unhandled(split(tail, p));
  }
}

void Allocator::allocate_blocked(Interval* cur) {
  uint32_t use_pos[Reg::kNumPhys] = {}, block_pos[Reg::kNumPhys] = {};
  for (Reg r : candidates(cur->cls)) use_pos[r.bits] = block_pos[r.bits] = kInf;
  const uint32_t here = cur->start() & ~1u;
  auto note_use = [&](const Interval* it) {
    uint32_t u = it->next_use_from(here);
    if (u <= here + 1) u = 0;  // used by the current instruction: keep it
    use_pos[it->reg.bits] = std::min(use_pos[it->reg.bits], u);
  };
  for (Interval* it : active_)
    if (it->cls == cur->cls) note_use(it);
  for (Interval* it : inactive_)
    if (it->cls == cur->cls && next_intersection(*it, *cur) != kInf)
      note_use(it);
  for (Reg r : candidates(cur->cls)) {
    uint32_t x = next_intersection(fixed_[r.bits], *cur);
    block_pos[r.bits] = std::min(block_pos[r.bits], x);
    use_pos[r.bits] = std::min(use_pos[r.bits], x);
  }
  Reg best;
  for (Reg r : candidates(cur->cls))
    if (!best.valid() || use_pos[r.bits] > use_pos[best.bits]) best = r;
  const uint32_t first_use = cur->next_use_from(cur->start());
  if (use_pos[best.bits] < first_use) {
    // Every register is needed sooner than `cur` needs one: spill `cur`
    // until just before its first use.
    cur->spilled = true;
    if (first_use != kInf) {
      const uint32_t p = first_use & ~1u;
      if (p <= cur->start())
        fatal_invariant("regalloc: more operands than registers");
      push_unhandled(split(cur, p));
    }
    return;
  }
  if (use_pos[best.bits] <= cur->start())
    fatal_invariant("regalloc: no register can be freed");
  cur->reg = best;
  if (block_pos[best.bits] < cur->end()) {
    const uint32_t p = block_pos[best.bits] & ~1u;
    if (p <= cur->start()) fatal_invariant("regalloc: blocked by fixed reg");
    push_unhandled(split(cur, p));
  }
  for (size_t k = 0; k < active_.size();) {
    Interval* it = active_[k];
    if (it->reg == best) {
      split_and_spill(it, cur->start());
      active_.erase(active_.begin() + ptrdiff_t(k));
    } else {
      k++;
    }
  }
  for (size_t k = 0; k < inactive_.size();) {
    Interval* it = inactive_[k];
    if (it->reg == best && next_intersection(*it, *cur) != kInf) {
      uint32_t hole_end = kInf;
      for (const Range& r : it->ranges)
        if (r.from >= cur->start()) {
          hole_end = r.from;
          break;
        }
      Interval* tail = split(it, hole_end);
      push_unhandled(tail);
      if (it->end() <= cur->start()) {
        inactive_.erase(inactive_.begin() + ptrdiff_t(k));
        continue;
      }
    }
    k++;
  }
}

void Allocator::linear_scan() {
  for (Reg r : kGprAllocOrder) gpr_candidates_.push_back(r);
  for (unsigned x = 0; x < kNumAllocXmms; x++)
    xmm_candidates_.push_back(Reg::xmm(x));
  while (!unhandled_.empty()) {
    Interval* cur = unhandled_.back();
    unhandled_.pop_back();
    const uint32_t pos = cur->start();
    for (size_t k = 0; k < active_.size();) {
      Interval* it = active_[k];
      if (it->end() <= pos) {
        active_.erase(active_.begin() + ptrdiff_t(k));
      } else if (!it->covers(pos)) {
        inactive_.push_back(it);
        active_.erase(active_.begin() + ptrdiff_t(k));
      } else {
        k++;
      }
    }
    for (size_t k = 0; k < inactive_.size();) {
      Interval* it = inactive_[k];
      if (it->end() <= pos) {
        inactive_.erase(inactive_.begin() + ptrdiff_t(k));
      } else if (it->covers(pos)) {
        active_.push_back(it);
        inactive_.erase(inactive_.begin() + ptrdiff_t(k));
      } else {
        k++;
      }
    }
    if (!try_allocate_free(cur)) allocate_blocked(cur);
    if (cur->reg.valid()) active_.push_back(cur);
  }
}

void Allocator::assign_slots() {
  struct Hull {
    uint32_t from, to, vreg;
  };
  std::vector<Hull> hulls;
  for (uint32_t v = 0; v < pieces_.size(); v++) {
    bool spilled = false;
    uint32_t from = kInf, to = 0;
    for (const Interval* p : pieces_[v]) {
      spilled |= p->spilled;
      from = std::min(from, p->start());
      to = std::max(to, p->end());
    }
    if (spilled) hulls.push_back({from, to, v});
  }
  std::sort(hulls.begin(), hulls.end(), [](const Hull& a, const Hull& b) {
    return a.from != b.from ? a.from < b.from : a.vreg < b.vreg;
  });
  slot_of_.assign(pieces_.size(), kInf);
  std::vector<uint32_t> slot_busy_until;
  for (const Hull& h : hulls) {
    uint32_t slot = kInf;
    for (uint32_t s = 0; s < slot_busy_until.size(); s++)
      if (slot_busy_until[s] <= h.from) {
        slot = s;
        break;
      }
    if (slot == kInf) {
      slot = uint32_t(slot_busy_until.size());
      slot_busy_until.push_back(0);
    }
    slot_busy_until[slot] = h.to;
    slot_of_[h.vreg] = slot;
  }
  stats_.num_spilled_vregs = uint32_t(hulls.size());
  stats_.num_spill_slots = uint32_t(slot_busy_until.size());
  vc_.frame.num_spill_slots = stats_.num_spill_slots;
}

Interval* Allocator::piece_at(Reg vreg, uint32_t pos) const {
  for (Interval* p : pieces_[vreg.vindex()])
    if (p->covers(pos)) return p;
  return nullptr;
}

Loc Allocator::loc_at(Reg vreg, uint32_t pos) const {
  const Interval* p = piece_at(vreg, pos);
  if (!p) fatal_invariant("regalloc: value not live where it is needed");
  if (p->spilled) return Loc::slot(slot_of_[vreg.vindex()]);
  return Loc::reg(p->reg);
}

void Allocator::resolve_and_rewrite() {
  const size_t nb = vc_.blocks.size();
  uint32_t total = 0;
  for (const VBlock& b : vc_.blocks) total += uint32_t(b.insts.size());
  // Three kinds of moves, each one parallel move: split_moves[i] before
  // instruction i (pieces meeting inside a block, stores after
  // definitions), entry_moves[b] at the start of block b (from its only
  // predecessor), exit_moves[b] before b's jmp (to a block with several
  // predecessors). They are composed per instruction, see below.
  std::vector<std::vector<PMove>> split_moves(total + 1), entry_moves(nb),
      exit_moves(nb);

  // A value whose definitions all sit in one block it is not live into is
  // stored to its slot once, right after the last of them: every later
  // point where it is live is reached through that store, so moves into its
  // slot there are dropped and spill stores leave loops.
  std::vector<bool> stored_at_def(pieces_.size(), false);
  for (uint32_t v = 0; v < pieces_.size(); v++) {
    if (slot_of_[v] == kInf || last_def_[v] == kInf) continue;
    const uint32_t i = last_def_[v];
    const Interval* def = piece_at(Reg::vreg(v), 2 * i + 1);
    if (!def || !def->reg.valid()) continue;
    split_moves[i + 1].push_back(
        {Loc::slot(slot_of_[v]), Loc::reg(def->reg), def->cls});
    stored_at_def[v] = true;
  }
  auto block_of = [&](uint32_t inst) {
    return uint32_t(
        std::upper_bound(block_first_.begin(), block_first_.end(), inst) -
        block_first_.begin() - 1);
  };
  // Whether a move of `v` into `dst` at instruction `at` is covered by the
  // store after its last definition.
  auto redundant = [&](Reg v, Loc dst, uint32_t at) {
    if (!dst.is_slot() || !stored_at_def[v.vindex()]) return false;
    const uint32_t d = last_def_[v.vindex()];
    return block_of(at) != block_of(d) || at > d;
  };

  // Moves where two pieces of a value meet inside a block.
  for (auto& ps : pieces_) {
    std::sort(ps.begin(), ps.end(), [](const Interval* a, const Interval* b) {
      return a->start() < b->start();
    });
    for (size_t k = 1; k < ps.size(); k++) {
      const Interval* a = ps[k - 1];
      const Interval* b = ps[k];
      const uint32_t p = b->start();
      if (a->end() != p || block_start_pos_.get(p)) continue;
      if (p & 1) fatal_invariant("regalloc: split between use and def");
      const Reg v = a->vreg;
      const Loc src =
          a->spilled ? Loc::slot(slot_of_[v.vindex()]) : Loc::reg(a->reg);
      const Loc dst =
          b->spilled ? Loc::slot(slot_of_[v.vindex()]) : Loc::reg(b->reg);
      if (!redundant(v, dst, p / 2))
        split_moves[p / 2].push_back({dst, src, a->cls});
    }
  }
  // Moves on CFG edges.
  const auto preds = vc_.compute_preds();
  for (size_t b = 0; b < nb; b++) {
    const VBlock& blk = vc_.blocks[b];
    const uint32_t last = block_first_[b] + uint32_t(blk.insts.size()) - 1;
    const auto& targets = blk.insts.back().targets;
    for (size_t e = 0; e < targets.size(); e++) {
      const uint32_t s = targets[e];
      const uint32_t s_from = block_first_[s] * 2;
      std::vector<PMove> moves;
      live_in_[s].for_each([&](size_t v) {
        const Reg r = Reg::vreg(uint32_t(v));
        const Loc dst = loc_at(r, s_from);
        if (!redundant(r, dst, last))
          moves.push_back({dst, loc_at(r, last * 2), vc_.reg_class(r)});
      });
      const VBlock& sb = vc_.blocks[s];
      for (size_t k = 0; k < sb.params.size(); k++)
        moves.push_back({loc_at(sb.params[k], s_from),
                         loc_at(blk.edge_args[e][k], last * 2),
                         vc_.reg_class(sb.params[k])});
      std::vector<PMove>* dst;
      if (preds[s].size() == 1) {
        dst = &entry_moves[s];
      } else if (targets.size() == 1) {
        dst = &exit_moves[b];
      } else {
        fatal_invariant("regalloc: critical edge was not split");
      }
      if (!dst->empty()) fatal_invariant("regalloc: two edges, one place");
      *dst = std::move(moves);
    }
  }
  // Rewrite operands and splice in the moves.
  for (size_t b = 0; b < nb; b++) {
    VBlock& blk = vc_.blocks[b];
    std::vector<MInst> out;
    for (size_t k = 0; k < blk.insts.size(); k++) {
      const uint32_t i = block_first_[b] + uint32_t(k);
      const size_t before = out.size();
      // The moves at one point happen in order: entering the block, then
      // pieces meeting, then leaving the block. A block that is only a jmp
      // (e.g. a split critical edge) both enters and leaves at its single
      // instruction, so the moves are composed into one parallel move:
      // concatenated, a reload into a register and the block-argument copy
      // reading that register would run "at once", i.e. out of order.
      std::vector<PMove> moves;
      if (k == 0) moves = std::move(entry_moves[b]);
      moves = compose_parallel_moves(moves, split_moves[i]);
      if (k + 1 == blk.insts.size())
        moves = compose_parallel_moves(moves, exit_moves[b]);
      sequentialize_parallel_moves(std::move(moves), out);
      stats_.num_moves += uint32_t(out.size() - before);
      for (size_t m = before; m < out.size(); m++)
        out[m].srcloc = blk.insts[k].srcloc;
      MInst in = std::move(blk.insts[k]);
      for_each_operand(in, class_of(), [&](Reg& r, OperandKind kind, Reg) {
        if (!r.is_virt()) return;
        const uint32_t pos = (kind == OperandKind::Def) ? 2 * i + 1 : 2 * i;
        const Interval* p = piece_at(r, pos);
        if (!p || !p->reg.valid())
          fatal_invariant("regalloc: operand without a register");
        r = p->reg;
      });
      out.push_back(std::move(in));
    }
    blk.insts = std::move(out);
    for (Reg& p : blk.params) p = Reg();
    for (auto& args : blk.edge_args) args.clear();
  }
  RegMask used = 0;
  for (const auto& p : pool_)
    if (p->reg.valid()) used |= mask_of(p->reg);
  vc_.frame.callee_saved_used = used & kCalleeSavedGprs;
  stats_.num_intervals = uint32_t(pool_.size());
}

Result<RegAllocStats> Allocator::run() {
  vc_.split_critical_edges();
  if (auto r = vc_.verify(); !r) return Error(r.error());
  if (auto r = legalize_fixed_operands(); !r) return Error(r.error());
  number_and_liveness();
  if (vc_.compute_preds()[0].size() != 0)
    return Error(ErrorKind::Internal, "regalloc: entry block has preds");
  bool undefined = false;
  live_in_[0].for_each([&](size_t) { undefined = true; });
  if (undefined)
    return Error(ErrorKind::Internal,
                 "regalloc: a virtual register is used before any definition");
  build_intervals();
  linear_scan();
  assign_slots();
  resolve_and_rewrite();
  vc_.frame.allocated = true;
  return stats_;
}

}  // namespace

Result<RegAllocStats> allocate_registers(VCode& vcode) {
  Allocator a(vcode);
  return a.run();
}

}  // namespace heron::x64
