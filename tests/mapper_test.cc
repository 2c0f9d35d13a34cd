// mapper_test.cc - the row-stationary mapper and its analytic cost model.
//
// Three independent oracles:
//  1. four small cases whose access counts were worked out by hand from the
//     schedule in docs/mapping.md (the derivations are in the comments);
//  2. RefCounts(), a walker written here that executes the loop nest pass by
//     pass and PE by PE and counts every access, compared with the closed forms
//     of mapper/cost.c on many random layers and mappings;
//  3. a brute-force enumeration of the whole mapping space (every m and eg
//     included), whose optimum the search must reach for every objective.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <string>

#include "test_util.h"

extern "C" {
#include "mapper/mapper.h"
}

namespace {

using eytest::Cost;
using eytest::ExpectSameCounts;
using eytest::Layer;
using eytest::TinyArch;

// ---------------------------------------------------------------- walker

// Executes the schedule of docs/mapping.md literally and counts each access.
ey_counts RefCounts(const ey_layer &l, const ey_arch &a, const ey_mapping &m) {
  ey_counts c{};
  const int G = l.groups, Cg = l.C / G, Mg = l.M / G, N = l.N, E = l.E, F = l.F, R = l.R, S = l.S,
            U = l.stride, P = l.pad, H = l.H, W = l.W;
  auto real_row = [&](int y) { return y >= P && y < P + H; };
  // The physical PE row of filter row i of logical column j of set (ti, ri), as
  // the placement of docs/mapping.md gives it: the X bus a word to it enters.
  const bool bus = a.noc_impl != EY_NOC_HMESH;
  const int ecol = std::min(m.e, a.cols), kseg = (m.e + a.cols - 1) / a.cols, Hg = a.cols / ecol;
  auto pe_row = [&](int ti, int ri, int i, int j) {
    return ti / Hg * (kseg * m.r * R) + j / ecol * (m.r * R) + ri * R + i;
  };
  auto real_col = [&](int x) { return x >= P && x < P + W; };
  std::set<int> cols;  // padded columns a PE row consumes
  for (int f = 0; f < F; f++)
    for (int s = 0; s < S; s++) cols.insert(f * U + s);
  const uint64_t wneed = cols.size();
  for (int g = 0; g < G; g++)
    for (int i0 = 0; i0 < N; i0 += m.n) {
      const int na = std::min(m.n, N - i0);
      for (int f0 = 0; f0 < Mg; f0 += m.m) {
        const int ma = std::min(m.m, Mg - f0);
        for (int o0 = 0; o0 < E; o0 += m.eg) {
          const int ta = std::min(m.eg, E - o0);
          std::set<int> trows;
          for (int o = o0; o < o0 + ta; o++)
            for (int i = 0; i < R; i++) trows.insert(o * U + i);
          for (int c0 = 0; c0 < Cg; c0 += m.q * m.r) {
            const int ca = std::min(m.q * m.r, Cg - c0);
            // The ifmap tile of these channels comes from DRAM into the GLB.
            for (int im = 0; im < na; im++)
              for (int ch = 0; ch < ca; ch++)
                for (int y : trows)
                  if (real_row(y)) {
                    c.dram_reads[EY_IFMAP] += W;
                    c.glb_writes[EY_IFMAP] += W;
                  }
            for (int fp = f0; fp < f0 + ma; fp += m.p * m.t) {
              const int pa = std::min(m.p * m.t, f0 + ma - fp);
              const int ng = (pa + m.p - 1) / m.p, ns = (ca + m.q - 1) / m.q;
              // Filters of the block, once, to every column of their set that
              // computes a row of this GLB tile.
              const int cols_used = std::min(m.e, ta);
              for (int w = 0; w < pa * ca * R * S; w++) {
                c.dram_reads[EY_FILTER]++;
                c.glb_writes[EY_FILTER]++;
                c.glb_reads[EY_FILTER]++;
                c.noc_filter++;
                c.noc_filter_delivered += cols_used;
                c.spad_writes[EY_FILTER] += cols_used;
              }
              for (int ti = 0; ti < ng && bus; ti++)
                for (int ri = 0; ri < ns; ri++)
                  for (int i = 0; i < R; i++) {
                    std::set<int> xb;
                    for (int j = 0; j < cols_used; j++) xb.insert(pe_row(ti, ri, i, j));
                    const int words =
                        std::min(m.p, pa - ti * m.p) * std::min(m.q, ca - ri * m.q) * S;
                    c.noc_filter_xbuses += (uint64_t)words * xb.size();
                  }
              for (int os = o0; os < o0 + ta; os += m.e) {
                const int ea = std::min(m.e, o0 + ta - os);
                std::set<int> srows;
                for (int o = os; o < os + ea; o++)
                  for (int i = 0; i < R; i++) srows.insert(o * U + i);
                for (int im = 0; im < na; im++)
                  for (int ch = 0; ch < ca; ch++)
                    for (int y : srows) {
                      std::set<int> xb;  // the rows of every PE that takes row y
                      for (int ti = 0; ti < ng && bus; ti++)
                        for (int j = 0; j < ea; j++) {
                          const int i = y - (os + j) * U;
                          if (i >= 0 && i < R) xb.insert(pe_row(ti, ch / m.q, i, j));
                        }
                      for (int x : cols) {
                        c.noc_ifmap++;
                        c.noc_ifmap_xbuses += xb.size();
                        if (real_row(y) && real_col(x)) c.glb_reads[EY_IFMAP]++;
                      }
                    }
                for (int ti = 0; ti < ng; ti++) {
                  const int pf = std::min(m.p, pa - ti * m.p);
                  for (int ri = 0; ri < ns; ri++) {
                    const int qc = std::min(m.q, ca - ri * m.q);
                    for (int i = 0; i < R; i++)
                      for (int j = 0; j < ea; j++) {
                        const int o = os + j;
                        for (int im = 0; im < na; im++) {
                          for (int ch = 0; ch < qc; ch++) {
                            c.noc_ifmap_delivered += wneed;
                            c.spad_writes[EY_IFMAP] += wneed;
                            for (int ff = 0; ff < pf; ff++)
                              for (int fc = 0; fc < F; fc++)
                                for (int s = 0; s < S; s++) {
                                  c.macs++;
                                  c.spad_reads[EY_IFMAP]++;
                                  bool pad = !(real_row(o * U + i) && real_col(fc * U + s));
                                  if (pad && a.zero_gating) {
                                    c.macs_gated++;
                                  } else {
                                    c.spad_reads[EY_FILTER]++;
                                    c.spad_reads[EY_PSUM]++;
                                    c.spad_writes[EY_PSUM]++;
                                  }
                                }
                          }
                          c.spad_reads[EY_PSUM] += (uint64_t)pf * F;  // drains
                        }
                      }
                  }
                }
                // One chain of R PEs per active set carries each output up.
                const uint64_t outs = (uint64_t)na * pa * ea * F;
                c.noc_psum_local += outs * (uint64_t)(R * ns - 1);
                c.noc_psum_out += outs;
                c.glb_writes[EY_PSUM] += outs;
                if (c0 > 0) {
                  c.noc_psum_in += outs;
                  c.glb_reads[EY_PSUM] += outs;
                }
              }
            }
          }
          const uint64_t outs = (uint64_t)na * ma * ta * F;  // the ofmap leaves
          c.glb_reads[EY_PSUM] += outs;
          c.dram_writes[EY_PSUM] += outs;
        }
      }
    }
  return c;
}

// ---------------------------------------------------------------- by hand

// Case A, stride 1, no padding: 1 image, 1 channel, 1 filter, 4x4 ifmap, 3x3
// filter -> 2x2 outputs, on a 3x2 array; one set of 3 x 2 PEs (e = 2).
TEST(MapperCounts, HandComputedStrideOne) {
  ey_arch a = TinyArch(3, 2);
  ey_layer l = Layer(1, 1, 1, 4, 4, 3, 3);
  ey_counts c = Cost(l, a, {1, 1, 1, 1, 1, 2, 2, 1, 1});
  EXPECT_EQ(c.macs, 36u);  // 2x2 outputs x 9 taps
  EXPECT_EQ(c.macs_gated, 0u);
  // Filters: 9 words, each multicast to the 2 PEs of its row.
  EXPECT_EQ(c.noc_filter, 9u);
  EXPECT_EQ(c.spad_writes[EY_FILTER], 18u);
  EXPECT_EQ(c.dram_reads[EY_FILTER], 9u);
  EXPECT_EQ(c.spad_reads[EY_FILTER], 36u);
  // Ifmap: the whole 4x4 ifmap crosses the NoC once (multicast); each of the 6
  // PEs takes one row of the 4 columns its two windows span.
  EXPECT_EQ(c.noc_ifmap, 16u);
  EXPECT_EQ(c.glb_reads[EY_IFMAP], 16u);
  EXPECT_EQ(c.dram_reads[EY_IFMAP], 16u);
  EXPECT_EQ(c.spad_writes[EY_IFMAP], 24u);
  // Row y of the ifmap reaches PEs (i, j) with j + i = y, each on an X bus of
  // its own: rows 0-3 enter 1, 2, 2 and 1 X buses, for each of 4 columns. A
  // filter word enters its row's one X bus.
  EXPECT_EQ(c.noc_ifmap_xbuses, 4u * (1 + 2 + 2 + 1));
  EXPECT_EQ(c.noc_filter_xbuses, 9u);
  EXPECT_EQ(c.spad_reads[EY_IFMAP], 36u);
  // Psums: a read and a write per MAC; each PE drains its 2 outputs once.
  EXPECT_EQ(c.spad_reads[EY_PSUM], 36u + 6 * 2);
  EXPECT_EQ(c.spad_writes[EY_PSUM], 36u);
  // 4 outputs, each up a chain of 3 PEs (2 local hops) and out on the GON.
  EXPECT_EQ(c.noc_psum_local, 8u);
  EXPECT_EQ(c.noc_psum_out, 4u);
  EXPECT_EQ(c.noc_psum_in, 0u);
  EXPECT_EQ(c.glb_writes[EY_PSUM], 4u);
  EXPECT_EQ(c.glb_reads[EY_PSUM], 4u);  // read once to go to DRAM
  EXPECT_EQ(c.dram_writes[EY_PSUM], 4u);
}

// Case A's NoC energy: each receiver costs energy.noc; each PE pitch of wire
// energy.noc_wire, a packet charging the Y bus (3 pitches) and each X bus it
// enters (2 pitches), a GON word its X bus and the Y bus, a psum link 1 pitch.
TEST(MapperCounts, HandComputedNocEnergy) {
  ey_arch a = TinyArch(3, 2, 64, 1, "energy:\n  noc: 1.5\n  noc_wire: 0.25\n");
  ey_layer l = Layer(1, 1, 1, 4, 4, 3, 3);
  ey_counts c = Cost(l, a, {1, 1, 1, 1, 1, 2, 2, 1, 1});
  double en[EY_NLEVELS][EY_NTYPES];
  ey_energy_of(&c, &a, nullptr, en);
  // ifmap: 24 receivers; 16 packets x 3 pitches of Y bus, 24 X buses x 2.
  EXPECT_DOUBLE_EQ(en[EY_LV_NOC][EY_IFMAP], 24 * 1.5 + (16 * 3 + 24 * 2) * 0.25);
  // filter: 9 words to 2 PEs each, one X bus each.
  EXPECT_DOUBLE_EQ(en[EY_LV_NOC][EY_FILTER], 18 * 1.5 + (9 * 3 + 9 * 2) * 0.25);
  // psum: 8 link hops and 4 GON words (to the GLB) receive; 4 x (2 + 3) + 8 pitches.
  EXPECT_DOUBLE_EQ(en[EY_LV_NOC][EY_PSUM], (8 + 4) * 1.5 + (4 * (2 + 3) + 8) * 0.25);
  // The wire is the multicast bus's: without it only the receivers remain.
  a.e_noc_wire = 0;
  ey_energy_of(&c, &a, nullptr, en);
  EXPECT_DOUBLE_EQ(en[EY_LV_NOC][EY_IFMAP] + en[EY_LV_NOC][EY_FILTER] + en[EY_LV_NOC][EY_PSUM],
                   (24 + 18 + 12) * 1.5);
}

// energy.ref_bits: the table's costs are for a 16-bit word; 8-bit words cost
// half, 20-bit psums 1.25 times, a MAC of 8-bit operands a quarter (the square
// of half), DRAM its bits over 16. The counts are HandComputedNocEnergy's.
TEST(MapperCounts, EnergyFollowsTheConfiguredWidths) {
  ey_arch a = TinyArch(3, 2, 64, 1, "energy:\n  noc: 1.5\n  noc_wire: 0.25\n");
  ey_layer l = Layer(1, 1, 1, 4, 4, 3, 3);
  ey_counts c = Cost(l, a, {1, 1, 1, 1, 1, 2, 2, 1, 1});
  double per[EY_NLEVELS][EY_NTYPES], wide[EY_NLEVELS][EY_NTYPES];
  ey_energy_of(&c, &a, nullptr, per);  // ref_bits 0: each access its key
  a.word_bits = 8;
  a.psum_bits = 20;
  ey_energy_of(&c, &a, nullptr, wide);  // still 0: the widths change nothing
  for (int lv = 0; lv < EY_NLEVELS; lv++)
    for (int t = 0; t < EY_NTYPES; t++) EXPECT_DOUBLE_EQ(wide[lv][t], per[lv][t]) << lv << t;
  a = TinyArch(3, 2, 64, 1,
               "data:\n  word_bits: 8\n  psum_bits: 20\nenergy:\n  noc: 1.5\n  noc_wire: 0.25\n"
               "  ref_bits: 16\n");
  ASSERT_EQ(a.e_ref_bits, 16);
  ey_energy_of(&c, &a, nullptr, wide);
  EXPECT_DOUBLE_EQ(wide[EY_LV_NOC][EY_IFMAP], (24 * 1.5 + (16 * 3 + 24 * 2) * 0.25) / 2);
  EXPECT_DOUBLE_EQ(wide[EY_LV_NOC][EY_PSUM], ((8 + 4) * 1.5 + (4 * (2 + 3) + 8) * 0.25) * 1.25);
  EXPECT_DOUBLE_EQ(wide[EY_LV_MAC][EY_PSUM], (double)(c.macs - c.macs_gated) / 4);
  const double share[EY_NTYPES] = {0.5, 0.5, 1.25};
  for (int lv : {EY_LV_SPAD, EY_LV_NOC, EY_LV_GLB})
    for (int t = 0; t < EY_NTYPES; t++)
      EXPECT_DOUBLE_EQ(wide[lv][t], per[lv][t] * share[t]) << lv << t;
  // DRAM: 16 ifmap words read and 4 ofmap words written, each 8 bits: 160 bits,
  // ten 16-bit words' worth.
  EXPECT_EQ(c.dram_reads[EY_IFMAP] + c.dram_writes[EY_PSUM], 20u);
  EXPECT_DOUBLE_EQ(wide[EY_LV_DRAM][EY_IFMAP] + wide[EY_LV_DRAM][EY_PSUM], 10 * 200.0);
  const uint64_t bits[EY_NTYPES] = {160, 72, 32};  // as the bus saw them
  ey_energy_of(&c, &a, bits, wide);
  EXPECT_DOUBLE_EQ(wide[EY_LV_DRAM][EY_IFMAP], 10 * 200.0);
  EXPECT_DOUBLE_EQ(wide[EY_LV_DRAM][EY_FILTER], 4.5 * 200.0);
  EXPECT_DOUBLE_EQ(wide[EY_LV_DRAM][EY_PSUM], 2 * 200.0);
}

// Case B, stride 2 with padding 1: 5x5 ifmap, 3x3 filter -> 3x3 outputs
// ((5 + 2 - 3)/2 + 1 = 3). Padded ifmap 7x7.
TEST(MapperCounts, HandComputedStrideTwoWithPadding) {
  ey_arch a = TinyArch(3, 3);
  ey_layer l = Layer(1, 1, 1, 5, 5, 3, 3, 2, 1);
  ey_counts c = Cost(l, a, {1, 1, 1, 1, 1, 3, 3, 1, 1});
  EXPECT_EQ(c.macs, 81u);
  // Real taps per axis: output 0 sees rows 1-2 of padded 0-2 (2), output 1 rows
  // 2-4 (3), output 2 rows 4-5 of 4-6 (2): 7 per axis, 7 x 7 = 49 real taps.
  EXPECT_EQ(c.macs_gated, 81u - 49u);
  EXPECT_EQ(c.spad_reads[EY_FILTER], 49u);
  EXPECT_EQ(c.spad_writes[EY_PSUM], 49u);
  EXPECT_EQ(c.spad_reads[EY_PSUM], 49u + 9 * 3);  // 9 PEs drain 3 outputs each
  EXPECT_EQ(c.spad_reads[EY_IFMAP], 81u);
  // The padded 7x7 crosses the NoC; only the 5x5 real part is read from the GLB.
  EXPECT_EQ(c.noc_ifmap, 49u);
  EXPECT_EQ(c.glb_reads[EY_IFMAP], 25u);
  EXPECT_EQ(c.dram_reads[EY_IFMAP], 25u);
  // A profile of 25 % zeros: the 32 padding taps, and a quarter of the 49 real
  // ones expected to meet a zero, 12.25, rounded to 12.
  l.zeros = 0.25;
  l.zeros_given = 1;
  const ey_counts z = Cost(l, a, {1, 1, 1, 1, 1, 3, 3, 1, 1});
  EXPECT_EQ(z.macs_gated, 32u + 12u);
  EXPECT_EQ(z.spad_reads[EY_FILTER], 49u - 12u);
  EXPECT_EQ(z.spad_writes[EY_PSUM], 49u - 12u);
  EXPECT_EQ(z.spad_reads[EY_IFMAP], 81u);      // every slot reads its ifmap value
  EXPECT_EQ(c.spad_writes[EY_IFMAP], 9u * 7);  // 9 PEs x one padded row of 7
  EXPECT_EQ(c.spad_writes[EY_FILTER], 27u);    // 9 words x 3 columns
  EXPECT_EQ(c.noc_psum_local, 18u);            // 9 outputs x 2 hops
  EXPECT_EQ(c.noc_psum_out, 9u);
  EXPECT_EQ(c.dram_writes[EY_PSUM], 9u);
}

// With dram.rlc the DRAM energy of ifmaps and ofmaps follows the coded words
// that cross the bus, as the engine's report counts it. Dense rows of 9 values
// code as 3 words of 3 (run, level) pairs: 192 bits where the raw row has 144.
TEST(MapperCounts, RlcDramEnergyFollowsTheCodedWords) {
  ey_arch a = TinyArch(6, 9, 64, 1, "dram:\n  rlc: true\n  rlc_layout: row\n");
  ey_layer l = Layer(2, 3, 4, 9, 9, 3, 3, 1, 1);  // E = F = 9
  l.relu = 0;                                     // ofmaps expected dense too
  ey_mapping m = {2, 4, 3, 1, 1, 9, 9, 4, 1};     // one tile: every row moves once
  ASSERT_EQ(ey_mapping_check(&l, &a, &m, nullptr), EY_OK);
  ey_cost c;
  ey_mapping_cost(&l, &a, &m, &c);
  EXPECT_EQ(c.c.dram_reads[EY_IFMAP], 2u * 3 * 9 * 9);
  EXPECT_DOUBLE_EQ(c.energy[EY_LV_DRAM][EY_IFMAP], 2 * 3 * 9 * (192 / 16.0) * 200);
  EXPECT_DOUBLE_EQ(c.energy[EY_LV_DRAM][EY_PSUM], 2 * 4 * 9 * (192 / 16.0) * 200);
  EXPECT_DOUBLE_EQ(c.energy[EY_LV_DRAM][EY_FILTER], (double)c.c.dram_reads[EY_FILTER] * 200);
  // As a stream (dram.rlc_layout stream): a dense row of 9 is 9 pairs, 3 words
  // again, and each run of rows adjacent in DRAM that a transfer moves adds the
  // words it fills in part: 2/3 of a word for a read (it may start anywhere in
  // one), 1/3 for a write (coded from a fresh word). The one tile holds every row,
  // so a run is an image's channels (2 read runs) or an image's filters (2 written).
  // (The engine's read is one run, the images lying adjacent too.)
  a.rlc_rows = 0;
  ey_mapping_cost(&l, &a, &m, &c);
  // (The expected bits are rounded to a whole bit: 200 / 16 per bit.)
  EXPECT_NEAR(c.energy[EY_LV_DRAM][EY_IFMAP], (2 * 3 * 9 * 3 + 2 * 2 / 3.0) * 4 * 200, 6.25);
  EXPECT_NEAR(c.energy[EY_LV_DRAM][EY_PSUM], (2 * 4 * 9 * 3 + 2 / 3.0) * 4 * 200, 6.25);
  // Without coding, a word is a word.
  a.dram_rlc = 0;
  ey_mapping_cost(&l, &a, &m, &c);
  EXPECT_DOUBLE_EQ(c.energy[EY_LV_DRAM][EY_IFMAP], 2 * 3 * 9 * 9 * 200.0);
}

// Case C, a folded set: R = 2, E = 4 on a 4x2 array. The 2 x 4 logical set is cut
// into two 2 x 2 segments stacked vertically (k = 2).
TEST(MapperCounts, HandComputedFoldedSet) {
  ey_arch a = TinyArch(4, 2);
  ey_layer l = Layer(1, 1, 1, 5, 2, 2, 1);  // E = 4, F = 2
  ey_mapping m = {1, 1, 1, 1, 1, 4, 4, 1, 1};
  ey_cost cost;
  ey_counts c = Cost(l, a, m);
  ey_mapping_cost(&l, &a, &m, &cost);
  EXPECT_EQ(cost.active_pes, 8);            // the whole 4x2 array
  EXPECT_EQ(c.macs, 16u);                   // 4 x 2 outputs x 2 taps
  EXPECT_EQ(c.spad_writes[EY_FILTER], 8u);  // 2 words x 4 columns
  EXPECT_EQ(c.noc_filter, 2u);
  EXPECT_EQ(c.noc_ifmap, 10u);              // rows 0-4, 2 columns each
  EXPECT_EQ(c.spad_writes[EY_IFMAP], 16u);  // 8 PEs x 2 words
  EXPECT_EQ(c.noc_psum_local, 8u);          // 8 outputs x 1 hop
  EXPECT_EQ(c.noc_psum_out, 8u);
  EXPECT_EQ(c.spad_reads[EY_PSUM], 16u + 16);  // MACs + 8 PEs x 2 drains
  // X buses: each filter word reaches both segments (2 buses). Row y reaches
  // (i, j) with j + i = y, at PE row 2 * (j / 2) + i: 1, 2, 2, 2 and 1 buses for
  // y = 0..4, 2 columns each.
  EXPECT_EQ(c.noc_filter_xbuses, 4u);
  EXPECT_EQ(c.noc_ifmap_xbuses, 2u * (1 + 2 + 2 + 2 + 1));
}

// Case D, replicated sets and every kind of block: N = 2, C = 4, M = 4, 3x3
// ifmap, 2x2 filter -> 2x2 outputs, on a 4x2 array with n=1 p=1 q=1 r=2 t=2 e=1
// eg=1 m=2: 2 image blocks, 2 GLB filter blocks, 2 tiles, 2 channel blocks, 2
// filter pass blocks, 16 passes of 8 PEs.
TEST(MapperCounts, HandComputedReplicatedSets) {
  ey_arch a = TinyArch(4, 2);
  ey_layer l = Layer(2, 4, 4, 3, 3, 2, 2);
  ey_mapping m = {1, 1, 1, 2, 2, 1, 1, 2, 1};
  ey_cost cost;
  ey_counts c = Cost(l, a, m);
  ey_mapping_cost(&l, &a, &m, &cost);
  EXPECT_EQ(cost.passes, 16u);
  EXPECT_EQ(cost.active_pes, 8);
  EXPECT_EQ(c.macs, 512u);  // 2 x 4 x 4 x 2 x 2 x 2 x 2
  // 64 filter words, fetched once per (image block, tile) = 4 times, each to
  // the single column of its set.
  EXPECT_EQ(c.dram_reads[EY_FILTER], 256u);
  EXPECT_EQ(c.noc_filter, 256u);
  EXPECT_EQ(c.spad_writes[EY_FILTER], 256u);
  // Per pass 2 channels x 2 rows x 3 columns cross the NoC once, to both
  // groups: 12 x 16 passes.
  EXPECT_EQ(c.noc_ifmap, 192u);
  EXPECT_EQ(c.glb_reads[EY_IFMAP], 192u);
  // Per pass 8 PEs take 3 words each.
  EXPECT_EQ(c.spad_writes[EY_IFMAP], 384u);
  // The two filter groups sit side by side (columns 0 and 1) on the same rows:
  // each ifmap packet enters one X bus to reach both, as each filter word does.
  EXPECT_EQ(c.noc_ifmap_xbuses, 192u);
  EXPECT_EQ(c.noc_filter_xbuses, 256u);
  // Per (image block, filter block, tile, channel block) 2 channels x 2 rows x
  // 3 words come from DRAM: 12 x 16.
  EXPECT_EQ(c.dram_reads[EY_IFMAP], 192u);
  // 32 outputs; each pass's 4 outputs climb a chain of 2 sets x 2 rows = 4 PEs
  // (3 hops); the second channel block brings the first one's psums back in.
  EXPECT_EQ(c.noc_psum_local, 192u);
  EXPECT_EQ(c.noc_psum_out, 64u);
  EXPECT_EQ(c.noc_psum_in, 32u);
  EXPECT_EQ(c.glb_writes[EY_PSUM], 64u);
  EXPECT_EQ(c.glb_reads[EY_PSUM], 64u);  // 32 back in + 32 out to DRAM
  EXPECT_EQ(c.dram_writes[EY_PSUM], 32u);
  EXPECT_EQ(c.spad_reads[EY_PSUM], 512u + 256);  // 8 PEs x 2 drains x 16 passes
}

TEST(MapperCounts, HandCasesAgreeWithTheWalker) {
  struct Case {
    ey_arch a;
    ey_layer l;
    ey_mapping m;
  } cases[] = {
      {TinyArch(3, 2), Layer(1, 1, 1, 4, 4, 3, 3), {1, 1, 1, 1, 1, 2, 2, 1, 1}},
      {TinyArch(3, 3), Layer(1, 1, 1, 5, 5, 3, 3, 2, 1), {1, 1, 1, 1, 1, 3, 3, 1, 1}},
      {TinyArch(4, 2), Layer(1, 1, 1, 5, 2, 2, 1), {1, 1, 1, 1, 1, 4, 4, 1, 1}},
      {TinyArch(4, 2), Layer(2, 4, 4, 3, 3, 2, 2), {1, 1, 1, 2, 2, 1, 1, 2, 1}},
  };
  for (auto &k : cases) ExpectSameCounts(RefCounts(k.l, k.a, k.m), Cost(k.l, k.a, k.m));
}

// ---------------------------------------------------------------- walker vs closed forms

// All legal mappings of a small layer, every parameter over its whole range.
std::vector<ey_mapping> AllLegal(const ey_layer &l, const ey_arch &a) {
  std::vector<ey_mapping> out;
  const int Cg = l.C / l.groups, Mg = l.M / l.groups;
  ey_mapping m;
  for (m.n = 1; m.n <= l.N; m.n++)
    for (m.p = 1; m.p <= Mg; m.p++)
      for (m.q = 1; m.q <= Cg; m.q++)
        for (m.r = 1; m.r <= Cg; m.r++)
          for (m.t = 1; m.t <= Mg; m.t++)
            for (m.e = 1; m.e <= l.E; m.e++)
              for (m.eg = m.e; m.eg < l.E + m.e; m.eg += m.e)
                for (m.m = m.p * m.t; m.m < Mg + m.p * m.t; m.m += m.p * m.t)
                  for (m.g = 1; m.g <= l.groups; m.g++)
                    if (ey_mapping_check(&l, &a, &m, nullptr) == EY_OK) out.push_back(m);
  return out;
}

TEST(MapperCounts, ClosedFormsEqualTheWalkerOnRandomLayers) {
  std::mt19937 rng(12345);
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  int compared = 0;
  for (int trial = 0; trial < 40; trial++) {
    int R = pick(1, 3), S = pick(1, 3), U = pick(1, 3), P = pick(0, std::min(R, S) - 1);
    int G = pick(1, 2);
    ey_layer l =
        Layer(pick(1, 2), G * pick(1, 3), G * pick(1, 3), pick(R, 7), pick(S, 7), R, S, U, P, G);
    ey_arch a =
        TinyArch(pick(R, 6), pick(1, 4), 64, 1, trial % 3 ? "" : "pe:\n  zero_gating: false\n");
    std::vector<ey_mapping> all = AllLegal(l, a);
    ASSERT_FALSE(all.empty());
    // A handful of mappings per layer, spread over the space.
    for (size_t i = 0; i < all.size(); i += std::max<size_t>(1, all.size() / 7)) {
      SCOPED_TRACE(testing::Message() << "trial " << trial << " mapping " << i);
      ExpectSameCounts(RefCounts(l, a, all[i]), Cost(l, a, all[i]));
      compared++;
    }
  }
  EXPECT_GT(compared, 200);
}

// ---------------------------------------------------------------- search vs brute force

using SearchCase = eytest::LayerCase;

std::vector<SearchCase> SearchCases() {
  return {
      {"stride 1", Layer(2, 3, 4, 6, 6, 3, 3), TinyArch(6, 4)},
      {"stride 2 padded", Layer(1, 2, 3, 7, 7, 3, 3, 2, 1), TinyArch(5, 3)},
      {"grouped", Layer(2, 4, 4, 5, 5, 2, 2, 1, 0, 2), TinyArch(4, 4)},
      {"fc", Layer(2, 6, 5, 2, 2, 2, 2), TinyArch(4, 3)},
      {"depthwise", Layer(1, 3, 3, 6, 6, 3, 3, 1, 1, 3), TinyArch(6, 3)},
      {"1x1 stride 2", Layer(2, 4, 6, 6, 6, 1, 1, 2), TinyArch(3, 3)},
      // A GLB so small that capacity decides n, eg and m.
      {"tight GLB", Layer(2, 4, 6, 8, 8, 3, 3, 1, 1),
       TinyArch(6, 4, 2, 1, "data:\n  word_bits: 8\n  psum_bits: 32\n")},
      // ... with the staging region one filter block of each mapping (at most
      // 1 KiB): the tiles' room differs from mapping to mapping.
      {"tight GLB, staging of one block", Layer(2, 4, 6, 8, 8, 3, 3, 1, 1),
       TinyArch(6, 4, 2, 1, "  filter_region: block\ndata:\n  word_bits: 8\n  psum_bits: 32\n")},
      // Bus wire priced: the ifmap X buses depend on t through bands of Hg
      // filter groups (e = 1 on 2 columns gives Hg = 2, and 6 rows of R = 3 two
      // bands: up to 4 groups of M = 8 side by side and stacked).
      {"bus wire", Layer(1, 2, 8, 4, 4, 3, 3, 1, 1),
       TinyArch(6, 2, 64, 1, "energy:\n  noc_wire: 3\n")},
  };
}

TEST(MapperSearch, FindsTheBruteForceOptimumForEveryObjective) {
  for (auto &k : SearchCases()) {
    std::vector<ey_mapping> all = AllLegal(k.l, k.a);
    ASSERT_FALSE(all.empty()) << k.what;
    for (int obj : {EY_OBJ_ENERGY, EY_OBJ_CYCLES, EY_OBJ_EDP}) {
      SCOPED_TRACE(testing::Message() << k.what << ", objective " << obj);
      double best = 1e300;
      for (const ey_mapping &m : all) {
        ey_cost c;
        ey_mapping_cost(&k.l, &k.a, &m, &c);
        best = std::min(best, ey_objective_value(&c, obj));
      }
      ey_mapping got;
      ey_cost cost;
      ey_err err;
      ey_map_stats st;
      ASSERT_EQ(ey_map_layer(&k.l, &k.a, obj, &got, &cost, &st, &err), EY_OK) << err.msg;
      EXPECT_EQ(ey_mapping_check(&k.l, &k.a, &got, &err), EY_OK) << err.msg;
      EXPECT_DOUBLE_EQ(ey_objective_value(&cost, obj), best);
      // The cost it reports is the cost of the mapping it returns.
      ey_cost again;
      ey_mapping_cost(&k.l, &k.a, &got, &again);
      EXPECT_DOUBLE_EQ(again.energy_total, cost.energy_total);
      EXPECT_EQ(again.cycles, cost.cycles);
    }
  }
}

TEST(MapperSearch, GlbCapacityBindsInTheTightCase) {
  // The tight case must actually exclude mappings, or it tests nothing.
  for (const SearchCase &k : SearchCases()) {
    if (std::string(k.what).rfind("tight GLB", 0) != 0) continue;
    SCOPED_TRACE(k.what);
    ey_arch roomy = TinyArch(6, 4, 64, 1, "data:\n  word_bits: 8\n  psum_bits: 32\n");
    EXPECT_LT(AllLegal(k.l, k.a).size(), AllLegal(k.l, roomy).size());
  }
  // A staging region of one block leaves the tiles more room than 1 KiB.
  std::map<std::string, SearchCase> byname;
  for (const SearchCase &k : SearchCases()) byname.emplace(k.what, k);
  const SearchCase &fixed = byname.at("tight GLB"),
                   &block = byname.at("tight GLB, staging of one block");
  EXPECT_LT(AllLegal(fixed.l, fixed.a).size(), AllLegal(block.l, block.a).size());
}

// The largest filter block holds at most the layer's filters and channels: 6
// filters of 4 channels with p x t = 10 and q x r = 6 is a block of 6 x 4 x 3 x 3
// words of 16 bits (3456 bits), the staging region under block when the cap holds it.
TEST(MapperSearch, TheLargestBlockHoldsAtMostTheLayersFiltersAndChannels) {
  ey_layer l = Layer(1, 4, 6, 8, 8, 3, 3);
  ey_geom g;
  ey_geom_init(&g, &l);
  const ey_arch a = TinyArch(6, 4, 64, 1, "  filter_region: block\n");
  const ey_mapping m = {1, 5, 3, 2, 2, 1, 1, 10, 1};
  EXPECT_EQ(ey_filter_block_bits(&a, &g, &m), 3456u);
  EXPECT_EQ(ey_staging_bits(&a, 3456u), 3456u);
  EXPECT_EQ(ey_staging_bits(&a, 8193u), 8192u);  // more than the 1 KiB cap
}

TEST(MapperSearch, WholeSetsAreTheChipsOnAlexNet) {
  // mapper.set_width whole on eyeriss_v1: the set widths the chip's papers
  // describe (CONV1's 11 x 55 in strips of 14, since four folds of 11 rows do
  // not fit 12; CONV2's 5 x 27 folded in two; CONV3-5's 3 x 13, four at once)
  // whatever else the objective picks, and the active PEs the chip measured
  // (ISSCC 2016, Fig. 14.5.6) under cycles and edp. Under energy, with the
  // staging region one filter block (glb.filter_region block), CONV5 takes three
  // sets of 3 x 13 (117 PEs) and a psum tile of 64 filters, as the estimate
  // finds them to spend the least.
  ey_arch a = eytest::LoadArch("eyeriss_v1");
  ASSERT_EQ(a.set_whole, 1);
  ey_net n = eytest::LoadNet("alexnet");
  const std::map<std::string, std::pair<int, int>> chip = {{"conv1", {14, 154}},
                                                           {"conv2", {27, 135}},
                                                           {"conv3", {13, 156}},
                                                           {"conv4", {13, 156}},
                                                           {"conv5", {13, 156}}};
  int seen = 0;
  for (int i = 0; i < n.nlayers; i++) {
    auto it = chip.find(n.layers[i].name);
    if (it == chip.end()) continue;
    SCOPED_TRACE(it->first);
    for (int obj : {EY_OBJ_ENERGY, EY_OBJ_CYCLES, EY_OBJ_EDP}) {
      ey_mapping m;
      ey_cost c;
      ey_err err;
      ASSERT_EQ(ey_map_layer(&n.layers[i], &a, obj, &m, &c, nullptr, &err), EY_OK) << err.msg;
      EXPECT_EQ(m.e, it->second.first) << "objective " << obj;
      if (obj != EY_OBJ_ENERGY || it->first != "conv5")
        EXPECT_EQ(c.active_pes, it->second.second) << "objective " << obj;
      else
        EXPECT_EQ(c.active_pes, 117) << "objective " << obj;
    }
    seen++;
  }
  EXPECT_EQ(seen, 5);
  ey_net_free(&n);
}

TEST(MapperSearch, WholeNarrowsOnlyUntilATileFits) {
  // One 1x1 filter on an 8 x 64 ifmap on 4 x 2 PEs: the whole set, 1 x 8, folds
  // into ceil(8/2) = 4 segments of 1 row, which fit 4 rows, so e = 8. A tile of
  // e rows needs e x 64 ifmap words of 16 bits and e x 64 psums of 32: 3072 e
  // bits. 1 KiB holds 8192, so there e = 2 is the widest that fits (3 needs
  // 9216). A 3 x 3 filter on a 10 x 10 ifmap (E = 8) would fold into 4 x 3 = 12
  // rows, more than 4: strips as wide as the array, e = 2.
  // (TinyArch's YAML ends inside its glb: section, so the first line adds to it.)
  const std::string keys = "  filter_path: direct\nmapper:\n  set_width: whole\n";
  ey_layer l = Layer(1, 1, 1, 8, 64, 1, 1), tall = Layer(1, 1, 1, 10, 10, 3, 3);
  ey_arch wide = TinyArch(4, 2, 1, 0, keys), roomy = TinyArch(4, 2, 64, 0, keys);
  for (int obj : {EY_OBJ_ENERGY, EY_OBJ_CYCLES, EY_OBJ_EDP}) {
    ey_mapping m;
    ey_cost c;
    ey_err err;
    ASSERT_EQ(ey_map_layer(&l, &roomy, obj, &m, &c, nullptr, &err), EY_OK) << err.msg;
    EXPECT_EQ(m.e, 8);
    ASSERT_EQ(ey_map_layer(&tall, &roomy, obj, &m, &c, nullptr, &err), EY_OK) << err.msg;
    EXPECT_EQ(m.e, 2);
    ASSERT_EQ(ey_map_layer(&l, &wide, obj, &m, &c, nullptr, &err), EY_OK) << err.msg;
    EXPECT_EQ(m.e, 2);
    EXPECT_EQ(ey_mapping_check(&l, &wide, &m, &err), EY_OK) << err.msg;
  }
  ey_mapping three = {1, 1, 1, 1, 1, 3, 3, 1, 1};  // n p q r t e eg m g
  ey_err err;
  EXPECT_NE(ey_mapping_check(&l, &wide, &three, &err), EY_OK);
}

// ---------------------------------------------------------------- legality

TEST(MapperCheck, IllegalMappingsAreNamed) {
  ey_arch a = eytest::LoadArch("eyeriss_v1");
  ey_layer l = Layer(4, 48, 128, 27, 27, 5, 5, 1, 2);  // AlexNet CONV2, one group
  ey_err err;
  ey_mapping ok = {1, 16, 2, 1, 1, 27, 27, 32, 1};
  EXPECT_EQ(ey_mapping_check(&l, &a, &ok, &err), EY_OK) << err.msg;
  auto msg = [&](ey_mapping m) {
    err.msg[0] = '\0';
    EXPECT_EQ(ey_mapping_check(&l, &a, &m, &err), EY_MISMATCH);
    return std::string(err.msg);
  };
  ey_mapping m = ok;
  m.q = 3;
  EXPECT_EQ(
      msg(m),
      "q: must be at most C/groups = 48 with q*S at most pe.ifmap_spad_words = 12 (got q=3, S=5)");
  m = ok;
  m.p = 24;
  m.q = 2;
  m.m = 48;
  EXPECT_EQ(msg(m), "p: p*q*S must be at most pe.filter_spad_words = 224 (got p=24, q=2, S=5)");
  m = ok;
  m.eg = 30;
  EXPECT_EQ(msg(m), "eg: must be a multiple of e = 27, at most 27 (got 30)");
  m = ok;
  m.m = 40;
  EXPECT_EQ(msg(m), "m: must be a multiple of p*t = 16, at most 128 (got 40)");
  m = ok;
  m.r = 2;
  m.e = 27;
  EXPECT_EQ(msg(m),
            "r: a group of r sets of 5 x 27 PEs folded into 2 segments needs 20 PE rows (got r=2, "
            "12 rows)");
  m = ok;
  m.n = 5;
  EXPECT_EQ(msg(m), "n: must be at most the batch N = 4 (got 5)");
  m = ok;
  m.n = 4;
  m.m = 128;
  std::string big = msg(m);
  EXPECT_EQ(big.rfind("m: the ifmap and psum tiles need ", 0), 0u) << big;
}

TEST(MapperCheck, UnmappableLayersSayWhy) {
  ey_arch small = eytest::LoadArch("eyeriss_v1_8x8");
  ey_layer conv1 = Layer(1, 3, 96, 227, 227, 11, 11, 4);
  ey_mapping m;
  ey_err err;
  EXPECT_EQ(ey_map_layer(&conv1, &small, EY_OBJ_ENERGY, &m, nullptr, nullptr, &err), EY_NOMAP);
  EXPECT_STREQ(err.msg, "R: a filter of height 11 needs 11 PE rows; the array has 8 (got R=11)");

  ey_arch v1 = eytest::LoadArch("eyeriss_v1");
  ey_layer wide = Layer(1, 1, 1, 13, 13, 1, 13);
  EXPECT_EQ(ey_map_layer(&wide, &v1, EY_OBJ_ENERGY, &m, nullptr, nullptr, &err), EY_NOMAP);
  EXPECT_STREQ(err.msg, "S: a filter row of 13 words must fit pe.ifmap_spad_words = 12 (got S=13)");

  ey_arch tiny = TinyArch(12, 14, 2, 1);  // 1 KiB = 8192 bits for tiles
  ey_layer huge = Layer(1, 1, 1, 3, 4000, 3, 3);
  EXPECT_EQ(ey_map_layer(&huge, &tiny, EY_OBJ_ENERGY, &m, nullptr, nullptr, &err), EY_NOMAP);
  // Smallest tile: 3 rows x 4000 words x 16 b + one output row of 3998 x 32 b.
  EXPECT_EQ(
      std::string(err.msg),
      "glb.size_kb: the smallest tile (one image, channel, filter and output row) needs "
      "319936 bits of GLB; glb.size_kb less the 8192 bits of the filter staging region leaves "
      "8192 (got glb.size_kb=2)");
}

// ---------------------------------------------------------------- shipped networks

// Every layer of every shipped network maps legally (or is reported unmappable
// with its reason), and the analytic figures respect the bounds of rung 4.
void CheckShipped(const std::string &arch_name) {
  ey_arch a = eytest::LoadArch(arch_name);
  for (const auto &net_name : eytest::ShippedNets()) {
    ey_net net = eytest::LoadNet(net_name);
    for (int i = 0; i < net.nlayers; i++) {
      const ey_layer &l = net.layers[i];
      SCOPED_TRACE(arch_name + " " + net_name + " " + l.name);
      ey_mapping m;
      ey_cost c;
      ey_err err;
      ey_rc rc = ey_map_layer(&l, &a, a.objective, &m, &c, nullptr, &err);
      if (rc == EY_NOMAP) {
        // The only shipped case: an 11-row filter on an 8-row array.
        EXPECT_EQ(arch_name, "eyeriss_v1_8x8");
        EXPECT_GT(l.R, a.rows) << err.msg;
        continue;
      }
      ASSERT_EQ(rc, EY_OK) << err.msg;
      EXPECT_EQ(ey_mapping_check(&l, &a, &m, &err), EY_OK) << err.msg;
      EXPECT_EQ(c.c.macs, ey_layer_macs(&l));
      EXPECT_LE(c.active_pes, a.rows * a.cols);
      // Cycles are at least MACs / active PEs (one MAC per PE per cycle).
      EXPECT_GE((double)c.cycles, (double)c.c.macs / c.active_pes);
      // DRAM traffic is at least the compulsory: every input some output
      // uses, every weight and every output, once.
      std::set<int> rows, cols;
      for (int o = 0; o < l.E; o++)
        for (int k = 0; k < l.R; k++)
          if (o * l.stride + k >= l.pad && o * l.stride + k < l.pad + l.H)
            rows.insert(o * l.stride + k);
      for (int o = 0; o < l.F; o++)
        for (int k = 0; k < l.S; k++)
          if (o * l.stride + k >= l.pad && o * l.stride + k < l.pad + l.W)
            cols.insert(o * l.stride + k);
      uint64_t compulsory = (uint64_t)l.N * l.C * rows.size() * cols.size() +
                            (uint64_t)l.M * (l.C / l.groups) * l.R * l.S +
                            (uint64_t)l.N * l.M * l.E * l.F;
      uint64_t dram = 0;
      for (int t = 0; t < EY_NTYPES; t++) dram += c.c.dram_reads[t] + c.c.dram_writes[t];
      EXPECT_GE(dram, compulsory);
    }
    ey_net_free(&net);
  }
}

TEST(MapperShipped, EyerissV1) {
  CheckShipped("eyeriss_v1");
}
TEST(MapperShipped, EyerissV1_8x8) {
  CheckShipped("eyeriss_v1_8x8");
}
TEST(MapperShipped, EyerissV1_16x16) {
  CheckShipped("eyeriss_v1_16x16");
}
TEST(MapperShipped, EyerissV1_32x32) {
  CheckShipped("eyeriss_v1_32x32");
}

}  // namespace
