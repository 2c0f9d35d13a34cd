// dram_test.cc - the memory front end and its models, against transfers worked
// out by hand from the timing rules (docs/engine.md): a bus of bus_bits per link
// cycle, link cycle k beginning at core cycle ceil(k * core / link), requests
// served in order, and the latency added after the last beat.
#include <gtest/gtest.h>

extern "C" {
#include "dram/dram.h"
}

namespace {

// 200 MHz core, 60 MHz link: link cycle k begins at core cycle ceil(k * 10 / 3).
const ey_dram_cfg kCfg = {200, 60, 64, 16, 6};

TEST(Dram, LinkCyclesBeginAtTheCeilingOfTheirCoreTime) {
  ey_dram d;
  ey_dram_init(&d, &kCfg, nullptr);
  EXPECT_EQ(ey_dram_core_at(&d, 0), 0u);
  EXPECT_EQ(ey_dram_core_at(&d, 1), 4u);   // 3.33 -> 4
  EXPECT_EQ(ey_dram_core_at(&d, 3), 10u);  // exactly 10
  EXPECT_EQ(ey_dram_core_at(&d, 4), 14u);  // 13.33 -> 14
  // The first link cycle that begins at or after a core cycle.
  EXPECT_EQ(ey_dram_link_at(&d, 0), 0u);
  EXPECT_EQ(ey_dram_link_at(&d, 1), 1u);
  EXPECT_EQ(ey_dram_link_at(&d, 4), 1u);
  EXPECT_EQ(ey_dram_link_at(&d, 5), 2u);  // link 1 began at 4, link 2 at 7
  EXPECT_EQ(ey_dram_link_at(&d, 10), 3u);
  ey_dram_fini(&d);
}

TEST(Dram, FixedTransfersQueueInOrderOnTheLinkClockWithLatency) {
  ey_dram d;
  ey_dram_init(&d, &kCfg, &ey_dram_fixed_ops);
  // 16 words of 16 bits = 256 bits = 4 beats of 64: link cycles 0-3, then 6 of
  // latency: done at link 10 = core ceil(100 / 3) = 34.
  uint64_t a = ey_dram_request(&d, 0, 0, 16, 256, 0, 0);
  EXPECT_EQ(ey_dram_done_at(&d, a), 34u);
  // Made at core 1 (link 1), but the bus is busy until link 4: beat 4, +6 = link
  // 11 = core ceil(110 / 3) = 37.
  uint64_t b = ey_dram_request(&d, 1, 100, 4, 64, 1, 0);
  EXPECT_EQ(ey_dram_done_at(&d, b), 37u);
  // Made at core 40 on an idle bus: link_at(40) = 12 (core 40), one beat of 40
  // coded bits, +6 = link 19 = core ceil(190 / 3) = 64.
  uint64_t c = ey_dram_request(&d, 40, 7, 10, 40, 2, 1);
  EXPECT_EQ(ey_dram_done_at(&d, c), 64u);
  EXPECT_EQ(d.stats.busy_link_cycles, 4u + 1u + 1u);
  EXPECT_EQ(d.stats.requests, 3u);
  EXPECT_EQ(d.stats.read_words[0], 16u);
  EXPECT_EQ(d.stats.read_words[1], 4u);
  EXPECT_EQ(d.stats.write_words[2], 10u);
  EXPECT_EQ(d.stats.write_bits[2], 40u);  // the coded bits, not 10 x 16
  ey_dram_fini(&d);
}

TEST(Dram, ZeroLatencyEndsWithTheLastBeat) {
  ey_dram_cfg cfg = kCfg;
  cfg.latency = 0;
  cfg.link_mhz = 200;  // the same clock: one beat a core cycle
  ey_dram d;
  ey_dram_init(&d, &cfg, nullptr);
  EXPECT_EQ(ey_dram_done_at(&d, ey_dram_request(&d, 5, 0, 8, 128, 0, 0)), 7u);  // beats at 5 and 6
  EXPECT_EQ(ey_dram_done_at(&d, ey_dram_request(&d, 5, 0, 1, 16, 0, 0)), 8u);   // behind it
  ey_dram_fini(&d);
}

TEST(Dram, AnExternalMemoryAnswersWhenTheOutsideSays) {
  ey_dram d;
  ey_dram_init(&d, &kCfg, ey_dram_ops_find("external"));
  uint64_t a = ey_dram_request(&d, 3, 64, 16, 256, 0, 0);
  uint64_t b = ey_dram_request(&d, 9, 0, 8, 128, 2, 1);
  EXPECT_EQ(a, 1u);
  EXPECT_EQ(b, 2u);
  EXPECT_EQ(ey_dram_done_at(&d, a), EY_CYCLE_NEVER);
  ey_dram_req r;
  ASSERT_EQ(ey_dram_next_request(&d, &r), 1);
  EXPECT_EQ(r.id, 1u);
  EXPECT_EQ(r.addr, 64u);
  EXPECT_EQ(r.words, 16u);
  EXPECT_EQ(r.bits, 256u);
  EXPECT_EQ(r.issued, 3u);
  EXPECT_EQ(r.is_write, 0);
  ASSERT_EQ(ey_dram_next_request(&d, &r), 1);
  EXPECT_EQ(r.id, 2u);
  EXPECT_EQ(r.type, 2);
  EXPECT_EQ(r.is_write, 1);
  EXPECT_EQ(ey_dram_next_request(&d, &r), 0);  // each request is handed out once
  // Completions in any order; none before its request, none twice, no unknown id.
  EXPECT_EQ(ey_dram_complete(&d, 2, 8), EY_MISUSE);
  EXPECT_EQ(ey_dram_complete(&d, 2, 50), EY_OK);
  EXPECT_EQ(ey_dram_complete(&d, 2, 60), EY_MISUSE);
  EXPECT_EQ(ey_dram_complete(&d, 3, 60), EY_MISUSE);
  EXPECT_EQ(ey_dram_complete(&d, 0, 60), EY_MISUSE);
  EXPECT_EQ(ey_dram_complete(&d, 1, 3), EY_OK);
  EXPECT_EQ(ey_dram_done_at(&d, a), 3u);
  EXPECT_EQ(ey_dram_done_at(&d, b), 50u);
  EXPECT_EQ(d.stats.read_words[0], 16u);
  EXPECT_EQ(d.stats.write_words[2], 8u);
  ey_dram_fini(&d);
}

// The layer's drain: every request answered, then the last write's completion.
TEST(Dram, DrainedOnceEveryRequestIsAnsweredAtTheLastWrite) {
  ey_dram d;
  ey_dram_init(&d, &kCfg, &ey_dram_external_ops);
  EXPECT_EQ(ey_dram_drained_at(&d), 0u);  // nothing asked
  uint64_t r = ey_dram_request(&d, 5, 0, 4, 64, EY_IFMAP, 0);
  uint64_t w1 = ey_dram_request(&d, 6, 0, 4, 64, EY_PSUM, 1);
  uint64_t w2 = ey_dram_request(&d, 7, 8, 4, 64, EY_PSUM, 1);
  EXPECT_EQ(ey_dram_drained_at(&d), EY_CYCLE_NEVER);
  ASSERT_EQ(ey_dram_complete(&d, w1, 90), EY_OK);
  ASSERT_EQ(ey_dram_complete(&d, w2, 70), EY_OK);
  EXPECT_EQ(ey_dram_drained_at(&d), EY_CYCLE_NEVER);  // the read is not answered yet
  ASSERT_EQ(ey_dram_complete(&d, r, 200), EY_OK);
  EXPECT_EQ(ey_dram_drained_at(&d), 90u);  // the later write; reads do not count
  ey_dram_fini(&d);
}

TEST(Dram, ModelsAreFoundByTheirImplName) {
  EXPECT_EQ(ey_dram_ops_find("fixed"), &ey_dram_fixed_ops);
  EXPECT_EQ(ey_dram_ops_find("external"), &ey_dram_external_ops);
  EXPECT_EQ(ey_dram_ops_find("banked"), nullptr);
}

}  // namespace
