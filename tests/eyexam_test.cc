// eyexam_test.cc - the seven Eyexam bounds (mapper/eyexam.h) on three small
// layers worked by hand in the comments, and against the engine: a measured
// MAC/cycle never exceeds the bound of step 6, on every test layer.
#include <gtest/gtest.h>

#include <cmath>

#include "test_util.h"

extern "C" {
#include "mapper/eyexam.h"
}

using eytest::Layer;
using eytest::TinyArch;

namespace {

ey_cost CostOf(const ey_layer &l, const ey_arch &a, const ey_mapping &m) {
  ey_err err;
  EXPECT_EQ(ey_mapping_check(&l, &a, &m, &err), EY_OK) << err.msg;
  ey_cost c;
  ey_mapping_cost(&l, &a, &m, &c);
  return c;
}

}  // namespace

// A 3x3 filter over a 5x5 ifmap, one channel and one filter (E = F = 3), on 6 x 4
// PEs with the defaults (16-bit words, 32-bit psums, a 64-bit DRAM bus at 60 MHz
// under a 200 MHz core, 27 GLB banks of one port, GINs of 1 ifmap and 4 filter
// and psum words a cycle). The mapping: one set of 3 x 3 PEs, e = 3.
//   1 workload  81 MACs
//   2 dataflow  R*E = 9 row primitives
//   3 PEs       9 / ceil(9/24) = 9
//   4 array     e = 3, r = t = 1: 3 x 3 = 9 PEs in one pass (C = M = 1)
//   5 storage   9 (everything fits)
//   6 bandwidth the ifmap GIN sends 5 rows x 5 columns = 25 words: 81/25 = 3.24;
//               DRAM moves 25 + 9 + 9 words of 16 bits = 688 bits at 19.2 bits a
//               cycle: 81 * 19.2 / 688 = 2.2605 (the limit); the GLB's array-side
//               ports serve the 25 ifmap words read and the 9 psums the GON writes,
//               two words each (43 port-cycles; the DRAM's transfers have a port of
//               their own, the filters go out in bulk) on 27 ports:
//               81 * 27 / 43 = 50.86; the filter
//               GIN 9 words at 4: 36; the GON 9 at 4: 36; no psum comes back in.
TEST(Eyexam, OneSmallSetIsBoundByDram) {
  ey_arch a = TinyArch(6, 4);
  ey_layer l = Layer(1, 1, 1, 5, 5, 3, 3);
  ey_mapping m = {1, 1, 1, 1, 1, 3, 3, 1, 1};
  ey_cost c = CostOf(l, a, m);
  ey_eyexam x;
  ASSERT_EQ(ey_eyexam_bounds(&l, &a, &m, &c, 0, 0, &x), EY_OK);
  EXPECT_EQ(x.bound[EY_EX_WORKLOAD], 81);
  EXPECT_EQ(x.primitives, 9u);
  EXPECT_EQ(x.bound[EY_EX_DATAFLOW], 9);
  EXPECT_EQ(x.bound[EY_EX_PES], 9);
  EXPECT_EQ(x.array_pes, 9);
  EXPECT_EQ(x.storage_pes, 9);
  EXPECT_EQ(x.mapping_pes, 9);
  EXPECT_EQ(x.mapping_bound, 9);  // 81 MACs in one pass of 3 x 3 MACs per PE
  EXPECT_DOUBLE_EQ(x.level_bound[EY_EXBW_NOC_IFMAP], 81.0 / 25);
  EXPECT_DOUBLE_EQ(x.level_bound[EY_EXBW_DRAM], 81 * 19.2 / 688);
  EXPECT_DOUBLE_EQ(x.level_bound[EY_EXBW_GLB], 81.0 * 27 / 43);
  EXPECT_DOUBLE_EQ(x.level_bound[EY_EXBW_NOC_FILTER], 36);
  EXPECT_DOUBLE_EQ(x.level_bound[EY_EXBW_NOC_PSUM_OUT], 36);
  EXPECT_TRUE(std::isinf(x.level_bound[EY_EXBW_NOC_PSUM_IN]));
  EXPECT_EQ(x.limit, EY_EXBW_DRAM);
  EXPECT_DOUBLE_EQ(x.bound[EY_EX_BANDWIDTH], 81 * 19.2 / 688);
  EXPECT_EQ(x.bound[EY_EX_MEASURED], 0);  // no cycles given
  ASSERT_EQ(ey_eyexam_bounds(&l, &a, &m, &c, 100, 0, &x), EY_OK);
  EXPECT_DOUBLE_EQ(x.bound[EY_EX_MEASURED], 0.81);
}

// Ten 3x3 filters over a 3x3 ifmap (E = F = 1) on the same 24 PEs: 30 row
// primitives take two rounds, so step 3 loses half (30 / 2 = 15). A placement of
// e = 1 fits t = 8 sets of 3 PEs (24 PEs), but 10 filters in blocks of 8 take two
// passes: 5 sets busy on average, 15 MAC/cycle; t = 5 gives the same.
TEST(Eyexam, TwoRoundsOfPrimitivesHalveThePeBound) {
  ey_arch a = TinyArch(6, 4);
  ey_layer l = Layer(1, 1, 10, 3, 3, 3, 3);
  ey_mapping m = {1, 1, 1, 1, 8, 1, 1, 8, 1};
  ey_cost c = CostOf(l, a, m);
  ey_eyexam x;
  ASSERT_EQ(ey_eyexam_bounds(&l, &a, &m, &c, 0, 0, &x), EY_OK);
  EXPECT_EQ(x.bound[EY_EX_WORKLOAD], 90);
  EXPECT_EQ(x.primitives, 30u);
  EXPECT_EQ(x.bound[EY_EX_DATAFLOW], 30);
  EXPECT_EQ(x.bound[EY_EX_PES], 15);
  EXPECT_EQ(x.array_pes, 24);  // the first placement found at 15
  EXPECT_EQ(x.bound[EY_EX_ARRAY], 15);
  EXPECT_EQ(x.storage_pes, 24);
  EXPECT_EQ(x.mapping_pes, 24);
  EXPECT_EQ(x.mapping_bound, 15);  // 90 MACs in two passes of 3 x 3 MACs
  EXPECT_EQ(x.bound[EY_EX_STORAGE], 15);
  EXPECT_LE(x.bound[EY_EX_BANDWIDTH], 15);
}

// Eight 3x3 filters over a 34x34 ifmap (E = F = 32) with 1 KiB of GLB for the
// tiles (8192 bits). Without the storage limit, e = 4 with t = 2 sets side by side
// runs 3 x 4 x 2 = 24 PEs in every pass (32 rows in 8 strips, 8 filters in 4
// blocks): 24 MAC/cycle. But a tile of e output rows needs (e + 2) ifmap rows x 34
// x 16 bits and e x 32 x 32 bits of psums per filter:
//   e = 1: 1632 + 1024 t <= 8192 for t <= 6: 18 PEs, but 8 filters in blocks of 6
//          take two passes, 4 sets busy on average: 3 x 1 x 4 = 12 MAC/cycle
//   e = 2: 2176 + 2048 t: t = 2: 3 x 2 x 2 = 12;  e = 3: 2720 + 3072 t: t = 1, and
//          32 rows in 11 strips: 3 x 32/11 = 8.7;  e = 4: 3264 + 4096 t: t = 1: 12
//   e = 8: 5440 + 8192 > 8192: none
// so storage allows 12 MAC/cycle (the first placement found at 12 is e = 1's, of
// 18 PEs).
TEST(Eyexam, ASmallGlbCutsTheActivePes) {
  ey_arch a = TinyArch(6, 4, 2, 1);
  ey_layer l = Layer(1, 1, 8, 34, 34, 3, 3);
  ey_mapping m;
  ey_err err;
  ASSERT_EQ(ey_map_layer(&l, &a, EY_OBJ_CYCLES, &m, nullptr, nullptr, &err), EY_OK) << err.msg;
  ey_cost c = CostOf(l, a, m);
  ey_eyexam x;
  ASSERT_EQ(ey_eyexam_bounds(&l, &a, &m, &c, 0, 0, &x), EY_OK);
  EXPECT_EQ(x.primitives, 8u * 3 * 32);
  EXPECT_EQ(x.bound[EY_EX_PES], 24);  // 768 / ceil(768 / 24)
  EXPECT_EQ(x.bound[EY_EX_ARRAY], 24);
  EXPECT_EQ(x.array_pes, 24);
  EXPECT_EQ(x.bound[EY_EX_STORAGE], 12);
  EXPECT_EQ(x.storage_pes, 18);
  EXPECT_LE(x.mapping_bound, 12);
}

// No legal mapping: nothing to place at step 5.
TEST(Eyexam, NoLegalMappingIsNoMap) {
  ey_arch a = TinyArch(6, 4, 2, 1);
  ey_layer l = Layer(1, 1, 1, 34, 34, 3, 3);
  ey_layer big = Layer(1, 1, 1, 600, 600, 3, 3);  // one ifmap row pair is too big
  ey_mapping m = {1, 1, 1, 1, 1, 1, 1, 1, 1};
  ey_cost c = CostOf(l, a, m);
  ey_eyexam x;
  EXPECT_EQ(ey_eyexam_bounds(&big, &a, &m, &c, 0, 0, &x), EY_NOMAP);
}

// The engine never beats step 6 on AlexNet's layers (batch 1) on `arch`: its
// cycles respect every level's bandwidth, and each bound caps the next.
static void ExpectMeasuredWithinTheBounds(const char *arch, const char *netname = "alexnet",
                                          int objective = EY_OBJ_CYCLES) {
  ey_arch a = eytest::LoadArch(arch);
  ey_net net = eytest::LoadNet(netname);
  for (int i = 0; i < net.nlayers; i++) {
    ey_layer l = net.layers[i];
    l.N = 1;
    SCOPED_TRACE(std::string(arch) + " " + l.name);
    ey_mapping m;
    ey_cost c;
    ey_err err;
    ASSERT_EQ(ey_map_layer(&l, &a, objective, &m, &c, nullptr, &err), EY_OK) << err.msg;
    ey_engine_opts o = eytest::Opts(EY_STEP_FAST, 1, 0.0, 0);
    ey_meas meas;
    ASSERT_EQ(ey_engine_run_layer(&a, &l, &m, &o, nullptr, &meas, &err), EY_OK) << err.msg;
    uint64_t bits = 0;
    for (int t = 0; t < EY_NTYPES; t++) bits += meas.dram_bits[t];
    ey_eyexam x;
    ASSERT_EQ(ey_eyexam_bounds(&l, &a, &m, &c, meas.cycles, bits, &x), EY_OK);
    for (int s = 1; s < EY_EX_STEPS - 1; s++) EXPECT_LE(x.bound[s], x.bound[s - 1]) << s;
    EXPECT_LE(x.bound[EY_EX_MEASURED], x.bound[EY_EX_BANDWIDTH]);
    EXPECT_GT(x.bound[EY_EX_MEASURED], 0);
  }
  ey_net_free(&net);
}

TEST(Eyexam, MeasuredNeverExceedsTheBandwidthBound) {
  ExpectMeasuredWithinTheBounds("eyeriss_v1");
}

// The same on the mesh, and with v2's SIMD PE (pe.macs_per_cycle = 2).
TEST(Eyexam, MeasuredNeverExceedsTheBoundsOnTheMeshWithTwoMacsACycle) {
  ExpectMeasuredWithinTheBounds("eyeriss_v1_5");
  ExpectMeasuredWithinTheBounds("eyeriss_v2");
  // MobileNet's depthwise layers read the clustered banks at their routers'
  // width, and its 1x1 layers run two MACs a cycle only with q S >= p.
  ExpectMeasuredWithinTheBounds("eyeriss_v1_5", "mobilenet_v1", EY_OBJ_EDP);
  ExpectMeasuredWithinTheBounds("eyeriss_v2", "mobilenet_v1", EY_OBJ_EDP);
}

// Through the command line: the table's section has a row per layer, and the
// JSON and CSV carry the same bounds, the measured one MACs / cycles.
TEST(Eyexam, TheReportsCarryTheBounds) {
  eytest::TempDir t;
  eytest::CmdResult r = eytest::Eyesim("run eyeriss_v1 tests/data/tiny.yaml -j1 --eyexam --json '" +
                                       t.File("r.json") + "' --csv '" + t.File("r.csv") + "'");
  ASSERT_EQ(r.status, 0) << r.err;
  size_t at = r.out.find("\neyexam: MAC/cycle after each step");
  ASSERT_NE(at, std::string::npos) << r.out;
  for (const char *layer : {"\nc1 ", "\nc2 ", "\nc3 ", "\nfc "})
    EXPECT_NE(r.out.find(layer, at), std::string::npos) << layer;
  std::string json = eytest::ReadFile(t.File("r.json"));
  EXPECT_NE(json.find("\"eyexam\": {"), std::string::npos);
  EXPECT_NE(json.find("\"bandwidth_by_level\": {"), std::string::npos);
  std::string csv = eytest::ReadFile(t.File("r.csv"));
  EXPECT_NE(csv.find(",eyexam_workload,eyexam_dataflow,eyexam_pes,eyexam_array,eyexam_storage,"
                     "eyexam_bandwidth,eyexam_measured,eyexam_bw_dram"),
            std::string::npos);
  // Quiet, or a JSON on stdout: no section.
  r = eytest::Eyesim("run eyeriss_v1 tests/data/tiny.yaml -j1 --eyexam -q");
  EXPECT_EQ(r.out, "");
}
