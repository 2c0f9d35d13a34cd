// pe_test.cc - one PE against timelines worked out by hand from the timing rules
// of docs/engine.md: a column starts when its window has arrived (words delivered
// in cycle t are seen in t + 1) and the psum spad has room, takes q*S*p cycles,
// one MAC a cycle, and its psums can be forwarded `latency` cycles after its last
// MAC issued; a forward needs the psum from below when the PE has an input, and
// room at its output.
#include <gtest/gtest.h>

#include <vector>

extern "C" {
#include "pe/pe.h"
}

namespace {

struct Pe {
  ey_pe pe;
  Pe(int filt, int ifm, int fifo, int psum, int pin) {
    EXPECT_EQ(ey_pe_init(&pe, filt, ifm, fifo, psum, pin), EY_OK);
  }
  ~Pe() {
    ey_pe_fini(&pe);
  }
};

// q = 1 channel, S = 3 weights, p = 2 filters, one image of F = 2 columns
// (an ifmap row of 4), latency 4. Weights w[s][pp] = (s + 1) * (pp ? -1 : 1).
void Program(ey_pe *pe, int has_in, int simd = 1, int product_shift = 0) {
  ey_pe_prog g = {1, 2, 1, 2, 3, 1, 4, 1, 4, has_in, simd, product_shift};
  ey_pe_program(pe, &g);
  for (int s = 0; s < 3; s++)
    for (int pp = 0; pp < 2; pp++) ey_pe_load_filter(pe, s * 2 + pp, (s + 1) * (pp ? -1 : 1));
}

// pe.macs_per_cycle = 2: the column's q*S = 3 ifmap values each meet both
// filters in one cycle, so it runs 3 cycles (1-3) instead of 6, with the same
// sums: 2*1 + 0*2 + 5*3 = 17 and -17, leaving the pipeline at 3 + 4 = 7.
TEST(Pe, TwoMacsACycleRunAColumnInQSCeilPOverTwoCycles) {
  Pe p(6, 3, 2, 4, 2);
  ey_pe *pe = &p.pe;
  Program(pe, 0, 2);
  const int x[4] = {2, 0, 5, 7};
  uint32_t out = 0;
  for (int i = 0; i < 4; i++) ey_pe_put_ifmap(pe, x[i]);
  ey_pe_commit(pe);
  EXPECT_EQ(ey_pe_tick(pe, 1, 0, 1, &out), EY_CL_MAC | EY_PE_STARTED);
  EXPECT_EQ(ey_pe_next_event(pe, 1), 3u);  // its last cycle
  EXPECT_EQ(ey_pe_tick(pe, 2, 0, 1, &out), EY_CL_MAC);
  EXPECT_EQ(ey_pe_tick(pe, 3, 0, 1, &out), EY_CL_MAC | EY_PE_ENDED);
  EXPECT_EQ(ey_pe_tick(pe, 4, 0, 1, &out), EY_CL_MAC | EY_PE_STARTED);  // column 1
  EXPECT_EQ(ey_pe_next_event(pe, 4), 6u);
  EXPECT_EQ(ey_pe_tick(pe, 5, 0, 1, &out), EY_CL_MAC);
  EXPECT_EQ(ey_pe_tick(pe, 6, 0, 1, &out), EY_CL_MAC | EY_PE_ENDED);
  EXPECT_EQ(ey_pe_tick(pe, 7, 0, 1, &out), EY_CL_WAIT_PSUM | EY_PE_FWD);
  EXPECT_EQ((int32_t)out, 17);
  EXPECT_EQ(ey_pe_tick(pe, 8, 0, 1, &out), EY_CL_WAIT_PSUM | EY_PE_FWD);
  EXPECT_EQ((int32_t)out, -17);
  EXPECT_EQ(pe->stats.macs, 12u);  // the same MACs in half the cycles
  EXPECT_EQ(pe->stats.macs_gated, 4u);
}

// data.product_shift = 2: each product is shifted right toward minus infinity
// before it is added. Column 0 (x = 2, 0, 5): 2>>2 + 15>>2 = 0 + 3 = 3 and
// -2>>2 + -15>>2 = -1 + -4 = -5; column 1 (0, 5, 7): 10>>2 + 21>>2 = 2 + 5 = 7
// and -10>>2 + -21>>2 = -3 + -6 = -9. Tick by tick and a column at once alike.
TEST(Pe, AProductShiftRoundsEachProductTowardMinusInfinity) {
  for (int batch : {0, 1}) {
    Pe p(6, 3, 2, 4, 2);
    ey_pe *pe = &p.pe;
    Program(pe, 0, 1, 2);
    for (int x : {2, 0, 5, 7}) ey_pe_put_ifmap(pe, x);
    ey_pe_commit(pe);
    std::vector<int32_t> got;
    uint32_t out = 0;
    for (ey_cycle c = 1; c < 40 && got.size() < 4; c++)
      if (ey_pe_tick(pe, c, batch, 1, &out) & EY_PE_FWD) got.push_back((int32_t)out);
    EXPECT_EQ(got, (std::vector<int32_t>{3, -5, 7, -9})) << batch;
  }
}

TEST(Pe, AColumnRunsQSPCyclesOnceItsWindowHasArrived) {
  Pe p(6, 3, 2, 4, 2);
  ey_pe *pe = &p.pe;
  Program(pe, 0);
  const int x[4] = {2, 0, 5, 7};  // the ifmap row (a zero: gated MACs)
  uint32_t out = 0;
  // Cycle 0: nothing has arrived; the first three words are delivered.
  EXPECT_EQ(ey_pe_tick(pe, 0, 0, 1, &out), EY_CL_WAIT_IFMAP);
  for (int i = 0; i < 3; i++) ey_pe_put_ifmap(pe, x[i]);
  EXPECT_EQ(ey_pe_commit(pe) & 1, 1);
  // Cycle 1: the window is there: column 0 starts and runs cycles 1-6.
  EXPECT_EQ(ey_pe_tick(pe, 1, 0, 1, &out), EY_CL_MAC | EY_PE_STARTED);
  EXPECT_EQ(ey_pe_next_event(pe, 1), 6u);  // its last cycle
  ey_pe_put_ifmap(pe, x[3]);               // column 1's last word, in cycle 1
  ey_pe_commit(pe);
  for (ey_cycle c = 2; c <= 5; c++) EXPECT_EQ(ey_pe_tick(pe, c, 0, 1, &out), EY_CL_MAC) << c;
  EXPECT_EQ(ey_pe_tick(pe, 6, 0, 1, &out), EY_CL_MAC | EY_PE_ENDED);
  // Column 1 starts at once (its window is in, the spad holds 4 psums) and ends at 12.
  EXPECT_EQ(ey_pe_tick(pe, 7, 0, 1, &out), EY_CL_MAC | EY_PE_STARTED);
  // Column 0's psums leave the pipeline at 6 + 4 = 10.
  EXPECT_EQ(ey_pe_next_event(pe, 7), 10u);
  EXPECT_EQ(ey_pe_tick(pe, 8, 0, 1, &out), EY_CL_MAC);
  EXPECT_EQ(ey_pe_tick(pe, 9, 0, 1, &out), EY_CL_MAC);
  // psum 0 of column 0: 2*1 + 0*2 + 5*3 = 17; of filter 1: -17.
  EXPECT_EQ(ey_pe_tick(pe, 10, 0, 1, &out), EY_CL_MAC | EY_PE_FWD);
  EXPECT_EQ((int32_t)out, 17);
  EXPECT_EQ(ey_pe_tick(pe, 11, 0, 0, &out), EY_CL_MAC);  // no room above: it waits
  EXPECT_EQ(ey_pe_tick(pe, 12, 0, 1, &out), EY_CL_MAC | EY_PE_FWD | EY_PE_ENDED);
  EXPECT_EQ((int32_t)out, -17);
  // Column 1's psums (0*1 + 5*2 + 7*3 = 31 and -31) are in the pipeline until 16.
  EXPECT_EQ(ey_pe_tick(pe, 13, 0, 1, &out), EY_CL_WAIT_PSUM);
  EXPECT_EQ(ey_pe_next_event(pe, 13), 16u);
  EXPECT_EQ(ey_pe_tick(pe, 16, 0, 0, &out), EY_CL_BLOCKED_OUT);
  EXPECT_EQ(ey_pe_next_event(pe, 16), EY_CYCLE_NEVER);  // only room above can move it
  EXPECT_EQ(ey_pe_tick(pe, 17, 0, 1, &out), EY_CL_WAIT_PSUM | EY_PE_FWD);
  EXPECT_EQ((int32_t)out, 31);
  EXPECT_EQ(ey_pe_tick(pe, 18, 0, 1, &out), EY_CL_IDLE | EY_PE_FWD);
  EXPECT_EQ((int32_t)out, -31);
  EXPECT_EQ(ey_pe_tick(pe, 19, 0, 1, &out), EY_CL_IDLE);
  // 12 MAC slots, of which 4 gated (the zero meets both filters in both columns).
  EXPECT_EQ(pe->stats.macs, 12u);
  EXPECT_EQ(pe->stats.macs_gated, 4u);
  EXPECT_EQ(pe->stats.spad_reads[EY_FILTER], 8u);
}

TEST(Pe, FastSteppingDoesAColumnAtItsStartWithTheSameResult) {
  for (int batch : {0, 1}) {
    Pe p(6, 3, 2, 4, 2);
    Program(&p.pe, 0);
    for (int v : {2, 0, 5, 7}) ey_pe_put_ifmap(&p.pe, v);
    ey_pe_commit(&p.pe);
    uint32_t out = 0;
    std::vector<int32_t> got;
    for (ey_cycle c = 0; c < 30; c++)
      if (ey_pe_tick(&p.pe, c, batch, 1, &out) & EY_PE_FWD) got.push_back((int32_t)out);
    EXPECT_EQ(got, (std::vector<int32_t>{17, -17, 31, -31})) << batch;
  }
}

// A chain of two PEs: the lower one sends its psums up into the upper one's
// input FIFO (one word deep), the upper one adds them to its own and sends the
// sums out. With the same data in both, every sum is twice the lower's psum.
TEST(Pe, APsumChainDrainsInOrderThroughTheFifo) {
  Pe lo(6, 3, 2, 4, 1), hi(6, 3, 2, 4, 1);
  Program(&lo.pe, 0);
  Program(&hi.pe, 1);
  for (int v : {2, 0, 5, 7}) {
    ey_pe_put_ifmap(&lo.pe, v);
    if (v != 7) ey_pe_put_ifmap(&hi.pe, v);
  }
  ey_pe_commit(&lo.pe);
  ey_pe_commit(&hi.pe);
  std::vector<int32_t> sums;
  std::vector<ey_cycle> lo_at, hi_at;
  for (ey_cycle c = 0; c < 40; c++) {
    uint32_t up = 0, out = 0;
    // Both decide from the start-of-cycle state: the FIFO's room is what the
    // upper PE had before its own pop in this cycle.
    int r_lo = ey_pe_tick(&lo.pe, c, 0, ey_pe_psum_room(&hi.pe), &up);
    int r_hi = ey_pe_tick(&hi.pe, c, 0, 1, &out);
    if (r_lo & EY_PE_FWD) {
      ey_pe_psum_push(&hi.pe, up);
      lo_at.push_back(c);
    }
    if (r_hi & EY_PE_FWD) {
      sums.push_back((int32_t)out);
      hi_at.push_back(c);
    }
    if (c == 8) ey_pe_put_ifmap(&hi.pe, 7);  // the upper PE's last word comes late
    ey_pe_commit(&lo.pe);
    ey_pe_commit(&hi.pe);
  }
  EXPECT_EQ(sums, (std::vector<int32_t>{34, -34, 62, -62}));
  // Both run column 0 in cycles 0-5: psums ready at 9. The lower one sends at 9,
  // the upper one adds it at 10 (seen a cycle later); at 10 the FIFO is full
  // (start-of-cycle), so the lower one's second goes at 11 and is added at 12.
  // The lower PE's column 1 (6-11) is ready at 15; the upper one's, started at 9
  // when its last word was seen, ends at 14 and is ready at 18: it adds at 18,
  // and the lower one's last psum, blocked by the full FIFO until the pop at
  // 18, goes at 19 and is added at 20.
  EXPECT_EQ(lo_at, (std::vector<ey_cycle>{9, 11, 15, 19}));
  EXPECT_EQ(hi_at, (std::vector<ey_cycle>{10, 12, 18, 20}));
  EXPECT_EQ(ey_pe_psum_room(&hi.pe), 1);  // drained: the FIFO is empty at the end
}

}  // namespace
