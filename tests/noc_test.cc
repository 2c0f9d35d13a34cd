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
  EXPECT_EQ(ey_noc_ops_find("hierarchical-mesh"), &ey_noc_hmesh_ops);
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

// ------------------------------------------------------------ hierarchical mesh
// Worked by hand on small meshes from the rules in noc/hmesh.c: a source's
// circuit runs along its row of clusters, then down or up each column it needs;
// a link or a router's output into a cluster carries one circuit.

namespace {

enum { E = 0, W = 1, N = 2, S = 3 };

// 2 x 2 clusters of 3 x 4 PEs (6 x 8 PEs), as Eyeriss v2's clusters.
ey_noc Mesh(int type, int planes, int rows = 6, int cols = 8, int hop = 1) {
  ey_noc n;
  ey_noc_mesh g = {type, 3, 4, planes, hop};
  EXPECT_EQ(ey_noc_init_mesh(&n, rows, cols, 1, &g), EY_OK);
  return n;
}

int Pe(int r, int c) {
  return r * 8 + c;
}

}  // namespace

TEST(Hmesh, BroadcastReachesEveryTaggedPeAndUsesTheTreeLinksOnly) {
  ey_noc n = Mesh(EY_MESH_IFMAP, 3);
  int cx, cy;
  EXPECT_EQ(ey_hmesh_clusters(&n, &cx, &cy), 4);
  EXPECT_EQ(cx, 2);
  EXPECT_EQ(cy, 2);
  const int s = ey_hmesh_source(&n, 0, 0, 1);  // cluster (0, 0), GLB bank 1
  EXPECT_EQ(s, 1);
  // One PE per cluster takes tag 5, another tag 6.
  const int five[] = {Pe(0, 1), Pe(2, 7), Pe(3, 0), Pe(5, 5)};
  for (int pe : five) EXPECT_EQ(ey_noc_assign(&n, pe, (uint16_t)s, 5), 0) << pe;
  EXPECT_EQ(ey_noc_assign(&n, Pe(4, 6), (uint16_t)s, 6), 0);
  int out[48];
  ASSERT_EQ(ey_noc_match(&n, (uint16_t)s, 5, out), 4);
  EXPECT_EQ(std::vector<int>(out, out + 4), std::vector<int>(five, five + 4));
  ASSERT_EQ(ey_noc_match(&n, (uint16_t)s, 6, out), 1);
  EXPECT_EQ(out[0], Pe(4, 6));
  EXPECT_EQ(ey_noc_match(&n, (uint16_t)s, 7, out), 0);
  EXPECT_STREQ(ey_hmesh_mode(&n, (uint16_t)s), "broadcast");
  // The tree: east from (0,0), south from (0,0) and from (1,0): three links.
  EXPECT_EQ(ey_hmesh_links_used(&n), 3);
  ey_noc_count(&n, (uint16_t)s, 10);
  EXPECT_EQ(ey_hmesh_link_words(&n, 0, 0, 1, E), 10u);
  EXPECT_EQ(ey_hmesh_link_words(&n, 0, 0, 1, S), 10u);
  EXPECT_EQ(ey_hmesh_link_words(&n, 1, 0, 1, S), 10u);
  EXPECT_EQ(ey_hmesh_link_words(&n, 1, 0, 1, W), 0u);
  EXPECT_EQ(ey_hmesh_link_words(&n, 0, 0, 0, E), 0u);  // another plane
  for (int y = 0; y < 2; y++)
    for (int x = 0; x < 2; x++) {
      EXPECT_EQ(ey_hmesh_router_words(&n, x, y, 1), 10u) << x << "," << y;
      EXPECT_EQ(ey_hmesh_router_words(&n, x, y, 0), 0u);
    }
  // The same tree's sums, kept past a clear: 7 words at each of the four
  // routers (plane 1) and on each of the three links.
  std::vector<uint64_t> routers(4 * 3), links(4 * 3 * 4);
  int vertical = -1;
  EXPECT_EQ(ey_hmesh_add_words(&n, (uint16_t)s, 7, routers.data(), links.data(), &vertical), 3);
  EXPECT_EQ(vertical, 2);  // the two links south; one runs east
  for (int cl = 0; cl < 4; cl++)
    for (int p = 0; p < 3; p++) EXPECT_EQ(routers[cl * 3 + p], p == 1 ? 7u : 0u) << cl << p;
  uint64_t on_links = 0;
  for (uint64_t w : links) on_links += w;
  EXPECT_EQ(on_links, 3u * 7u);
  EXPECT_EQ(links[(0 * 3 + 1) * 4 + E], 7u);
  EXPECT_EQ(links[(0 * 3 + 1) * 4 + S], 7u);
  EXPECT_EQ(links[(1 * 3 + 1) * 4 + S], 7u);
  EXPECT_EQ(ey_hmesh_pe_source(&n, Pe(5, 5)), s);
  EXPECT_EQ(ey_hmesh_pe_source(&n, Pe(5, 4)), -1);
  // Latency: one router at the source, one per link.
  EXPECT_EQ(ey_hmesh_latency(&n, (uint16_t)s, Pe(0, 1)), 1);
  EXPECT_EQ(ey_hmesh_latency(&n, (uint16_t)s, Pe(2, 7)), 2);
  EXPECT_EQ(ey_hmesh_latency(&n, (uint16_t)s, Pe(5, 5)), 3);
  ey_noc_fini(&n);
}

TEST(Hmesh, ModesFollowTheClustersASourceFeeds) {
  ey_noc n = Mesh(EY_MESH_IFMAP, 3, 9, 12);  // 3 x 3 clusters
  const int own = ey_hmesh_source(&n, 1, 1, 0), row = ey_hmesh_source(&n, 0, 0, 1),
            col = ey_hmesh_source(&n, 2, 0, 2);
  auto pe = [](int r, int c) { return r * 12 + c; };
  EXPECT_EQ(ey_noc_assign(&n, pe(3, 4), (uint16_t)own, 1), 0);  // cluster (1, 1) itself
  EXPECT_EQ(ey_noc_assign(&n, pe(4, 5), (uint16_t)own, 1), 0);
  EXPECT_STREQ(ey_hmesh_mode(&n, (uint16_t)own), "unicast");
  EXPECT_EQ(ey_hmesh_links_used(&n), 0);                        // its own cluster: no link
  EXPECT_EQ(ey_noc_assign(&n, pe(0, 0), (uint16_t)row, 1), 0);  // clusters (0,0) .. (2,0)
  EXPECT_EQ(ey_noc_assign(&n, pe(1, 11), (uint16_t)row, 1), 0);
  EXPECT_STREQ(ey_hmesh_mode(&n, (uint16_t)row), "horizontal multicast");
  EXPECT_EQ(ey_hmesh_links_used(&n), 2);                        // (0,0) E, (1,0) E
  EXPECT_EQ(ey_noc_assign(&n, pe(8, 8), (uint16_t)col, 1), 0);  // cluster (2, 2) alone:
  EXPECT_STREQ(ey_hmesh_mode(&n, (uint16_t)col), "unicast");    // one cluster, two links away
  EXPECT_EQ(ey_noc_assign(&n, pe(0, 8), (uint16_t)col, 1), 0);  // and (2, 0): (2,0) .. (2,2)
  EXPECT_STREQ(ey_hmesh_mode(&n, (uint16_t)col), "vertical multicast");
  EXPECT_EQ(ey_hmesh_links_used(&n), 4);  // + (2,0) S, (2,1) S
  EXPECT_STREQ(ey_hmesh_mode(&n, (uint16_t)ey_hmesh_source(&n, 0, 2, 0)), "off");
  // Latency with 2 cycles a router: (2,0) to (2,2) passes three routers.
  ey_noc_fini(&n);
  ey_noc m = Mesh(EY_MESH_IFMAP, 3, 9, 12, 2);
  const int c2 = ey_hmesh_source(&m, 2, 0, 2);
  EXPECT_EQ(ey_noc_assign(&m, pe(8, 8), (uint16_t)c2, 1), 0);
  EXPECT_EQ(ey_hmesh_latency(&m, (uint16_t)c2, pe(8, 8)), 6);
  ey_noc_fini(&m);
}

TEST(Hmesh, ACircuitCannotTakeALinkOrAnOutputAnotherHolds) {
  ey_noc n = Mesh(EY_MESH_IFMAP, 3, 9, 8);  // 2 columns x 3 rows of clusters
  const int a = ey_hmesh_source(&n, 0, 0, 0);
  // a feeds cluster (1, 2): east from (0,0), south from (1,0) and from (1,1).
  ASSERT_EQ(ey_noc_assign(&n, Pe(6, 4), (uint16_t)a, 1), 0);
  EXPECT_EQ(ey_hmesh_links_used(&n), 3);
  // Another source of plane 0 into cluster (1, 2): the output is a's.
  const int b = ey_hmesh_source(&n, 0, 2, 0);
  EXPECT_EQ(ey_noc_assign(&n, Pe(7, 5), (uint16_t)b, 1), -1);
  // Source (1, 0) of plane 0 into cluster (1, 1): the output is free, but the
  // link south from (1, 0) is a's.
  const int f = ey_hmesh_source(&n, 1, 0, 0);
  EXPECT_EQ(ey_noc_assign(&n, Pe(3, 4), (uint16_t)f, 1), -1);
  // In plane 1 both go.
  EXPECT_EQ(ey_noc_assign(&n, Pe(7, 5), (uint16_t)ey_hmesh_source(&n, 0, 2, 1), 1), 0);
  EXPECT_EQ(ey_noc_assign(&n, Pe(3, 4), (uint16_t)ey_hmesh_source(&n, 1, 0, 1), 1), 0);
  // b into cluster (0, 0) uses (0,2) N and (0,1) N of plane 0: free.
  EXPECT_EQ(ey_noc_assign(&n, Pe(0, 0), (uint16_t)b, 1), 0);
  EXPECT_EQ(ey_hmesh_links_used(&n), 3 + 2 + 1 + 1);
  // A refused assignment changed nothing: f still feeds nobody.
  EXPECT_STREQ(ey_hmesh_mode(&n, (uint16_t)f), "off");
  // A PE takes one source and tag.
  EXPECT_EQ(ey_noc_assign(&n, Pe(6, 4), (uint16_t)a, 2), -1);
  ey_noc_clear(&n);
  EXPECT_EQ(ey_hmesh_links_used(&n), 0);
  EXPECT_EQ(ey_noc_assign(&n, Pe(3, 4), (uint16_t)f, 1), 0);
  ey_noc_fini(&n);
}

TEST(Hmesh, WeightsGoAlongRowsToOnePeRowAndPsumsOnlySouth) {
  ey_noc w = Mesh(EY_MESH_WEIGHT, 3);
  const int s = ey_hmesh_source(&w, 0, 0, 1);  // weight router 1: PE row 1 of a cluster
  EXPECT_EQ(ey_noc_assign(&w, Pe(1, 0), (uint16_t)s, 3), 0);
  EXPECT_EQ(ey_noc_assign(&w, Pe(1, 6), (uint16_t)s, 3), 0);   // cluster (1, 0): east
  EXPECT_EQ(ey_noc_assign(&w, Pe(2, 1), (uint16_t)s, 3), -1);  // PE row 2: router 2's
  EXPECT_EQ(ey_noc_assign(&w, Pe(4, 1), (uint16_t)s, 3), -1);  // cluster (0, 1): no vertical link
  EXPECT_STREQ(ey_hmesh_mode(&w, (uint16_t)s), "horizontal multicast");
  int out[48];
  ASSERT_EQ(ey_noc_match(&w, (uint16_t)s, 3, out), 2);
  EXPECT_EQ(out[0], Pe(1, 0));
  EXPECT_EQ(out[1], Pe(1, 6));
  ey_noc_fini(&w);

  ey_noc p = Mesh(EY_MESH_PSUM, 4);
  const int t = ey_hmesh_source(&p, 1, 0, 2);  // psum router 2: PE column 2 of a cluster
  EXPECT_EQ(ey_noc_assign(&p, Pe(3, 6), (uint16_t)t, 1), 0);   // cluster (1, 1), column 6 = 4 + 2
  EXPECT_EQ(ey_noc_assign(&p, Pe(3, 7), (uint16_t)t, 1), -1);  // column 3 of the cluster
  EXPECT_EQ(ey_noc_assign(&p, Pe(0, 2), (uint16_t)t, 1), -1);  // cluster (0, 0): no horizontal link
  const int u = ey_hmesh_source(&p, 0, 1, 2);
  EXPECT_EQ(ey_noc_assign(&p, Pe(0, 2), (uint16_t)u, 1), -1);  // north: psums only go south
  EXPECT_STREQ(ey_hmesh_mode(&p, (uint16_t)t), "unicast");
  EXPECT_EQ(ey_hmesh_links_used(&p), 1);
  ey_noc_fini(&p);
}

TEST(Hmesh, AMulticastWaitsForItsFullDestination) {
  ey_noc n = Mesh(EY_MESH_IFMAP, 3);
  const int s = ey_hmesh_source(&n, 1, 1, 2);
  for (int pe : {Pe(0, 0), Pe(3, 3), Pe(5, 7)}) ASSERT_EQ(ey_noc_assign(&n, pe, (uint16_t)s, 4), 0);
  int tg[48];
  const int k = ey_noc_match(&n, (uint16_t)s, 4, tg);
  ASSERT_EQ(k, 3);
  std::vector<int> room(48, 1);
  room[Pe(3, 3)] = 0;  // one destination is full
  EXPECT_EQ(ey_noc_try(&n, tg, k, room.data()), 0);
  EXPECT_EQ(room[Pe(0, 0)], 1);  // nothing taken
  EXPECT_EQ(n.stats.transfers, 0u);
  room[Pe(3, 3)] = 1;
  EXPECT_EQ(ey_noc_try(&n, tg, k, room.data()), 1);
  EXPECT_EQ(room[Pe(0, 0)] + room[Pe(3, 3)] + room[Pe(5, 7)], 0);
  EXPECT_EQ(n.stats.delivered, 3u);
  EXPECT_EQ(n.stats.multicasts, 1u);
  ey_noc_fini(&n);
}

// Scaling: 32 x 32 clusters of 4 x 4 PEs (16 384 PEs), one source broadcasting
// to every PE: 31 links along its row and 31 down each of the 32 columns.
TEST(Hmesh, ABroadcastOn16384Pes) {
  ey_noc n;
  ey_noc_mesh g = {EY_MESH_IFMAP, 4, 4, 1, 1};
  ASSERT_EQ(ey_noc_init_mesh(&n, 128, 128, 1, &g), EY_OK);
  for (int pe = 0; pe < 128 * 128; pe++) ASSERT_EQ(ey_noc_assign(&n, pe, 0, 1), 0) << pe;
  EXPECT_EQ(ey_hmesh_links_used(&n), 31 + 32 * 31);
  std::vector<int> out(128 * 128);
  EXPECT_EQ(ey_noc_match(&n, 0, 1, out.data()), 128 * 128);
  EXPECT_EQ(ey_hmesh_latency(&n, 0, 128 * 128 - 1), 1 + 31 + 31);
  ey_noc_fini(&n);
  // Clusters that do not tile the array are refused.
  ey_noc_mesh bad = {EY_MESH_IFMAP, 3, 4, 3, 1};
  EXPECT_EQ(ey_noc_init_mesh(&n, 8, 8, 1, &bad), EY_MISUSE);
}
