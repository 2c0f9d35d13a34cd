// weights_test.cc - the weights folder (sim/engine/weights.h) and the .npy
// reader's int32 side (traces/npy.h), on .npy files the test writes byte by
// byte: values as they are, float32 scaled and rounded ties to even, the word
// and shape checks, the file names of odd layer names, and quant.yaml with its
// one-line errors.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "test_util.h"

extern "C" {
#include "sim/engine/weights.h"
#include "traces/npy.h"
}

using eytest::TempDir;
using eytest::WriteFile;

namespace {

// A version 1 .npy file: the header dict padded with spaces and a newline to a
// multiple of 64 bytes, then the values' bytes (little endian, as this machine's).
std::string Npy(const std::string &descr, const std::string &shape, const std::string &payload) {
  std::string dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
  size_t pad = (64 - (10 + dict.size() + 1) % 64) % 64;
  dict += std::string(pad, ' ') + "\n";
  std::string h("\x93NUMPY\x01\x00", 8);
  h += (char)(dict.size() & 0xFF);
  h += (char)(dict.size() >> 8);
  return h + dict + payload;
}

template <class V>
std::string Bytes(const std::vector<V> &v) {
  return std::string((const char *)v.data(), v.size() * sizeof(V));
}

std::string I2(const std::string &shape, const std::vector<int16_t> &v) {
  return Npy("<i2", shape, Bytes(v));
}
std::string F4(const std::string &shape, const std::vector<float> &v) {
  return Npy("<f4", shape, Bytes(v));
}
std::string I4(const std::string &shape, const std::vector<int32_t> &v) {
  return Npy("<i4", shape, Bytes(v));
}

// ---------------------------------------------------------------- .npy into int32

TEST(NpyInt32, Int32AsItIsFloatRoundedTiesToEvenAndSaturated) {
  TempDir t;
  ey_npy32 a;
  ey_err err;
  WriteFile(t.File("i.npy"), I4("(3,)", {1, -2, 2147483647}));
  ASSERT_EQ(ey_npy_read_i32(t.File("i.npy").c_str(), 5.0, &a, &err), EY_OK) << err.msg;
  EXPECT_EQ(a.ndim, 1);
  EXPECT_EQ(a.dtype, EY_NPY_I4);
  EXPECT_EQ(a.count, 3u);
  EXPECT_EQ(a.shape[3], 3);
  EXPECT_EQ(std::vector<int32_t>(a.data, a.data + 3), std::vector<int32_t>({1, -2, 2147483647}));
  ey_npy32_free(&a);
  // x 2: 0.5 1.5 2.5 -2.5 -0.5 0.75 -> 0 2 2 -2 -0 1 (ties to even); 3e9 and -3e9
  // saturate; NaN is 0.
  const float nan = std::numeric_limits<float>::quiet_NaN();
  WriteFile(t.File("f.npy"),
            F4("(9,)", {0.25f, 0.75f, 1.25f, -1.25f, -0.25f, 0.375f, 1.5e9f, -1.5e9f, nan}));
  ASSERT_EQ(ey_npy_read_i32(t.File("f.npy").c_str(), 2.0, &a, &err), EY_OK) << err.msg;
  EXPECT_EQ(a.dtype, EY_NPY_F4);
  EXPECT_EQ(std::vector<int32_t>(a.data, a.data + 9),
            std::vector<int32_t>({0, 2, 2, -2, 0, 1, 2147483647, -2147483647 - 1, 0}));
  ey_npy32_free(&a);
  // Two dimensions are read too; the caller checks the shape.
  WriteFile(t.File("m.npy"), I4("(2, 1)", {7, 8}));
  ASSERT_EQ(ey_npy_read_i32(t.File("m.npy").c_str(), 1.0, &a, &err), EY_OK) << err.msg;
  EXPECT_EQ(a.ndim, 2);
  EXPECT_EQ(a.shape[2], 2);
  EXPECT_EQ(a.shape[3], 1);
  ey_npy32_free(&a);
}

std::string Npy32Error(const std::string &bytes) {
  TempDir t;
  WriteFile(t.File("x.npy"), bytes);
  ey_npy32 a;
  ey_err err;
  EXPECT_EQ(ey_npy_read_i32(t.File("x.npy").c_str(), 1.0, &a, &err), EY_SYNTAX);
  EXPECT_EQ(a.data, nullptr);
  ey_npy32_free(&a);
  std::string m = err.msg;
  return m.substr(m.find(".npy: ") + 6);
}

TEST(NpyInt32, BadFilesAreNamedAsForInt16) {
  EXPECT_EQ(Npy32Error(I2("(2,)", {1, 2})),
            "offset 10: descr: expected '<i4' (int32) or '<f4' (float32) (got '<i2')");
  // Three int32 values announced, two there (8 of 12 bytes); the 57-byte dict
  // pads the header to 128 bytes, so the third value would be at 128 + 8.
  EXPECT_EQ(Npy32Error(Npy("<i4", "(3,)", Bytes(std::vector<int32_t>{1, 2}))),
            "offset 136: expected 3 values (got 2: the file is truncated)");
  EXPECT_EQ(Npy32Error(Npy("<i4", "(65535, 65535, 65535)", "")),
            "offset 10: shape: expected at most 4294967296 values (got 281462092005375)");
  EXPECT_EQ(Npy32Error("\x93NUMPY"),
            "offset 0: expected the .npy magic \\x93NUMPY (got a file too short)");
  // The int16 reader still refuses int32.
  TempDir t;
  WriteFile(t.File("x.npy"), I4("(2,)", {1, 2}));
  ey_npy a;
  ey_err err;
  EXPECT_EQ(ey_npy_read(t.File("x.npy").c_str(), 1.0, &a, &err), EY_SYNTAX);
  EXPECT_NE(
      std::string(err.msg).find("descr: expected '<i2' (int16) or '<f4' (float32) (got '<i4')"),
      std::string::npos)
      << err.msg;
}

TEST(NpyInt16, TellsTheFilesDimensionsAndType) {
  TempDir t;
  WriteFile(t.File("a.npy"), I2("(2, 3)", {1, 2, 3, 4, 5, 6}));
  ey_npy a;
  ey_err err;
  ASSERT_EQ(ey_npy_read(t.File("a.npy").c_str(), 1.0, &a, &err), EY_OK) << err.msg;
  EXPECT_EQ(a.ndim, 2);
  EXPECT_EQ(a.dtype, EY_NPY_I2);
  ey_npy_free(&a);
}

// ---------------------------------------------------------------- layer weights

// conv: C 2, M 2, 2x2 filters (16 weights); fc: C 3 of 2x2 (R = H, S = W), M 2.
ey_layer Conv(const char *name = "conv1") {
  ey_layer l = eytest::Layer(1, 2, 2, 3, 3, 2, 2);
  snprintf(l.name, sizeof l.name, "%s", name);
  return l;
}
ey_layer Fc() {
  ey_layer l = eytest::Layer(1, 3, 2, 2, 2, 2, 2);
  l.type = EY_LAYER_FC;
  snprintf(l.name, sizeof l.name, "fc");
  return l;
}

std::vector<int16_t> W(const ey_layer_weights &w, size_t n) {
  return std::vector<int16_t>(w.weights, w.weights + n);
}

TEST(Weights, Int16WeightsAndInt32BiasAsTheyAre) {
  TempDir t;
  std::vector<int16_t> v(16);
  for (int i = 0; i < 16; i++) v[i] = (int16_t)(i * 3 - 20);  // -20 .. 25
  WriteFile(t.File("conv1.npy"), I2("(2, 2, 2, 2)", v));
  ey_layer l = Conv();
  ey_layer_weights w;
  ey_err err;
  ASSERT_EQ(ey_weights_load(t.path.c_str(), &l, 8, 1.0, 1.0, &w, &err), EY_OK) << err.msg;
  EXPECT_EQ(W(w, 16), v);
  EXPECT_EQ(w.bias, nullptr);  // no conv1.bias.npy
  ey_layer_weights_free(&w);
  WriteFile(t.File("conv1.bias.npy"), I4("(2,)", {-100000, 7}));
  ASSERT_EQ(ey_weights_load(t.path.c_str(), &l, 8, 1.0, 1000.0, &w, &err), EY_OK) << err.msg;
  ASSERT_NE(w.bias, nullptr);
  EXPECT_EQ(w.bias[0], -100000);  // int32: the scale does not apply
  EXPECT_EQ(w.bias[1], 7);
  ey_layer_weights_free(&w);
}

// A bias_scale of NaN (a replay, where the layer's input scale is not known)
// refuses a float32 bias, naming the file; an int32 bias is taken as it is.
TEST(Weights, AFloatBiasWithoutAnInputScaleIsRefused) {
  TempDir t;
  WriteFile(t.File("conv1.npy"), I2("(2, 2, 2, 2)", std::vector<int16_t>(16, 1)));
  WriteFile(t.File("conv1.bias.npy"), F4("(2,)", {1.5f, -2.0f}));
  ey_layer l = Conv();
  ey_layer_weights w;
  ey_err err;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  ASSERT_EQ(ey_weights_load(t.path.c_str(), &l, 8, 1.0, nan, &w, &err), EY_USAGE);
  EXPECT_EQ(std::string(err.msg),
            t.File("conv1.bias.npy") +
                ": expected an int32 bias (got float32, which is scaled by its layer's input "
                "scale, which only a whole-network run knows: --weights without --activations)");
  EXPECT_EQ(w.weights, nullptr);
  EXPECT_EQ(w.bias, nullptr);
  WriteFile(t.File("conv1.bias.npy"), I4("(2,)", {5, -6}));
  ASSERT_EQ(ey_weights_load(t.path.c_str(), &l, 8, 1.0, nan, &w, &err), EY_OK) << err.msg;
  EXPECT_EQ(w.bias[0], 5);
  EXPECT_EQ(w.bias[1], -6);
  ey_layer_weights_free(&w);
}

// A folder where a .npy file should be is named as one, not as a short file.
TEST(Weights, AFolderForAWeightsFileIsNamed) {
  TempDir t;
  ASSERT_EQ(mkdir(t.File("conv1.npy").c_str(), 0777), 0);
  ey_layer l = Conv();
  ey_layer_weights w;
  ey_err err;
  ASSERT_EQ(ey_weights_load(t.path.c_str(), &l, 8, 1.0, 1.0, &w, &err), EY_IO);
  EXPECT_EQ(std::string(err.msg), t.File("conv1.npy") + ": expected a .npy file (got a folder)");
}

TEST(Weights, FloatWeightsAndBiasAreScaledRoundedTiesToEvenAndSaturated) {
  TempDir t;
  // x 4: 0.5 1.5 2.5 -1.5 -2.5 3.49.. 400 -400, then 1 .. 8; 8-bit words
  // saturate at 127 and -128.
  std::vector<float> f = {0.125f, 0.375f, 0.625f, -0.375f, -0.625f, 0.87f, 100.0f, -100.0f,
                          0.25f,  0.5f,   0.75f,  1.0f,    1.25f,   1.5f,  1.75f,  2.0f};
  WriteFile(t.File("conv1.npy"), F4("(2, 2, 2, 2)", f));
  // Bias x (σ_in · weight_scale) = x 6: 0.25 -> 1.5 -> 2, -0.75 -> -4.5 -> -4.
  WriteFile(t.File("conv1.bias.npy"), F4("(2,)", {0.25f, -0.75f}));
  ey_layer l = Conv();
  ey_layer_weights w;
  ey_err err;
  ASSERT_EQ(ey_weights_load(t.path.c_str(), &l, 8, 4.0, 6.0, &w, &err), EY_OK) << err.msg;
  EXPECT_EQ(W(w, 16),
            std::vector<int16_t>({0, 2, 2, -2, -2, 3, 127, -128, 1, 2, 3, 4, 5, 6, 7, 8}));
  ASSERT_NE(w.bias, nullptr);
  EXPECT_EQ(w.bias[0], 2);
  EXPECT_EQ(w.bias[1], -4);
  ey_layer_weights_free(&w);
  // 16-bit words: 400 and -400 fit.
  ASSERT_EQ(ey_weights_load(t.path.c_str(), &l, 16, 4.0, 6.0, &w, &err), EY_OK) << err.msg;
  EXPECT_EQ(w.weights[6], 400);
  EXPECT_EQ(w.weights[7], -400);
  ey_layer_weights_free(&w);
}

TEST(Weights, AnInt16WeightOutsideTheWordIsNamed) {
  TempDir t;
  std::vector<int16_t> v(16, 1);
  v[5] = 200;
  v[9] = -129;
  WriteFile(t.File("conv1.npy"), I2("(2, 2, 2, 2)", v));
  ey_layer l = Conv();
  ey_layer_weights w;
  ey_err err;
  EXPECT_EQ(ey_weights_load(t.path.c_str(), &l, 8, 1.0, 1.0, &w, &err), EY_SYNTAX);
  EXPECT_EQ(std::string(err.msg),
            t.File("conv1.npy") +
                ": index 5: expected a weight from -128 to 127, a word of 8 bits (got 200)");
  EXPECT_EQ(w.weights, nullptr);
  v[5] = 127;
  WriteFile(t.File("conv1.npy"), I2("(2, 2, 2, 2)", v));
  EXPECT_EQ(ey_weights_load(t.path.c_str(), &l, 8, 1.0, 1.0, &w, &err), EY_SYNTAX);
  EXPECT_EQ(std::string(err.msg),
            t.File("conv1.npy") +
                ": index 9: expected a weight from -128 to 127, a word of 8 bits (got -129)");
  // The same values fit 16-bit words.
  ASSERT_EQ(ey_weights_load(t.path.c_str(), &l, 16, 1.0, 1.0, &w, &err), EY_OK) << err.msg;
  ey_layer_weights_free(&w);
}

TEST(Weights, ShapesAreTheLayersOrAnError) {
  TempDir t;
  ey_layer l = Conv();
  ey_layer_weights w;
  ey_err err;
  WriteFile(t.File("conv1.npy"), I2("(2, 2, 4)", std::vector<int16_t>(16, 0)));
  EXPECT_EQ(ey_weights_load(t.path.c_str(), &l, 16, 1.0, 1.0, &w, &err), EY_SYNTAX);
  EXPECT_EQ(std::string(err.msg),
            t.File("conv1.npy") + ": shape: expected (2, 2, 2, 2) (got (2, 2, 4))");
  // The same count as two dimensions is an fc layer's form only.
  WriteFile(t.File("conv1.npy"), I2("(2, 8)", std::vector<int16_t>(16, 0)));
  EXPECT_EQ(ey_weights_load(t.path.c_str(), &l, 16, 1.0, 1.0, &w, &err), EY_SYNTAX);
  EXPECT_EQ(std::string(err.msg),
            t.File("conv1.npy") + ": shape: expected (2, 2, 2, 2) (got (2, 8))");
  // fc: (M, C, R, S) or (M, C*R*S) = (2, 12).
  ey_layer fc = Fc();
  std::vector<int16_t> v(24);
  for (int i = 0; i < 24; i++) v[i] = (int16_t)(i - 12);
  WriteFile(t.File("fc.npy"), I2("(2, 12)", v));
  ASSERT_EQ(ey_weights_load(t.path.c_str(), &fc, 16, 1.0, 1.0, &w, &err), EY_OK) << err.msg;
  EXPECT_EQ(W(w, 24), v);
  ey_layer_weights_free(&w);
  WriteFile(t.File("fc.npy"), I2("(2, 3, 2, 2)", v));
  ASSERT_EQ(ey_weights_load(t.path.c_str(), &fc, 16, 1.0, 1.0, &w, &err), EY_OK) << err.msg;
  EXPECT_EQ(W(w, 24), v);
  ey_layer_weights_free(&w);
  WriteFile(t.File("fc.npy"), I2("(3, 8)", v));
  EXPECT_EQ(ey_weights_load(t.path.c_str(), &fc, 16, 1.0, 1.0, &w, &err), EY_SYNTAX);
  EXPECT_EQ(std::string(err.msg),
            t.File("fc.npy") + ": shape: expected (2, 3, 2, 2) or (2, 12) (got (3, 8))");
  // Bias: (M,).
  WriteFile(t.File("conv1.npy"), I2("(2, 2, 2, 2)", std::vector<int16_t>(16, 0)));
  WriteFile(t.File("conv1.bias.npy"), I4("(3,)", {1, 2, 3}));
  EXPECT_EQ(ey_weights_load(t.path.c_str(), &l, 16, 1.0, 1.0, &w, &err), EY_SYNTAX);
  EXPECT_EQ(std::string(err.msg), t.File("conv1.bias.npy") + ": shape: expected (2,) (got (3,))");
  EXPECT_EQ(w.weights, nullptr);
  WriteFile(t.File("conv1.bias.npy"), I4("(1, 2)", {1, 2}));
  EXPECT_EQ(ey_weights_load(t.path.c_str(), &l, 16, 1.0, 1.0, &w, &err), EY_SYNTAX);
  EXPECT_EQ(std::string(err.msg), t.File("conv1.bias.npy") + ": shape: expected (2,) (got (1, 2))");
  WriteFile(t.File("conv1.bias.npy"), I2("(2,)", {1, 2}));  // int16 is no bias type
  EXPECT_EQ(ey_weights_load(t.path.c_str(), &l, 16, 1.0, 1.0, &w, &err), EY_SYNTAX);
  EXPECT_EQ(std::string(err.msg),
            t.File("conv1.bias.npy") +
                ": offset 10: descr: expected '<i4' (int32) or '<f4' (float32) (got '<i2')");
}

TEST(Weights, AMissingWeightsFileIsNamed) {
  TempDir t;
  ey_layer l = Conv();
  ey_layer_weights w;
  ey_err err;
  EXPECT_EQ(ey_weights_load(t.path.c_str(), &l, 16, 1.0, 1.0, &w, &err), EY_IO);
  EXPECT_EQ(std::string(err.msg),
            t.File("conv1.npy") + ": cannot open (No such file or directory)");
  EXPECT_EQ(w.weights, nullptr);
}

TEST(Weights, OddLayerNamesMapToFilesAsTheAccessTracesDo) {
  TempDir t;
  char p[256];
  ASSERT_EQ(ey_weights_path("d", "blk/a%b", ".npy", p, sizeof p), 0);
  EXPECT_STREQ(p, "d/blk%2Fa%25b.npy");
  ASSERT_EQ(ey_weights_path("d", "a_b c", ".bias.npy", p, sizeof p), 0);
  EXPECT_STREQ(p, "d/a_b c.bias.npy");
  EXPECT_EQ(ey_weights_path("d", "conv1", ".npy", p, 8), -1);  // "d/conv1.npy" needs 12
  ey_layer l = Conv("blk/a%b");
  WriteFile(t.File("blk%2Fa%25b.npy"), I2("(2, 2, 2, 2)", std::vector<int16_t>(16, 3)));
  WriteFile(t.File("blk%2Fa%25b.bias.npy"), I4("(2,)", {4, 5}));
  ey_layer_weights w;
  ey_err err;
  ASSERT_EQ(ey_weights_load(t.path.c_str(), &l, 16, 1.0, 1.0, &w, &err), EY_OK) << err.msg;
  EXPECT_EQ(W(w, 16), std::vector<int16_t>(16, 3));
  ASSERT_NE(w.bias, nullptr);
  EXPECT_EQ(w.bias[1], 5);
  ey_layer_weights_free(&w);
}

// ---------------------------------------------------------------- quant.yaml

// A network of nodes: conv1, pool (a maxpool), conv2, fc.
struct Net {
  std::vector<ey_node> nodes;
  ey_net net{};
  explicit Net(std::vector<std::pair<const char *, int>> names = {{"conv1", EY_LAYER_CONV},
                                                                  {"pool", EY_NODE_MAXPOOL},
                                                                  {"conv2", EY_LAYER_CONV},
                                                                  {"fc", EY_LAYER_FC}}) {
    for (auto &n : names) {
      ey_node x{};
      snprintf(x.l.name, sizeof x.l.name, "%s", n.first);
      x.l.type = n.second;
      nodes.push_back(x);
    }
    snprintf(net.name, sizeof net.name, "tiny");
    net.nnodes = (int)nodes.size();
    net.nodes = nodes.data();
  }
};

std::string QuantError(const std::string &yaml, const Net &n = Net(), ey_rc want = EY_CONFIG) {
  TempDir t;
  WriteFile(t.File("quant.yaml"), yaml);
  ey_quant q;
  ey_err err;
  ey_rc rc = ey_quant_load(t.path.c_str(), &n.net, &q, &err);
  ey_quant_free(&q);
  EXPECT_EQ(rc, want) << err.msg;
  if (rc == EY_OK) return "";
  std::string m = err.msg;
  const std::string dir = t.path + "/";
  return m.compare(0, dir.size(), dir) ? m : m.substr(dir.size());
}

TEST(Quant, ScalesAndShiftsPerLayerWithDefaults) {
  TempDir t;
  WriteFile(t.File("quant.yaml"),
            "input_scale: 32.0\n"
            "layers:\n"
            "  conv1: {weight_scale: 256.0, shift: 9}\n"
            "  conv2: {weight_scale: 512}\n"
            "  fc:\n"
            "    shift: auto\n");
  Net n;
  ey_quant q;
  ey_err err;
  ASSERT_EQ(ey_quant_load(t.path.c_str(), &n.net, &q, &err), EY_OK) << err.msg;
  EXPECT_EQ(q.given, 1);
  EXPECT_EQ(q.input_scale, 32.0);
  EXPECT_EQ(q.n, 3);
  ey_quant_layer c1 = ey_quant_get(&q, "conv1"), c2 = ey_quant_get(&q, "conv2"),
                 fc = ey_quant_get(&q, "fc"), none = ey_quant_get(&q, "pool");
  EXPECT_EQ(c1.weight_scale, 256.0);
  EXPECT_EQ(c1.shift, 9);
  EXPECT_EQ(c1.line, 3);
  EXPECT_EQ(c2.weight_scale, 512.0);
  EXPECT_EQ(c2.shift, EY_SHIFT_AUTO);
  EXPECT_EQ(fc.weight_scale, 1.0);
  EXPECT_EQ(fc.shift, EY_SHIFT_AUTO);
  EXPECT_EQ(fc.line, 5);
  EXPECT_EQ(none.weight_scale, 1.0);
  EXPECT_EQ(none.shift, EY_SHIFT_AUTO);
  EXPECT_EQ(none.line, 0);
  ey_quant_free(&q);
}

TEST(Quant, NoQuantYamlMeansTheDefaults) {
  TempDir t;
  Net n;
  ey_quant q;
  ey_err err;
  ASSERT_EQ(ey_quant_load(t.path.c_str(), &n.net, &q, &err), EY_OK) << err.msg;
  EXPECT_EQ(q.given, 0);
  EXPECT_EQ(q.input_scale, 1.0);
  EXPECT_EQ(q.n, 0);
  EXPECT_EQ(ey_quant_get(&q, "conv1").shift, EY_SHIFT_AUTO);
  ey_quant_free(&q);
  EXPECT_EQ(ey_quant_load(t.File("nothere").c_str(), &n.net, &q, &err), EY_IO);
  EXPECT_EQ(std::string(err.msg),
            t.File("nothere") + ": cannot open the weights folder (No such file or directory)");
  ey_quant_free(&q);
}

TEST(Quant, ErrorsNameTheLineAndTheKey) {
  EXPECT_EQ(QuantError("input_scale: 2\ninput_scal: 3\n"),
            "quant.yaml:2: input_scal: unknown key (did you mean input_scale?)");
  EXPECT_EQ(QuantError("input_scale: 0\n"),
            "quant.yaml:1: input_scale: must be a number from 1e-09 to 1000000000 (got 0)");
  EXPECT_EQ(QuantError("layers:\n  conv1:\n    weight_scale: 2\n    wieght_scale: 3\n"),
            "quant.yaml:4: layers.conv1.wieght_scale: unknown key (did you mean weight_scale?)");
  EXPECT_EQ(QuantError("layers:\n  conv1: {sift: 3}\n"),
            "quant.yaml:2: layers.conv1.sift: unknown key (did you mean shift?)");
  EXPECT_EQ(QuantError("layers:\n  conv1: {shift: 32}\n"),
            "quant.yaml:2: layers.conv1.shift: must be auto or an integer from 0 to 31 (got 32)");
  EXPECT_EQ(QuantError("layers:\n  conv1: {shift: -1}\n"),
            "quant.yaml:2: layers.conv1.shift: must be auto or an integer from 0 to 31 (got -1)");
  EXPECT_EQ(
      QuantError("layers:\n  conv1: {shift: [1]}\n"),
      "quant.yaml:2: layers.conv1.shift: must be auto or an integer from 0 to 31 (got a list)");
  EXPECT_EQ(QuantError("layers:\n  conv1: {shift: 3}\n  conv9: {shift: 3}\n"),
            "quant.yaml:3: layers.conv9: expected a conv or fc layer of network tiny (got a name "
            "the network does not have)");
  EXPECT_EQ(QuantError("layers:\n  pool: {shift: 3}\n"),
            "quant.yaml:2: layers.pool: expected a conv or fc layer of network tiny (got a maxpool "
            "node, which has no weights)");
  EXPECT_EQ(QuantError("layers:\n  conv1: {shift: 3}\n  conv1: {shift: 4}\n"),
            "quant.yaml:3: layers.conv1: each layer once (got it again; first on line 2)");
  EXPECT_EQ(QuantError("layers: [conv1]\n"),
            "quant.yaml:1: layers: must be a mapping of layer names to settings (got a list)");
  EXPECT_EQ(QuantError("layers:\n  conv1: 3\n"),
            "quant.yaml:2: layers.conv1: must be a mapping of keys (got a scalar)");
  // Digits only: strtol would take a sign and leading blanks.
  EXPECT_EQ(QuantError("layers:\n  conv1: {shift: +3}\n"),
            "quant.yaml:2: layers.conv1.shift: must be auto or an integer from 0 to 31 (got +3)");
  EXPECT_EQ(QuantError("layers:\n  conv1: {shift: ' 3'}\n"),
            "quant.yaml:2: layers.conv1.shift: must be auto or an integer from 0 to 31 (got  3)");
  // Malformed YAML is the YAML reader's error, naming the file.
  const std::string syntax = QuantError("layers: {conv1: {shift: 1}\n", Net(), EY_SYNTAX);
  EXPECT_EQ(syntax.substr(0, 11), "quant.yaml:") << syntax;
  EXPECT_NE(syntax.find("syntax"), std::string::npos) << syntax;
}

TEST(Quant, ANetworkWithoutNodesIsCheckedByItsLayers) {
  std::vector<ey_layer> layers(2);
  snprintf(layers[0].name, sizeof layers[0].name, "a");
  snprintf(layers[1].name, sizeof layers[1].name, "b");
  Net n(std::vector<std::pair<const char *, int>>{});
  n.net.nnodes = 0;
  n.net.nodes = nullptr;
  n.net.nlayers = 2;
  n.net.layers = layers.data();
  EXPECT_EQ(QuantError("layers: {b: {shift: 2}}\n", n, EY_OK), "");
  EXPECT_EQ(QuantError("layers: {c: {shift: 2}}\n", n),
            "quant.yaml:1: layers.c: expected a conv or fc layer of network tiny (got a name the "
            "network does not have)");
}

TEST(Quant, LayersWhoseFilesWouldBeOneAreRefused) {
  TempDir t;
  Net n({{"conv1", EY_LAYER_CONV}, {"conv1.bias", EY_LAYER_CONV}});
  ey_quant q;
  ey_err err;
  EXPECT_EQ(ey_quant_load(t.path.c_str(), &n.net, &q, &err), EY_CONFIG);
  EXPECT_EQ(std::string(err.msg),
            t.path +
                ": layers conv1 and conv1.bias: expected names whose files differ (got "
                "conv1.bias.npy, the bias of conv1 and the weights of conv1.bias)");
  ey_quant_free(&q);
  // A pooling node named so has no files: no clash.
  Net ok({{"conv1", EY_LAYER_CONV}, {"conv1.bias", EY_NODE_MAXPOOL}});
  EXPECT_EQ(ey_quant_load(t.path.c_str(), &ok.net, &q, &err), EY_OK) << err.msg;
  ey_quant_free(&q);
}

}  // namespace
