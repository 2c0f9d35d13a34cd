// glb_test.cc - the global buffer's banks: word interleaving, one port per bank
// per cycle from the array side, wide psums over two banks, DRAM-side transfers
// counted per bank.
#include <gtest/gtest.h>

extern "C" {
#include "glb/glb.h"
}

namespace {

// 4 banks; ifmap tiles of 10 words (16 b), a psum tile of 6 psums (32 b): the
// regions start at words 0, 10 (second ifmap buffer) and 20 (psums).
struct Glb {
  ey_glb g;
  explicit Glb(int ports = 1) {
    EXPECT_EQ(ey_glb_init(&g, 8192, 1024, 10, 16, 6, 32, 1, 4, ports), EY_OK);
  }
  ~Glb() {
    ey_glb_fini(&g);
  }
};

TEST(Glb, OnePortPerBankPerCycle) {
  Glb b;
  ey_glb_tick(&b.g, 0);
  EXPECT_EQ(ey_glb_try(&b.g, EY_GLB_R_IFMAP0, 1, EY_IFMAP, 0), 1);  // word 1: bank 1
  EXPECT_EQ(ey_glb_try(&b.g, EY_GLB_R_IFMAP0, 5, EY_IFMAP, 0), 0);  // word 5: bank 1 again
  EXPECT_EQ(ey_glb_try(&b.g, EY_GLB_R_IFMAP0, 2, EY_IFMAP, 0), 1);  // bank 2 is free
  EXPECT_EQ(b.g.stats.conflicts, 1u);
  EXPECT_EQ(b.g.stats.reads[EY_IFMAP], 2u);
  ey_glb_tick(&b.g, 1);  // a new cycle frees every port
  EXPECT_EQ(ey_glb_try(&b.g, EY_GLB_R_IFMAP0, 5, EY_IFMAP, 0), 1);
  EXPECT_EQ(b.g.stats.bank_reads[1 * 3 + EY_IFMAP], 2u);
}

TEST(Glb, TwoPortsAllowTwoAccesses) {
  Glb b(2);
  ey_glb_tick(&b.g, 0);
  EXPECT_EQ(ey_glb_try(&b.g, EY_GLB_R_IFMAP0, 1, EY_IFMAP, 0), 1);
  EXPECT_EQ(ey_glb_try(&b.g, EY_GLB_R_IFMAP0, 5, EY_IFMAP, 0), 1);
  EXPECT_EQ(ey_glb_try(&b.g, EY_GLB_R_IFMAP0, 9, EY_IFMAP, 0), 0);
}

TEST(Glb, A32BitPsumTakesTwoBanks) {
  Glb b;
  ey_glb_tick(&b.g, 0);
  // Psum 1 is words 22 and 23 (banks 2 and 3); psum 3 is words 26, 27 (2, 3).
  EXPECT_EQ(ey_glb_try(&b.g, EY_GLB_R_PSUM, 1, EY_PSUM, 1), 1);
  EXPECT_EQ(ey_glb_try(&b.g, EY_GLB_R_PSUM, 3, EY_PSUM, 1), 0);
  EXPECT_EQ(ey_glb_try(&b.g, EY_GLB_R_PSUM, 2, EY_PSUM, 1), 1);  // words 24, 25: banks 0, 1
  EXPECT_EQ(b.g.stats.writes[EY_PSUM], 2u);                      // accesses, one per psum
  EXPECT_EQ(b.g.stats.bank_writes[2 * 3 + EY_PSUM], 1u);
  EXPECT_EQ(b.g.stats.bank_writes[0 * 3 + EY_PSUM], 1u);
}

TEST(Glb, DramSideTransfersSpreadOverTheBanks) {
  Glb b;
  // 7 words from word 2: banks 2, 3, 0, 1, 2, 3, 0.
  ey_glb_bulk(&b.g, EY_GLB_R_IFMAP0, 2, 7, EY_IFMAP, 1);
  EXPECT_EQ(b.g.stats.writes[EY_IFMAP], 7u);
  const uint64_t want[4] = {2, 1, 2, 2};
  for (int k = 0; k < 4; k++) EXPECT_EQ(b.g.stats.bank_writes[k * 3 + EY_IFMAP], want[k]) << k;
  EXPECT_EQ(b.g.stats.conflicts, 0u);
}

TEST(Glb, TilesThatDoNotFitAreRefused) {
  ey_glb g;
  EXPECT_EQ(ey_glb_init(&g, 100, 0, 5, 16, 1, 32, 0, 4, 1), EY_MISUSE);  // 80 + 32 > 100 bits
  ey_glb_fini(&g);
  EXPECT_EQ(ey_glb_init(&g, 150, 0, 5, 16, 1, 32, 1, 4, 1), EY_MISUSE);  // 112 fits, 192 not
  ey_glb_fini(&g);
  EXPECT_EQ(ey_glb_init(&g, 150, 0, 5, 16, 1, 32, 0, 4, 1), EY_OK);
  EXPECT_EQ(g.double_buffered, 0);
  ey_glb_fini(&g);
}

}  // namespace
