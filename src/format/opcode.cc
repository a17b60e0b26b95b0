// Lookup tables built once from opcodes.def.
#include "format/opcode.h"

#include <array>
#include <string>
#include <unordered_map>
#include <vector>

namespace heron {
namespace {

constexpr OpcodeInfo kInfo[] = {
#define HERON_OP(e, p, c, t, i) {p, c, t, Imm::i},
#include "format/opcodes.def"
#undef HERON_OP
};
static_assert(sizeof(kInfo) / sizeof(kInfo[0]) == size_t(Opcode::Count_));

struct Tables {
  std::array<int16_t, 256> single;
  std::array<std::vector<int16_t>, 4> prefixed;  // FB, FC, FD, FE
  std::unordered_map<std::string_view, Opcode> by_text;

  Tables() {
    single.fill(-1);
    for (size_t i = 0; i < size_t(Opcode::Count_); ++i) {
      const OpcodeInfo& info = kInfo[i];
      if (info.prefix == 0) {
        single[info.code] = int16_t(i);
      } else {
        auto& v = prefixed[info.prefix - 0xFB];
        if (v.size() <= info.code) v.resize(info.code + 1, -1);
        v[info.code] = int16_t(i);
      }
      by_text.emplace(info.text, Opcode(i));  // keeps the first on collision
    }
  }
};

const Tables& tables() {
  static const Tables t;
  return t;
}

}  // namespace

const OpcodeInfo& opcode_info(Opcode op) { return kInfo[size_t(op)]; }

std::optional<Opcode> opcode_from_binary(uint8_t prefix, uint32_t code) {
  const Tables& t = tables();
  if (prefix == 0) {
    if (code > 0xFF || t.single[code] < 0) return std::nullopt;
    return Opcode(t.single[code]);
  }
  if (!is_prefix_byte(prefix)) return std::nullopt;
  const auto& v = t.prefixed[prefix - 0xFB];
  if (code >= v.size() || v[code] < 0) return std::nullopt;
  return Opcode(v[code]);
}

std::optional<Opcode> opcode_from_text(std::string_view keyword) {
  const Tables& t = tables();
  auto it = t.by_text.find(keyword);
  if (it == t.by_text.end()) return std::nullopt;
  return it->second;
}

}  // namespace heron
