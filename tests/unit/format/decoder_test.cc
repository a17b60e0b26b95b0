// Unit tests of decode_module: every section decoded into Module, the
// testsuite's error messages for malformed layouts, the name section, the
// eight element segment encodings, memory limit flags and rec groups.
#include "format/decoder.h"

#include <gtest/gtest.h>

#include <string>

#include "wasm_bytes.h"

namespace heron {
namespace {

using test::Bytes;
using test::decode;
using test::header;
using test::section;

// The error message of a failed decode, or "ok".
std::string message(const Result<Module>& r) {
  return r.ok() ? "ok" : r.error().message;
}

bool starts_with(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

#define EXPECT_MALFORMED(bytes, prefix)                                 \
  do {                                                                  \
    auto r_ = decode(bytes);                                            \
    ASSERT_FALSE(r_.ok()) << "expected: " << (prefix);                  \
    EXPECT_TRUE(starts_with(r_.error().message, prefix))                \
        << "got: " << r_.error().message << "\nexpected: " << (prefix); \
  } while (0)

// A function type section with one type: () -> ().
Bytes& empty_func_type(Bytes& m) {
  return section(m, 1, Bytes{0x01, 0x60, 0x00, 0x00});
}

TEST(Decoder, Header) {
  EXPECT_MALFORMED(Bytes{}, "unexpected end");
  EXPECT_MALFORMED((Bytes{0x00, 0x61, 0x73}), "unexpected end");
  EXPECT_MALFORMED((Bytes{0x00, 0x61, 0x73, 0x6D}), "unexpected end");
  EXPECT_MALFORMED((Bytes{0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00}),
                   "unexpected end");
  EXPECT_MALFORMED((Bytes{'a', 's', 'm', 0x00}), "magic header not detected");
  EXPECT_MALFORMED((Bytes{0x00, 'A', 'S', 'M', 0x01, 0x00, 0x00, 0x00}),
                   "magic header not detected");
  EXPECT_MALFORMED((Bytes{0x00, 0x61, 0x73, 0x6D, 0x02, 0x00, 0x00, 0x00}),
                   "unknown binary version");
  EXPECT_MALFORMED((Bytes{0x00, 0x61, 0x73, 0x6D, 0x00, 0x00, 0x00, 0x01}),
                   "unknown binary version");
  auto r = decode(header());
  ASSERT_TRUE(r.ok()) << message(r);
  EXPECT_TRUE(r->types.empty());
  EXPECT_TRUE(r->bodies.empty());
}

TEST(Decoder, SectionIds) {
  for (uint8_t id : {0x0E, 0x7F, 0x80, 0xFF}) {
    Bytes m = header();
    m.raw({id, 0x01, 0x00});
    EXPECT_MALFORMED(m, "malformed section id");
  }
}

TEST(Decoder, SectionSizeMismatch) {
  // Declared larger than what the type section uses.
  Bytes a = header();
  a.raw({0x01, 0x05, 0x01, 0x60, 0x00, 0x00, 0x00});
  EXPECT_MALFORMED(a, "section size mismatch");
  // Declared smaller: one type declared, two given.
  Bytes b = header();
  b.raw({0x01, 0x07, 0x01, 0x60, 0x00, 0x00, 0x60, 0x00, 0x00});
  EXPECT_MALFORMED(b, "section size mismatch");
  // Contents read on past the declared size into the next section.
  Bytes c = header();
  c.raw({0x01, 0x03, 0x01, 0x60, 0x00, 0x00, 0x03, 0x01, 0x00});
  EXPECT_MALFORMED(c, "section size mismatch");
  // Size beyond the end of the module.
  Bytes d = header();
  d.raw({0x01, 0x07, 0x02, 0x60, 0x00, 0x00});
  EXPECT_MALFORMED(d, "length out of bounds");
  // Vector count past the end of the module.
  Bytes e = header();
  e.raw({0x04, 0x01, 0x01});
  EXPECT_MALFORMED(e, "unexpected end of section or function");
  Bytes f = header();
  f.raw({0x01, 0x06, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x00});  // huge count
  EXPECT_MALFORMED(f, "length out of bounds");
}

TEST(Decoder, SectionOrder) {
  Bytes dup = header();
  empty_func_type(dup);
  empty_func_type(dup);
  EXPECT_MALFORMED(dup, "unexpected content after last section");

  // Function section after the code section.
  Bytes late = header();
  empty_func_type(late);
  section(late, 10, Bytes{0x01, 0x02, 0x00, 0x0B});
  section(late, 3, Bytes{0x01, 0x00});
  EXPECT_MALFORMED(late, "unexpected content after last section");

  // Data count must come before code.
  Bytes dc = header();
  section(dc, 10, Bytes{0x00});
  section(dc, 12, Bytes{0x00});
  EXPECT_MALFORMED(dc, "unexpected content after last section");

  // Tag (13) sits between memory (5) and global (6).
  Bytes tags = header();
  empty_func_type(tags);
  section(tags, 5, Bytes{0x01, 0x00, 0x01});
  section(tags, 13, Bytes{0x01, 0x00, 0x00});
  section(tags, 6, Bytes{0x01, 0x7F, 0x00, 0x41, 0x00, 0x0B});
  auto ok = decode(tags);
  ASSERT_TRUE(ok.ok()) << message(ok);
  EXPECT_EQ(ok->tags.size(), 1u);
  Bytes bad_tags = header();
  empty_func_type(bad_tags);
  section(bad_tags, 6, Bytes{0x01, 0x7F, 0x00, 0x41, 0x00, 0x0B});
  section(bad_tags, 13, Bytes{0x01, 0x00, 0x00});
  EXPECT_MALFORMED(bad_tags, "unexpected content after last section");

  // Custom sections may appear anywhere, any number of times.
  Bytes customs = header();
  section(customs, 0, Bytes{}.name("a"));
  empty_func_type(customs);
  section(customs, 0, Bytes{}.name("b").raw({1, 2, 3}));
  section(customs, 3, Bytes{0x00});
  section(customs, 0, Bytes{}.name("a"));
  auto c = decode(customs);
  ASSERT_TRUE(c.ok()) << message(c);
  ASSERT_EQ(c->customs.size(), 3u);
  EXPECT_EQ(c->customs[1].name, "b");
  EXPECT_EQ(c->customs[1].payload.size, 3u);
  EXPECT_EQ(c->bytes[c->customs[1].payload.offset], 1);
}

TEST(Decoder, CustomSections) {
  Bytes bad_utf8 = header();
  section(bad_utf8, 0, Bytes{0x02, 0xC0, 0x80});
  EXPECT_MALFORMED(bad_utf8, "malformed UTF-8 encoding");
  // The name runs past the section's declared size.
  Bytes overrun = header();
  overrun.raw({0x00, 0x00, 0x00, 0x05, 0x01, 0x00, 0x07, 0x00, 0x00});
  EXPECT_MALFORMED(overrun, "unexpected end");
  Bytes empty = header();
  empty.raw({0x00, 0x00});
  EXPECT_MALFORMED(empty, "unexpected end");
  // Concatenated modules: the second header reads as a custom section.
  Bytes twice = header();
  twice.raw(header());
  EXPECT_MALFORMED(twice, "length out of bounds");
}

TEST(Decoder, FunctionAndCodeCounts) {
  Bytes no_code = header();
  empty_func_type(no_code);
  section(no_code, 3, Bytes{0x02, 0x00, 0x00});
  EXPECT_MALFORMED(no_code,
                   "function and code section have inconsistent lengths");

  Bytes no_funcs = header();
  section(no_funcs, 10, Bytes{0x01, 0x02, 0x00, 0x0B});
  EXPECT_MALFORMED(no_funcs,
                   "function and code section have inconsistent lengths");

  Bytes more_code = header();
  empty_func_type(more_code);
  section(more_code, 3, Bytes{0x01, 0x00});
  section(more_code, 10, Bytes{0x02, 0x02, 0x00, 0x0B, 0x02, 0x00, 0x0B});
  EXPECT_MALFORMED(more_code,
                   "function and code section have inconsistent lengths");

  Bytes zero = header();
  section(zero, 3, Bytes{0x00});
  section(zero, 10, Bytes{0x00});
  EXPECT_TRUE(decode(zero).ok());
}

TEST(Decoder, DataCount) {
  Bytes fewer = header();
  section(fewer, 12, Bytes{0x03});
  section(fewer, 11, Bytes{0x02, 0x01, 0x00, 0x01, 0x00});
  EXPECT_MALFORMED(fewer,
                   "data count and data section have inconsistent lengths");

  Bytes more = header();
  section(more, 12, Bytes{0x01});
  section(more, 11, Bytes{0x02, 0x01, 0x00, 0x01, 0x00});
  EXPECT_MALFORMED(more,
                   "data count and data section have inconsistent lengths");

  Bytes missing = header();
  section(missing, 5, Bytes{0x01, 0x00, 0x01});
  section(missing, 12, Bytes{0x01});
  EXPECT_MALFORMED(missing,
                   "data count and data section have inconsistent lengths");

  Bytes zero = header();
  section(zero, 12, Bytes{0x00});
  auto r = decode(zero);
  ASSERT_TRUE(r.ok()) << message(r);
  EXPECT_EQ(r->data_count, 0u);
}

TEST(Decoder, Locals) {
  auto body_module = [](const Bytes& body) {
    Bytes m = header();
    empty_func_type(m);
    section(m, 3, Bytes{0x01, 0x00});
    Bytes code{0x01};
    code.u32(body.size()).raw(body);
    section(m, 10, code);
    return m;
  };
  // 0xFFFFFFFF + 2 locals.
  EXPECT_MALFORMED(body_module(Bytes{0x02, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x7F,
                                     0x02, 0x7E, 0x0B}),
                   "too many locals");
  // A count of 2^32.
  EXPECT_MALFORMED(body_module(Bytes{0x02, 0x80, 0x80, 0x80, 0x80, 0x10, 0x7F,
                                     0x02, 0x7E, 0x0B}),
                   "integer too large");
  // The Module refers into `good`, which must outlive it.
  Bytes good =
      body_module(Bytes{0x03, 0x00, 0x7F, 0x00, 0x7E, 0x02, 0x7D, 0x0B});
  auto ok = decode(good);
  ASSERT_TRUE(ok.ok()) << message(ok);
  ASSERT_EQ(ok->bodies.size(), 1u);
  EXPECT_EQ(ok->bodies[0].range.size, 8u);
  EXPECT_EQ(ok->bytes[ok->bodies[0].range.offset], 0x03);
  // A bad local type.
  EXPECT_MALFORMED(body_module(Bytes{0x01, 0x01, 0x40, 0x0B}),
                   "malformed reference type");
}

TEST(Decoder, MissingEndInBody) {
  // Between two functions: the reference decoder reads into the next body
  // and finds its size byte (0x05, `else`) where `end` should be.
  Bytes a = header();
  empty_func_type(a);
  section(a, 3, Bytes{0x02, 0x00, 0x00});
  section(a, 10,
          Bytes{0x02, 0x04, 0x00, 0x41, 0x01, 0x1A, 0x05, 0x00, 0x41, 0x01,
                0x1A, 0x0B});
  EXPECT_MALFORMED(a, "END opcode expected");
  // At the end of the module.
  Bytes b = header();
  empty_func_type(b);
  section(b, 3, Bytes{0x01, 0x00});
  section(b, 10, Bytes{0x01, 0x04, 0x00, 0x41, 0x01, 0x1A});
  EXPECT_MALFORMED(b, "unexpected end of section or function");
  // At the end of the code section, followed by a data section whose id is
  // 0x0b: consumed as the `end`, the section is then too long.
  Bytes c = header();
  empty_func_type(c);
  section(c, 3, Bytes{0x01, 0x00});
  section(c, 10, Bytes{0x01, 0x04, 0x00, 0x41, 0x01, 0x1A});
  c.raw({0x0B, 0x03, 0x01, 0x01, 0x00});
  EXPECT_MALFORMED(c, "section size mismatch");
}

TEST(Decoder, BodyErrorBeforeLaterSectionError) {
  // A body whose memarg offset is over-long runs past its declared size; the
  // reference decoder reports the integer, not the bytes after the body.
  Bytes m = header();
  empty_func_type(m);
  section(m, 3, Bytes{0x01, 0x00});
  section(m, 5, Bytes{0x01, 0x00, 0x01});
  Bytes code{0x01, 0x0F, 0x01, 0x01, 0x7F, 0x41, 0x00, 0x28, 0x02, 0x82, 0x80,
             0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00, 0x1A, 0x0B};
  m.u8(10).u32(0x11).raw(code);
  EXPECT_MALFORMED(m, "integer representation too long");
}

TEST(Decoder, ConstExprErrors) {
  // Missing end: reads into the code section and runs off the module.
  Bytes a = header();
  empty_func_type(a);
  section(a, 3, Bytes{0x01, 0x00});
  a.raw({0x06, 0x05, 0x01, 0x7F, 0x00, 0x41, 0x00});
  section(a, 10, Bytes{0x01, 0x02, 0x00, 0x0B});
  EXPECT_MALFORMED(a, "unexpected end of section or function");
  // Illegal opcode inside an element expression.
  Bytes b = header();
  empty_func_type(b);
  section(b, 3, Bytes{0x01, 0x00});
  section(b, 9, Bytes{0x01, 0x05, 0x70, 0x01, 0xF3, 0x00, 0x0B});
  section(b, 10, Bytes{0x01, 0x02, 0x00, 0x0B});
  EXPECT_MALFORMED(b, "illegal opcode");
  // Over-long constant.
  Bytes c = header();
  section(c, 6,
          Bytes{0x01, 0x7F, 0x00, 0x41, 0x80, 0x80, 0x80, 0x80, 0x70, 0x0B});
  EXPECT_MALFORMED(c, "integer too large");
  // `else` where `end` is expected.
  Bytes d = header();
  section(d, 6, Bytes{0x01, 0x7F, 0x00, 0x41, 0x00, 0x05, 0x0B});
  EXPECT_MALFORMED(d, "END opcode expected");
  // Block-structured instructions are scanned through (the validator
  // rejects them later): the inner `end` does not end the expression.
  Bytes f = header();
  section(f, 6, Bytes{0x01, 0x7F, 0x00, 0x02, 0x7F, 0x41, 0x01, 0x0B, 0x0B});
  auto ok = decode(f);
  ASSERT_TRUE(ok.ok()) << message(ok);
  EXPECT_EQ(ok->globals[0].init.bytes.size, 6u);
}

TEST(Decoder, ImportAndExportKinds) {
  for (uint8_t kind : {0x05, 0x80}) {
    Bytes m = header();
    section(m, 2, Bytes{0x01, 0x00, 0x00, kind});
    EXPECT_MALFORMED(m, "malformed import kind");
  }
  Bytes e = header();
  section(e, 7, Bytes{0x01, 0x01, 'x', 0x05, 0x00});
  EXPECT_MALFORMED(e, "malformed export kind");
  Bytes mut = header();
  section(mut, 2,
          Bytes{}.raw({0x01}).name("m").name("g").raw({0x03, 0x7F, 0x02}));
  EXPECT_MALFORMED(mut, "malformed mutability");
  Bytes tag = header();
  section(tag, 2,
          Bytes{}.raw({0x01}).name("m").name("t").raw({0x04, 0x01, 0x00}));
  EXPECT_MALFORMED(tag, "zero byte expected");
}

// A module that uses every section, checked field by field.
TEST(Decoder, EverySection) {
  Bytes m = header();
  section(
      m, 1,
      Bytes{0x04, 0x60, 0x02, 0x7F, 0x7E, 0x01, 0x7D,  // 0: (i32 i64) -> f32
            0x4E, 0x02,                                // rec of 2
            0x50, 0x00, 0x5F, 0x02, 0x78, 0x01, 0x63, 0x01, 0x00,  // 1: sub
                                                                   // struct
            0x4F, 0x01, 0x01, 0x5F, 0x03, 0x78, 0x01, 0x63, 0x01, 0x00, 0x7C,
            0x00,                // 2: sub final 1 struct
            0x5E, 0x77, 0x01,    // 3: array (mut i16)
            0x60, 0x00, 0x00});  // 4: () -> ()
  section(m, 2,
          Bytes{}
              .raw({0x05})
              .name("env")
              .name("f")
              .raw({0x00, 0x04})
              .name("env")
              .name("t")
              .raw({0x01, 0x70, 0x00, 0x01})
              .name("env")
              .name("m")
              .raw({0x02, 0x03, 0x01, 0x02})
              .name("env")
              .name("g")
              .raw({0x03, 0x7F, 0x00})
              .name("env")
              .name("e")
              .raw({0x04, 0x00, 0x04}));
  section(m, 3, Bytes{0x02, 0x00, 0x04});
  section(m, 4,
          Bytes{0x02, 0x40, 0x00, 0x64, 0x70, 0x00, 0x00, 0xD2, 0x01,
                0x0B,                // (ref func) init
                0x6F, 0x04, 0x05});  // table64 externref
  section(m, 5, Bytes{0x01, 0x05, 0x01, 0x80, 0x80, 0x04});
  section(m, 13, Bytes{0x01, 0x00, 0x04});
  section(m, 6, Bytes{0x01, 0x7E, 0x01, 0x42, 0x2A, 0x0B});
  section(m, 7,
          Bytes{}
              .raw({0x02})
              .name("run")
              .raw({0x00, 0x01})
              .name("mem")
              .raw({0x02, 0x01}));
  section(m, 8, Bytes{0x02});
  section(m, 9, Bytes{0x01, 0x00, 0x41, 0x00, 0x0B, 0x02, 0x01, 0x02});
  section(m, 12, Bytes{0x01});
  section(m, 10,
          Bytes{0x02, 0x09, 0x01, 0x02, 0x7F, 0x43, 0x00, 0x00, 0x80, 0x3F,
                0x0B, 0x02, 0x00, 0x0B});
  section(m, 11, Bytes{0x01, 0x01, 0x02, 'h', 'i'});

  auto r = decode(m);
  ASSERT_TRUE(r.ok()) << message(r) << " at " << r.error().offset;
  const Module& mod = *r;

  ASSERT_EQ(mod.types.size(), 5u);
  ASSERT_EQ(mod.rec_groups.size(), 4u);
  EXPECT_EQ(mod.rec_groups[1].first, 1u);
  EXPECT_EQ(mod.rec_groups[1].count, 2u);
  EXPECT_EQ(mod.types[2].rec_group, 1u);
  EXPECT_EQ(mod.types[3].rec_group, 2u);
  const FuncType& f0 = mod.types[0].composite.func;
  EXPECT_EQ(f0.params, (std::vector<ValType>{ValType::i32(), ValType::i64()}));
  EXPECT_EQ(f0.results, (std::vector<ValType>{ValType::f32()}));
  EXPECT_TRUE(mod.types[0].final);
  EXPECT_FALSE(mod.types[1].final);
  EXPECT_FALSE(mod.types[1].super.has_value());
  EXPECT_EQ(mod.types[1].composite.kind, CompositeKind::Struct);
  ASSERT_EQ(mod.types[1].composite.fields.size(), 2u);
  EXPECT_EQ(mod.types[1].composite.fields[0].storage.packed, Packed::I8);
  EXPECT_TRUE(mod.types[1].composite.fields[0].mut);
  EXPECT_EQ(mod.types[1].composite.fields[1].storage.type,
            ValType::ref(HeapType::concrete(1), true));
  EXPECT_TRUE(mod.types[2].final);
  EXPECT_EQ(mod.types[2].super, 1u);
  EXPECT_EQ(mod.types[2].composite.fields[2].storage.type, ValType::f64());
  EXPECT_EQ(mod.types[3].composite.kind, CompositeKind::Array);
  EXPECT_EQ(mod.types[3].composite.elem.storage.packed, Packed::I16);
  EXPECT_TRUE(mod.types[3].composite.elem.mut);

  ASSERT_EQ(mod.imports.size(), 5u);
  EXPECT_EQ(mod.imports[0].module, "env");
  EXPECT_EQ(mod.imports[0].name, "f");
  EXPECT_EQ(mod.imports[4].kind, ExternKind::Tag);
  EXPECT_EQ(mod.num_imported_funcs, 1u);
  EXPECT_EQ(mod.num_imported_tables, 1u);
  EXPECT_EQ(mod.num_imported_memories, 1u);
  EXPECT_EQ(mod.num_imported_globals, 1u);
  EXPECT_EQ(mod.num_imported_tags, 1u);
  EXPECT_EQ(mod.imports[2].memory.limits.shared, true);
  EXPECT_EQ(mod.imports[2].memory.limits.max, 2u);

  EXPECT_EQ(mod.funcs, (std::vector<uint32_t>{4, 0, 4}));
  ASSERT_EQ(mod.tables.size(), 3u);
  EXPECT_TRUE(mod.tables[0].imported);
  EXPECT_EQ(mod.tables[1].type.elem,
            ValType::ref(HeapType::abstract(HeapKind::Func), false));
  ASSERT_TRUE(mod.tables[1].init.has_value());
  EXPECT_EQ(mod.tables[1].init->bytes.size, 3u);
  EXPECT_FALSE(mod.tables[2].init.has_value());
  EXPECT_EQ(mod.tables[2].type.elem, ValType::externref());
  EXPECT_TRUE(mod.tables[2].type.limits.is64);
  EXPECT_EQ(mod.tables[2].type.limits.min, 5u);

  ASSERT_EQ(mod.memories.size(), 2u);
  EXPECT_TRUE(mod.memories[1].type.limits.is64);
  EXPECT_EQ(mod.memories[1].type.limits.min, 1u);
  EXPECT_EQ(mod.memories[1].type.limits.max, 0x10000u);
  EXPECT_EQ(mod.memories[1].type.page_size_log2, 16u);

  ASSERT_EQ(mod.tags.size(), 2u);
  EXPECT_EQ(mod.tags[1].type.type_index, 4u);
  ASSERT_EQ(mod.globals.size(), 2u);
  EXPECT_TRUE(mod.globals[1].type.mut);
  EXPECT_EQ(mod.globals[1].type.type, ValType::i64());
  EXPECT_EQ(mod.slice(mod.globals[1].init.bytes).size(), 3u);

  ASSERT_EQ(mod.exports.size(), 2u);
  EXPECT_EQ(mod.exports[0].name, "run");
  EXPECT_EQ(mod.exports[1].kind, ExternKind::Memory);
  EXPECT_EQ(mod.start, 2u);

  ASSERT_EQ(mod.elems.size(), 1u);
  EXPECT_EQ(mod.elems[0].func_indices, (std::vector<uint32_t>{1, 2}));
  EXPECT_EQ(mod.data_count, 1u);

  ASSERT_EQ(mod.bodies.size(), 2u);
  EXPECT_EQ(mod.bodies[0].range.size, 9u);
  EXPECT_EQ(mod.bodies[1].range.size, 2u);
  EXPECT_EQ(mod.bytes[mod.bodies[1].range.end() - 1], 0x0B);

  ASSERT_EQ(mod.datas.size(), 1u);
  EXPECT_EQ(mod.datas[0].mode, SegmentMode::Passive);
  auto payload = mod.slice(mod.datas[0].init);
  EXPECT_EQ(std::string(payload.begin(), payload.end()), "hi");
}

TEST(Decoder, ElementEncodings) {
  Bytes m = header();
  empty_func_type(m);
  section(m, 3, Bytes{0x01, 0x00});
  section(m, 4, Bytes{0x02, 0x70, 0x00, 0x01, 0x70, 0x00, 0x01});
  section(
      m, 9,
      Bytes{0x08, 0x00, 0x41, 0x00, 0x0B, 0x01, 0x00,  // 0: active t0, funcs
            0x01, 0x00, 0x02, 0x00, 0x00,              // 1: passive, funcs
            0x02, 0x01, 0x41, 0x01, 0x0B, 0x00, 0x01, 0x00,  // 2: active t1,
                                                             // funcs
            0x03, 0x00, 0x01, 0x00,  // 3: declarative, funcs
            0x04, 0x41, 0x00, 0x0B, 0x02, 0xD2, 0x00, 0x0B, 0xD0, 0x70,
            0x0B,                                // 4
            0x05, 0x6F, 0x01, 0xD0, 0x6F, 0x0B,  // 5: passive exprs
            0x06, 0x01, 0x41, 0x00, 0x0B, 0x70, 0x01, 0xD2, 0x00, 0x0B,  // 6
            0x07, 0x64, 0x70, 0x01, 0xD2, 0x00, 0x0B});  // 7: declarative exprs
  section(m, 10, Bytes{0x01, 0x02, 0x00, 0x0B});
  auto r = decode(m);
  ASSERT_TRUE(r.ok()) << message(r) << " at " << r.error().offset;
  const auto& e = r->elems;
  ASSERT_EQ(e.size(), 8u);
  const ValType ref_func =
      ValType::ref(HeapType::abstract(HeapKind::Func), false);

  EXPECT_EQ(e[0].mode, SegmentMode::Active);
  EXPECT_EQ(e[0].table, 0u);
  EXPECT_EQ(e[0].offset.bytes.size, 3u);
  EXPECT_EQ(e[0].type, ref_func);
  EXPECT_EQ(e[0].func_indices, std::vector<uint32_t>{0});

  EXPECT_EQ(e[1].mode, SegmentMode::Passive);
  EXPECT_EQ(e[1].func_indices, (std::vector<uint32_t>{0, 0}));

  EXPECT_EQ(e[2].mode, SegmentMode::Active);
  EXPECT_EQ(e[2].table, 1u);
  EXPECT_EQ(e[2].type, ref_func);

  EXPECT_EQ(e[3].mode, SegmentMode::Declarative);
  EXPECT_FALSE(e[3].uses_exprs);

  EXPECT_EQ(e[4].mode, SegmentMode::Active);
  EXPECT_TRUE(e[4].uses_exprs);
  EXPECT_EQ(e[4].type, ValType::funcref());
  ASSERT_EQ(e[4].exprs.size(), 2u);
  EXPECT_EQ(e[4].exprs[1].bytes.size, 3u);
  EXPECT_EQ(e[4].count(), 2u);

  EXPECT_EQ(e[5].mode, SegmentMode::Passive);
  EXPECT_EQ(e[5].type, ValType::externref());

  EXPECT_EQ(e[6].mode, SegmentMode::Active);
  EXPECT_EQ(e[6].table, 1u);
  EXPECT_EQ(e[6].type, ValType::funcref());

  EXPECT_EQ(e[7].mode, SegmentMode::Declarative);
  EXPECT_EQ(e[7].type, ref_func);
  EXPECT_TRUE(e[7].uses_exprs);

  Bytes bad_flags = header();
  section(bad_flags, 9, Bytes{0x01, 0x08});
  EXPECT_MALFORMED(bad_flags, "malformed elements segment kind");
  Bytes bad_kind = header();
  section(bad_kind, 9, Bytes{0x01, 0x01, 0x01, 0x00});
  EXPECT_MALFORMED(bad_kind, "malformed element kind");
  Bytes not_ref = header();
  section(not_ref, 9, Bytes{0x01, 0x05, 0x7F, 0x00});
  EXPECT_MALFORMED(not_ref, "malformed reference type");
}

TEST(Decoder, DataSegments) {
  Bytes m = header();
  section(m, 5, Bytes{0x02, 0x00, 0x01, 0x00, 0x01});
  section(
      m, 11,
      Bytes{0x03, 0x00, 0x41, 0x08, 0x0B, 0x01, 'a',         // active memory 0
            0x01, 0x00,                                      // passive, empty
            0x02, 0x01, 0x41, 0x00, 0x0B, 0x02, 'b', 'c'});  // active memory 1
  auto r = decode(m);
  ASSERT_TRUE(r.ok()) << message(r);
  ASSERT_EQ(r->datas.size(), 3u);
  EXPECT_EQ(r->datas[0].mode, SegmentMode::Active);
  EXPECT_EQ(r->datas[0].offset.bytes.size, 3u);
  EXPECT_EQ(r->datas[1].mode, SegmentMode::Passive);
  EXPECT_EQ(r->datas[1].init.size, 0u);
  EXPECT_EQ(r->datas[2].memory, 1u);
  EXPECT_EQ(r->datas[2].init.size, 2u);

  Bytes bad = header();
  section(bad, 11, Bytes{0x01, 0x03});
  EXPECT_MALFORMED(bad, "malformed data segment kind");
  // 7 bytes declared, 6 given at the end of the module.
  Bytes cut = header();
  section(cut, 5, Bytes{0x01, 0x00, 0x01});
  cut.raw({0x0B, 0x0C, 0x01, 0x00, 0x41, 0x03, 0x0B, 0x07, 'a', 'b', 'c', 'd',
           'e', 'f'});
  EXPECT_MALFORMED(cut, "unexpected end of section or function");
}

TEST(Decoder, MemoryLimitFlags) {
  auto memory = [](Bytes type) {
    Bytes m = header();
    Bytes content{0x01};
    content.raw(type);
    section(m, 5, content);
    return decode(m);
  };
  {
    auto r = memory(Bytes{0x00, 0x02});
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->memories[0].type.limits.min, 2u);
    EXPECT_FALSE(r->memories[0].type.limits.max);
  }
  {
    auto r = memory(Bytes{0x03, 0x01, 0x04});  // shared with max
    ASSERT_TRUE(r.ok());
    EXPECT_TRUE(r->memories[0].type.limits.shared);
    EXPECT_EQ(r->memories[0].type.limits.max, 4u);
  }
  {
    // memory64: limits are u64.
    Bytes t{0x05};
    t.u32(uint64_t(1) << 40).u32(uint64_t(1) << 48);
    auto r = memory(t);
    ASSERT_TRUE(r.ok()) << message(r);
    EXPECT_TRUE(r->memories[0].type.limits.is64);
    EXPECT_EQ(r->memories[0].type.limits.min, uint64_t(1) << 40);
    EXPECT_EQ(r->memories[0].type.limits.max, uint64_t(1) << 48);
  }
  {
    auto r = memory(Bytes{0x08, 0x00, 0x00});  // custom page size 1
    ASSERT_TRUE(r.ok()) << message(r);
    EXPECT_EQ(r->memories[0].type.page_size_log2, 0u);
    auto r16 = memory(Bytes{0x09, 0x01, 0x02, 0x10});
    ASSERT_TRUE(r16.ok()) << message(r16);
    EXPECT_EQ(r16->memories[0].type.page_size_log2, 16u);
    EXPECT_EQ(r16->memories[0].type.limits.max, 2u);
  }
  {
    auto r = memory(Bytes{0x08, 0x00, 0x41});  // 2^65
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().message, "invalid custom page size");
    EXPECT_EQ(r.error().kind, ErrorKind::Malformed);
    auto r2 = memory(Bytes{0x08, 0x00, 0x01});  // 2 bytes: encodable, not valid
    ASSERT_FALSE(r2.ok());
    EXPECT_EQ(r2.error().message, "invalid custom page size");
    EXPECT_EQ(r2.error().kind, ErrorKind::Invalid);
  }
  for (Bytes bad :
       {Bytes{0x10, 0x00}, Bytes{0x81, 0x00, 0x00, 0x00}, Bytes{0x08}}) {
    auto r = memory(bad);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().message, "malformed limits flags");
  }
  {
    // u64 limits: an 11-byte LEB is too long, bits above 64 too large.
    auto r = memory(Bytes{0x00, 0x82, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
                          0x80, 0x80, 0x00});
    EXPECT_EQ(message(r), "integer representation too long");
    auto r2 = memory(Bytes{0x00, 0x82, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
                           0x80, 0x70});
    EXPECT_EQ(message(r2), "integer too large");
  }
}

TEST(Decoder, TableLimitFlags) {
  for (uint8_t flags : {0x02, 0x08, 0x81}) {
    Bytes m = header();
    section(m, 4, Bytes{0x01, 0x70, flags, 0x00, 0x00});
    EXPECT_MALFORMED(m, "malformed limits flags");
  }
  Bytes m = header();
  section(m, 4, Bytes{0x01, 0x70, 0x05, 0x00, 0x80, 0x80, 0x80, 0x80, 0x20});
  auto r = decode(m);
  ASSERT_TRUE(r.ok()) << message(r);
  EXPECT_EQ(r->tables[0].type.limits.max, uint64_t(1) << 33);
}

TEST(Decoder, RecGroupsAndSubtypes) {
  Bytes m = header();
  section(m, 1, Bytes{0x03, 0x4E, 0x00,  // empty rec group
                      0x4E, 0x02, 0x50, 0x00, 0x60, 0x00, 0x00,  // 0: sub func
                      0x50, 0x01, 0x00, 0x60, 0x00, 0x00,  // 1: sub 0 func
                      0x5F, 0x01, 0x64, 0x6B, 0x00});  // 2: struct (ref struct)
  auto r = decode(m);
  ASSERT_TRUE(r.ok()) << message(r);
  ASSERT_EQ(r->rec_groups.size(), 3u);
  EXPECT_EQ(r->rec_groups[0].count, 0u);
  EXPECT_EQ(r->rec_groups[1].first, 0u);
  EXPECT_EQ(r->rec_groups[1].count, 2u);
  EXPECT_EQ(r->rec_groups[2].first, 2u);
  ASSERT_EQ(r->types.size(), 3u);
  EXPECT_FALSE(r->types[0].final);
  EXPECT_EQ(r->types[1].super, 0u);
  EXPECT_EQ(r->types[1].rec_group, 1u);
  EXPECT_TRUE(r->types[2].final);
  EXPECT_EQ(r->types[2].composite.fields[0].storage.type,
            ValType::ref(HeapType::abstract(HeapKind::Struct), false));

  Bytes bad_comp = header();
  section(bad_comp, 1, Bytes{0x01, 0x5D});
  EXPECT_MALFORMED(bad_comp, "malformed definition type");
  Bytes bad_storage = header();
  section(bad_storage, 1, Bytes{0x01, 0x5E, 0x76, 0x00});
  EXPECT_MALFORMED(bad_storage, "malformed storage type");
  Bytes bad_mut = header();
  section(bad_mut, 1, Bytes{0x01, 0x5E, 0x78, 0x02});
  EXPECT_MALFORMED(bad_mut, "malformed mutability");
  Bytes bad_heap = header();
  section(bad_heap, 1, Bytes{0x01, 0x60, 0x01, 0x63, 0x60, 0x00});
  EXPECT_MALFORMED(bad_heap, "malformed heap type");
  Bytes two_supers = header();
  section(two_supers, 1, Bytes{0x01, 0x50, 0x02, 0x00, 0x00, 0x60, 0x00, 0x00});
  auto r2 = decode(two_supers);
  ASSERT_FALSE(r2.ok());
  EXPECT_EQ(r2.error().message, "multiple supertypes");
}

TEST(Decoder, NameSection) {
  Bytes names;
  Bytes module_name = Bytes{}.name("mod");
  names.u8(0).u32(module_name.size()).raw(module_name);
  Bytes funcs = Bytes{0x02};
  funcs.u32(0).name("first").u32(1).name("second");
  names.u8(1).u32(funcs.size()).raw(funcs);
  Bytes locals = Bytes{0x01};
  locals.u32(1).raw({0x02}).u32(0).name("x").u32(1).name("y");
  names.u8(2).u32(locals.size()).raw(locals);
  Bytes labels = Bytes{0x00};  // an unused subsection (labels) is skipped
  names.u8(3).u32(labels.size()).raw(labels);

  Bytes m = header();
  empty_func_type(m);
  section(m, 3, Bytes{0x02, 0x00, 0x00});
  section(m, 10, Bytes{0x02, 0x02, 0x00, 0x0B, 0x02, 0x00, 0x0B});
  section(m, 0, Bytes{}.name("name").raw(names));
  auto r = decode(m);
  ASSERT_TRUE(r.ok()) << message(r);
  EXPECT_EQ(r->names.module_name, "mod");
  EXPECT_EQ(r->names.functions.at(0), "first");
  EXPECT_EQ(r->names.functions.at(1), "second");
  EXPECT_EQ(r->names.locals.at(1).at(0), "x");
  EXPECT_EQ(r->names.locals.at(1).at(1), "y");
  ASSERT_EQ(r->customs.size(), 1u);
  EXPECT_EQ(r->customs[0].name, "name");

  // Malformed name sections are ignored: truncated subsection, bad UTF-8,
  // subsections out of order.
  for (Bytes bad :
       {Bytes{0x01, 0x05, 0x01, 0x00}, Bytes{0x00, 0x03, 0x02, 0xC0, 0x80},
        Bytes{0x01, 0x01, 0x00, 0x00, 0x01, 0x00}}) {
    Bytes b = header();
    section(b, 0, Bytes{}.name("name").raw(bad));
    auto rb = decode(b);
    ASSERT_TRUE(rb.ok()) << message(rb);
    EXPECT_FALSE(rb->names.module_name.has_value());
    EXPECT_TRUE(rb->names.functions.empty());
  }
}

TEST(Decoder, TableWithInitializer) {
  Bytes bad_zero = header();
  section(bad_zero, 4,
          Bytes{0x01, 0x40, 0x01, 0x70, 0x00, 0x00, 0xD0, 0x70, 0x0B});
  EXPECT_MALFORMED(bad_zero, "malformed reference type");
  Bytes bad_expr = header();
  section(bad_expr, 4, Bytes{0x01, 0x40, 0x00, 0x70, 0x00, 0x00, 0xF3, 0x0B});
  EXPECT_MALFORMED(bad_expr, "malformed reference type");
}

TEST(Decoder, NeverReadsOutOfBounds) {
  // Every prefix of a valid module fails cleanly (or decodes, for prefixes
  // that end on a section boundary).
  Bytes m = header();
  empty_func_type(m);
  section(m, 3, Bytes{0x01, 0x00});
  section(m, 6, Bytes{0x01, 0x7F, 0x00, 0x41, 0x00, 0x0B});
  section(m, 7, Bytes{}.raw({0x01}).name("f").raw({0x00, 0x00}));
  section(m, 10, Bytes{0x01, 0x04, 0x01, 0x01, 0x7F, 0x0B});
  section(m, 11, Bytes{0x01, 0x01, 0x02, 'h', 'i'});
  for (size_t n = 0; n < m.size(); ++n) {
    std::vector<uint8_t> prefix(m.v.begin(), m.v.begin() + n);
    auto r = decode_module(prefix);
    if (!r.ok()) {
      EXPECT_LE(r.error().offset, n);
    }
  }
  EXPECT_TRUE(decode(m).ok());
}

}  // namespace
}  // namespace heron
