// robust_test.cc - hostile input: sizes that wrap, headers that ask for more than
// a file holds, YAML that nests without end, names that do not round-trip,
// counters that cannot hold a result. Each case goes through a public API or the
// eyesim binary and checks the one-line message and the exit status.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "test_util.h"

extern "C" {
#include "mapper/mapper_int.h"
#include "sim/base/ey_checked.h"
#include "sim/base/json.h"
#include "sim/config/mapfile.h"
#include "sim/engine/data.h"
#include "traces/actrace.h"
#include "traces/npy.h"
#include "traces/rlc.h"
}

using eytest::Eyesim;
using eytest::FileExists;
using eytest::ReadFile;
using eytest::TempDir;
using eytest::WriteFile;

namespace {

const char *kTiny = "eyeriss_v1 tests/data/tiny.yaml";

std::string Le64(uint64_t w) {
  std::string s(8, '\0');
  for (int b = 0; b < 8; b++) s[b] = (char)(w >> (8 * b));
  return s;
}

// A plain (uncompressed) trace of one tensor with a header of our choosing.
std::string Trace(const std::string &header, const std::string &words) {
  return std::string(EY_ACT_MAGIC "\n") + header + "\n" + words + "end\n";
}

std::string ActError(const std::string &path) {
  ey_act_trace tr;
  ey_err err;
  err.msg[0] = '\0';
  ey_rc rc = ey_act_load(path.c_str(), &tr, &err);
  ey_act_free(&tr);
  if (rc != EY_OK) {
    EXPECT_EQ(rc, EY_SYNTAX) << err.msg;
  }
  return rc == EY_OK ? "" : err.msg;
}

// ---------------------------------------------------------------- activation traces

TEST(RobustActTrace, AShapeOf2To63ValuesIsRefusedByEveryCommand) {
  TempDir t;
  // N*C*H*W = 2^16 * 2^16 * 2^16 * 2^15 = 2^63: the buffer size wrapped to 0.
  std::string f = t.File("wrap.trace");
  WriteFile(f, Trace("tensor conv1.ifmap 65536 65536 65536 32768 16 1", Le64(1ull << 63 | 5)));
  const std::string want = "eyesim: " + f +
                           ": tensor conv1.ifmap: shape (65536, 65536, 65536, 32768): expected at "
                           "most 4294967296 values (got 9223372036854775808)\n";
  for (std::string cmd :
       {"trace stats " + f, "trace decode " + f + " --layer conv1 -o " + t.File("o.npy"),
        std::string("run ") + kTiny + " -q --activations " + f}) {
    SCOPED_TRACE(cmd);
    auto r = Eyesim(cmd);
    EXPECT_EQ(r.status, 1);
    EXPECT_EQ(r.err, want);
  }
}

TEST(RobustActTrace, AProductThatWrapsToZeroIsNotAnEmptyTensor) {
  TempDir t;
  std::string f = t.File("zero.trace");
  WriteFile(f, Trace("tensor a.ifmap 65536 65536 65536 65536 16 1", Le64(1ull << 63)));
  EXPECT_EQ(ActError(f), f + ": tensor a.ifmap: shape (65536, 65536, 65536, 65536): expected at "
                             "most 4294967296 values (got more than 2^64)");
  auto r = Eyesim("trace stats " + f);
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.out, "");
}

TEST(RobustActTrace, AHeaderCannotAskForMoreThanTheFileHolds) {
  TempDir t;
  // 100 bytes asking for 2^41 words (16 TiB) before any data is read.
  std::string f = t.File("big.trace");
  WriteFile(f, Trace("tensor a.ifmap 1024 1024 1024 4 16 2199023255552", ""));
  EXPECT_LT(ReadFile(f).size(), 100u);
  EXPECT_EQ(ActError(f), f + ": tensor a.ifmap: expected 44739243 to 1431655766 RLC words for its "
                             "4294967296 values (got 2199023255552)");
  // Within the range the code allows, the words must still be there: the reader
  // grows its buffer as they arrive, so this costs no 11 GiB.
  WriteFile(f, Trace("tensor a.ifmap 1024 1024 1024 4 16 1431655766", Le64(0)));
  EXPECT_EQ(ActError(f),
            f + ": tensor a.ifmap: expected 1431655766 words (got 1: the file is truncated)");
  // More words than values can use, and fewer than they need.
  WriteFile(f, Trace("tensor a.ifmap 1 1 2 3 16 3", Le64(0) + Le64(0) + Le64(1ull << 63)));
  EXPECT_EQ(ActError(f),
            f + ": tensor a.ifmap: expected 1 to 2 RLC words for its 6 values (got 3)");
  WriteFile(f, Trace("tensor a.ifmap 1 1 10 10 16 1", Le64(1ull << 63)));
  EXPECT_EQ(ActError(f),
            f + ": tensor a.ifmap: expected 2 to 34 RLC words for its 100 values (got 1)");
}

TEST(RobustActTrace, HeaderNumbersAreDigitsThatFit) {
  TempDir t;
  std::string f = t.File("h.trace");
  for (const char *h : {"tensor a 1 1 1 -1 16 1", "tensor a 1 1 1 4294967297 16 1",
                        "tensor a 1 1 1 1 16 18446744073709551617", "tensor a 1 1 1 1x 16 1",
                        "tensor a 1 1 1 2147483648 16 1", "tensor 1 1 1 1 16 1"}) {
    SCOPED_TRACE(h);
    WriteFile(f, Trace(h, Le64(1ull << 63 | 32)));
    EXPECT_EQ(ActError(f), f + ": offset 27: expected 'tensor NAME N C H W BITS WORDS' (got '" +
                               std::string(h) + "')");
  }
}

TEST(RobustActTrace, NamesWithSpacesRoundTripAndANewlineIsRefused) {
  TempDir t;
  FILE *f = fopen(t.File("s.gz").c_str(), "wb");
  ASSERT_NE(f, nullptr);
  ey_act_writer *w = ey_act_writer_open(f);
  const int shape[4] = {1, 1, 2, 2};
  const int16_t v[4] = {0, 3, 0, -4};
  EXPECT_EQ(ey_act_writer_add(w, "conv 1 2 3.ifmap", shape, v), EY_OK);
  EXPECT_EQ(ey_act_writer_add(w, "bad\nname", shape, v), EY_MISUSE);
  EXPECT_EQ(ey_act_writer_add(w, "", shape, v), EY_MISUSE);
  const int huge[4] = {65536, 65536, 65536, 65536};
  EXPECT_EQ(ey_act_writer_add(w, "huge", huge, v), EY_MISUSE);
  ASSERT_EQ(ey_act_writer_close(w), EY_OK);
  fclose(f);
  ey_act_trace tr;
  ey_err err;
  ASSERT_EQ(ey_act_load(t.File("s.gz").c_str(), &tr, &err), EY_OK) << err.msg;
  ASSERT_EQ(tr.n, 1);
  const ey_act_tensor *x = ey_act_find(&tr, "conv 1 2 3.ifmap");
  ASSERT_NE(x, nullptr);
  EXPECT_EQ(x->shape[3], 2);
  int16_t back[4];
  ASSERT_EQ(ey_act_decode(&tr, x, back, &err), EY_OK) << err.msg;
  EXPECT_EQ(std::memcmp(back, v, sizeof v), 0);
  EXPECT_EQ(ey_act_find(&tr, "conv"), nullptr);
  ey_act_free(&tr);
}

TEST(RobustActTrace, ManyTensorsAndADuplicateFarDown) {
  TempDir t;
  std::string body;
  for (int i = 0; i < 3000; i++)
    body += "tensor t" + std::to_string(i) + " 1 1 1 1 16 1\n" + Le64(1ull << 63 | 7ull << 5);
  body += "tensor t17 1 1 1 1 16 1\n" + Le64(1ull << 63 | 7ull << 5);
  WriteFile(t.File("m.trace"), std::string(EY_ACT_MAGIC "\n") + body + "end\n");
  EXPECT_EQ(ActError(t.File("m.trace")),
            t.File("m.trace") + ": tensor t17: each tensor once (got it twice)");
}

TEST(RobustRlc, DecodingWithoutOutputChecksTheSameStream) {
  std::vector<int16_t> v = {0, 0, 12, 0, 0, 0, 0, 53, 0, 0, 22};
  std::vector<uint64_t> w(ey_rlc_words(v.data(), v.size()));
  ey_rlc_encode(v.data(), v.size(), w.data());
  ey_err err;
  EXPECT_EQ(ey_rlc_decode(w.data(), w.size(), nullptr, v.size(), &err), EY_OK);
  EXPECT_EQ(ey_rlc_decode(w.data(), w.size(), nullptr, 10, &err), EY_SYNTAX);
  EXPECT_STREQ(err.msg, "word 0: a run of 2 zeros overflows the tensor's 10 values");
}

// ---------------------------------------------------------------- .npy

std::string NpyHeader(const std::string &dict) {
  std::string d = dict + std::string(128 - 10 - dict.size() - 1, ' ') + "\n";
  return std::string("\x93NUMPY\x01\x00", 8) + std::string(1, (char)d.size()) +
         std::string(1, '\0') + d;
}

std::string NpyError(const std::string &bytes, ey_rc want = EY_SYNTAX) {
  TempDir t;
  WriteFile(t.File("x.npy"), bytes);
  ey_npy a;
  ey_err err;
  ey_rc rc = ey_npy_read(t.File("x.npy").c_str(), 1.0, &a, &err);
  ey_npy_free(&a);
  if (rc == EY_OK) return "";
  EXPECT_EQ(rc, want) << err.msg;
  std::string m = err.msg;
  return m.substr(m.find(": ") + 2);  // without the temporary path
}

TEST(RobustNpy, TheShapesProductIsCheckedAndTheDataMustBeThere) {
  // Each dimension is in range; their product is 65535^4, 2^64 less a little.
  EXPECT_EQ(
      NpyError(NpyHeader(
          "{'descr': '<i2', 'fortran_order': False, 'shape': (65535, 65535, 65535, 65535), }")),
      "offset 10: shape: expected at most 4294967296 values (got 18445618199572250625)");
  EXPECT_EQ(
      NpyError(NpyHeader("{'descr': '<i2', 'fortran_order': False, 'shape': (65536, 65535), }")),
      "offset 10: shape: expected 1 to 4 dimensions of 1 to 65535 (got (65536, 65535))");
  // Within the limit but not in the file: refused before 16 GiB are allocated.
  EXPECT_EQ(
      NpyError(NpyHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (65535, 65535), }") +
               "abcdef"),
      "offset 132: expected 4294836225 values (got 1: the file is truncated)");
}

TEST(RobustNpy, AHeaderEndingAfterShapeIsNotReadPast) {
  // The dict ends right after 'shape': (the byte after it is the header's end).
  std::string dict = "{'descr': '<i2', 'fortran_order': False, 'shape':";
  std::string bytes = std::string("\x93NUMPY\x01\x00", 8) + std::string(1, (char)dict.size()) +
                      std::string(1, '\0') + dict;
  EXPECT_EQ(NpyError(bytes),
            "offset 10: shape: expected 1 to 4 dimensions of 1 to 65535 (got "
            "nothing)");
}

TEST(RobustNpy, ShapesAreTuplesOfIntegers) {
  for (const char *shape :
       {"(2, x3)", "(2 3)", "2, 3", "(2, 3", "(-2,)", "(0,)", "(2,,)", "(2, 3.5)", "(+2,)", "()"}) {
    SCOPED_TRACE(shape);
    std::string m = NpyError(NpyHeader(
        std::string("{'descr': '<i2', 'fortran_order': False, 'shape': ") + shape + ", }"));
    EXPECT_EQ(m.rfind("offset 10: shape: expected 1 to 4 dimensions", 0), 0u) << m;
  }
  EXPECT_EQ(
      NpyError(NpyHeader("{'descr': '<i2', 'fortran_order': False, 'shape': (1, 1, 1, 1, 1), }")),
      "offset 10: shape: expected 1 to 4 dimensions (got more: (1, 1, 1, 1, 1))");
  // What numpy writes reads: spaces, a trailing comma for one dimension.
  std::string ok = NpyHeader("{'descr': '<i2', 'fortran_order': False, 'shape': ( 2 , 1 ), }");
  EXPECT_EQ(NpyError(ok + "abcd"), "");
  EXPECT_EQ(
      NpyError(NpyHeader("{'descr': '<i2', 'fortran_order': False, 'shape': (2,), }") + "abcd"),
      "");
}

// ---------------------------------------------------------------- tensors of a layer

TEST(RobustTensors, LayersInTheDocumentedRangesAreCheckedBeforeAllocating) {
  // Batch 32768, C = 1048576, H = W = 16384: N*C*H*W*2 bytes is 2^64, which wrapped
  // to a zero-byte buffer.
  ey_layer l = eytest::Layer(1, 1, 1, 16, 16, 3, 3);
  snprintf(l.name, sizeof l.name, "conv_huge");
  l.N = 32768;
  l.C = 1048576;
  l.M = 16;
  l.H = l.W = 16384;
  l.E = l.F = 16382;
  EXPECT_EQ(ey_tensor_values(&l, EY_IFMAP), 1ull << 63);
  ey_err err;
  ASSERT_EQ(ey_tensors_check(&l, &err), EY_NOMEM);
  EXPECT_STREQ(err.msg,
               "conv_huge: ifmap N*C*H*W: expected at most 4294967296 values in a tensor (got "
               "9223372036854775808)");
  ey_tensors t;
  EXPECT_EQ(ey_tensors_make(&t, &l, 16, 1, 0), EY_NOMEM);
  EXPECT_EQ(t.ifmap, nullptr);
  EXPECT_EQ(t.weights, nullptr);
  // Weights and ofmap are checked as well.
  l.N = 1;
  l.C = 1;
  l.H = l.W = 3;
  l.E = l.F = 1;
  l.M = 1048576;
  l.R = l.S = 1024;
  ASSERT_EQ(ey_tensors_check(&l, &err), EY_NOMEM);
  EXPECT_STREQ(err.msg,
               "conv_huge: weights M*(C/groups)*R*S: expected at most 4294967296 values in a "
               "tensor (got 1099511627776)");
  ey_layer ok = eytest::Layer(2, 3, 4, 8, 8, 3, 3);
  EXPECT_EQ(ey_tensors_check(&ok, &err), EY_OK);
  ASSERT_EQ(ey_tensors_make(&t, &ok, 16, 1, 0), EY_OK);
  ey_tensors_free(&t);
}

TEST(RobustTensors, TwoAndThreeBitWordsRunAndCheck) {
  // The schema allows data.word_bits from 2; the synthetic data used to divide by
  // a magnitude of 0 there. Values are now -1..1 (activations 1), which fit.
  for (const char *bits : {"2", "3", "4"}) {
    SCOPED_TRACE(bits);
    auto r = Eyesim(std::string("run ") + kTiny + " --check --set data.word_bits=" + bits);
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find("check: 4 of 4 layers equal the golden convolution"), std::string::npos)
        << r.out;
  }
  ey_layer l = eytest::Layer(1, 3, 4, 8, 8, 3, 3);
  ey_tensors t;
  ASSERT_EQ(ey_tensors_make(&t, &l, 2, 7, 0), EY_OK);
  for (int i = 0; i < 3 * 64; i++) EXPECT_EQ(t.ifmap[i], 1);
  for (int i = 0; i < 4 * 3 * 9; i++) EXPECT_TRUE(t.weights[i] >= -1 && t.weights[i] <= 1);
  ey_tensors_free(&t);
  // 16-bit words keep their data: values up to 127.
  ASSERT_EQ(ey_tensors_make(&t, &l, 16, 7, 0), EY_OK);
  int16_t hi = 0;
  for (int i = 0; i < 3 * 64; i++) hi = std::max(hi, t.ifmap[i]);
  EXPECT_GT(hi, 100);
  EXPECT_LE(hi, 127);
  ey_tensors_free(&t);
}

// ---------------------------------------------------------------- mapper counters

TEST(RobustMapper, CountsThatDoNotFit64BitsRefuseTheLayer) {
  ey_arch a = eytest::LoadArch("eyeriss_v1");
  // MACs of 65536 * 2^20 * 2^20 * 62 * 62 * 9: far past 2^64.
  ey_layer l = eytest::Layer(65536, 1048576, 1048576, 64, 64, 3, 3);
  ey_mapping m;
  ey_err err;
  ASSERT_EQ(ey_map_layer(&l, &a, EY_OBJ_ENERGY, &m, nullptr, nullptr, &err), EY_NOMAP);
  EXPECT_STREQ(err.msg,
               "counts: expected counts that fit 64 bits (got macs N*M*(C/groups)*E*F*R*S = "
               "65536*1048576*1048576*62*62*3*3, 2^64 or more)");
  // MACs fit (2^60) but the cycle counts do not, with any mapping.
  ey_layer w = eytest::Layer(65536, 1, 1048576, 4096, 4096, 1, 1);
  ASSERT_EQ(ey_map_layer(&w, &a, EY_OBJ_ENERGY, &m, nullptr, nullptr, &err), EY_NOMAP);
  EXPECT_STREQ(err.msg,
               "counts: expected counts that fit 64 bits (got cycles of 2^64 or more with every "
               "mapping that fits)");
  ey_mapping one = {1, 1, 1, 1, 1, 1, 1, 1, 1};
  ASSERT_EQ(ey_mapping_check(&w, &a, &one, &err), EY_MISMATCH);
  EXPECT_STREQ(err.msg,
               "counts: expected counts that fit 64 bits (got cycles of 2^64 or more with this "
               "mapping)");
}

TEST(RobustMapper, ThroughTheCommandLine) {
  TempDir t;
  WriteFile(t.File("big.yaml"),
            "name: big\nbatch: 65536\nindependent: true\nlayers:\n"
            "  - {name: small, C: 3, M: 4, H: 8, W: 8, R: 3, S: 3}\n"
            "  - {name: huge, C: 1048576, M: 1048576, H: 64, W: 64, R: 3, S: 3}\n");
  auto r = Eyesim("run eyeriss_v1 " + t.File("big.yaml") + " --analytic --layers huge");
  EXPECT_EQ(r.status, 3);
  EXPECT_EQ(r.err, "eyesim: " + t.File("big.yaml") +
                       ": huge: cannot map on eyeriss_v1: counts: expected counts that fit 64 "
                       "bits (got macs N*M*(C/groups)*E*F*R*S = 65536*1048576*1048576*62*62*3*3, "
                       "2^64 or more)\n");
  // A mapping file for a layer whose counts do not fit is refused by file and line.
  WriteFile(t.File("w.yaml"),
            "name: w\nbatch: 65536\nlayers:\n"
            "  - {name: wide, C: 1, M: 1048576, H: 4096, W: 4096, R: 1, S: 1}\n");
  WriteFile(t.File("m.yaml"),
            "eyesim_mapping: 1\narch: eyeriss_v1\nnet: w\nbatch: 65536\nlayers:\n"
            "  - layer: wide\n"
            "    shape: {N: 65536, C: 1, M: 1048576, H: 4096, W: 4096, R: 1, S: 1, stride: 1, "
            "pad: 0, groups: 1}\n"
            "    n: 1\n    p: 1\n    q: 1\n    r: 1\n    t: 1\n    e: 1\n    eg: 1\n    m: 1\n");
  r = Eyesim("run eyeriss_v1 " + t.File("w.yaml") + " --analytic --mapping " + t.File("m.yaml"));
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err, "eyesim: " + t.File("m.yaml") +
                       ":6: wide.counts: expected counts that fit 64 bits (got cycles of 2^64 or "
                       "more with this mapping)\n");
}

TEST(RobustMapper, TheSaturatingPathGivesTheSameCostsWhereNothingOverflows) {
  // A fast clock makes the layer one for the saturating counts (the margin), yet
  // every count fits: the search's pick costs the same either way.
  ey_arch a = eytest::LoadArch("eyeriss_v1");
  ey_err err;
  ASSERT_EQ(ey_arch_set(&a, "clock.core_mhz=10000", &err), EY_OK) << err.msg;
  ASSERT_EQ(ey_arch_set(&a, "dram.latency_cycles=100000", &err), EY_OK) << err.msg;
  ey_layer l = eytest::Layer(32, 16, 32, 28, 28, 3, 3, 1, 1);
  ey_geom g;
  ey_geom_init(&g, &l);
  ASSERT_EQ(ey__counts_may_overflow(&g, &a), 1);
  ey_arch plain = eytest::LoadArch("eyeriss_v1");
  EXPECT_EQ(ey__counts_may_overflow(&g, &plain), 0);
  for (int obj : {EY_OBJ_ENERGY, EY_OBJ_CYCLES, EY_OBJ_EDP}) {
    ey_mapping m;
    ey_cost c, again;
    ASSERT_EQ(ey_map_layer(&l, &a, obj, &m, &c, nullptr, &err), EY_OK) << err.msg;
    ASSERT_EQ(ey_mapping_check(&l, &a, &m, &err), EY_OK) << err.msg;
    ey_mapping_cost(&l, &a, &m, &again);
    eytest::ExpectSameCounts(c.c, again.c);
    EXPECT_EQ(c.cycles, again.cycles);
    EXPECT_EQ(c.energy_total, again.energy_total);
    EXPECT_EQ(ey__cost_overflow(&c), nullptr);
  }
}

// ---------------------------------------------------------------- YAML

TEST(RobustYaml, DeepNestingIsRefusedQuicklyWithFileAndLine) {
  TempDir t;
  WriteFile(t.File("deep.yaml"), std::string(200000, '['));
  auto r = Eyesim("config " + t.File("deep.yaml"));
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err, "eyesim: " + t.File("deep.yaml") +
                       ":1: syntax: expected at most 64 levels of nested lists and mappings (got "
                       "more)\n");
  // Block nesting, one level a line.
  std::string y = "name: x\nlayers:\n";
  for (int i = 1; i < 80; i++) y += std::string(2 * i, ' ') + "-\n";
  ey_net net;
  ey_err err;
  EXPECT_EQ(ey_net_load_string("n.yaml", y.c_str(), &net, &err), EY_SYNTAX);
  ey_net_free(&net);
  EXPECT_STREQ(err.msg,
               "n.yaml:66: syntax: expected at most 64 levels of nested lists and mappings (got "
               "more)");
  // 64 levels are fine as YAML (the schema then says what it wanted).
  std::string ok = "name: " + std::string(63, '[') + std::string(63, ']') + "\n";
  ey_arch a;
  EXPECT_EQ(ey_arch_load_string("a.yaml", ok.c_str(), &a, &err), EY_CONFIG);
  EXPECT_STREQ(err.msg, "a.yaml:1: name: must be a string of 1 to 63 characters (got a list)");
}

TEST(RobustYaml, ASecondDocumentIsAnError) {
  TempDir t;
  std::string arch = ReadFile(std::string(EY_SRC_DIR) + "/configs/arch/eyeriss_v1.yaml");
  int lines = 0;
  for (char c : arch) lines += c == '\n';
  WriteFile(t.File("two.yaml"), arch + "---\nname: other\n");
  auto r = Eyesim("config " + t.File("two.yaml"));
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err, "eyesim: " + t.File("two.yaml") + ":" + std::to_string(lines + 1) +
                       ": document: expected one YAML document (got a second one)\n");
  // An explicit start and end of the one document are fine.
  WriteFile(t.File("one.yaml"), "---\n" + arch + "...\n");
  EXPECT_EQ(Eyesim("config " + t.File("one.yaml")).status, 0);
}

TEST(RobustYaml, AFileOverTheSizeLimitNamesTheLine) {
  TempDir t;
  // 64 MiB of comment lines of 1 KiB, and one more line.
  std::string line = "#" + std::string(1022, 'x') + "\n";
  {
    FILE *f = fopen(t.File("big.yaml").c_str(), "wb");
    ASSERT_NE(f, nullptr);
    fputs("name: x\n", f);
    for (int i = 0; i < 65536; i++) fputs(line.c_str(), f);
    fclose(f);
  }
  ey_arch a;
  ey_err err;
  EXPECT_EQ(ey_arch_load(t.File("big.yaml").c_str(), &a, &err), EY_SYNTAX);
  EXPECT_EQ(std::string(err.msg),
            t.File("big.yaml") +
                ":65537: document: expected a file of at most 64 MiB (got more; "
                "the limit falls on this line)");
}

TEST(RobustYaml, DuplicateLayerNamesAmongManyAreFoundWithTheirLines) {
  std::string y = "name: many\nbatch: 1\nindependent: true\nlayers:\n";
  const int n = 50000;
  for (int i = 0; i < n; i++)
    y += "  - {name: l" + std::to_string(i) + ", C: 3, M: 4, H: 8, W: 8, R: 3, S: 3}\n";
  ey_net net;
  ey_err err;
  ASSERT_EQ(ey_net_load_string("many.yaml", y.c_str(), &net, &err), EY_OK) << err.msg;
  EXPECT_EQ(net.nlayers, n);
  ey_net_free(&net);
  y += "  - {name: l12345, C: 3, M: 4, H: 8, W: 8, R: 3, S: 3}\n";
  ASSERT_EQ(ey_net_load_string("many.yaml", y.c_str(), &net, &err), EY_CONFIG);
  ey_net_free(&net);
  EXPECT_EQ(std::string(err.msg), "many.yaml:" + std::to_string(n + 5) +
                                      ": l12345.name: must be unique (got it again; first on "
                                      "line 12350)");
}

// ---------------------------------------------------------------- names and mapping files

TEST(RobustMapfile, ADuplicateEntryNamesTheFileLineAndLayer) {
  TempDir t;
  auto m = Eyesim(std::string("map ") + kTiny + " --out " + t.File("m.yaml"));
  ASSERT_EQ(m.status, 0) << m.err;
  std::string text = ReadFile(t.File("m.yaml"));
  size_t first = text.find("  - layer:"), second = text.find("  - layer:", first + 1);
  ASSERT_NE(second, std::string::npos);
  std::string entry = text.substr(first, second - first);
  int line = 1;
  for (char c : text) line += c == '\n';
  WriteFile(t.File("m.yaml"), text + entry);
  std::string name = entry.substr(11, entry.find('\n') - 11);  // "conv1", quoted
  auto r = Eyesim(std::string("run ") + kTiny + " --analytic --mapping " + t.File("m.yaml"));
  EXPECT_EQ(r.status, 1);
  int first_line = 1;
  for (size_t i = 0; i < first; i++) first_line += text[i] == '\n';
  EXPECT_EQ(r.err, "eyesim: " + t.File("m.yaml") + ":" + std::to_string(line) + ": " +
                       name.substr(1, name.size() - 2) +
                       ".layer: each layer once (got it again; first on line " +
                       std::to_string(first_line) + ")\n");
}

TEST(RobustMapfile, NamesWithQuotesAndBackslashesRoundTrip) {
  TempDir t;
  WriteFile(t.File("q.yaml"),
            "name: \"q\\\"net\\\\x\"\nbatch: 1\nlayers:\n"
            "  - {name: \"c\\\"1\\\\\", C: 3, M: 4, H: 8, W: 8, R: 3, S: 3}\n"
            "  - {name: 'it''s', C: 4, M: 4, H: 6, W: 6, R: 3, S: 3}\n");
  auto m = Eyesim("map eyeriss_v1 " + t.File("q.yaml") + " --out " + t.File("m.yaml"));
  ASSERT_EQ(m.status, 0) << m.err;
  EXPECT_NE(ReadFile(t.File("m.yaml")).find("layer: \"c\\\"1\\\\\"\n"), std::string::npos);
  auto a = Eyesim("run eyeriss_v1 " + t.File("q.yaml") + " --analytic --csv " + t.File("a.csv"));
  auto b = Eyesim("run eyeriss_v1 " + t.File("q.yaml") + " --analytic --csv " + t.File("b.csv") +
                  " --mapping " + t.File("m.yaml"));
  ASSERT_EQ(a.status, 0) << a.err;
  ASSERT_EQ(b.status, 0) << b.err;
  EXPECT_EQ(ReadFile(t.File("a.csv")), ReadFile(t.File("b.csv")));
  // `eyesim config` output reloads as the same architecture.
  auto c = Eyesim("config eyeriss_v1 --set 'name=a\"b\\c'");
  ASSERT_EQ(c.status, 0) << c.err;
  EXPECT_NE(c.out.find("name: \"a\\\"b\\\\c\"\n"), std::string::npos) << c.out;
  WriteFile(t.File("c.yaml"), c.out);
  auto c2 = Eyesim("config " + t.File("c.yaml"));
  ASSERT_EQ(c2.status, 0) << c2.err;
  EXPECT_EQ(c2.out.substr(c2.out.find('\n')), c.out.substr(c.out.find('\n')));
  // Quoting is written for every byte a name may hold.
  char *buf = nullptr;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  ey_schema_put_quoted(f, "a\"\\\n\t\x01z");
  fclose(f);
  EXPECT_EQ(std::string(buf, len), "\"a\\\"\\\\\\n\\t\\x01z\"");
  free(buf);
}

TEST(RobustMapfile, ControlCharactersInNamesAreRefusedAtLoad) {
  TempDir t;
  WriteFile(t.File("nl.yaml"),
            "name: \"a\\nb\"\nbatch: 1\nlayers:\n"
            "  - {name: x, C: 3, M: 4, H: 8, W: 8, R: 3, S: 3}\n");
  auto r = Eyesim("run eyeriss_v1 " + t.File("nl.yaml") + " --analytic");
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err, "eyesim: " + t.File("nl.yaml") +
                       ":1: name: must be a string of 1 to 63 characters, without control "
                       "characters (got a newline at byte 2)\n");
  WriteFile(t.File("nul.yaml"),
            "name: n\nbatch: 1\nlayers:\n"
            "  - {name: \"x\\0y\", C: 3, M: 4, H: 8, W: 8, R: 3, S: 3}\n");
  r = Eyesim("run eyeriss_v1 " + t.File("nul.yaml") + " --analytic");
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err, "eyesim: " + t.File("nul.yaml") +
                       ":4: layers[0].name: must be a string of 1 to 63 characters (got a NUL "
                       "byte at byte 2)\n");
  r = Eyesim("config eyeriss_v1 --set \"name=$(printf 'a\\tb')\"");
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err,
            "eyesim: --set: name: must be a string of 1 to 63 characters, without control "
            "characters (got a tab at byte 2)\n");
  r = Eyesim("config eyeriss_v1 --set \"name=$(printf 'a\\377b')\"");
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err,
            "eyesim: --set: name: must be a string of 1 to 63 characters, without control "
            "characters (got a byte that is not UTF-8 at byte 2)\n");
}

// ---------------------------------------------------------------- whole-network data

// A tensor of a whole-network run over the limit names the network and what it
// is; it once said only "tensor (...)".
TEST(RobustNetData, ATensorOverTheLimitNamesTheNetworkOrTheNode) {
  TempDir t;
  ASSERT_EQ(mkdir(t.File("w").c_str(), 0777), 0);
  WriteFile(t.File("big.yaml"),
            "name: big\nlayers:\n"
            "  - {name: p, type: maxpool, C: 1048576, H: 65535, W: 65535, R: 1, S: 1}\n"
            "  - {name: c, M: 1, R: 1, S: 1}\n");
  auto r = Eyesim("run eyeriss_v1 " + t.File("big.yaml") + " --weights " + t.File("w"));
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err, "eyesim: " + t.File("big.yaml") +
                       ": the network's input: tensor (1, 1048576, 65535, 65535): expected at "
                       "most 4294967296 values in a tensor (got 4503462189465600)\n");
  EXPECT_EQ(r.out, "");
}

}  // namespace

// ---------------------------------------------------------------- sweep outputs

TEST(RobustSweep, JsonNumbersFollowTheGrammar) {
  for (const char *ok : {"0", "-0", "12", "-12", "1.5", "0.25", "1e9", "1E+9", "2.5e-3"})
    EXPECT_TRUE(ey_json_is_number(ok)) << ok;
  for (const char *bad : {"", "+12", "0x10", "nan", "inf", "-inf", "012", ".5", "5.", "1e", "1e+",
                          "--1", "1 ", " 1", "1,0", "Infinity"})
    EXPECT_FALSE(ey_json_is_number(bad)) << bad;
}

// An axis value the spec wrote in a form JSON has no number for stays a string,
// so every line of sweep.jsonl parses.
TEST(RobustSweep, AxisValuesThatAreNotJsonNumbersAreWrittenAsStrings) {
  TempDir t;
  WriteFile(t.File("s.yaml"),
            "name: odd\narch: eyeriss_v1\nnets: [{net: alexnet, layers: conv5}]\nanalytic: true\n"
            "axes:\n  - glb.size_kb: [nan, inf, 0x10, +12, 64]\n");
  eytest::CmdResult r =
      eytest::Eyesim("sweep '" + t.File("s.yaml") + "' -o '" + t.File("o") + "' -q");
  ASSERT_EQ(r.status, 0) << r.err;
  std::string jl = ReadFile(t.File("o/sweep.jsonl"));
  for (const char *v : {"{\"point\":0,\"axes\":{\"glb.size_kb\":\"nan\"}",
                        "{\"point\":1,\"axes\":{\"glb.size_kb\":\"inf\"}",
                        "{\"point\":2,\"axes\":{\"glb.size_kb\":\"0x10\"}",
                        "{\"point\":3,\"axes\":{\"glb.size_kb\":\"+12\"}",
                        "{\"point\":4,\"axes\":{\"glb.size_kb\":64}"})
    EXPECT_NE(jl.find(v), std::string::npos) << v << "\n" << jl.substr(0, 600);
}

// A newline in a --slurm option or in the output folder would end an #SBATCH or
// comment line of the job script and start a command.
TEST(RobustSweep, ControlCharactersCannotReachTheJobScript) {
  TempDir t;
  WriteFile(t.File("s.yaml"),
            "name: s\narch: eyeriss_v1\nnets: [{net: alexnet, layers: conv5}]\nanalytic: true\n"
            "axes:\n  - glb.size_kb: [64, 108]\n");
  eytest::CmdResult r =
      eytest::Eyesim("sweep '" + t.File("s.yaml") + "' -o '" + t.File("o") +
                     "' --slurm '--partition=debug\ntouch " + t.File("owned") + "'");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err,
            "eyesim: --partition=debug: expected an sbatch option without control characters "
            "(got 0x0a at character 18)\n");
  EXPECT_FALSE(FileExists(t.File("o")));
  r = eytest::Eyesim("sweep '" + t.File("s.yaml") + "' -o '" + t.File("o") + "\nx' --slurm");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err,
            "eyesim: -o: expected no control characters in the job script (got 0x0a at "
            "character " +
                std::to_string(t.File("o").size() + 1) + ")\n");
  EXPECT_FALSE(FileExists(t.File("o\nx")));
}

// The table's foot: stalls in cycles on one line, GLB bank conflicts (a count
// of accesses, several of which may wait in one cycle) on their own, equal to
// the JSON's total.
TEST(RobustReport, GlbBankConflictsAreNotListedAmongStallCycles) {
  TempDir t;
  eytest::CmdResult r =
      Eyesim("run eyeriss_v1 tests/data/tiny.yaml -j1 --json '" + t.File("r.json") + "'");
  ASSERT_EQ(r.status, 0) << r.err;
  size_t at = r.out.find("\nstalls: ");
  ASSERT_NE(at, std::string::npos) << r.out;
  std::string stalls = r.out.substr(at + 1, r.out.find('\n', at + 1) - at - 1);
  EXPECT_EQ(stalls.find("conflict"), std::string::npos) << stalls;
  std::string json = ReadFile(t.File("r.json"));
  size_t k = json.rfind("\"glb_bank_conflicts\": ");
  ASSERT_NE(k, std::string::npos);
  unsigned long long n = std::stoull(json.substr(k + 22));
  EXPECT_NE(r.out.find("\nGLB bank conflicts: " + std::to_string(n) +
                       " accesses waited for a bank port\n"),
            std::string::npos)
      << r.out;
}
