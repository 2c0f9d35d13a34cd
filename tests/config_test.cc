// config_test.cc - architecture and network files: every bad input gives its one
// expected line, "FILE:LINE: KEY: what was expected (got WHAT)", and every shipped
// file loads.
#include <gtest/gtest.h>

#include <string>

#include "test_util.h"

namespace {

// Line numbers below refer to this text.
const char *kArch =
    "name: t\n"          // 1
    "pe_array:\n"        // 2
    "  rows: 12\n"       // 3
    "  cols: 14\n"       // 4
    "glb:\n"             // 5
    "  size_kb: 108\n"   // 6
    "  filter_kb: 8\n";  // 7

std::string Replace(std::string s, const std::string &from, const std::string &to) {
  size_t at = s.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) s.replace(at, from.size(), to);
  return s;
}

// Loads `text` as t.yaml and returns the message ("" when it loaded).
std::string ArchError(const std::string &text, ey_rc want = EY_CONFIG) {
  ey_arch a;
  ey_err err;
  err.msg[0] = '\0';
  ey_rc rc = ey_arch_load_string("t.yaml", text.c_str(), &a, &err);
  if (rc == EY_OK) return "";
  EXPECT_EQ(rc, want) << err.msg;
  return err.msg;
}

TEST(ArchConfig, LoadsAndFillsDefaultsFromTheReference) {
  ey_arch a;
  ey_err err;
  ASSERT_EQ(ey_arch_load_string("t.yaml", kArch, &a, &err), EY_OK) << err.msg;
  EXPECT_STREQ(a.name, "t");
  EXPECT_EQ(a.rows, 12);
  EXPECT_EQ(a.cols, 14);
  // Defaults are the Eyeriss v1 figures (Chen et al., ISSCC 2016 and JSSC 2017).
  EXPECT_EQ(a.core_mhz, 200);
  EXPECT_EQ(a.dram_mhz, 60);
  EXPECT_EQ(a.ifmap_spad_words, 12);
  EXPECT_EQ(a.filter_spad_words, 224);
  EXPECT_EQ(a.psum_spad_words, 24);
  EXPECT_EQ(a.word_bits, 16);
  EXPECT_EQ(a.dram_bus_bits, 64);
  EXPECT_EQ(a.zero_gating, 1);
  EXPECT_DOUBLE_EQ(a.e_mac, 1);
  EXPECT_DOUBLE_EQ(a.e_spad, 1);
  EXPECT_DOUBLE_EQ(a.e_noc, 2);
  EXPECT_DOUBLE_EQ(a.e_glb, 6);
  EXPECT_DOUBLE_EQ(a.e_dram, 200);
  EXPECT_EQ(a.objective, EY_OBJ_ENERGY);
}

TEST(ArchConfig, MissingRequiredKeyNamesTheSectionLine) {
  EXPECT_EQ(ArchError(Replace(kArch, "  cols: 14\n", "")),
            "t.yaml:2: pe_array.cols: required but not given");
  EXPECT_EQ(ArchError(Replace(kArch, "name: t\n", "")), "t.yaml:1: name: required but not given");
}

TEST(ArchConfig, WrongType) {
  EXPECT_EQ(ArchError(Replace(kArch, "rows: 12", "rows: twelve")),
            "t.yaml:3: pe_array.rows: must be an integer from 1 to 1024 (got twelve)");
  EXPECT_EQ(ArchError(Replace(kArch, "rows: 12", "rows: 1.5")),
            "t.yaml:3: pe_array.rows: must be an integer from 1 to 1024 (got 1.5)");
  EXPECT_EQ(ArchError(Replace(kArch, "rows: 12", "rows: [1, 2]")),
            "t.yaml:3: pe_array.rows: must be an integer from 1 to 1024 (got a list)");
  EXPECT_EQ(ArchError(std::string(kArch) + "pe:\n  zero_gating: maybe\n"),
            "t.yaml:9: pe.zero_gating: must be true or false (got maybe)");
  EXPECT_EQ(ArchError(std::string(kArch) + "noc:\n  impl: mesh\n"),
            "t.yaml:9: noc.impl: must be one of multicast-bus, hierarchical-mesh (got mesh)");
  EXPECT_EQ(ArchError(std::string(kArch) + "energy:\n  dram: lots\n"),
            "t.yaml:9: energy.dram: must be a number from 0 to 1000000000 (got lots)");
}

TEST(ArchConfig, OutOfRangeFromBothSides) {
  EXPECT_EQ(ArchError(Replace(kArch, "rows: 12", "rows: 0")),
            "t.yaml:3: pe_array.rows: must be an integer from 1 to 1024 (got 0)");
  EXPECT_EQ(ArchError(Replace(kArch, "rows: 12", "rows: 1")), "");
  EXPECT_EQ(ArchError(Replace(kArch, "rows: 12", "rows: 1024")), "");
  EXPECT_EQ(ArchError(Replace(kArch, "rows: 12", "rows: 1025")),
            "t.yaml:3: pe_array.rows: must be an integer from 1 to 1024 (got 1025)");
  EXPECT_EQ(
      ArchError(Replace(kArch, "rows: 12", "rows: 99999999999999999999")),
      "t.yaml:3: pe_array.rows: must be an integer from 1 to 1024 (got 99999999999999999999)");
}

TEST(ArchConfig, UnknownKeysAreErrorsWithASuggestion) {
  EXPECT_EQ(ArchError(Replace(kArch, "  cols: 14\n", "  cols: 14\n  colz: 3\n")),
            "t.yaml:5: pe_array.colz: unknown key (did you mean pe_array.cols?)");
  EXPECT_EQ(ArchError(Replace(kArch, "pe_array:", "pe_aray:")),
            "t.yaml:2: pe_aray: unknown key (did you mean pe_array?)");
  EXPECT_EQ(ArchError(std::string(kArch) + "flux_capacitor: 1\n"),
            "t.yaml:8: flux_capacitor: unknown key");
}

TEST(ArchConfig, DuplicateKey) {
  EXPECT_EQ(ArchError(Replace(kArch, "  cols: 14\n", "  cols: 14\n  rows: 10\n")),
            "t.yaml:5: pe_array.rows: each key once (got it again; first on line 3)");
}

TEST(ArchConfig, SectionMustBeAMapping) {
  EXPECT_EQ(ArchError(std::string("name: t\npe_array: 12\n")),
            "t.yaml:2: pe_array: must be a mapping of keys (got a scalar)");
  EXPECT_EQ(ArchError("- 1\n- 2\n"), "t.yaml:1: document: must be a mapping of keys (got a list)");
}

TEST(ArchConfig, BadYamlSyntaxNamesTheLine) {
  std::string msg = ArchError(Replace(kArch, "  cols: 14\n", " cols: 14\n"), EY_SYNTAX);
  EXPECT_EQ(msg.rfind("t.yaml:4: syntax: ", 0), 0u) << msg;
  EXPECT_NE(msg.find("(got invalid YAML)"), std::string::npos) << msg;
  msg = ArchError("name: [unclosed\n", EY_SYNTAX);
  EXPECT_EQ(msg.rfind("t.yaml:2: syntax: ", 0), 0u) << msg;
  EXPECT_EQ(ArchError("", EY_SYNTAX),
            "t.yaml:1: document: expected a YAML mapping (got an empty file)");
}

TEST(ArchConfig, InconsistentArchIsRejectedAfterLoading) {
  EXPECT_EQ(ArchError(Replace(kArch, "filter_kb: 8", "filter_kb: 108")),
            "t.yaml:7: glb.filter_kb: must be less than glb.size_kb (108) (got 108)");
  EXPECT_EQ(ArchError(Replace(kArch, "filter_kb: 8", "filter_kb: 107")), "");
  EXPECT_EQ(ArchError(std::string(kArch) + "data:\n  psum_bits: 8\n"),
            "t.yaml:9: data.psum_bits: must be at least data.word_bits (16) (got 8)");
  // One 32-bit psum is two 16-bit words: a single bank needs two ports.
  EXPECT_EQ(ArchError(Replace(kArch, "  filter_kb: 8\n", "  filter_kb: 8\n  banks: 1\n")),
            "t.yaml:1: glb.bank_ports: must be at least 2 so that one psum of 2 words fits 1 banks "
            "(got 1)");
  EXPECT_EQ(ArchError(Replace(kArch, "  filter_kb: 8\n",
                              "  filter_kb: 8\n  banks: 1\n  bank_ports: 2\n")),
            "");
  // The mesh's clusters tile the array; on the bus their keys are not read.
  const std::string mesh = std::string(kArch) + "noc:\n  impl: hierarchical-mesh\n";
  EXPECT_EQ(ArchError(mesh + "  mesh:\n    cluster_rows: 5\n    cluster_cols: 7\n"),
            "t.yaml:11: noc.mesh.cluster_rows: must divide pe_array.rows (12) (got 5)");
  EXPECT_EQ(ArchError(mesh + "  mesh:\n    cluster_cols: 4\n"),
            "t.yaml:11: noc.mesh.cluster_cols: must divide pe_array.cols (14) (got 4)");
  EXPECT_EQ(ArchError(mesh + "  mesh:\n    cluster_rows: 4\n    cluster_cols: 7\n"), "");
  EXPECT_EQ(ArchError(std::string(kArch) + "noc:\n  mesh:\n    cluster_rows: 5\n"), "");
  // A router's source is 16 bits: 1024 x 1024 one-PE clusters of 3 routers cannot be named.
  EXPECT_EQ(ArchError(Replace(Replace(mesh, "rows: 12", "rows: 1024"), "cols: 14", "cols: 1024") +
                      "  mesh:\n    cluster_rows: 1\n    cluster_cols: 1\n"),
            "t.yaml:11: noc.mesh.cluster_rows: 1048576 clusters of 3 routers exceed the mesh's "
            "65535 sources; make the clusters larger (got 1 x 1 PEs)");
}

TEST(ArchConfig, MissingFileIsAnIoError) {
  ey_arch a;
  ey_err err;
  EXPECT_EQ(ey_arch_load("/nonexistent/x.yaml", &a, &err), EY_IO);
  EXPECT_STREQ(err.msg, "/nonexistent/x.yaml: cannot open (No such file or directory)");
}

TEST(ArchConfig, SetOverridesAndRechecks) {
  ey_arch a;
  ey_err err;
  ASSERT_EQ(ey_arch_load_string("t.yaml", kArch, &a, &err), EY_OK);
  ASSERT_EQ(ey_arch_set(&a, "pe_array.rows=16", &err), EY_OK) << err.msg;
  EXPECT_EQ(a.rows, 16);
  ASSERT_EQ(ey_arch_set(&a, "mapper.objective=edp", &err), EY_OK) << err.msg;
  EXPECT_EQ(a.objective, EY_OBJ_EDP);
  EXPECT_EQ(ey_arch_set(&a, "pe_array.rowz=3", &err), EY_CONFIG);
  EXPECT_STREQ(err.msg, "--set: pe_array.rowz: unknown key (did you mean pe_array.rows?)");
  EXPECT_EQ(ey_arch_set(&a, "pe_array.rows=-1", &err), EY_CONFIG);
  EXPECT_STREQ(err.msg, "--set: pe_array.rows: must be an integer from 1 to 1024 (got -1)");
  EXPECT_EQ(ey_arch_set(&a, "glb.filter_kb=500", &err), EY_CONFIG);
  EXPECT_STREQ(err.msg, "--set: glb.filter_kb: must be less than glb.size_kb (108) (got 500)");
  EXPECT_EQ(ey_arch_set(&a, "pe_array.rows", &err), EY_USAGE);
  EXPECT_STREQ(err.msg, "--set: expected KEY=VALUE (got pe_array.rows)");
}

// A cross-field error caused by a file value after --set still names the file.
// Keys a rule ties together change together: every --set is applied before the
// rules are checked, in either order; a rule still broken at the end is an error.
TEST(ArchConfig, SetAllChecksTheRulesOnceAtTheEnd) {
  ey_arch a;
  ey_err err;
  ASSERT_EQ(ey_arch_load_string("t.yaml",
                                (std::string(kArch) + "noc:\n  impl: hierarchical-mesh\n"
                                                      "  mesh:\n    cluster_cols: 7\n")
                                    .c_str(),
                                &a, &err),
            EY_OK)
      << err.msg;
  const char *sets[] = {"pe_array.rows=32", "noc.mesh.cluster_rows=4", "pe_array.cols=28"};
  EXPECT_EQ(ey_arch_set(&a, sets[0], &err), EY_CONFIG);  // alone, 32 rows break the rule
  ASSERT_EQ(ey_arch_load_string("t.yaml",
                                (std::string(kArch) + "noc:\n  impl: hierarchical-mesh\n"
                                                      "  mesh:\n    cluster_cols: 7\n")
                                    .c_str(),
                                &a, &err),
            EY_OK);
  EXPECT_EQ(ey_arch_set_all(&a, sets, 3, &err), EY_OK) << err.msg;
  EXPECT_EQ(a.rows, 32);
  EXPECT_EQ(a.mesh_cluster_rows, 4);
  const char *bad[] = {"noc.mesh.cluster_rows=4", "pe_array.rows=30"};
  EXPECT_EQ(ey_arch_set_all(&a, bad, 2, &err), EY_CONFIG);
  EXPECT_STREQ(err.msg, "--set: noc.mesh.cluster_rows: must divide pe_array.rows (30) (got 4)");
}

TEST(ArchConfig, CrossFieldMessageNamesWhereEachKeyCameFrom) {
  ey_arch a;
  ey_err err;
  ASSERT_EQ(ey_arch_load_string("t.yaml", kArch, &a, &err), EY_OK);
  EXPECT_EQ(ey_arch_set(&a, "glb.size_kb=8", &err), EY_CONFIG);
  EXPECT_STREQ(err.msg, "t.yaml:7: glb.filter_kb: must be less than glb.size_kb (8) (got 8)");
}

// ------------------------------------------------------------------ networks

const char *kNet =
    "name: tiny\n"                                                     // 1
    "batch: 2\n"                                                       // 2
    "layers:\n"                                                        // 3
    "  - {name: c1, C: 3, M: 8, H: 9, W: 9, R: 3, S: 3, pad: 1}\n"     // 4
    "  - {name: c2, C: 8, M: 8, H: 9, W: 9, R: 3, S: 3, groups: 2}\n"  // 5
    "  - name: f3\n"                                                   // 6
    "    type: fc\n"                                                   // 7
    "    C: 8\n"                                                       // 8
    "    M: 10\n"                                                      // 9
    "    H: 7\n"                                                       // 10
    "    W: 7\n"                                                       // 11
    "    R: 7\n"                                                       // 12
    "    S: 7\n";                                                      // 13

std::string NetError(const std::string &text) {
  ey_net n;
  ey_err err;
  err.msg[0] = '\0';
  ey_rc rc = ey_net_load_string("n.yaml", text.c_str(), &n, &err);
  ey_net_free(&n);
  return rc == EY_OK ? "" : err.msg;
}

TEST(NetConfig, LoadsAndDerivesOutputSizes) {
  ey_net n;
  ey_err err;
  ASSERT_EQ(ey_net_load_string("n.yaml", kNet, &n, &err), EY_OK) << err.msg;
  ASSERT_EQ(n.nlayers, 3);
  EXPECT_EQ(n.batch, 2);
  // E = (H + 2 pad - R) / stride + 1, by hand: (9 + 2 - 3)/1 + 1 = 9; (9 - 3) + 1 = 7.
  EXPECT_EQ(n.layers[0].E, 9);
  EXPECT_EQ(n.layers[0].N, 2);
  EXPECT_EQ(n.layers[1].E, 7);
  EXPECT_EQ(n.layers[1].groups, 2);
  EXPECT_EQ(n.layers[2].E, 1);
  EXPECT_EQ(n.layers[2].type, EY_LAYER_FC);
  EXPECT_EQ(n.layers[2].line, 6);
  ey_net_set_batch(&n, 5);
  EXPECT_EQ(n.layers[2].N, 5);
  ey_net_free(&n);
}

TEST(NetConfig, LayerErrorsNameTheLayer) {
  EXPECT_EQ(NetError(Replace(kNet, "groups: 2", "groups: 3")),
            "n.yaml:5: c2.groups: must divide C (8) (got 3)");
  EXPECT_EQ(NetError(Replace(kNet, "groups: 2", "stide: 2")),
            "n.yaml:5: c2.stide: unknown key (did you mean stride?)");
  EXPECT_EQ(NetError(Replace(kNet, "R: 3, S: 3, pad: 1", "S: 3, pad: 1")),
            "n.yaml:4: c1.R: required but not given");
  EXPECT_EQ(NetError(Replace(kNet, "    S: 7\n", "    S: 6\n")),
            "n.yaml:6: f3.type: fc needs H = R and W = S (got H=7 R=7 W=7 S=6)");
  EXPECT_EQ(NetError(Replace(kNet, "name: c2", "name: c1")),
            "n.yaml:5: c1.name: must be unique (got it again; first on line 4)");
  EXPECT_EQ(NetError(Replace(kNet, "pad: 1", "pad: 3")),
            "n.yaml:4: c1.pad: must be less than R (3) and S (3) (got 3)");
  // c1 gives 8 x 9 x 9 (pad 1): a c2 that says H = 2 disagrees with it...
  EXPECT_EQ(
      NetError(Replace(kNet, "H: 9, W: 9, R: 3, S: 3, groups", "H: 2, W: 9, R: 3, S: 3, groups")),
      "n.yaml:5: c2.H: must equal the output of its input c1 (line 4), 9 (got 2)");
  // ...and, as an independent layer, cannot hold its filter.
  EXPECT_EQ(NetError(Replace(
                Replace(kNet, "H: 9, W: 9, R: 3, S: 3, groups", "H: 2, W: 9, R: 3, S: 3, groups"),
                "batch: 2\n", "batch: 2\nindependent: true\n")),
            "n.yaml:6: c2.R: must be at most H + 2*pad = 2 (got 3)");
  EXPECT_EQ(NetError(Replace(kNet, "{name: c1, ", "{")),
            "n.yaml:4: layers[0].name: required but not given");
}

TEST(NetConfig, TopLevelErrors) {
  EXPECT_EQ(NetError("name: x\nbatch: 0\nlayers: []\n"),
            "n.yaml:2: batch: must be an integer from 1 to 65536 (got 0)");
  EXPECT_EQ(NetError("name: x\nlayers: []\n"),
            "n.yaml:2: layers: must be a non-empty list of layers (got an empty list)");
  EXPECT_EQ(NetError("name: x\n"), "n.yaml:1: layers: required but not given");
  EXPECT_EQ(NetError("name: x\nlayers: 3\n"),
            "n.yaml:2: layers: must be a non-empty list of layers (got a scalar)");
  EXPECT_EQ(NetError("name: x\nlayer: []\n"),
            "n.yaml:2: layer: unknown key (did you mean layers?)");
}

TEST(NetConfig, SelectNamesAndRanges) {
  ey_net n;
  ey_err err;
  ASSERT_EQ(ey_net_load_string("n.yaml", kNet, &n, &err), EY_OK);
  ASSERT_EQ(ey_net_select(&n, "c2..f3", &err), EY_OK) << err.msg;
  ASSERT_EQ(n.nlayers, 2);
  EXPECT_STREQ(n.layers[0].name, "c2");
  EXPECT_STREQ(n.layers[1].name, "f3");
  ey_net_free(&n);

  ASSERT_EQ(ey_net_load_string("n.yaml", kNet, &n, &err), EY_OK);
  ASSERT_EQ(ey_net_select(&n, "f3,c1", &err), EY_OK) << err.msg;
  ASSERT_EQ(n.nlayers, 2);  // file order is kept
  EXPECT_STREQ(n.layers[0].name, "c1");
  EXPECT_EQ(ey_net_select(&n, "c9", &err), EY_USAGE);
  EXPECT_STREQ(err.msg, "--layers: c9: no such layer in tiny (got c9)");
  ey_net_free(&n);

  ASSERT_EQ(ey_net_load_string("n.yaml", kNet, &n, &err), EY_OK);
  EXPECT_EQ(ey_net_select(&n, "f3..c1", &err), EY_USAGE);
  EXPECT_STREQ(err.msg, "--layers: a range must run forward in file order (got f3..c1)");
  EXPECT_EQ(ey_net_select(&n, "c1..zz", &err), EY_USAGE);
  EXPECT_STREQ(err.msg, "--layers: zz: no such layer in tiny (got c1..zz)");
  ey_net_free(&n);
}

TEST(ShippedConfigs, EveryArchitectureAndNetworkLoads) {
  for (const auto &a : eytest::ShippedArchs()) {
    SCOPED_TRACE(a);
    ey_arch arch = eytest::LoadArch(a);
    EXPECT_EQ(ey_arch_check(&arch, nullptr), EY_OK);
  }
  for (const auto &n : eytest::ShippedNets()) {
    SCOPED_TRACE(n);
    ey_net net = eytest::LoadNet(n);
    EXPECT_GT(net.nlayers, 0);
    ey_net_free(&net);
  }
}

// The shipped Eyeriss v1 file carries the chip's figures (Chen et al., ISSCC 2016).
TEST(ShippedConfigs, EyerissV1MatchesTheReference) {
  ey_arch a = eytest::LoadArch("eyeriss_v1");
  EXPECT_EQ(a.rows * a.cols, 168);
  EXPECT_EQ(a.rows, 12);
  EXPECT_EQ(a.cols, 14);
  EXPECT_EQ(a.glb_kb, 108);
  EXPECT_EQ(a.filter_spad_words, 224);
  EXPECT_EQ(a.ifmap_spad_words, 12);
  EXPECT_EQ(a.psum_spad_words, 24);
  EXPECT_EQ(a.core_mhz, 200);
  EXPECT_EQ(a.dram_mhz, 60);
  // 64 b x 60 MHz = 480 MB/s peak.
  EXPECT_EQ((long)a.dram_bus_bits / 8 * a.dram_mhz, 480);
}

}  // namespace
