// noc_test.cc - the networks (noc.impl: multicast-bus): ID matching, the
// all-or-none multicast, assignments; and the psum chains: links and the
// round-robin arbiters of the psum GIN and the GON. Expected values are worked by
// hand from the rules in docs/engine.md.
#include <gtest/gtest.h>

#include <vector>

extern "C" {
#include "noc/noc.h"
}

namespace {

TEST(Noc, MulticastReachesExactlyTheMatchingPes) {
  ey_noc n;
  ASSERT_EQ(ey_noc_init(&n, &ey_noc_multicast_bus_ops, 3, 4, 1), EY_OK);
  // Rows 0 and 2 are X buses with ID 5; row 1 has ID 6.
  ey_noc_set_row_id(&n, 0, 5);
  ey_noc_set_row_id(&n, 1, 6);
  ey_noc_set_row_id(&n, 2, 5);
  ey_noc_set_col_id(&n, 0, 1, 9);
  ey_noc_set_col_id(&n, 0, 3, 9);
  ey_noc_set_col_id(&n, 1, 1, 9);  // right column ID, wrong row ID
  ey_noc_set_col_id(&n, 2, 0, 9);
  ey_noc_set_col_id(&n, 2, 2, 8);
  int out[12];
  ASSERT_EQ(ey_noc_match(&n, 5, 9, out), 3);
  EXPECT_EQ(out[0], 1);  // (0, 1)
  EXPECT_EQ(out[1], 3);  // (0, 3)
  EXPECT_EQ(out[2], 8);  // (2, 0)
  EXPECT_EQ(ey_noc_match(&n, 6, 9, out), 1);
  EXPECT_EQ(ey_noc_match(&n, 7, 9, out), 0);
  EXPECT_EQ(ey_noc_match(&n, 5, EY_NOC_NO_ID, out), 0);  // unset PEs never match
  ey_noc_fini(&n);
}

TEST(Noc, NothingIsDeliveredWhileOneTargetIsFull) {
  ey_noc n;
  ASSERT_EQ(ey_noc_init(&n, &ey_noc_multicast_bus_ops, 1, 4, 1), EY_OK);
  int targets[] = {0, 2, 3};
  int room[] = {1, 5, 0, 2};
  EXPECT_EQ(ey_noc_try(&n, targets, 3, room), 0);
  EXPECT_EQ(room[0], 1);  // untouched
  EXPECT_EQ(room[3], 2);
  EXPECT_EQ(n.stats.transfers, 0u);
  ey_noc_block(&n, 1);
  room[2] = 1;  // the full PE drains a word
  EXPECT_EQ(ey_noc_try(&n, targets, 3, room), 1);
  EXPECT_EQ(room[0], 0);
  EXPECT_EQ(room[2], 0);
  EXPECT_EQ(room[3], 1);
  EXPECT_EQ(n.stats.transfers, 1u);
  EXPECT_EQ(n.stats.multicasts, 1u);
  EXPECT_EQ(n.stats.delivered, 3u);
  EXPECT_EQ(n.stats.blocked_cycles, 1u);
  int one[] = {1};
  EXPECT_EQ(ey_noc_try(&n, one, 1, room), 1);
  EXPECT_EQ(n.stats.unicasts, 1u);
  ey_noc_fini(&n);
}

TEST(Noc, ImplementationsAreFoundByTheirConfigName) {
  EXPECT_EQ(ey_noc_ops_find("multicast-bus"), &ey_noc_multicast_bus_ops);
  EXPECT_EQ(ey_noc_ops_find("hierarchical-mesh"), nullptr);  // not built yet
}

TEST(Noc, AnXBusHasOneIdSoItsPesShareAGroup) {
  ey_noc n;
  ASSERT_EQ(ey_noc_init(&n, &ey_noc_multicast_bus_ops, 2, 3, 1), EY_OK);
  EXPECT_EQ(ey_noc_assign(&n, 0, 4, 7), 0);   // row 0 takes group 4
  EXPECT_EQ(ey_noc_assign(&n, 2, 4, 8), 0);   // same row, same group: fine
  EXPECT_EQ(ey_noc_assign(&n, 1, 5, 7), -1);  // same row, another group: impossible
  EXPECT_EQ(ey_noc_assign(&n, 4, 5, 7), 0);   // row 1 is free
  int out[6];
  ASSERT_EQ(ey_noc_match(&n, 4, 7, out), 1);
  EXPECT_EQ(out[0], 0);
  ASSERT_EQ(ey_noc_match(&n, 5, 7, out), 1);
  EXPECT_EQ(out[0], 4);
  ey_noc_clear(&n);  // a new pass: nothing matches
  EXPECT_EQ(ey_noc_match(&n, 4, 7, out), 0);
  ey_noc_fini(&n);
}

// A grant callback that records the order of visits and refuses the PEs listed.
struct Arb {
  std::vector<int> visited, refuse;
  static int Grant(void *ctx, int pe) {
    Arb *a = static_cast<Arb *>(ctx);
    a->visited.push_back(pe);
    for (int r : a->refuse)
      if (r == pe) return 0;
    return 1;
  }
};

// Four one-PE chains 10..13 (PE indices) on a 16-PE array: each is its own top.
struct Tops {
  ey_chains c;
  explicit Tops(int width) {
    EXPECT_EQ(ey_chains_init(&c, 16, 1, width), EY_OK);
    for (int x = 10; x < 14; x++) ey_chains_add(&c, x, -1, 0);
    ey_chains_seal(&c);
  }
  ~Tops() {
    ey_chains_fini(&c);
  }
};

TEST(Chains, TheGonPointerMovesEveryCycleGrantedOrNot) {
  Tops t(1);
  for (int x = 10; x < 14; x++) ey_chains_gon_request(&t.c, x, 1);
  // Width 1: cycle k starts at top k mod 4 and grants it.
  std::vector<int> got;
  for (int cycle = 0; cycle < 6; cycle++) {
    Arb a;
    EXPECT_EQ(ey_chains_gon_arbitrate(&t.c, Arb::Grant, &a), 1);
    got.push_back(a.visited.back());
    ey_chains_advance(&t.c, 1);
  }
  EXPECT_EQ(got, (std::vector<int>{10, 11, 12, 13, 10, 11}));
  EXPECT_EQ(t.c.stats.gon_words, 6u);
}

TEST(Chains, OnlyRequestersAreVisitedInRoundRobinOrder) {
  Tops t(2);
  ey_chains_gon_request(&t.c, 11, 1);
  ey_chains_gon_request(&t.c, 13, 1);
  ey_chains_advance(&t.c, 3);  // the pointer is at slot 3 (PE 13)
  Arb a;
  EXPECT_EQ(ey_chains_gon_arbitrate(&t.c, Arb::Grant, &a), 2);
  EXPECT_EQ(a.visited, (std::vector<int>{13, 11}));  // 13, wrap, 11; 10 and 12 never asked
  ey_chains_gon_request(&t.c, 13, 0);                // withdrawn
  Arb b;
  EXPECT_EQ(ey_chains_gon_arbitrate(&t.c, Arb::Grant, &b), 1);
  EXPECT_EQ(b.visited, (std::vector<int>{11}));
}

TEST(Chains, ARefusedRequesterPassesItsTurnToTheNext) {
  Tops t(1);
  for (int x = 10; x < 14; x++) ey_chains_gon_request(&t.c, x, 1);
  ey_chains_advance(&t.c, 1);  // pointer at PE 11
  Arb a;
  a.refuse = {11, 12};  // e.g. their GLB banks are busy
  EXPECT_EQ(ey_chains_gon_arbitrate(&t.c, Arb::Grant, &a), 1);
  EXPECT_EQ(a.visited, (std::vector<int>{11, 12, 13}));  // stops at the width
  Arb b;
  b.refuse = {10, 11, 12, 13};
  EXPECT_EQ(ey_chains_gon_arbitrate(&t.c, Arb::Grant, &b), 0);
  EXPECT_EQ(b.visited, (std::vector<int>{11, 12, 13, 10}));  // every requester, once
}

TEST(Chains, LinksRunBottomToTopAndTheGinFeedsTheBottoms) {
  ey_chains c;
  ASSERT_EQ(ey_chains_init(&c, 200, 1, 1), EY_OK);
  // Two chains of three: 0 -> 5 -> 9 and 100 -> 150 -> 199, and a one-PE chain 70
  // (both a GIN bottom and a top). Slots past 64 exercise the second bitmap word.
  ey_chains_add(&c, 0, 5, 1);
  ey_chains_add(&c, 5, 9, 0);
  ey_chains_add(&c, 9, -1, 0);
  ey_chains_add(&c, 70, -1, 1);
  ey_chains_add(&c, 100, 150, 1);
  ey_chains_add(&c, 150, 199, 0);
  ey_chains_add(&c, 199, -1, 0);
  ey_chains_seal(&c);
  EXPECT_EQ(c.down[5], 0);
  EXPECT_EQ(c.down[9], 5);
  EXPECT_EQ(c.down[199], 150);
  EXPECT_EQ(c.down[0], -1);
  EXPECT_EQ(c.down[70], -1);
  ASSERT_EQ(c.nbot, 3);
  ASSERT_EQ(c.ntop, 3);
  EXPECT_EQ(c.bots[1], 70);
  EXPECT_EQ(c.tops[1], 70);
  ey_chains_gin_request(&c, 100, 1);
  ey_chains_gin_request(&c, 70, 1);
  ey_chains_advance(&c, 2);  // GIN pointer at slot 2 (PE 100)
  Arb a;
  EXPECT_EQ(ey_chains_gin_arbitrate(&c, Arb::Grant, &a), 1);
  EXPECT_EQ(a.visited, (std::vector<int>{100}));
  EXPECT_EQ(c.stats.gin_words, 1u);
  ey_chains_clear(&c);  // a new pass
  EXPECT_EQ(c.nbot, 0);
  Arb b;
  EXPECT_EQ(ey_chains_gin_arbitrate(&c, Arb::Grant, &b), 0);
  EXPECT_TRUE(b.visited.empty());
  ey_chains_fini(&c);
}

}  // namespace
