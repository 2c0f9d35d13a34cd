/* noc.h - the array's on-chip networks, one per data type, behind an operations
 * table chosen by the arch's noc.impl, and the psum chains.
 *
 * A network delivers a packet to every PE whose assignment matches the packet's
 * (group, tag), in one cycle, and only when every target can accept it
 * (all-or-none): sim/ reads each target's room at the start of the cycle and calls
 * ey_noc_try(), or ey_noc_block() for a cycle the packet waited. Assignments are
 * loaded per pass, as the chip loads its IDs through a scan chain.
 *
 *   multicast-bus (noc/multicast_bus.c): Eyeriss v1. A Y bus feeds one X bus per
 *   PE row; the controller at the head of each X bus compares the packet's group
 *   with that row's ID, the controller at each PE compares its tag with the PE's
 *   ID (reference: Chen et al., JSSC 2017, Sec. IV-C). All PEs of a row share the
 *   row's ID.
 *
 * The psum chains (noc/psum_chain.c) are the vertical links that carry a psum up
 * a column of PEs, the psum GIN that feeds a chain's first PE from the GLB and
 * the GON that takes a chain's last PE's psum to the GLB, with their round-robin
 * arbiters. Both are leaves: they hold PE indices and ask sim/, through a grant
 * callback, whether a requester can go; they never see a PE or the GLB. */
#ifndef EY_NOC_H
#define EY_NOC_H

#include <stddef.h>

#include "sim/base/ey_types.h"

#ifdef __cplusplus
extern "C" {
#endif

#define EY_NOC_NO_ID 0xFFFFu /* an ID no tag matches: the row or PE is off */

typedef struct ey_noc_stats {
  uint64_t transfers;      /* packets delivered (a multicast is one) */
  uint64_t unicasts;       /* of which to exactly one PE */
  uint64_t multicasts;     /* of which to more than one PE */
  uint64_t delivered;      /* words received, summed over targets */
  uint64_t xbuses;         /* multicast-bus: X buses entered, summed over packets
                              (the caller adds them: ey_noc_rows()) */
  uint64_t blocked_cycles; /* cycles a ready packet waited for a full target */
} ey_noc_stats;

typedef struct ey_noc ey_noc;

/* hierarchical-mesh: what the mesh of one data type is (noc/hmesh.c). */
typedef enum ey_mesh_type { EY_MESH_IFMAP = 0, EY_MESH_WEIGHT, EY_MESH_PSUM } ey_mesh_type;
typedef struct ey_noc_mesh {
  int type;                       /* ey_mesh_type: which links exist, which PEs a router feeds */
  int cluster_rows, cluster_cols; /* PEs per cluster, dividing the array's rows and columns */
  int planes;                     /* routers per cluster, each in a mesh of its own */
  int hop_cycles;                 /* cycles a word spends in each router it passes */
} ey_noc_mesh;

/* A network implementation (noc.impl). */
typedef struct ey_noc_ops {
  const char *name;         /* the noc.impl value */
  ey_rc (*init)(ey_noc *n); /* n->rows, n->cols set; EY_NOMEM */
  void (*fini)(ey_noc *n);
  void (*clear)(ey_noc *n); /* every PE off (matches nothing) */
  /* PE `pe` (row-major) takes packets tagged (group, tag). Returns 0, or -1 when
   * the network cannot make that assignment beside the ones already made. */
  int (*assign)(ey_noc *n, int pe, uint16_t group, uint16_t tag);
  /* Writes the PEs a packet tagged (group, tag) reaches into out (room for
   * rows * cols), in row-major order, and returns how many. */
  int (*match)(const ey_noc *n, uint16_t group, uint16_t tag, int *out);
  /* Optional: `packets` packets of `group` went (per-router and link counts). */
  void (*count)(ey_noc *n, uint16_t group, uint64_t packets);
} ey_noc_ops;

extern const ey_noc_ops ey_noc_multicast_bus_ops;
extern const ey_noc_ops ey_noc_hmesh_ops;
/* The implementation named `name`, or NULL. */
const ey_noc_ops *ey_noc_ops_find(const char *name);

struct ey_noc {
  const ey_noc_ops *ops; /* read-only */
  int rows, cols;        /* read-only: the physical array */
  int width;             /* read-only: packets per cycle */
  ey_noc_mesh mesh;      /* read-only: hierarchical-mesh's geometry (zero otherwise) */
  void *impl;            /* private: the implementation's state */
  ey_noc_stats stats;    /* read-only */
};

ey_rc ey_noc_init(ey_noc *n, const ey_noc_ops *ops, int rows, int cols, int width); /* EY_NOMEM */
void ey_noc_fini(ey_noc *n);
static inline void ey_noc_clear(ey_noc *n) {
  n->ops->clear(n);
}
static inline int ey_noc_assign(ey_noc *n, int pe, uint16_t group, uint16_t tag) {
  return n->ops->assign(n, pe, group, tag);
}
static inline int ey_noc_match(const ey_noc *n, uint16_t group, uint16_t tag, int *out) {
  return n->ops->match(n, group, tag, out);
}

static inline void ey_noc_count(ey_noc *n, uint16_t group, uint64_t packets) {
  if (n->ops->count) n->ops->count(n, group, packets);
}

/* The all-or-none rule: a packet to `targets` (from ey_noc_match; sim/ may cache
 * them while the assignments stay loaded) goes only if every target has
 * room[t] > 0. On success it takes one slot of each target's room, counts the
 * delivery and returns 1; otherwise it changes nothing and returns 0 (the caller
 * counts the blocked cycle with ey_noc_block()). */
int ey_noc_try(ey_noc *n, const int *targets, int count, int *room);
/* The test of ey_noc_try() alone: 1 when every target has room[t] > 0. */
int ey_noc_can(const int *targets, int count, const int *room);
/* Counts one packet delivered to `targets` PEs. */
void ey_noc_deliver(ey_noc *n, int targets);
/* The PE rows among `count` targets in row-major order: on the multicast bus,
 * the X buses a packet to them enters. */
int ey_noc_rows(const ey_noc *n, const int *targets, int count);
/* Counts cycles in which a ready packet could not go. */
void ey_noc_block(ey_noc *n, uint64_t cycles);

/* multicast-bus only: the row ID of an X bus and the column ID of a PE. */
void ey_noc_set_row_id(ey_noc *n, int row, uint16_t id);
void ey_noc_set_col_id(ey_noc *n, int row, int col, uint16_t id);

/* ------------------------------------------------ hierarchical-mesh (hmesh.c)
 * A group names a source: ey_hmesh_source(cluster x, y, plane). ey_noc_assign()
 * gives a PE a source and a tag, and adds the PE's cluster to the source's
 * circuit; it returns -1 when the data type has no link the circuit needs (a
 * weight cannot go north or south, a psum only goes south), when a link or a
 * router's output into the cluster is another source's, or when the source's
 * router does not feed that PE (weight router p feeds PE row p of its cluster,
 * psum router p column p). */

/* Initializes n as a hierarchical mesh of `g` over rows x cols PEs. Returns
 * EY_OK, EY_NOMEM, or EY_MISUSE when the clusters do not tile the array. */
ey_rc ey_noc_init_mesh(ey_noc *n, int rows, int cols, int width, const ey_noc_mesh *g);
/* Clusters in the array (into *cx columns and *cy rows when not NULL). */
int ey_hmesh_clusters(const ey_noc *n, int *cx, int *cy);
/* The group of the source at router `plane` of cluster (cx, cy). */
int ey_hmesh_source(const ey_noc *n, int cx, int cy, int plane);
/* Cycles from a word leaving source `group` to its arrival at PE `pe`:
 * hop_cycles x (1 + links between their clusters). */
int ey_hmesh_latency(const ey_noc *n, uint16_t group, int pe);
/* Words sent on the link leaving cluster (cx, cy) of `plane` towards dir
 * (0 east, 1 west, 2 north, 3 south), from the packets counted. */
uint64_t ey_hmesh_link_words(const ey_noc *n, int cx, int cy, int plane, int dir);
/* Links held by some circuit. */
int ey_hmesh_links_used(const ey_noc *n);
/* Links of source group's tree (0 when it feeds only its own cluster, or none). */
int ey_hmesh_tree_links(const ey_noc *n, uint16_t group);
/* Words through router `plane` of cluster (cx, cy): every packet of every
 * circuit it is on (as source, relay or feeder of its PEs) once. */
uint64_t ey_hmesh_router_words(const ey_noc *n, int cx, int cy, int plane);
/* Adds `words` sent by source `group` to every router and link of its tree:
 * routers[cluster * planes + plane] (the source's and each one a link of the
 * tree ends at, once each) and links[(cluster * planes + plane) * 4 + dir] (dir
 * 0 east, 1 west, 2 north, 3 south, the link leaving that router), cluster =
 * cluster row * clusters across + cluster column. Unlike ey_noc_count() it
 * lasts past ey_noc_clear(): the caller keeps the sums. Returns the tree's links
 * (ey_hmesh_tree_links(), from the same walk), and writes how many of them run
 * north-south into *vertical when not NULL; 0 and nothing added when the source
 * has no circuit or words is 0. */
int ey_hmesh_add_words(const ey_noc *n, uint16_t group, uint64_t words, uint64_t *routers,
                       uint64_t *links, int *vertical);
/* The source PE `pe` takes from, or -1. */
int ey_hmesh_pe_source(const ey_noc *n, int pe);
/* The mode of source group's circuit: "off", "unicast" (one cluster),
 * "horizontal multicast" (one row of clusters), "vertical multicast" (one
 * column) or "broadcast" (a block of rows and columns). */
const char *ey_hmesh_mode(const ey_noc *n, uint16_t group);

/* ------------------------------------------------------------ psum chains */

typedef struct ey_chain_stats {
  uint64_t gin_words;   /* psums the psum GIN brought from the GLB */
  uint64_t local_words; /* psums moved one PE up a chain */
  uint64_t gon_words;   /* psums the GON took to the GLB */
} ey_chain_stats;

/* The chains of one pass over `npe` PEs. Each PE is in at most one chain; a chain
 * runs bottom (its first PE, which adds the psum of earlier channel blocks when it
 * has a GIN input) to top (its last, which sends on the GON). The arbiters visit
 * their requesters round robin from a pointer that moves one place every cycle,
 * granted or not, and grant up to their width a cycle. */
typedef struct ey_chains {
  int npe;                  /* read-only */
  int gin_width, gon_width; /* read-only: words per cycle */
  int *up, *down;           /* read-only, per PE: the next PE up / down, or -1 */
  int *bots, nbot;          /* read-only: first PEs fed by the psum GIN */
  int *tops, ntop;          /* read-only: last PEs, on the GON */
  int *bot_slot, *top_slot; /* private, per PE: its index in bots / tops, or -1 */
  uint64_t *gin_req;        /* private: bitmap over bots of GIN requests */
  uint64_t *gon_req;        /* private: bitmap over tops of GON requests */
  int gin_rr, gon_rr;       /* private: the round-robin pointers */
  ey_chain_stats stats;     /* read-only */
} ey_chains;

ey_rc ey_chains_init(ey_chains *c, int npe, int gin_width, int gon_width); /* EY_NOMEM */
void ey_chains_fini(ey_chains *c);
/* Starts a pass: no PE in a chain, no request. */
void ey_chains_clear(ey_chains *c);
/* Puts PE `pe` in a chain with `above` (or -1: it is the top) above it; `gin`:
 * it is a bottom fed by the psum GIN. Every PE of the pass is added once, then
 * ey_chains_seal(). */
void ey_chains_add(ey_chains *c, int pe, int above, int gin);
/* Fills down[], bots and tops (in the order the PEs were added) and resets the
 * arbiters' pointers. */
void ey_chains_seal(ey_chains *c);

/* Requests: a bottom that can take a psum from the GIN this cycle, a top that
 * has a psum for the GON. A request stays until withdrawn. The arbiters call
 * `grant` for each requester in round-robin order; it returns 1 when the
 * requester went (it had what it needs, and a GLB port), else 0. */
static inline void ey_chains_gin_request(ey_chains *c, int pe, int on) {
  const int i = c->bot_slot[pe];
  const uint64_t bit = 1ull << (i & 63);
  if (on)
    c->gin_req[i >> 6] |= bit;
  else
    c->gin_req[i >> 6] &= ~bit;
}
static inline void ey_chains_gon_request(ey_chains *c, int pe, int on) {
  const int i = c->top_slot[pe];
  const uint64_t bit = 1ull << (i & 63);
  if (on)
    c->gon_req[i >> 6] |= bit;
  else
    c->gon_req[i >> 6] &= ~bit;
}

/* The requests of bitmap `req` over n slots visited from `from` round robin:
 * calls grant(ctx, pes[slot]) for each until `width` were granted. Returns the
 * grants. */
static inline int ey__chains_arbitrate(const uint64_t *req, int n, int from, const int *pes,
                                       int width, int (*grant)(void *ctx, int pe), void *ctx) {
  int granted = 0;
  if (!n || width <= 0) return 0;
  const int nw = (n + 63) >> 6;
  /* Two sweeps: slots from..n-1, then 0..from-1. */
  for (int sweep = 0; sweep < 2; sweep++) {
    const int lo = sweep ? 0 : from, hi = sweep ? from : n;
    for (int w = lo >> 6; w < nw && (w << 6) < hi; w++) {
      uint64_t bits = req[w];
      if ((w << 6) < lo) bits &= ~0ull << (lo & 63);
      while (bits) {
        const int i = (w << 6) + __builtin_ctzll(bits);
        if (i >= hi) break;
        bits &= bits - 1;
        if (grant(ctx, pes[i]) && ++granted >= width) return granted;
      }
    }
  }
  return granted;
}
static inline int ey_chains_gin_arbitrate(ey_chains *c, int (*grant)(void *ctx, int pe),
                                          void *ctx) {
  int g = ey__chains_arbitrate(c->gin_req, c->nbot, c->gin_rr, c->bots, c->gin_width, grant, ctx);
  c->stats.gin_words += (uint64_t)g;
  return g;
}
static inline int ey_chains_gon_arbitrate(ey_chains *c, int (*grant)(void *ctx, int pe),
                                          void *ctx) {
  int g = ey__chains_arbitrate(c->gon_req, c->ntop, c->gon_rr, c->tops, c->gon_width, grant, ctx);
  c->stats.gon_words += (uint64_t)g;
  return g;
}
/* Counts a psum moved one PE up. */
static inline void ey_chains_local(ey_chains *c) {
  c->stats.local_words++;
}
/* `cycles` cycles have passed: the arbiters' pointers move as many places. */
static inline void ey_chains_advance(ey_chains *c, uint64_t cycles) {
  if (c->nbot) c->gin_rr = (int)(((uint64_t)c->gin_rr + cycles) % (uint64_t)c->nbot);
  if (c->ntop) c->gon_rr = (int)(((uint64_t)c->gon_rr + cycles) % (uint64_t)c->ntop);
}

#ifdef __cplusplus
}
#endif
#endif /* EY_NOC_H */
