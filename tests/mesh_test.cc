// mesh_test.cc - the engine on noc.impl: hierarchical-mesh (docs/mesh.md)
// against the same oracles as on the bus: the golden convolution (every output,
// bit for bit), the analytic access counts (the mesh moves the same words as the
// bus; only when they move differs), exact against fast stepping and replayed
// against simulated passes, the bounds, and the bandwidth the bands add.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "test_util.h"

extern "C" {
#include "mapper/mapper.h"
#include "sim/engine/engine.h"
}

using eytest::Cost;
using eytest::ExpectSameCounts;
using eytest::ExpectSameMeas;
using eytest::Layer;
using eytest::TinyArch;

namespace {

using Case = eytest::LayerCase;

// DRAM that never binds, so that a layer's cycles are its array's.
const char *const kFastDram =
    "clock:\n  dram_mhz: 10000\ndram:\n  bus_bits: 4096\n  latency_cycles: 0\n";

// rows x cols PEs in clusters of crows x ccols, with `routers` ifmap routers and
// 1-word ports unless `extra` says otherwise.
ey_arch Mesh(int rows, int cols, int crows, int ccols, int routers = 3, int glb_kb = 64,
             const std::string &extra = "") {
  return TinyArch(rows, cols, glb_kb, 1,
                  "noc:\n  impl: hierarchical-mesh\n  mesh:\n    cluster_rows: " +
                      std::to_string(crows) + "\n    cluster_cols: " + std::to_string(ccols) +
                      "\n    ifmap_routers: " + std::to_string(routers) + "\n" + extra);
}

// The layer shapes of a network, each on a cluster geometry of its own: one
// cluster, one-row clusters, non-square ones, filters taller than a cluster
// (psums chained across clusters), sets wider than a cluster (weights multicast
// across them) and folded sets.
std::vector<Case> Cases() {
  return {
      {"stride 1, 3x2 clusters", Layer(1, 3, 4, 8, 8, 3, 3), Mesh(6, 4, 3, 2)},
      {"stride 2 padded, 3x4 clusters", Layer(1, 2, 3, 9, 9, 3, 3, 2, 1), Mesh(6, 4, 3, 4)},
      {"11x11 stride 4 across four cluster rows", Layer(1, 3, 4, 23, 23, 11, 11, 4),
       Mesh(12, 4, 3, 4)},
      {"grouped, 2x2 clusters", Layer(2, 4, 6, 7, 7, 3, 3, 1, 1, 2), Mesh(6, 4, 2, 2)},
      {"depthwise, 3x4 clusters", Layer(1, 4, 4, 8, 8, 3, 3, 1, 1, 4), Mesh(6, 4, 3, 4)},
      {"1x1, one-row clusters", Layer(2, 8, 6, 5, 5, 1, 1), Mesh(4, 4, 1, 2, 2)},
      {"1x1 stride 2, one cluster", Layer(1, 6, 4, 8, 8, 1, 1, 2), Mesh(4, 4, 4, 4)},
      {"fc, 2x3 clusters", Layer(3, 6, 5, 3, 3, 3, 3), Mesh(6, 6, 2, 3)},
      {"folded, many channel blocks, 4x1 clusters", Layer(1, 12, 4, 12, 6, 2, 2),
       Mesh(8, 3, 4, 1, 1, 64, "pe:\n  ifmap_fifo_words: 1\n  psum_fifo_words: 1\n")},
      {"tight GLB, 3x2 clusters", Layer(2, 6, 8, 10, 10, 3, 3, 1, 1), Mesh(6, 4, 3, 2, 3, 2)},
      {"4x4 clusters, 2x2 of them", Layer(1, 8, 8, 10, 10, 3, 3, 1, 1), Mesh(8, 8, 4, 4)},
      // Words crossing up to six routers of three cycles each, reserved in
      // their PEs' FIFOs while on their way.
      {"2x2 clusters, 3 cycles a hop", Layer(1, 6, 6, 9, 9, 3, 3, 1, 1),
       Mesh(8, 8, 2, 2, 3, 64, "    hop_cycles: 3\n")},
      // Channel groups side by side (mapping g): depthwise sets in clusters of
      // their own, and grouped sets straddling 2-row clusters.
      {"depthwise side by side, 3x2 clusters", Layer(1, 8, 8, 6, 6, 3, 3, 1, 1, 8),
       Mesh(6, 8, 3, 2)},
      {"4 groups across 2x2 clusters", Layer(2, 8, 8, 6, 6, 3, 3, 1, 1, 4), Mesh(8, 8, 2, 2)},
  };
}

ey_meas Simulate(const Case &k, const ey_mapping &m, int step, double zeros, int replay_check = 0) {
  ey_engine_opts o = eytest::Opts(step, 7, zeros, 1);
  o.replay_check = replay_check;
  ey_meas meas;
  ey_err err;
  EXPECT_EQ(ey_engine_run_layer(&k.a, &k.l, &m, &o, nullptr, &meas, &err), EY_OK)
      << k.what << ": " << err.msg;
  EXPECT_EQ(meas.checked, 1) << k.what;
  return meas;
}

ey_mapping Best(const Case &k, int objective) {
  ey_mapping m;
  ey_err err;
  EXPECT_EQ(ey_map_layer(&k.l, &k.a, objective, &m, nullptr, nullptr, &err), EY_OK) << err.msg;
  return m;
}

TEST(MeshEngine, EveryOutputEqualsTheGoldenConvolution) {
  for (const Case &k : Cases())
    for (int obj : {EY_OBJ_ENERGY, EY_OBJ_CYCLES})
      for (double z : {0.0, 0.5}) {
        SCOPED_TRACE(testing::Message() << k.what << " objective " << obj << " zeros " << z);
        Simulate(k, Best(k, obj), EY_STEP_FAST, z);
      }
}

// Many legal mappings, each replayed pass also simulated and compared with its
// record: every placement the mapper may choose routes on the mesh.
TEST(MeshEngine, ArbitraryLegalMappingsComputeTheSameConvolution) {
  int runs = 0, side = 0, crossing[3] = {0, 0, 0};
  for (const Case &k : Cases())
    for (const ey_mapping &m : eytest::SampledMappings(k.l, k.a, 3, 3, 2, 7)) {
      SCOPED_TRACE(testing::Message() << k.what << " n" << m.n << " p" << m.p << " q" << m.q << " r"
                                      << m.r << " t" << m.t << " e" << m.e << " g" << m.g);
      const ey_meas ms = Simulate(k, m, EY_STEP_FAST, 0.3, 1);
      // The words x links the routing makes, whatever the data: the mapper's
      // walk of the placement against the trees noc/hmesh.c built.
      const ey_counts want = Cost(k.l, k.a, m);
      EXPECT_EQ(ms.c.noc_ifmap_links_x, want.noc_ifmap_links_x);
      EXPECT_EQ(ms.c.noc_ifmap_links_y, want.noc_ifmap_links_y);
      EXPECT_EQ(ms.c.noc_filter_links, want.noc_filter_links);
      runs++;
      side += m.g > 1;
      crossing[0] += want.noc_ifmap_links_x > 0;
      crossing[1] += want.noc_ifmap_links_y > 0;
      crossing[2] += want.noc_filter_links > 0;
    }
  EXPECT_GT(runs, 60);
  EXPECT_GT(side, 5);  // channel groups side by side among them
  for (int d = 0; d < 3; d++) EXPECT_GT(crossing[d], 20) << d;  // links of every kind crossed
}

// The mesh moves the words the bus moves: a word is read once from the GLB and
// multicast to every PE that needs it, each PE receives each of its words once.
TEST(MeshEngine, MeasuredCountsEqualAnalyticAtEveryLevel) {
  int layers = 0;
  for (const Case &k : Cases()) {
    SCOPED_TRACE(k.what);
    ey_mapping m = Best(k, EY_OBJ_CYCLES);
    const ey_meas ms = Simulate(k, m, EY_STEP_FAST, 0.0);
    ExpectSameCounts(Cost(k.l, k.a, m), ms.c);
    // Every ifmap word leaves one router and passes one more per link it
    // crosses: the routers' sum is the GIN's transfers plus the link words.
    EXPECT_EQ(ms.mesh_router_words[0],
              ms.c.noc_ifmap + ms.c.noc_ifmap_links_x + ms.c.noc_ifmap_links_y);
    EXPECT_GE(ms.mesh_router_words[1], ms.c.noc_filter + ms.c.noc_filter_links);
    layers++;
  }
  EXPECT_GE(layers, 8);
}

TEST(MeshEngine, ExactAndFastSteppingAgree) {
  for (const Case &k : Cases()) {
    SCOPED_TRACE(k.what);
    ey_mapping m = Best(k, EY_OBJ_CYCLES);
    ExpectSameMeas(Simulate(k, m, EY_STEP_EXACT, 0.5), Simulate(k, m, EY_STEP_FAST, 0.5));
  }
}

// Cycles >= MACs / PEs (one MAC per PE per cycle); every PE receives at least
// the distinct ifmap words its windows need (q*S per output column it makes).
TEST(MeshEngine, Bounds) {
  for (const Case &k : Cases()) {
    SCOPED_TRACE(k.what);
    ey_mapping m = Best(k, EY_OBJ_CYCLES);
    ey_meas ms = Simulate(k, m, EY_STEP_FAST, 0.0);
    EXPECT_GE((double)ms.cycles, (double)ms.c.macs / (k.a.rows * k.a.cols));
    EXPECT_GE(ms.c.noc_ifmap_delivered, ms.c.macs / ((uint64_t)k.l.M / k.l.groups) / k.l.R);
    uint64_t sum = 0;
    for (int cl = 0; cl < EY_NCLASSES; cl++) sum += ms.classes[cl];
    EXPECT_EQ(sum, ms.cycles * (uint64_t)(k.a.rows * k.a.cols));
  }
}

// Each channel set's region (set gi * ns + ri).
static int Bands(const ey_arch &a, const ey_mapping &m, int R, int ng, int ns, int ga, int ea,
                 int *band, int *src = nullptr) {
  std::vector<int> work(5 * ga * ns + 4096), first(4096);
  return ey_mesh_ifmap_regions(&a, &m, R, ng, ns, ga, ea, band, src ? src : first.data(),
                               work.data());
}

// The bands by hand: clusters of one PE row, R = 2. Channel sets stacked on
// rows 0-1, 2-3, 4-5 are three bands when no filter group sits below them (one
// vertical slot, one segment); a second vertical slot of filter groups spans
// every set's rows and merges them into one, as do folded sets.
TEST(MeshBands, ChannelSetsInDisjointClusterRowsAreBandsOfTheirOwn) {
  ey_arch a = Mesh(12, 4, 1, 4, 1);
  ey_mapping m = {1, 1, 1, 3, 1, 4, 4, 1, 1};  // n p q r t e eg m g
  int band[3];
  EXPECT_EQ(Bands(a, m, 2, 1, 3, 1, 4, band), 3);
  EXPECT_EQ(band[0], 0);
  EXPECT_EQ(band[1], 1);
  EXPECT_EQ(band[2], 2);
  // Clusters of 3 rows: rows 0-1 are cluster row 0, rows 2-3 rows 0 and 1,
  // rows 4-5 row 1: the middle set joins both.
  ey_arch b = Mesh(12, 4, 3, 4, 1);
  EXPECT_EQ(Bands(b, m, 2, 1, 3, 1, 4, band), 1);
  // R = 3 on clusters of 3 rows: each set owns a cluster row.
  EXPECT_EQ(Bands(b, m, 3, 1, 3, 1, 4, band), 3);
  EXPECT_EQ(band[2], 2);
  // Two vertical slots (t = 2 groups, one per slot: e = cols): one band.
  m.t = 2;
  EXPECT_EQ(Bands(a, m, 2, 2, 3, 1, 4, band), 1);
  // Folded sets (e = 8 on 4 columns): each set's two segments span the others.
  m.t = 1;
  m.e = m.eg = 8;
  EXPECT_EQ(Bands(a, m, 2, 1, 3, 1, 8, band), 1);
}

// ey_mesh_ifmap_reach against every PE of every set: the most links from a
// region's first cluster to the cluster of one of its PEs, with each PE placed
// by docs/mesh.md's rule (row v*(k*r*R) + kk*(r*R) + ri*R + i, column
// h*ecol + jj), over one and several channel groups, folded sets, groups that
// wrap into further vertical slots, short last strips and several cluster shapes.
TEST(MeshBands, TheReachIsTheFarthestPeOfARegion) {
  int cases = 0;
  for (int cr : {1, 2, 3, 4})
    for (int cc : {1, 2, 4})
      for (int R : {1, 2, 3})
        for (int e : {1, 2, 3, 5, 8})
          for (int r : {1, 2})
            for (int ng : {1, 2, 3, 5})
              for (int ga : {1, 2, 3}) {
                const int rows = 24, cols = 8;
                ey_arch a = Mesh(rows, cols, cr, cc, 1);
                const int ecol = std::min(e, cols), k = (e + cols - 1) / cols, hg = cols / ecol;
                const int vslots = (ga * ng + hg - 1) / hg;
                if (vslots * k * r * R > rows) continue;  // does not fit
                ey_mapping m = {1, 1, 1, r, ng, e, e, ng, ga};
                for (int ea = 1; ea <= e; ea++) {
                  const int ns = r;
                  std::vector<int> band(ga * ns), src(4096);
                  Bands(a, m, R, ng, ns, ga, ea, band.data(), src.data());
                  int want = 0;
                  for (int ti = 0; ti < ng * ga; ti++)
                    for (int ri = 0; ri < ns; ri++)
                      for (int i = 0; i < R; i++)
                        for (int j = 0; j < ea; j++) {
                          const int v = ti / hg, h = ti % hg, kk = j / ecol, jj = j % ecol;
                          const int row = v * (k * r * R) + kk * (r * R) + ri * R + i;
                          const int col = h * ecol + jj;
                          const int from = src[band[ti / ng * ns + ri]], ncx = cols / cc;
                          want = std::max(want, row / cr - from / ncx + col / cc - from % ncx);
                        }
                  ASSERT_EQ(ey_mesh_ifmap_reach(&a, &m, R, ng, ns, ga, ea, band.data(), src.data()),
                            want)
                      << cr << "x" << cc << " R " << R << " e " << e << " r " << r << " ng " << ng
                      << " ga " << ga << " ea " << ea;
                  cases++;
                }
              }
  EXPECT_GT(cases, 1000);
}

// Channel groups side by side, by hand: R = 2, one set of e = 2 columns per
// group on 4 columns, so slots 0 and 1 share PE rows 0-1 (columns 0-1 and 2-3)
// and slots 2 and 3 rows 2-3. On one-row clusters of 4 columns those are two
// regions, groups 0-1 and 2-3, from clusters 0 and 2 (cluster row 2); on
// clusters of one row and 2 columns each group is a region of its own, its
// router in its own first cluster; on 3-row clusters rows 0-1 are cluster row 0
// and rows 2-3 rows 0-1: one region.
TEST(MeshBands, ChannelGroupsSideBySideAreRegionsOfTheirOwnClusters) {
  ey_arch a = Mesh(12, 4, 1, 4, 1);
  ey_mapping m = {1, 1, 1, 1, 1, 2, 2, 1, 4};
  int band[4], src[4];
  EXPECT_EQ(Bands(a, m, 2, 1, 1, 4, 2, band, src), 2);
  EXPECT_EQ(band[0], 0);
  EXPECT_EQ(band[1], 0);
  EXPECT_EQ(band[2], 1);
  EXPECT_EQ(band[3], 1);
  EXPECT_EQ(src[0], 0);
  EXPECT_EQ(src[1], 2);  // cluster row 2, column 0 (one cluster across)
  ey_arch c = Mesh(12, 4, 1, 2, 1);
  EXPECT_EQ(Bands(c, m, 2, 1, 1, 4, 2, band, src), 4);
  EXPECT_EQ(src[1], 1);  // row 0, column 1
  EXPECT_EQ(src[2], 4);  // row 2, column 0 (two clusters across)
  EXPECT_EQ(src[3], 5);
  ey_arch b = Mesh(12, 4, 3, 4, 1);
  EXPECT_EQ(Bands(b, m, 2, 1, 1, 4, 2, band), 1);
  EXPECT_EQ(band[3], 0);
}

// What regions buy, worked by hand: a depthwise 1x1 layer of 4 channels, one
// row of 64 words each, on 1 x 4 PEs (one MAC per ifmap word). With g = 4 the
// four groups sit side by side; on clusters of one PE each group is a region
// whose one router sends its own channel, so the pass takes W = 64 cycles and
// its fill. On one cluster of 4 PEs the four channels share its router, 4 W
// words at one word a cycle; with g = 1 the groups take four passes of W.
TEST(MeshBands, GroupsSideBySideStreamAtOnceFromTheirOwnClusters) {
  const std::string fast = kFastDram;
  ey_layer l = Layer(1, 4, 4, 1, 64, 1, 1, 1, 0, 4);
  ey_mapping side = {1, 1, 1, 1, 1, 1, 1, 1, 4}, after = side;
  after.g = 1;
  Case own = {"clusters of one PE", l, Mesh(1, 4, 1, 1, 1, 64, fast)};
  Case one = {"one cluster", l, Mesh(1, 4, 1, 4, 1, 64, fast)};
  for (const Case *k : {&own, &one}) {
    ASSERT_EQ(ey_mapping_check(&l, &k->a, &side, nullptr), EY_OK) << k->what;
    ASSERT_EQ(ey_mapping_check(&l, &k->a, &after, nullptr), EY_OK) << k->what;
  }
  ey_meas fast4 = Simulate(own, side, EY_STEP_EXACT, 0.0);
  ey_meas shared = Simulate(one, side, EY_STEP_EXACT, 0.0);
  ey_meas serial = Simulate(own, after, EY_STEP_EXACT, 0.0);
  EXPECT_GE(fast4.cycles, 64u);
  EXPECT_LT(fast4.cycles, 2u * 64u);
  EXPECT_GE(shared.cycles, 4u * 64u);
  EXPECT_GE(serial.cycles, 4u * 64u);
  EXPECT_EQ(fast4.mesh_regions_max, 4);
  EXPECT_EQ(shared.mesh_regions_max, 1);
  EXPECT_EQ(fast4.passes, 1u);
  EXPECT_EQ(serial.passes, 4u);
  // Each group's 64 words through its own cluster's router, and no link; on one
  // cluster all 256 through its one router.
  EXPECT_EQ(fast4.mesh_routers_used[0], 4);
  EXPECT_EQ(fast4.mesh_router_words[0], 256u);
  EXPECT_EQ(fast4.mesh_router_words_max[0], 64u);
  EXPECT_EQ(fast4.mesh_links_used[0], 0);
  EXPECT_EQ(shared.mesh_routers_used[0], 1);
  EXPECT_EQ(shared.mesh_router_words_max[0], 256u);
  ExpectSameCounts(fast4.c, shared.c);  // the same words, only sooner
  ExpectSameCounts(fast4.c, serial.c);
  // The mapper finds the side-by-side placement, and only the mesh may use it.
  EXPECT_EQ(Best(own, EY_OBJ_CYCLES).g, 4);
  ey_err err;
  Case bus = {"bus", l, TinyArch(1, 4, 64, 1, fast)};
  EXPECT_EQ(ey_mapping_check(&l, &bus.a, &side, &err), EY_MISMATCH);
  EXPECT_STREQ(err.msg,
               "g: groups side by side need noc.impl: hierarchical-mesh; the multicast bus gives "
               "a PE row one ID (got g=4)");
  EXPECT_EQ(Best(bus, EY_OBJ_CYCLES).g, 1);
}

// glb.bank_map clustered on a Mesh() arch: a GLB cluster per router cluster, of
// `routers` ifmap banks and ccols psum banks; checked as a config would be.
ey_arch Clustered(ey_arch a) {
  const int clusters = (a.rows / a.mesh_cluster_rows) * (a.cols / a.mesh_cluster_cols);
  a.glb_clustered = 1;
  a.glb_banks = clusters * (a.mesh_ifmap_routers + a.mesh_cluster_cols);
  ey_err err;
  EXPECT_EQ(ey_arch_check(&a, &err), EY_OK) << err.msg;
  return a;
}

// Every case on clustered banks: bit-exact, each replayed pass also simulated
// and compared with its record, exact stepping equal to fast.
TEST(MeshClustered, EveryCaseIsBitExactAndReplaysAndStepsAlike) {
  for (const Case &c : Cases()) {
    const Case k = {c.what, c.l, Clustered(c.a)};
    SCOPED_TRACE(k.what);
    const ey_mapping m = Best(k, EY_OBJ_CYCLES);
    const ey_meas fast = Simulate(k, m, EY_STEP_FAST, 0.3, 1);
    ExpectSameMeas(fast, Simulate(k, m, EY_STEP_EXACT, 0.3));
    EXPECT_EQ(fast.glb_banks, k.a.glb_banks);
  }
}

// The banks each access takes, by hand: four depthwise groups side by side on
// four one-PE clusters of one ifmap router each (the layer of
// GroupsSideBySideStreamAtOnceFromTheirOwnClusters). Cluster k's banks are 2k
// (its ifmap bank) and 2k + 1 (the psum bank of its one column). Router k reads
// its group's 64 words from bank 2k alone, and PE k's 64 outputs go up the GON
// into bank 2k + 1 alone, two 16-bit words each: no bank is shared, so no access
// waits. On word-interleaved banks the same routers collide.
TEST(MeshClustered, EachRouterReadsItsOwnBankAndEachColumnWritesItsOwn) {
  const std::string fast = kFastDram;
  ey_layer l = Layer(1, 4, 4, 1, 64, 1, 1, 1, 0, 4);
  const ey_mapping side = {1, 1, 1, 1, 1, 1, 1, 1, 4};
  const Case k = {"clustered", l, Clustered(Mesh(1, 4, 1, 1, 1, 64, fast))};
  ASSERT_EQ(k.a.glb_banks, 8);
  const ey_meas got = Simulate(k, side, EY_STEP_EXACT, 0.0);
  for (int b = 0; b < 8; b++) {
    SCOPED_TRACE(b);
    EXPECT_EQ(got.glb_bank_reads[b][EY_IFMAP], b % 2 ? 0u : 64u);
    EXPECT_EQ(got.glb_bank_writes[b][EY_PSUM], b % 2 ? 128u : 0u);
  }
  EXPECT_EQ(got.glb_conflicts, 0u);
  Case inter = {"interleaved", l, Mesh(1, 4, 1, 1, 1, 64, fast)};
  inter.a.glb_banks = 8;
  const ey_meas word = Simulate(inter, side, EY_STEP_EXACT, 0.0);
  EXPECT_GT(word.glb_conflicts, 0u);
  EXPECT_GE(word.cycles, got.cycles);
}

// More banks than an ey_meas has entries (EY_MEAS_BANKS): the same layer on
// 1024 one-PE clusters, 2048 banks, so each entry sums two banks: entry k is
// cluster k's ifmap bank and its psum bank, 64 ifmap words read and 128 psum
// words written.
TEST(MeshClustered, MoreBanksThanEntriesSumIntoRunsOfBanks) {
  const int n = 1024;
  ey_layer l = Layer(1, n, n, 1, 64, 1, 1, 1, 0, n);
  const ey_mapping side = {1, 1, 1, 1, 1, 1, 1, 1, n};
  const Case k = {"2048 banks", l, Clustered(Mesh(1, n, 1, 1, 1, 1024, kFastDram))};
  ASSERT_EQ(k.a.glb_banks, 2 * n);
  const ey_meas got = Simulate(k, side, EY_STEP_FAST, 0.0);
  EXPECT_EQ(got.glb_banks, 2 * n);
  EXPECT_EQ(got.glb_banks_per_entry, 2);
  EXPECT_EQ(ey_meas_bank_entries(&got), n);
  for (int e = 0; e < n; e++) {
    SCOPED_TRACE(e);
    EXPECT_EQ(got.glb_bank_reads[e][EY_IFMAP], 64u);
    EXPECT_EQ(got.glb_bank_writes[e][EY_PSUM], 128u);
  }
  EXPECT_EQ(got.glb_conflicts, 0u);
}

// glb.bank_map clustered needs the mesh and its bank count.
TEST(MeshClustered, TheBankCountFollowsTheClusters) {
  ey_arch a;
  ey_err err;
  EXPECT_EQ(ey_arch_load_string("b.yaml",
                                "name: b\npe_array: {rows: 3, cols: 4}\nglb:\n  banks: 7\n"
                                "  bank_map: clustered\n",
                                &a, &err),
            EY_CONFIG);
  EXPECT_STREQ(err.msg,
               "b.yaml:5: glb.bank_map: clustered needs noc.impl: hierarchical-mesh (got "
               "clustered with the multicast bus)");
  EXPECT_EQ(ey_arch_load_string("m.yaml",
                                "name: m\npe_array: {rows: 6, cols: 8}\nnoc:\n"
                                "  impl: hierarchical-mesh\nglb:\n  banks: 27\n"
                                "  bank_map: clustered\n",
                                &a, &err),
            EY_CONFIG);
  EXPECT_STREQ(err.msg,
               "m.yaml:6: glb.banks: must be 28 with glb.bank_map clustered (4 clusters x (3 "
               "ifmap + 4 psum banks)) (got 27)");
}

// Sets side by side in a PE row share a weight router exactly when their
// columns share a cluster: 3-column sets on 4-column clusters at columns 0, 3,
// 6, 9 cover clusters 0, 0-1, 1-2, 2: all one source; on 3-column clusters,
// four sources.
TEST(MeshBands, SetsSharingAClusterShareAWeightRouter) {
  ey_arch a = Mesh(3, 12, 3, 4);
  int src[4];
  EXPECT_EQ(ey_mesh_weight_sources(&a, 4, 3, 3, src), 1);
  ey_arch b = Mesh(3, 12, 3, 3);
  EXPECT_EQ(ey_mesh_weight_sources(&b, 4, 3, 3, src), 4);
  EXPECT_EQ(src[3], 3);
  // 6-column sets on 4-column clusters: clusters 0-1 and 1-2: one source.
  EXPECT_EQ(ey_mesh_weight_sources(&a, 2, 6, 6, src), 1);
  // 2-column sets on 4-column clusters: columns 0-1, 2-3 in cluster 0, 4-5 in 1.
  EXPECT_EQ(ey_mesh_weight_sources(&a, 3, 2, 2, src), 2);
  EXPECT_EQ(src[0], 0);
  EXPECT_EQ(src[1], 0);
  EXPECT_EQ(src[2], 1);
}

// What the bands buy, worked by hand. A 1x1 layer of 3 channels on 3 PE rows
// (r = 3 sets of one PE, e = 1): every ifmap word feeds one MAC. On the bus one
// word a cycle reaches the array, so the pass of 3 channels x W = 64 columns
// takes at least 3 W cycles; on a mesh of one-row clusters each set is a band
// whose router sends its own channel, so no PE waits for another's words and
// the pass takes W cycles and the chain's fill, well under the bus's 3 W. DRAM
// is made fast so that the pass is what is measured.
TEST(MeshBands, BandsStreamAtOnceWhereTheBusTakesTurns) {
  const std::string fast = kFastDram;
  ey_layer l = Layer(1, 3, 1, 1, 64, 1, 1);
  ey_mapping m = {1, 1, 1, 3, 1, 1, 1, 1, 1};
  Case bus = {"bus", l, TinyArch(3, 1, 64, 1, fast)};
  Case mesh = {"mesh", l, Mesh(3, 1, 1, 1, 1, 64, fast)};
  ASSERT_EQ(ey_mapping_check(&l, &bus.a, &m, nullptr), EY_OK);
  ASSERT_EQ(ey_mapping_check(&l, &mesh.a, &m, nullptr), EY_OK);
  ey_meas b = Simulate(bus, m, EY_STEP_EXACT, 0.0), h = Simulate(mesh, m, EY_STEP_EXACT, 0.0);
  EXPECT_GE(b.cycles, 3u * 64u);
  EXPECT_GE(h.cycles, 64u);
  EXPECT_LT(h.cycles, 2u * 64u);
  // The same words, only sooner. X buses are the bus's alone: each packet
  // enters the one X bus of its channel's PE row.
  EXPECT_EQ(b.c.noc_ifmap_xbuses, b.c.noc_ifmap);
  EXPECT_EQ(h.c.noc_ifmap_xbuses, 0u);
  ey_counts bc = b.c;
  bc.noc_ifmap_xbuses = bc.noc_filter_xbuses = 0;
  ExpectSameCounts(bc, h.c);
}

}  // namespace

namespace {

// The shipped v1.5 on whole networks, every layer checked against the golden
// convolution: depthwise, pointwise, strided, padded, grouped and FC layers.
TEST(MeshShipped, EyerissV15AndV2AreBitExactOnMobileNetAndAlexNet) {
  for (const char *run : {"eyeriss_v1_5 mobilenet_v1_0.5_128", "eyeriss_v1_5 alexnet",
                          "eyeriss_v2 mobilenet_v1_0.5_128"}) {
    SCOPED_TRACE(run);
    auto r = eytest::Eyesim(std::string("run ") + run + " --batch 1 --check");
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find("layers equal the golden convolution in every output"), std::string::npos)
        << r.out;
  }
}

// Chen et al. (JETCAS 2019): the mesh speeds up AlexNet's FC layers most, since
// the v1 bus is what bounds them. v1.5 against v1 at 192 PEs, cycle-level.
TEST(MeshShipped, TheMeshSpeedsUpFcLayersMoreThanConvLayers) {
  ey_arch v1 = eytest::LoadArch("eyeriss_v1_192"), v15 = eytest::LoadArch("eyeriss_v1_5");
  ey_net net = eytest::LoadNet("alexnet");
  auto cycles = [&](const ey_arch &a, const char *name) {
    for (int i = 0; i < net.nlayers; i++) {
      ey_layer l = net.layers[i];
      if (strcmp(l.name, name)) continue;
      l.N = 1;
      ey_mapping m;
      ey_err err;
      EXPECT_EQ(ey_map_layer(&l, &a, EY_OBJ_CYCLES, &m, nullptr, nullptr, &err), EY_OK) << err.msg;
      ey_engine_opts o = eytest::Opts(EY_STEP_FAST, 1, 0.0, 0);
      ey_meas ms;
      EXPECT_EQ(ey_engine_run_layer(&a, &l, &m, &o, nullptr, &ms, &err), EY_OK) << err.msg;
      return (double)ms.cycles;
    }
    ADD_FAILURE() << name;
    return 1.0;
  };
  const double conv = cycles(v1, "conv3") / cycles(v15, "conv3");
  const double fc = cycles(v1, "fc6") / cycles(v15, "fc6");
  EXPECT_GE(conv, 1.0);
  EXPECT_GT(fc, 2.0 * conv);
  ey_net_free(&net);
}

}  // namespace

namespace {

// Per-hop latency, by hand: a 1x2 array of one-PE clusters, one set of two
// output rows (e = 2), so PE (0, 0) sits in its source's cluster and PE (0, 1)
// one link east: a word reaches them hop_cycles and 2 hop_cycles after it
// left. The filter word's load lasts until it reaches the far PE (2 H cycles:
// class `load` counts 2 PEs x 2 H), and the far PE's last ifmap word arrives
// 2 H cycles after it left: the layer grows by 2 + 2 = 4 cycles per unit of
// hop_cycles, and nothing else changes.
TEST(MeshLatency, EachHopCycleDelaysTheFarPeOnAHandWorkedPath) {
  const std::string fast = kFastDram;
  ey_layer l = Layer(1, 1, 1, 2, 64, 1, 1);
  ey_mapping m = {1, 1, 1, 1, 1, 2, 2, 1, 1};
  ey_meas base{};
  for (int h = 1; h <= 4; h++) {
    SCOPED_TRACE(h);
    Case k = {"hops", l,
              Mesh(1, 2, 1, 1, 1, 64, "    hop_cycles: " + std::to_string(h) + "\n" + fast)};
    ASSERT_EQ(k.a.mesh_hop_cycles, h);
    ASSERT_EQ(ey_mapping_check(&l, &k.a, &m, nullptr), EY_OK);
    ey_meas ms = Simulate(k, m, EY_STEP_EXACT, 0.0);
    ExpectSameMeas(ms, Simulate(k, m, EY_STEP_FAST, 0.0));
    EXPECT_EQ(ms.classes[EY_CL_LOAD], 2u * 2u * (uint64_t)h);
    if (h == 1) base = ms;
    EXPECT_EQ(ms.cycles, base.cycles + 4u * (uint64_t)(h - 1));
    ExpectSameCounts(base.c, ms.c);
    // One band, one router sending: its 2 rows x 64 columns cross the one link
    // east, as does the one filter word.
    EXPECT_EQ(ms.mesh_regions_max, 1);
    EXPECT_EQ(ms.mesh_ifmap_streams_max, 1);
    EXPECT_EQ(ms.c.noc_ifmap_links_x, 128u);
    EXPECT_EQ(ms.c.noc_ifmap_links_y, 0u);
    EXPECT_EQ(ms.c.noc_filter_links, 1u);
    // Per router: the source sent 128 ifmap words, which the router one link
    // east passed on too; the one link carried them all. Likewise the filter
    // word, at both weight routers.
    EXPECT_EQ(ms.mesh_routers_used[0], 2);
    EXPECT_EQ(ms.mesh_router_words[0], 256u);
    EXPECT_EQ(ms.mesh_router_words_max[0], 128u);
    EXPECT_EQ(ms.mesh_links_used[0], 1);
    EXPECT_EQ(ms.mesh_link_words_max[0], 128u);
    EXPECT_EQ(ms.mesh_routers_used[1], 2);
    EXPECT_EQ(ms.mesh_router_words[1], 2u);
    EXPECT_EQ(ms.mesh_links_used[1], 1);
  }
}

}  // namespace

namespace {

// pe.macs_per_cycle = 2 (v2's SIMD): the same convolution bit for bit and the
// same accesses; cycles at least MACs / (2 x PEs); a layer whose PEs hold two
// filters or more runs faster than with one MAC a cycle.
TEST(MeshSimd, TwoMacsACycleKeepTheConvolutionAndTheCounts) {
  int faster = 0;
  for (Case k : Cases()) {
    SCOPED_TRACE(k.what);
    // DRAM that never binds, so that a layer's cycles are its array's.
    k.a.dram_mhz = 10000;
    k.a.dram_bus_bits = 4096;
    k.a.dram_latency = 0;
    Case one = k;
    k.a.simd = 2;
    ey_mapping m = Best(k, EY_OBJ_CYCLES);
    ey_meas two = Simulate(k, m, EY_STEP_FAST, 0.3, 1);
    ExpectSameMeas(Simulate(k, m, EY_STEP_EXACT, 0.3), two);
    ey_meas dense = Simulate(k, m, EY_STEP_FAST, 0.0);
    ExpectSameCounts(Cost(k.l, k.a, m), dense.c);
    EXPECT_GE(2.0 * (double)dense.cycles * (k.a.rows * k.a.cols), (double)dense.c.macs);
    ey_meas single = Simulate(one, m, EY_STEP_FAST, 0.0);
    ExpectSameCounts(single.c, dense.c);
    if (m.p >= 2) {
      EXPECT_LT(dense.cycles, single.cycles);
      faster++;
    }
    // A MAC-class PE-cycle issues up to two MACs.
    EXPECT_GE(2 * dense.classes[EY_CL_MAC], dense.c.macs);
    EXPECT_LE(dense.classes[EY_CL_MAC], dense.c.macs);
  }
  EXPECT_GE(faster, 3);
}

}  // namespace

namespace {

// A router's multicast waits for its farthest PE, worked by hand: 2 channels of 4
// rows x 32 columns, 1x1 filters, one set of 4 PEs across 4 one-PE clusters with
// one router, so PE j is j links from it and the farthest gets a word lat = 4h
// cycles after it left (h: hop_cycles). A column is q.S.p = 2 MACs and 2 new
// words, which the router sends a channel apart: gap = 4 packets (its 4 rows).
// - FIFO of 1 word: a PE takes its second word once its column has ended, so
//   each of the 31 columns after the first waits lat: 64 + 31 x 4h cycles,
//   above the router's 8 x 32 = 256 from h = 2, and 124 more a hop cycle;
// - FIFO of 2: two columns in flight, the next one's words a round trip (lat and
//   gap + 1 packets) after their room freed: a column every ceil((4h + 5) / 2)
//   cycles, 7 more than col at h = 3 (64 + 217 > 256), 9 at h = 4: 62 more;
// - FIFO of 4: three in flight, ceil((4h + 5) / 3) = 7 at h = 4: the router's
//   256 binds at every h.
// The estimate has these waits and the first word's lat; the engine's cycles
// come within 6 % of it, and grow by at least the waits.
TEST(MeshLatency, AMulticastWaitsForItsFarthestPeOnAHandWorkedLayer) {
  const std::string fast = kFastDram;
  const ey_layer l = Layer(1, 2, 1, 4, 32, 1, 1);
  const ey_mapping m = {1, 1, 2, 1, 1, 4, 4, 1, 1};
  uint64_t est[5][5] = {}, eng[5][5] = {};
  for (int fifo : {1, 2, 4})
    for (int h = 1; h <= 4; h++) {
      SCOPED_TRACE("fifo " + std::to_string(fifo) + ", hop_cycles " + std::to_string(h));
      Case k = {"far PE", l,
                Mesh(1, 4, 1, 1, 1, 64,
                     "    hop_cycles: " + std::to_string(h) +
                         "\npe:\n  ifmap_fifo_words: " + std::to_string(fifo) + "\n" + fast)};
      ASSERT_EQ(ey_mapping_check(&l, &k.a, &m, nullptr), EY_OK);
      ey_meas ms = Simulate(k, m, EY_STEP_EXACT, 0.0);
      ExpectSameMeas(ms, Simulate(k, m, EY_STEP_FAST, 0.0));
      ey_cost c;
      ey_mapping_cost(&l, &k.a, &m, &c);
      est[fifo][h] = c.cycles;
      eng[fifo][h] = ms.cycles;
      EXPECT_NEAR((double)ms.cycles, (double)c.cycles, 0.06 * (double)ms.cycles);
    }
  for (int h = 3; h <= 4; h++) {
    // Once the PEs bind, each hop cycle adds lat's 4 to each of 31 waits and to
    // the first word's way.
    EXPECT_EQ(est[1][h] - est[1][h - 1], 31u * 4u + 4u);
    EXPECT_GE(eng[1][h] - eng[1][h - 1], 31u * 4u);
  }
  EXPECT_EQ(est[2][4] - est[2][3], 31u * 2u + 4u);
  for (int h = 2; h <= 4; h++) EXPECT_EQ(est[4][h] - est[4][h - 1], 4u);
  // Deeper FIFOs hide the way: at h = 4, 604 cycles with 1 word, 384 with 2, 294 with 4.
  EXPECT_GT(eng[1][4], eng[2][4]);
  EXPECT_GT(eng[2][4], eng[4][4]);
}

}  // namespace

namespace {

// Word-interleaved banks on the mesh: the routers' and psum routers' words fall
// on banks about at random, and a request that finds its bank taken waits. A
// 1x1 layer of 16 channels and 32 filters on 8 x 8 PEs (4 x 4-PE clusters, four
// routers each) with 4, 8, 16 and 64 one-port banks: the pass's bank words over
// the ports alone put the estimate 18 %, 30 %, 31 % and 13 % under the engine.
// With the random-collision term (of d requests a cycle on B ports,
// B (1 - e^(-d / B)) find a free one) it comes within 10 %.
TEST(MeshBanks, TheEstimateCountsRequestsThatFindTheirBankTaken) {
  const std::string fast = kFastDram;
  const ey_layer l = Layer(1, 16, 32, 8, 8, 1, 1);
  for (int banks : {4, 8, 16, 64}) {
    SCOPED_TRACE(banks);
    Case k = {"interleaved banks", l, Mesh(8, 8, 4, 4, 4, 64, fast)};
    ASSERT_EQ(k.a.glb_clustered, 0);
    k.a.glb_banks = banks;
    const ey_mapping m = Best(k, EY_OBJ_CYCLES);
    const ey_meas ms = Simulate(k, m, EY_STEP_FAST, 0.0);
    EXPECT_GT(ms.glb_conflicts, 0u);
    ey_cost c;
    ey_mapping_cost(&l, &k.a, &m, &c);
    EXPECT_NEAR((double)c.cycles, (double)ms.cycles, 0.10 * (double)ms.cycles);
  }
}

}  // namespace

namespace {

// The ifmap transfers and the words x links of a hand-worked layer, in the
// analytic counts (want, from Cost(), which checks the mapping) and the engine's.
void ExpectLinks(const ey_counts &want, const ey_counts &got, uint64_t ifmap, uint64_t x,
                 uint64_t y, uint64_t filter) {
  EXPECT_EQ(want.noc_ifmap, ifmap);
  EXPECT_EQ(want.noc_ifmap_links_x, x);
  EXPECT_EQ(want.noc_ifmap_links_y, y);
  EXPECT_EQ(want.noc_filter_links, filter);
  ExpectSameCounts(want, got);
}

// NoC energy on the mesh, by hand: a 2 x 4 array in four clusters of 1 x 2 PEs
// (two across, two down), one ifmap router a cluster. One set of R = 2 filter
// rows and e = 4 columns fills the array: PE (i, j) sits in cluster (i, j / 2).
// The strip's 5 rows all go to the one router of cluster (0, 0), whose tree
// reaches every cluster: one link east along row 0, one south in each column.
// Each of its 5 x 8 = 40 packets crosses all three: 40 words x east-west links
// of 2 pitches (a cluster's width), 80 x north-south links of 1 (its height).
// The filter's two taps go one a PE row from the row's router in cluster
// column 0, one link east to the cluster of columns 2-3.
TEST(MeshEnergy, EachLinkCostsItsClusterPitchesOnAHandWorkedLayer) {
  Case k = {
      "links", Layer(1, 1, 1, 5, 8, 2, 1),
      Mesh(2, 4, 1, 2, 1, 64, std::string(kFastDram) + "energy:\n  noc: 1.5\n  noc_wire: 0.25\n")};
  const ey_mapping m = {1, 1, 1, 1, 1, 4, 4, 1, 1};
  const ey_counts want = Cost(k.l, k.a, m);
  const ey_meas ms = Simulate(k, m, EY_STEP_EXACT, 0.0);
  ExpectLinks(want, ms.c, 40, 40, 80, 2);
  for (const ey_counts *c : {&want, &ms.c}) {
    double en[EY_NLEVELS][EY_NTYPES];
    ey_energy_of(c, &k.a, nullptr, en);
    // ifmap: 2 rows x 4 columns x 8 needed columns = 64 receivers, and 40 x 2 +
    // 80 x 1 pitches of link.
    EXPECT_DOUBLE_EQ(en[EY_LV_NOC][EY_IFMAP], 64 * 1.5 + (40 * 2 + 80 * 1) * 0.25);
    // filter: 2 taps to 4 PEs each, and 2 words over a 2-pitch link.
    EXPECT_DOUBLE_EQ(en[EY_LV_NOC][EY_FILTER], 8 * 1.5 + 2 * 2 * 0.25);
    // psum: 32 outputs, each one link up its chain (one pitch) and out to the
    // GLB; the GON's way in the cluster is its receiver's.
    EXPECT_DOUBLE_EQ(en[EY_LV_NOC][EY_PSUM], (32 + 32) * 1.5 + 32 * 0.25);
  }
}

// Two sets sharing a weight router, by hand: a 1 x 6 array in three clusters of
// 1 x 2 PEs, two filter groups (t = 2) of sets three columns wide (e = 3). Set 0
// takes columns 0-2 (clusters 0 and 1), set 1 columns 3-5 (clusters 1 and 2):
// they share cluster 1, so one router, in cluster 0, sends both filters, each
// over the two links east to cluster 2: 2 x 2 = 4 filter words x links. The
// ifmap's 3 rows x 8 columns = 24 packets cross the same two links: 48.
TEST(MeshEnergy, SetsSharingAWeightRouterSendAlongItsWholeRow) {
  Case k = {"shared", Layer(1, 1, 2, 3, 8, 1, 1), Mesh(1, 6, 1, 2, 1, 64, kFastDram)};
  const ey_mapping m = {1, 1, 1, 1, 2, 3, 3, 2, 1};
  ExpectLinks(Cost(k.l, k.a, m), Simulate(k, m, EY_STEP_EXACT, 0.0).c, 24, 48, 0, 4);
}

}  // namespace
