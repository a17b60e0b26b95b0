// WatParser: the WAT module parser and binary encoder behind
// parse_wat_module (script.h). Internal to src/text; split over three files
// by concern: wat_parser.cc (tokens, index spaces, module fields, binary
// assembly), wat_types.cc (value/heap/composite types, type uses) and
// wat_instr.cc (instructions and constant expressions).
//
// It works in two passes over the token vector. The first pass walks the
// module fields without entering them: it gives every definition its index
// (imports first, then definitions, in text order), records the `$id` names
// of all index spaces and parses the type definitions, so that any reference
// can be resolved when the second pass parses the fields in order and emits
// their bytes. Implicit function types (type uses without `(type x)`) are
// appended to the type section in the order the second pass meets them.
//
// Errors are sticky, as in BinaryReader: the first one is recorded, every
// later token read yields Eof so that all loops end, and run() returns it.
//
// Annotations (wat_parser.cc, "Annotations"): the lexer hands over every
// top-level `(@id ...)` with the index of the token it precedes; three of
// them mean something here, as in the reference interpreter's custom handlers,
// and all others are ignored:
//   (@custom "name" place? "bytes"*)   at module level: a custom section,
//       place = (before|after section) | (before first) | (after last)
//   (@name "str")   right after a binder (`func $f?`, `param $x`, the
//       module's `module $m?`...): that entity's name in the name section
//   (@metadata.code.branch_hint "\00"|"\01")   in a function, before an
//       `if` or `br_if` (plain or folded): an entry of the
//       metadata.code.branch_hint section, placed before the code section
// Their errors are kept apart from the grammar's: a module with both
// reports the grammar error first (the reference interpreter parses
// annotations after the module), malformed annotations before invalid ones.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "format/features.h"
#include "format/module.h"
#include "format/opcode.h"
#include "format/types.h"
#include "heron/error.h"
#include "text/encoder.h"
#include "text/lexer.h"

namespace heron::text {

// One index space (functions, tables, ...): its size so far and its names.
struct IndexSpace {
  IndexSpace(const char* dup, const char* unknown)
      : dup_word(dup), unknown_word(unknown) {}
  const char* dup_word;      // "func" as in "duplicate func"
  const char* unknown_word;  // "function" as in "unknown function"
  uint32_t count = 0;
  std::unordered_map<std::string, uint32_t> names;
};

// A type definition as written (supertypes are kept as a list, since the
// text may name several and only the validator rejects that).
struct TypeDef {
  CompositeKind kind = CompositeKind::Func;
  FuncType func;
  std::vector<FieldType> fields;  // Struct
  FieldType elem;                 // Array
  bool final = true;
  std::vector<uint32_t> supers;
  std::unordered_map<std::string, uint32_t> field_names;
};

struct RecGroupDef {
  uint32_t first = 0;
  uint32_t count = 0;
  bool explicit_rec = false;  // written as `(rec ...)`
};

// `(type x)? (param ...)* (result ...)*` as written.
struct TypeUse {
  bool has_index = false;
  uint32_t index = 0;
  Token index_token;
  bool has_inline = false;
  FuncType inline_type;
  std::vector<std::string> param_names;  // one per inline param, "" if none
  // One per inline param: the token index just past its `$id` (where an
  // `(@name ...)` for it stands), kNoBinder if it has none.
  std::vector<size_t> param_binders;
  static constexpr size_t kNoBinder = size_t(-1);
};

// What an `(@name ...)` annotation names, by the subsection of the name
// section that holds it.
enum class NameKind : uint8_t {
  Module = 0,
  Func = 1,
  Local = 2,
  Type = 4,
  Table = 5,
  Memory = 6,
  Global = 7,
  Elem = 8,
  Data = 9,
  Tag = 11,
};

// A place where an `(@name ...)` may stand: just past a binder.
struct NameBinder {
  NameKind kind = NameKind::Module;
  uint32_t index = 0;  // in its index space; for Local, the local's index
  uint32_t func = 0;   // Local: the function
};

// A `(@metadata.code.branch_hint ...)` of one function, as written.
struct HintAnnotation {
  size_t before = 0;  // token index it precedes
  uint8_t value = 0;
  Token at;
};

// A custom section to emit, with where it goes: `rank` orders the slots
// between sections (2 * section order, +1 for "after"); `order` (a source
// offset) keeps text order within a slot.
struct PlacedCustom {
  uint32_t rank = 0;
  uint32_t order = 0;
  std::string name;
  std::vector<uint8_t> content;
};

// Name scopes of one function body or constant expression.
struct BodyScope {
  std::unordered_map<std::string, uint32_t> locals;
  std::vector<std::string> labels;  // innermost last; "" when unnamed
};

enum class FieldKind : uint8_t {
  Type,
  Rec,
  Import,
  Func,
  Table,
  Memory,
  Global,
  Tag,
  Export,
  Start,
  Elem,
  Data,
};

class WatParser {
 public:
  WatParser(std::string_view source, const Features& features)
      : src_(source), features_(features) {}
  Result<std::vector<uint8_t>> run();

 private:
  // ---- Tokens (wat_parser.cc)
  const Token& peek(size_t k = 0) const {
    if (err_ || pos_ + k >= toks_.size()) return eof_;
    return toks_[pos_ + k];
  }
  Token next() {
    const Token& t = peek();
    if (!err_ && pos_ < toks_.size()) ++pos_;
    return t;
  }
  bool ok() const { return !err_.has_value(); }
  bool peek_kw(std::string_view kw, size_t k = 0) const {
    const Token& t = peek(k);
    return t.kind == TokenKind::Keyword && t.text == kw;
  }
  bool peek_lparen_kw(std::string_view kw) const {
    return peek().kind == TokenKind::LParen && peek_kw(kw, 1);
  }
  bool peek_index() const {
    TokenKind k = peek().kind;
    return k == TokenKind::Nat || k == TokenKind::Id;
  }
  bool at_close() const {
    TokenKind k = peek().kind;
    return k == TokenKind::RParen || k == TokenKind::Eof;
  }
  void fail(const Token& at, std::string message);
  // "unknown operator" for reserved tokens and keywords that mean nothing,
  // "unexpected token" for anything else out of place.
  void fail_unexpected(const Token& tok);
  void expect_lparen();
  void expect_rparen();
  void expect_kw(std::string_view kw);
  std::string id_name(const Token& tok);
  std::optional<std::string> take_opt_id();
  std::string take_string();  // decoded bytes
  std::string take_name();    // decoded and checked to be UTF-8
  uint32_t take_u32();
  uint64_t take_u64(const char* range_message);
  static bool is_known_keyword(std::string_view kw);

  // ---- Index spaces (wat_parser.cc)
  void declare(IndexSpace& space, const std::optional<std::string>& id,
               const Token& at);
  uint32_t resolve(IndexSpace& space, const Token& tok);
  uint32_t take_index(IndexSpace& space);
  uint32_t take_opt_index(IndexSpace& space) {
    return peek_index() ? take_index(space) : 0;
  }

  // ---- Pass 1 (wat_parser.cc)
  void scan_fields(size_t begin, size_t end);
  void scan_import_after(const Token& at);
  void note_definition(const char* what);
  bool field_has_child(size_t field_pos, std::string_view kw) const;

  // ---- Pass 2: module fields (wat_parser.cc)
  void parse_field(FieldKind kind);
  void parse_inline_exports(ExternKind kind, uint32_t index);
  bool parse_inline_import(std::string* module, std::string* name);
  void parse_import();
  void parse_func();
  void parse_table();
  void parse_memory();
  void parse_global();
  void parse_tag();
  void parse_export();
  void parse_start();
  void parse_elem();
  void parse_data();
  void parse_func_body(const TypeUse& use, uint32_t type_index,
                       uint32_t func_index, ByteWriter& body);
  // Records where an `(@name ...)` may name something (see NameBinder).
  void add_binder(size_t pos, NameKind kind, uint32_t index,
                  uint32_t func = 0) {
    binders_.emplace(pos, NameBinder{kind, index, func});
  }
  // addrtype? limits for tables/memories; `is64` from the address type.
  Limits parse_limits(bool is64);
  TableType parse_tabletype();
  MemoryType parse_memtype();
  GlobalType parse_globaltype();
  void write_limits(ByteWriter& w, const Limits& l,
                    std::optional<uint32_t> page_log2);
  void write_tabletype(ByteWriter& w, const TableType& t);
  void write_memtype(ByteWriter& w, const MemoryType& m, bool custom_page);
  void write_globaltype(ByteWriter& w, const GlobalType& g);
  // The element list of a segment: `func x*`, `reftype item*`, or (for the
  // abbreviated active form) `x*`; sets its kind, type and length.
  void parse_elem_list(ByteWriter& items, bool* uses_exprs, ValType* type,
                       uint32_t* count, bool allow_bare_indices);
  void parse_offset(ByteWriter& expr);
  void add_export(std::string name, ExternKind kind, uint32_t index);
  std::vector<uint8_t> assemble();
  void write_name_section(ByteWriter& out);

  // ---- Annotations (wat_parser.cc)
  void annot_fail(const Token& at, std::string message,
                  ErrorKind kind = ErrorKind::Malformed);
  // The index in fields_ of the field whose parentheses enclose token index
  // `before`, or fields_.size().
  size_t enclosing_field(size_t before) const;
  // After pass 1: @custom and @metadata.code.branch_hint.
  void read_annotations();
  void read_custom_annotation(const Annotation& a);
  void read_branch_hint_annotation(const Annotation& a);
  // After pass 2, when every binder is known: @name.
  void read_name_annotations();
  // At the start of an instruction (token index `start`, keyword `kw`) in a
  // function body: the branch hint written before it, if any.
  std::optional<uint8_t> take_branch_hint(size_t start, const Token& kw);
  // The instruction whose hint is `hint` has its opcode at out.size().
  void note_branch_hint(const ByteWriter& out, std::optional<uint8_t> hint);

  // ---- Types (wat_types.cc)
  ValType take_valtype();
  HeapType take_heaptype();
  ValType take_reftype();
  StorageType take_storagetype();
  FieldType take_fieldtype();
  void parse_type_def(TypeDef& def);
  void parse_type_field();
  void parse_rec_field();
  TypeUse parse_typeuse(bool allow_names);
  uint32_t resolve_typeuse(const TypeUse& use);
  uint32_t implicit_func_type(const FuncType& type);
  static std::string func_type_key(const FuncType& type);
  void write_valtype(ByteWriter& w, const ValType& t) const;
  void write_heaptype(ByteWriter& w, const HeapType& h) const;
  void write_types(ByteWriter& section) const;

  // ---- Instructions (wat_instr.cc)
  void parse_instrs(ByteWriter& out, BodyScope& scope);
  void parse_plain(ByteWriter& out, BodyScope& scope);
  void parse_folded(ByteWriter& out, BodyScope& scope);
  void parse_block_plain(const Token& kw, ByteWriter& out, BodyScope& scope);
  // `hint`: the branch hint written before a folded `if`, if any.
  void parse_block_folded(const Token& kw, ByteWriter& out, BodyScope& scope,
                          std::optional<uint8_t> hint);
  void parse_blocktype(ByteWriter& out);
  void parse_catch_clauses(ByteWriter& out, BodyScope& scope);
  void check_end_label(const std::string& label);
  void parse_op(const Token& kw, ByteWriter& out, BodyScope& scope);
  uint32_t take_label(BodyScope& scope);
  uint32_t take_local(BodyScope& scope);
  uint32_t take_field(uint32_t type_index);
  void parse_memarg(const Token& kw, ByteWriter& out, bool has_lane);
  void parse_v128_const(ByteWriter& out);
  void parse_shuffle(ByteWriter& out);
  uint8_t take_lane();
  void parse_const_expr(ByteWriter& out);

  // Nesting of folded instructions and blocks is recursion here; past this
  // depth the parser stops rather than exhausting the native stack.
  static constexpr uint32_t kMaxNesting = 3000;
  bool enter_nesting(const Token& at);
  void leave_nesting() { --nesting_; }
  uint32_t nesting_ = 0;

  std::string_view src_;
  Features features_;
  std::vector<Token> toks_;
  std::vector<size_t> close_;  // for each '(' token, the index of its ')'
  size_t pos_ = 0;
  Token eof_;
  std::optional<Error> err_;
  // First malformed / invalid annotation (reported after err_).
  std::optional<Error> annot_malformed_, annot_invalid_;
  std::vector<Annotation> annots_;

  // Pass 1 results.
  struct FieldRef {
    FieldKind kind;
    size_t pos;
    bool import = false;  // func/table/...: `(import ...)` inline
  };
  std::vector<FieldRef> fields_;
  const char* first_definition_ = nullptr;  // for "import after ..."
  std::optional<std::string> module_name_;

  IndexSpace type_space_{"type", "type"};
  IndexSpace funcs_{"func", "function"};
  IndexSpace tables_{"table", "table"};
  IndexSpace memories_{"memory", "memory"};
  IndexSpace globals_{"global", "global"};
  IndexSpace tags_{"tag", "tag"};
  IndexSpace elems_{"elem", "elem segment"};
  IndexSpace datas_{"data", "data segment"};

  std::vector<TypeDef> types_;
  std::vector<RecGroupDef> rec_groups_;
  // Implicit type uses: key of a plain final func type -> its index.
  std::unordered_map<std::string, uint32_t> func_type_index_;

  // Pass 2 outputs, per section.
  ByteWriter imports_, tables_out_, memories_out_, tags_out_, globals_out_,
      exports_out_, elems_out_, datas_out_;
  uint32_t n_imports_ = 0, n_tables_ = 0, n_memories_ = 0, n_tags_ = 0,
           n_globals_ = 0, n_exports_ = 0, n_elems_ = 0, n_datas_ = 0;
  std::vector<uint32_t> func_types_;  // defined functions
  std::vector<ByteWriter> bodies_;
  std::optional<uint32_t> start_;
  bool uses_data_index_ = false;
  // Index of the next definition of each kind, in text order.
  uint32_t next_func_ = 0, next_table_ = 0, next_memory_ = 0, next_global_ = 0,
           next_tag_ = 0;

  // Local names for the name section, per function index.
  std::vector<
      std::pair<uint32_t, std::vector<std::pair<uint32_t, std::string>>>>
      local_names_;

  // Annotations.
  size_t module_binder_ = 0;  // token index just past `(module $id?`
  std::unordered_map<size_t, NameBinder> binders_;  // by token index
  std::optional<std::string> module_annot_name_;
  // (@name ...) names by kind (Module and Local aside), index -> name.
  std::unordered_map<uint8_t, std::unordered_map<uint32_t, std::string>>
      annot_names_;
  std::unordered_map<uint32_t, std::unordered_map<uint32_t, std::string>>
      annot_local_names_;
  uint32_t first_name_annot_ = UINT32_MAX;  // source offset, for placement
  std::vector<PlacedCustom> customs_;
  // Branch hints by the token index of their function field, the ones of
  // the function being parsed, and the section's entries so far.
  std::unordered_map<size_t, std::vector<HintAnnotation>> hint_annots_;
  const std::vector<HintAnnotation>* cur_hints_ = nullptr;
  size_t hint_cursor_ = 0;
  const ByteWriter* body_ = nullptr;  // the function body being written
  std::vector<std::pair<uint32_t, uint8_t>> cur_func_hints_;  // offset, hint
  ByteWriter branch_hints_out_;
  uint32_t n_hinted_funcs_ = 0;
  uint32_t first_hint_annot_ = UINT32_MAX;  // source offset, for placement
};

}  // namespace heron::text
