// Printer of the textual IR. The grammar (parser.cc reads exactly this):
//
//   function %NAME(PARAMS) [-> TYPES] {
//       sigN = (PARAMS) [-> TYPES]          ; callee signatures, in order
//   blockN[(vN: TYPE, ...)]:
//       [@HEX] [vN, ... =] OPCODE[.TYPE] OPERANDS
//   }
//
// PARAMS are types, optionally followed by `vmctx`. `@HEX` is the source
// location (Wasm byte offset, hex). Value and block numbers are the entity
// indices, so parse(print(f)) prints identically. The `.TYPE` suffix is the
// controlling type (result type; operand type for icmp/fcmp; stored type for
// stores); f32const/f64const and untyped instructions have none. Operands
// per format:
//
//   iconst.T N (signed decimal)       f32const 0xBITS    f64const 0xBITS
//   op.T va   op.T va, vb            select.T vc, va, vb
//   icmp.T CC va, vb                 fcmp.T CC va, vb
//   load.T vp[+-OFF]                 store.T vx, vp[+-OFF]
//   heap_load.T [ACCESS] memN vbase, vindex[+OFF]
//   heap_store.T [ACCESS] memN vx, vbase, vindex[+OFF]
//   heap_bounds_check memN vindex, vbound, SIZE
//   jump blockN[(args)]              brif vc, blockN[(args)], blockM[(args)]
//   br_table vi, DEFAULT, [TARGET, ...]
//   return [va, ...]                 trap CODE        trapz|trapnz vc, CODE
//   call fnN sigM(args)              call_indirect sigM vcallee(args)
//   libcall NAME sigM(args)
//
// `;` starts a comment to the end of the line.
#include "ir/printer.h"

#include <fmt/format.h>

namespace heron::ir {
namespace {

std::string vname(Value v) {
  return v.valid() ? fmt::format("v{}", v.index) : std::string("v?");
}

std::string value_list(std::span<const Value> vs) {
  std::string out;
  for (size_t i = 0; i < vs.size(); ++i) {
    if (i) out += ", ";
    out += vname(vs[i]);
  }
  return out;
}

std::string block_call(const Function& f, const BlockCall& c) {
  std::string out = fmt::format("block{}", c.block.index);
  auto args = f.call_args(c);
  if (!args.empty()) out += "(" + value_list(args) + ")";
  return out;
}

std::string signed_offset(int64_t off) {
  if (off == 0) return "";
  if (off < 0) return fmt::format("-{}", -static_cast<uint64_t>(off));
  return fmt::format("+{}", off);
}

std::string signed_imm(Type t, uint64_t bits) {
  if (t == Type::I32) {
    return fmt::format("{}", static_cast<int32_t>(static_cast<uint32_t>(bits)));
  }
  return fmt::format("{}", static_cast<int64_t>(bits));
}

}  // namespace

std::string print_signature(const Signature& sig) {
  std::string out = "(";
  for (size_t i = 0; i < sig.params.size(); ++i) {
    if (i) out += ", ";
    out += type_name(sig.params[i].type);
    if (sig.params[i].purpose == ParamPurpose::VMContext) out += " vmctx";
  }
  out += ")";
  if (!sig.results.empty()) {
    out += " -> ";
    for (size_t i = 0; i < sig.results.size(); ++i) {
      if (i) out += ", ";
      out += type_name(sig.results[i]);
    }
  }
  return out;
}

std::string print_inst(const Function& f, Inst i) {
  const InstData& d = f.inst(i);
  std::string out;
  auto results = f.results(i);
  if (!results.empty()) out += value_list(results) + " = ";
  out += opcode_name(d.opcode);
  if (d.type != Type::Invalid && d.opcode != Opcode::F32const &&
      d.opcode != Opcode::F64const) {
    out += ".";
    out += type_name(d.type);
  }
  auto args = f.args(i);
  auto arg = [&](size_t k) {
    return k < args.size() ? vname(args[k]) : std::string("v?");
  };
  auto calls = f.calls(i);
  switch (opcode_format(d.opcode)) {
    case InstFormat::UnaryImm:
      if (d.opcode == Opcode::Iconst) {
        out += " " + signed_imm(d.type, d.imm);
      } else {
        out += fmt::format(" {:#x}", d.imm);
      }
      break;
    case InstFormat::Unary:
    case InstFormat::Binary:
    case InstFormat::Ternary:
    case InstFormat::MultiAry:
      if (!args.empty()) out += " " + value_list(args);
      break;
    case InstFormat::IntCompare:
      out += fmt::format(" {} {}, {}", intcc_name(static_cast<IntCC>(d.code)),
                         arg(0), arg(1));
      break;
    case InstFormat::FloatCompare:
      out +=
          fmt::format(" {} {}, {}", floatcc_name(static_cast<FloatCC>(d.code)),
                      arg(0), arg(1));
      break;
    case InstFormat::Load:
      out += " " + arg(0) + signed_offset(static_cast<int64_t>(d.imm));
      break;
    case InstFormat::Store:
      out += " " + arg(0) + ", " + arg(1) +
             signed_offset(static_cast<int64_t>(d.imm));
      break;
    case InstFormat::HeapLoad:
    case InstFormat::HeapStore: {
      auto access = mem_access_name(static_cast<MemAccess>(d.code));
      if (!access.empty()) out += fmt::format(" {}", access);
      out += fmt::format(" mem{}", d.aux);
      size_t n = args.size();
      for (size_t k = 0; k < n; ++k) out += (k ? ", " : " ") + arg(k);
      if (d.imm) out += fmt::format("+{}", d.imm);
      break;
    }
    case InstFormat::BoundsCheck:
      out += fmt::format(" mem{} {}, {}, {}", d.aux, arg(0), arg(1), d.imm);
      break;
    case InstFormat::Jump:
      if (!calls.empty()) out += " " + block_call(f, calls[0]);
      break;
    case InstFormat::Brif:
      out += " " + arg(0);
      for (const BlockCall& c : calls) out += ", " + block_call(f, c);
      break;
    case InstFormat::BrTable:
      out += " " + arg(0);
      if (!calls.empty()) {
        out += ", " + block_call(f, calls[0]) + ", [";
        for (size_t k = 1; k < calls.size(); ++k) {
          if (k > 1) out += ", ";
          out += block_call(f, calls[k]);
        }
        out += "]";
      }
      break;
    case InstFormat::Trap:
      out += fmt::format(" {}", trap_code_name(static_cast<TrapCode>(d.code)));
      break;
    case InstFormat::CondTrap:
      out += fmt::format(" {}, {}", arg(0),
                         trap_code_name(static_cast<TrapCode>(d.code)));
      break;
    case InstFormat::Call:
      out += fmt::format(" fn{} sig{}({})", d.imm, d.aux, value_list(args));
      break;
    case InstFormat::CallIndirect:
      out += fmt::format(" sig{} {}({})", d.aux, arg(0),
                         value_list(args.empty() ? args : args.subspan(1)));
      break;
    case InstFormat::LibCallFormat:
      out += fmt::format(" {} sig{}({})",
                         libcall_name(static_cast<LibCall>(d.code)), d.aux,
                         value_list(args));
      break;
  }
  return out;
}

std::string print_function(const Function& f) {
  std::string out =
      fmt::format("function %{}{} {{\n", f.name, print_signature(f.signature));
  for (size_t s = 0; s < f.num_signatures(); ++s) {
    out += fmt::format("    sig{} = {}\n", s,
                       print_signature(f.sig(SigRef(uint32_t(s)))));
  }
  for (Block b = f.first_block(); b.valid(); b = f.next_block(b)) {
    out += fmt::format("block{}", b.index);
    auto params = f.block_params(b);
    if (!params.empty()) {
      out += "(";
      for (size_t k = 0; k < params.size(); ++k) {
        if (k) out += ", ";
        out += fmt::format("{}: {}", vname(params[k]),
                           type_name(f.value_type(params[k])));
      }
      out += ")";
    }
    out += ":\n";
    for (Inst i = f.first_inst(b); i.valid(); i = f.next_inst(i)) {
      out += "    ";
      uint32_t loc = f.inst(i).srcloc;
      if (loc != InstData::kNoSrcLoc) out += fmt::format("@{:04x} ", loc);
      out += print_inst(f, i) + "\n";
    }
  }
  out += "}\n";
  return out;
}

}  // namespace heron::ir
