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
//
// Storage. Compile throughput is dominated by this pass, and most of its
// cost used to be the allocation of small vectors (per interval, per block,
// per instruction). Every buffer therefore lives in one Allocator object per
// thread that keeps its capacity from one function to the next: intervals
// come from a pool whose range and use lists are cleared, never freed, and
// per-block bit sets are rows of one matrix.
#include "isa/x64/regalloc.h"

#include <algorithm>
#include <iterator>
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

// Index of the first range of `rs` that ends after `pos`.
size_t first_range_after(const std::vector<Range>& rs, uint32_t pos) {
  return size_t(
      std::upper_bound(rs.begin(), rs.end(), pos,
                       [](uint32_t p, const Range& r) { return p < r.to; }) -
      rs.begin());
}

struct Interval {
  Reg vreg;  // owner (virtual or physical)
  RegClass cls = RegClass::Gpr;
  std::vector<Range> ranges;   // ascending, disjoint, non-adjacent
  std::vector<uint32_t> uses;  // ascending positions needing a register
  Reg reg;                     // assigned register, if not spilled
  bool spilled = false;
  Reg hint;

  void reset(Reg owner, RegClass c) {
    vreg = owner;
    cls = c;
    ranges.clear();
    uses.clear();
    reg = Reg();
    spilled = false;
    hint = Reg();
  }
  uint32_t start() const { return ranges.front().from; }
  uint32_t end() const { return ranges.back().to; }
  // The first range ending after `pos` is the only one that can hold it.
  bool covers(uint32_t pos) const {
    const size_t k = first_range_after(ranges, pos);
    return k < ranges.size() && ranges[k].from <= pos;
  }
  uint32_t next_use_from(uint32_t pos) const {
    auto it = std::lower_bound(uses.begin(), uses.end(), pos);
    return it == uses.end() ? kInf : *it;
  }
};

// First position covered by both, or kInf. Ranges of one that end before
// the other starts cannot meet it and are skipped by binary search: fixed
// intervals collect a range per call, and walking them from the start for
// every interval would be quadratic.
// The merge, from range i of a and range j of b.
uint32_t next_intersection_from(const Interval& a, size_t i, const Interval& b,
                                size_t j) {
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

uint32_t next_intersection(const Interval& a, const Interval& b) {
  if (a.ranges.empty() || b.ranges.empty()) return kInf;
  return next_intersection_from(a, first_range_after(a.ranges, b.start()), b,
                                first_range_after(b.ranges, a.start()));
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

// Bit-set operations on `n` words, so that a set can be a row of a matrix.
inline bool bit_get(const uint64_t* w, size_t i) {
  return (w[i / 64] >> (i % 64)) & 1;
}
inline void bit_set(uint64_t* w, size_t i) {
  w[i / 64] |= uint64_t{1} << (i % 64);
}
inline void bit_clear(uint64_t* w, size_t i) {
  w[i / 64] &= ~(uint64_t{1} << (i % 64));
}
// dst |= src & ~mask; returns whether dst changed.
inline bool bits_or_and_not(uint64_t* dst, const uint64_t* src,
                            const uint64_t* mask, size_t n) {
  uint64_t changed = 0;
  for (size_t k = 0; k < n; k++) {
    const uint64_t add = src[k] & (mask ? ~mask[k] : ~uint64_t{0});
    changed |= add & ~dst[k];
    dst[k] |= add;
  }
  return changed != 0;
}
template <class F>
void bits_for_each(const uint64_t* w, size_t n, F&& f) {
  for (size_t k = 0; k < n; k++)
    for (uint64_t x = w[k]; x; x &= x - 1)
      f(k * 64 + size_t(__builtin_ctzll(x)));
}

// `rows` bit sets of one size in one buffer.
class BitMatrix {
 public:
  void reset(size_t rows, size_t bits) {
    words_ = (bits + 63) / 64;
    w_.assign(rows * words_, 0);
  }
  uint64_t* row(size_t r) { return w_.data() + r * words_; }
  const uint64_t* row(size_t r) const { return w_.data() + r * words_; }
  size_t words() const { return words_; }

 private:
  std::vector<uint64_t> w_;
  size_t words_ = 0;
};

class Allocator {
 public:
  Result<RegAllocStats> run(VCode& vc);

 private:
  auto class_of() {
    return [this](Reg r) { return vc_->reg_class(r); };
  }
  void reset(VCode& vc);
  Result<void> legalize_fixed_operands();
  bool needs_stack_args(const MInst& in) const;
  void number_and_liveness();
  void build_intervals();
  void linear_scan();
  void assign_slots();
  void resolve_and_rewrite();

  Interval* new_piece(Reg vreg, RegClass cls) {
    if (pool_used_ == pool_.size())
      pool_.push_back(std::make_unique<Interval>());
    Interval* it = pool_[pool_used_++].get();
    it->reset(vreg, cls);
    return it;
  }
  Interval* split(Interval* it, uint32_t pos);
  // next_intersection(fixed_[r], cur) for the interval being allocated:
  // intervals are allocated in order of start, so a cursor per register
  // skips the fixed ranges that ended before it once and for all.
  uint32_t next_fixed_intersection(Reg r, const Interval& cur) {
    const std::vector<Range>& rs = fixed_[r.bits].ranges;
    size_t& k = fixed_cursor_[r.bits];
    while (k < rs.size() && rs[k].to <= cur.start()) k++;
    if (k == rs.size() || rs[k].from >= cur.end()) return kInf;
    return next_intersection_from(fixed_[r.bits], k, cur, 0);
  }
  bool try_allocate_free(Interval* cur);
  void allocate_blocked(Interval* cur);
  void split_and_spill(Interval* it, uint32_t pos);
  void push_unhandled(Interval* it);
  Interval* piece_at(Reg vreg, uint32_t pos) const;
  Loc loc_at(Reg vreg, uint32_t pos) const;
  Reg resolve_hint(const Interval* cur) const;
  const Reg* candidates(RegClass cls, size_t* n) const {
    static constexpr Reg kXmms[] = {
        Reg::xmm(0),  Reg::xmm(1),  Reg::xmm(2),  Reg::xmm(3),  Reg::xmm(4),
        Reg::xmm(5),  Reg::xmm(6),  Reg::xmm(7),  Reg::xmm(8),  Reg::xmm(9),
        Reg::xmm(10), Reg::xmm(11), Reg::xmm(12), Reg::xmm(13), Reg::xmm(14)};
    static_assert(std::size(kXmms) == kNumAllocXmms);
    if (cls == RegClass::Gpr) {
      *n = std::size(kGprAllocOrder);
      return kGprAllocOrder;
    }
    *n = std::size(kXmms);
    return kXmms;
  }

  VCode* vc_ = nullptr;
  size_t nv_ = 0;  // virtual registers of vc_
  RegAllocStats stats_;
  // Intervals [0, pool_used_) belong to the current function; the rest are
  // kept for the next one.
  std::vector<std::unique_ptr<Interval>> pool_;
  size_t pool_used_ = 0;
  std::vector<std::vector<Interval*>> pieces_;  // per vreg index (< nv_)
  Interval fixed_[Reg::kNumPhys];
  size_t fixed_cursor_[Reg::kNumPhys] = {};
  std::vector<uint32_t> block_first_;          // first instruction id per block
  std::vector<uint32_t> num_preds_;            // per block
  BitMatrix live_in_, live_out_, gen_, kill_;  // one row per block
  std::vector<uint64_t> block_start_pos_;      // positions that start a block
  std::vector<uint32_t> slot_of_;  // per vreg index, kInf if never spilled
  // Per vreg: the instruction id of its last definition if all of them are
  // in one block the value is not live into (else kInf; block parameters
  // and early defs are excluded).
  std::vector<uint32_t> last_def_;
  std::vector<Interval*> unhandled_, active_, inactive_;

  // Scratch buffers of the passes, kept only for their capacity.
  std::vector<MInst> out_, after_;
  std::vector<uint32_t> def_block_;
  std::vector<bool> eligible_, stored_at_def_;
  std::vector<Interval*> parent_;
  std::vector<uint64_t> live_;
  struct Hull {
    uint32_t from, to, vreg;
  };
  std::vector<Hull> hulls_;
  std::vector<uint32_t> slot_busy_until_;
  std::vector<std::vector<PMove>> split_moves_, entry_moves_, exit_moves_;
  std::vector<PMove> pmoves_, composed_[2];
  std::vector<uint32_t> move_start_, after_start_;
};

void Allocator::reset(VCode& vc) {
  vc_ = &vc;
  nv_ = vc.num_vregs();
  stats_ = {};
  pool_used_ = 0;
  if (pieces_.size() < nv_) pieces_.resize(nv_);
  for (size_t v = 0; v < nv_; v++) pieces_[v].clear();
  for (Interval& f : fixed_) f.reset(Reg(), RegClass::Gpr);
  for (size_t& k : fixed_cursor_) k = 0;
  unhandled_.clear();
  active_.clear();
  inactive_.clear();
}

bool Allocator::needs_stack_args(const MInst& in) const {
  auto too_many = [&](const std::vector<Reg>& regs, size_t max_gpr,
                      size_t max_xmm) {
    size_t g = 0, x = 0;
    for (Reg r : regs) (vc_->reg_class(r) == RegClass::Gpr ? g : x)++;
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
  for (VBlock& b : vc_->blocks) {
    const size_t n = b.insts.size();
    // The moves into fixed registers before instruction k are
    // out_[move_start_[k], after_start_[k]), those out of them after it
    // out_[after_start_[k], move_start_[k + 1]); spliced in at the end.
    out_.clear();
    move_start_.clear();
    after_start_.clear();
    for (MInst& in : b.insts) {
      if (needs_stack_args(in))
        return Error(ErrorKind::Limit,
                     "x64: arguments or results beyond the SysV registers "
                     "must be passed through memory by the lowering");
      move_start_.push_back(uint32_t(out_.size()));
      after_.clear();
      for_each_operand(in, class_of(), [&](Reg& r, OperandKind kind, Reg fx) {
        if (r.is_phys() || !fx.valid()) return;
        MInst mv = make_move(Loc::reg(fx), Loc::reg(fx), vc_->reg_class(r));
        if (kind == OperandKind::Use) {
          mv.dst = fx;
          mv.src1 = r;
          mv.srcloc = in.srcloc;
          out_.push_back(std::move(mv));
        } else {
          mv.dst = r;
          mv.src1 = fx;
          after_.push_back(std::move(mv));
        }
        r = fx;
      });
      after_start_.push_back(uint32_t(out_.size()));
      for (MInst& m : after_) {
        m.srcloc = in.srcloc;
        out_.push_back(std::move(m));
      }
    }
    // Moves after a terminator are impossible: terminators define nothing.
    const size_t added = out_.size();
    if (added == 0) continue;
    move_start_.push_back(uint32_t(added));
    // Widen the block once and move everything to its final place from the
    // back; instruction k lands at k + after_start_[k].
    b.insts.resize(n + added);
    size_t w = n + added;
    for (size_t k = n; k-- > 0;) {
      for (size_t m = move_start_[k + 1]; m-- > after_start_[k];)
        b.insts[--w] = std::move(out_[m]);
      if (--w == k) break;
      b.insts[w] = std::move(b.insts[k]);
      for (size_t m = after_start_[k]; m-- > move_start_[k];)
        b.insts[--w] = std::move(out_[m]);
    }
  }
  out_.clear();
  return {};
}

void Allocator::number_and_liveness() {
  const size_t nb = vc_->blocks.size();
  const size_t nv = nv_;
  block_first_.resize(nb);
  uint32_t id = 0;
  for (size_t b = 0; b < nb; b++) {
    block_first_[b] = id;
    id += uint32_t(vc_->blocks[b].insts.size());
  }
  block_start_pos_.assign((size_t(id) * 2 + 2 + 63) / 64, 0);
  for (size_t b = 0; b < nb; b++)
    bit_set(block_start_pos_.data(), block_first_[b] * 2);

  gen_.reset(nb, nv);
  kill_.reset(nb, nv);
  for (size_t b = 0; b < nb; b++) {
    VBlock& blk = vc_->blocks[b];
    uint64_t* gen = gen_.row(b);
    uint64_t* kill = kill_.row(b);
    for (Reg p : blk.params) bit_set(kill, p.vindex());
    for (MInst& in : blk.insts) {
      for_each_operand(in, class_of(), [&](Reg& r, OperandKind k, Reg) {
        if (!r.is_virt()) return;
        if ((k == OperandKind::Use || k == OperandKind::UseDef) &&
            !bit_get(kill, r.vindex()))
          bit_set(gen, r.vindex());
      });
      for_each_operand(in, class_of(), [&](Reg& r, OperandKind k, Reg) {
        if (r.is_virt() && k != OperandKind::Use) bit_set(kill, r.vindex());
      });
    }
    for (const auto& args : blk.edge_args)
      for (Reg a : args)
        if (!bit_get(kill, a.vindex())) bit_set(gen, a.vindex());
  }
  live_in_.reset(nb, nv);
  live_out_.reset(nb, nv);
  const size_t nw = live_in_.words();
  for (bool changed = true; changed;) {
    changed = false;
    for (size_t b = nb; b-- > 0;) {
      for (uint32_t s : vc_->succs(uint32_t(b)))
        bits_or_and_not(live_out_.row(b), live_in_.row(s), nullptr, nw);
      changed |= bits_or_and_not(live_in_.row(b), gen_.row(b), nullptr, nw);
      changed |=
          bits_or_and_not(live_in_.row(b), live_out_.row(b), kill_.row(b), nw);
    }
  }
}

void Allocator::build_intervals() {
  const size_t nv = nv_;
  const size_t nw = live_in_.words();
  // Values all of whose definitions are in one block that they are not
  // live into can be stored once, after the last of them.
  last_def_.assign(nv, kInf);
  def_block_.assign(nv, kInf);
  eligible_.assign(nv, true);
  for (size_t b = 0; b < vc_->blocks.size(); b++) {
    for (Reg p : vc_->blocks[b].params) eligible_[p.vindex()] = false;
    for (size_t k = 0; k < vc_->blocks[b].insts.size(); k++)
      for_each_operand(vc_->blocks[b].insts[k], class_of(),
                       [&](Reg& r, OperandKind kind, Reg) {
                         if (!r.is_virt() || kind == OperandKind::Use) return;
                         const uint32_t v = r.vindex();
                         if (kind == OperandKind::EarlyDef ||
                             (def_block_[v] != kInf && def_block_[v] != b))
                           eligible_[v] = false;
                         def_block_[v] = uint32_t(b);
                         last_def_[v] = block_first_[b] + uint32_t(k);
                       });
  }
  for (size_t v = 0; v < nv; v++)
    if (!eligible_[v] || def_block_[v] == kInf ||
        bit_get(live_in_.row(def_block_[v]), v))
      last_def_[v] = kInf;
  parent_.assign(nv, nullptr);
  auto get = [&](Reg r) -> Interval* {
    if (r.is_phys()) return &fixed_[r.bits];
    Interval*& p = parent_[r.vindex()];
    if (!p) p = new_piece(r, vc_->reg_class(r));
    return p;
  };
  for (size_t b = vc_->blocks.size(); b-- > 0;) {
    VBlock& blk = vc_->blocks[b];
    const uint32_t from = block_first_[b] * 2;
    const uint32_t last = block_first_[b] + uint32_t(blk.insts.size()) - 1;
    const uint32_t to = (last + 1) * 2;
    live_.assign(live_out_.row(b), live_out_.row(b) + nw);
    uint64_t* live = live_.data();
    bits_for_each(live, nw, [&](size_t v) {
      add_range_backward(*get(Reg::vreg(uint32_t(v))), from, to);
    });
    for (const auto& args : blk.edge_args)
      for (Reg a : args) {
        if (bit_get(live, a.vindex())) continue;
        add_range_backward(*get(a), from, last * 2 + 1);
        bit_set(live, a.vindex());
      }
    RegMask phys_live = 0;
    for (uint32_t i = last + 1; i-- > block_first_[b];) {
      MInst& in = blk.insts[i - block_first_[b]];
      const uint32_t use_pos = 2 * i, def_pos = 2 * i + 1;
      auto is_live = [&](Reg r) {
        return r.is_phys() ? (phys_live & mask_of(r)) != 0
                           : bit_get(live, r.vindex());
      };
      auto set_live = [&](Reg r, bool on) {
        if (r.is_phys()) {
          phys_live = on ? (phys_live | mask_of(r)) : (phys_live & ~mask_of(r));
        } else if (on) {
          bit_set(live, r.vindex());
        } else {
          bit_clear(live, r.vindex());
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
      for (RegMask clob = clobbers(in); clob != 0; clob &= clob - 1) {
        const uint32_t p = uint32_t(__builtin_ctz(clob));
        if (is_allocatable(Reg::phys(p)))
          add_range_backward(fixed_[p], def_pos, def_pos + 1);
      }
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
      if (bit_get(live, p.vindex())) {
        it->ranges.back().from = from;
      } else {
        add_range_backward(*it, from, from + 1);
      }
      bit_clear(live, p.vindex());
    }
    if (phys_live != 0)
      fatal_invariant("regalloc: physical register live into a block");
  }
  for (Interval& f : fixed_) std::reverse(f.ranges.begin(), f.ranges.end());
  for (size_t v = 0; v < nv; v++) {
    Interval* it = parent_[v];
    if (!it) continue;
    std::reverse(it->ranges.begin(), it->ranges.end());
    std::sort(it->uses.begin(), it->uses.end());
    it->uses.erase(std::unique(it->uses.begin(), it->uses.end()),
                   it->uses.end());
    pieces_[v].push_back(it);
    unhandled_.push_back(it);
    stats_.num_vregs++;
  }
  // The order push_unhandled keeps; (start, vreg) is unique here, so one
  // sort gives the same order as inserting one by one.
  std::sort(unhandled_.begin(), unhandled_.end(),
            [](const Interval* a, const Interval* b) {
              if (a->start() != b->start()) return a->start() > b->start();
              return a->vreg.bits > b->vreg.bits;
            });
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
  std::vector<Range>& rs = it->ranges;
  size_t k = 0;
  while (rs[k].to <= pos) k++;  // pos < end: some range ends after it
  if (rs[k].from < pos) {
    child->ranges.push_back({pos, rs[k].to});
    rs[k].to = pos;
    k++;
  }
  child->ranges.insert(child->ranges.end(), rs.begin() + ptrdiff_t(k),
                       rs.end());
  rs.resize(k);
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
  size_t ncand;
  const Reg* cand = candidates(cur->cls, &ncand);
  uint32_t free_until[Reg::kNumPhys] = {};
  for (size_t c = 0; c < ncand; c++) free_until[cand[c].bits] = kInf;
  for (Interval* it : active_)
    if (it->cls == cur->cls) free_until[it->reg.bits] = 0;
  for (Interval* it : inactive_) {
    if (it->cls != cur->cls) continue;
    uint32_t x = next_intersection(*it, *cur);
    free_until[it->reg.bits] = std::min(free_until[it->reg.bits], x);
  }
  for (size_t c = 0; c < ncand; c++) {
    const Reg r = cand[c];
    uint32_t x = next_fixed_intersection(r, *cur);
    free_until[r.bits] = std::min(free_until[r.bits], x);
  }
  const Reg hint = resolve_hint(cur);
  if (hint.valid() && is_allocatable(hint) && hint.phys_class() == cur->cls &&
      free_until[hint.bits] >= cur->end()) {
    cur->reg = hint;
    return true;
  }
  Reg best;
  for (size_t c = 0; c < ncand; c++)
    if (!best.valid() || free_until[cand[c].bits] > free_until[best.bits])
      best = cand[c];
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
  size_t ncand;
  const Reg* cand = candidates(cur->cls, &ncand);
  uint32_t use_pos[Reg::kNumPhys] = {}, block_pos[Reg::kNumPhys] = {};
  for (size_t c = 0; c < ncand; c++)
    use_pos[cand[c].bits] = block_pos[cand[c].bits] = kInf;
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
  for (size_t c = 0; c < ncand; c++) {
    const Reg r = cand[c];
    uint32_t x = next_fixed_intersection(r, *cur);
    block_pos[r.bits] = std::min(block_pos[r.bits], x);
    use_pos[r.bits] = std::min(use_pos[r.bits], x);
  }
  Reg best;
  for (size_t c = 0; c < ncand; c++)
    if (!best.valid() || use_pos[cand[c].bits] > use_pos[best.bits])
      best = cand[c];
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
      // The first range starting at or after cur's start.
      auto r = std::lower_bound(
          it->ranges.begin(), it->ranges.end(), cur->start(),
          [](const Range& x, uint32_t p) { return x.from < p; });
      const uint32_t hole_end = r == it->ranges.end() ? kInf : r->from;
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
  hulls_.clear();
  for (uint32_t v = 0; v < nv_; v++) {
    bool spilled = false;
    uint32_t from = kInf, to = 0;
    for (const Interval* p : pieces_[v]) {
      spilled |= p->spilled;
      from = std::min(from, p->start());
      to = std::max(to, p->end());
    }
    if (spilled) hulls_.push_back({from, to, v});
  }
  std::sort(hulls_.begin(), hulls_.end(), [](const Hull& a, const Hull& b) {
    return a.from != b.from ? a.from < b.from : a.vreg < b.vreg;
  });
  slot_of_.assign(nv_, kInf);
  slot_busy_until_.clear();
  for (const Hull& h : hulls_) {
    uint32_t slot = kInf;
    for (uint32_t s = 0; s < slot_busy_until_.size(); s++)
      if (slot_busy_until_[s] <= h.from) {
        slot = s;
        break;
      }
    if (slot == kInf) {
      slot = uint32_t(slot_busy_until_.size());
      slot_busy_until_.push_back(0);
    }
    slot_busy_until_[slot] = h.to;
    slot_of_[h.vreg] = slot;
  }
  stats_.num_spilled_vregs = uint32_t(hulls_.size());
  stats_.num_spill_slots = uint32_t(slot_busy_until_.size());
  vc_->frame.num_spill_slots = stats_.num_spill_slots;
}

// Needs pieces_[vreg] sorted by start: the pieces of a value split the
// positions into consecutive stretches, so only the last piece starting at
// or before `pos` can cover it.
Interval* Allocator::piece_at(Reg vreg, uint32_t pos) const {
  const std::vector<Interval*>& ps = pieces_[vreg.vindex()];
  if (ps.size() == 1) return ps[0]->covers(pos) ? ps[0] : nullptr;
  auto it = std::upper_bound(
      ps.begin(), ps.end(), pos,
      [](uint32_t p, const Interval* x) { return p < x->start(); });
  if (it == ps.begin()) return nullptr;
  Interval* p = *(it - 1);
  return p->covers(pos) ? p : nullptr;
}

Loc Allocator::loc_at(Reg vreg, uint32_t pos) const {
  const Interval* p = piece_at(vreg, pos);
  if (!p) fatal_invariant("regalloc: value not live where it is needed");
  if (p->spilled) return Loc::slot(slot_of_[vreg.vindex()]);
  return Loc::reg(p->reg);
}

void Allocator::resolve_and_rewrite() {
  const size_t nb = vc_->blocks.size();
  uint32_t total = 0;
  for (const VBlock& b : vc_->blocks) total += uint32_t(b.insts.size());
  // Three kinds of moves, each one parallel move: split_moves_[i] before
  // instruction i (pieces meeting inside a block, stores after
  // definitions), entry_moves_[b] at the start of block b (from its only
  // predecessor), exit_moves_[b] before b's jmp (to a block with several
  // predecessors). They are composed per instruction, see below.
  auto reset_lists = [](std::vector<std::vector<PMove>>& lists, size_t n) {
    if (lists.size() < n) lists.resize(n);
    for (size_t k = 0; k < n; k++) lists[k].clear();
  };
  reset_lists(split_moves_, total + 1);
  reset_lists(entry_moves_, nb);
  reset_lists(exit_moves_, nb);

  for (size_t v = 0; v < nv_; v++)
    std::sort(pieces_[v].begin(), pieces_[v].end(),
              [](const Interval* a, const Interval* b) {
                return a->start() < b->start();
              });

  // A value whose definitions all sit in one block it is not live into is
  // stored to its slot once, right after the last of them: every later
  // point where it is live is reached through that store, so moves into its
  // slot there are dropped and spill stores leave loops.
  stored_at_def_.assign(nv_, false);
  for (uint32_t v = 0; v < nv_; v++) {
    if (slot_of_[v] == kInf || last_def_[v] == kInf) continue;
    const uint32_t i = last_def_[v];
    const Interval* def = piece_at(Reg::vreg(v), 2 * i + 1);
    if (!def || !def->reg.valid()) continue;
    split_moves_[i + 1].push_back(
        {Loc::slot(slot_of_[v]), Loc::reg(def->reg), def->cls});
    stored_at_def_[v] = true;
  }
  auto block_of = [&](uint32_t inst) {
    return uint32_t(
        std::upper_bound(block_first_.begin(), block_first_.end(), inst) -
        block_first_.begin() - 1);
  };
  // Whether a move of `v` into `dst` at instruction `at` is covered by the
  // store after its last definition.
  auto redundant = [&](Reg v, Loc dst, uint32_t at) {
    if (!dst.is_slot() || !stored_at_def_[v.vindex()]) return false;
    const uint32_t d = last_def_[v.vindex()];
    return block_of(at) != block_of(d) || at > d;
  };

  // Moves where two pieces of a value meet inside a block.
  for (size_t v = 0; v < nv_; v++) {
    const std::vector<Interval*>& ps = pieces_[v];
    for (size_t k = 1; k < ps.size(); k++) {
      const Interval* a = ps[k - 1];
      const Interval* b = ps[k];
      const uint32_t p = b->start();
      if (a->end() != p || bit_get(block_start_pos_.data(), p)) continue;
      if (p & 1) fatal_invariant("regalloc: split between use and def");
      const Reg r = a->vreg;
      const Loc src =
          a->spilled ? Loc::slot(slot_of_[r.vindex()]) : Loc::reg(a->reg);
      const Loc dst =
          b->spilled ? Loc::slot(slot_of_[r.vindex()]) : Loc::reg(b->reg);
      if (!redundant(r, dst, p / 2))
        split_moves_[p / 2].push_back({dst, src, a->cls});
    }
  }
  // Moves on CFG edges.
  const size_t nw = live_in_.words();
  for (size_t b = 0; b < nb; b++) {
    const VBlock& blk = vc_->blocks[b];
    const uint32_t last = block_first_[b] + uint32_t(blk.insts.size()) - 1;
    const auto& targets = blk.insts.back().targets;
    for (size_t e = 0; e < targets.size(); e++) {
      const uint32_t s = targets[e];
      const uint32_t s_from = block_first_[s] * 2;
      std::vector<PMove>* moves;
      if (num_preds_[s] == 1) {
        moves = &entry_moves_[s];
      } else if (targets.size() == 1) {
        moves = &exit_moves_[b];
      } else {
        fatal_invariant("regalloc: critical edge was not split");
      }
      if (!moves->empty()) fatal_invariant("regalloc: two edges, one place");
      bits_for_each(live_in_.row(s), nw, [&](size_t v) {
        const Reg r = Reg::vreg(uint32_t(v));
        const Loc dst = loc_at(r, s_from);
        if (!redundant(r, dst, last))
          moves->push_back({dst, loc_at(r, last * 2), vc_->reg_class(r)});
      });
      const VBlock& sb = vc_->blocks[s];
      for (size_t k = 0; k < sb.params.size(); k++)
        moves->push_back({loc_at(sb.params[k], s_from),
                          loc_at(blk.edge_args[e][k], last * 2),
                          vc_->reg_class(sb.params[k])});
    }
  }
  // Rewrite operands and splice in the moves.
  for (size_t b = 0; b < nb; b++) {
    VBlock& blk = vc_->blocks[b];
    const size_t n = blk.insts.size();
    // The moves before instruction k are out_[move_start_[k],
    // move_start_[k + 1]); they are spliced in once the block is done.
    out_.clear();
    move_start_.clear();
    for (size_t k = 0; k < n; k++) {
      const uint32_t i = block_first_[b] + uint32_t(k);
      move_start_.push_back(uint32_t(out_.size()));
      // The moves at one point happen in order: entering the block, then
      // pieces meeting, then leaving the block. A block that is only a jmp
      // (e.g. a split critical edge) both enters and leaves at its single
      // instruction, so the moves are composed into one parallel move:
      // concatenated, a reload into a register and the block-argument copy
      // reading that register would run "at once", i.e. out of order.
      // (Composing with an empty parallel move changes nothing.)
      const std::vector<PMove>* moves = nullptr;
      auto then = [&](const std::vector<PMove>& next) {
        if (next.empty()) return;
        if (!moves) {
          moves = &next;
        } else {
          // Alternate between two buffers: the result must not be an input.
          std::vector<PMove>& into =
              moves == &composed_[0] ? composed_[1] : composed_[0];
          compose_parallel_moves_into(*moves, next, into);
          moves = &into;
        }
      };
      if (k == 0) then(entry_moves_[b]);
      then(split_moves_[i]);
      if (k + 1 == n) then(exit_moves_[b]);
      if (moves) {
        const size_t before = out_.size();
        pmoves_.assign(moves->begin(), moves->end());
        sequentialize_parallel_moves_in_place(pmoves_, out_);
        for (size_t m = before; m < out_.size(); m++)
          out_[m].srcloc = blk.insts[k].srcloc;
      }
      for_each_operand(
          blk.insts[k], class_of(), [&](Reg& r, OperandKind kind, Reg) {
            if (!r.is_virt()) return;
            const uint32_t pos = (kind == OperandKind::Def) ? 2 * i + 1 : 2 * i;
            const Interval* p = piece_at(r, pos);
            if (!p || !p->reg.valid())
              fatal_invariant("regalloc: operand without a register");
            r = p->reg;
          });
    }
    const size_t added = out_.size();
    move_start_.push_back(uint32_t(added));
    stats_.num_moves += uint32_t(added);
    if (added != 0) {
      // Widen the block once and move every instruction to its final place,
      // from the back; instruction k goes to k + (moves up to and
      // including its own), so once that count is 0 the rest stays.
      blk.insts.resize(n + added);
      size_t w = n + added;
      for (size_t k = n; k-- > 0;) {
        if (--w == k) break;
        blk.insts[w] = std::move(blk.insts[k]);
        for (size_t m = move_start_[k + 1]; m-- > move_start_[k];)
          blk.insts[--w] = std::move(out_[m]);
      }
    }
    for (Reg& p : blk.params) p = Reg();
    for (auto& args : blk.edge_args) args.clear();
  }
  out_.clear();
  RegMask used = 0;
  for (size_t k = 0; k < pool_used_; k++)
    if (pool_[k]->reg.valid()) used |= mask_of(pool_[k]->reg);
  vc_->frame.callee_saved_used = used & kCalleeSavedGprs;
  stats_.num_intervals = uint32_t(pool_used_);
}

Result<RegAllocStats> Allocator::run(VCode& vc) {
  vc.split_critical_edges();
  if (auto r = vc.verify(); !r) return Error(r.error());
  reset(vc);
  if (auto r = legalize_fixed_operands(); !r) return Error(r.error());
  number_and_liveness();
  num_preds_.assign(vc.blocks.size(), 0);
  for (uint32_t b = 0; b < vc.blocks.size(); b++)
    for (uint32_t s : vc.succs(b)) num_preds_[s]++;
  if (num_preds_[0] != 0)
    return Error(ErrorKind::Internal, "regalloc: entry block has preds");
  bool undefined = false;
  bits_for_each(live_in_.row(0), live_in_.words(),
                [&](size_t) { undefined = true; });
  if (undefined)
    return Error(ErrorKind::Internal,
                 "regalloc: a virtual register is used before any definition");
  build_intervals();
  linear_scan();
  assign_slots();
  resolve_and_rewrite();
  vc.frame.allocated = true;
  return stats_;
}

}  // namespace

Result<RegAllocStats> allocate_registers(VCode& vcode) {
  // One allocator per thread, reused for its buffers (see "Storage").
  thread_local Allocator allocator;
  return allocator.run(vcode);
}

}  // namespace heron::x64
