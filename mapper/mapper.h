/* mapper.h - row-stationary (RS) mappings of a convolution onto a PE array, their
 * analytic cost, the search over the whole legal space, and mapping files.
 *
 * The dataflow modelled here is written out in docs/mapping.md; the cycle engine
 * executes the same schedule, so the analytic access counts are exact for it.
 * In short, per group of a (grouped) convolution, with C' = C/groups channels and
 * M' = M/groups filters, the loop nest from outside in is
 *
 *   images in blocks of n  >  filters in GLB blocks of m  >  output rows in GLB
 *   tiles of eg  >  channels in blocks of q·r  >  filters in pass blocks of p·t  >
 *   strips of e output rows  >  one processing pass.
 *
 * A pass runs t PE groups (different filters) of r PE sets (different channels)
 * each; a set is R × e logical PEs (filter row × output row), folded into
 * k = ceil(e/cols) segments stacked vertically when e exceeds the columns. The r
 * sets of a group are stacked so that psums accumulate up one chain of r·R PEs.
 * Each PE holds p filters × q channels of one filter row (p·q·S ≤ filter spad),
 * a window of q·S ifmap values (≤ ifmap spad) and p psums (≤ psum spad). */
#ifndef EY_MAPPER_H
#define EY_MAPPER_H

#include <stdio.h>

#include "sim/base/ey_arch.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Quantities of one group of a layer that no mapping parameter changes; the cost
 * model and the engine both work from them. */
typedef struct ey_geom {
  int N, Cg, Mg, G; /* images, channels and filters per group, groups */
  int E, F, R, S, U, P, H, W;
  int astep;          /* needed-column index step between output columns: U, or
                         S when the windows do not overlap (U > S) */
  uint64_t wneed;     /* padded columns one PE row consumes: the union of windows */
  uint64_t real_cols; /* of which inside the unpadded ifmap (read from the GLB) */
  uint64_t gated;     /* padding taps per (image, filter, channel) */
  double zeros;       /* the input's expected zero fraction (its profile,
                         ey_layer_zeros): a real tap meets a zero, and is gated,
                         with this probability */
  /* Expected RLC-coded bits of one ifmap row (W values, the layer's input zero
   * fraction: its profile, ey_layer_zeros) and of one ofmap row (F values, half of
   * them zero after a ReLU, as the seeded data's are), for arches that code
   * activations on the DRAM bus (ey_rlc_row_bits_expected). */
  double rlc_ifmap_row_bits, rlc_ofmap_row_bits;
  /* ... and their expected (run, level) pairs, for dram.rlc_layout stream
   * (ey_rlc_row_pairs_expected) */
  double rlc_ifmap_row_pairs, rlc_ofmap_row_pairs;
} ey_geom;
/* The expected bits of an RLC-coded row (docs/traces.md: 64-bit words of three
 * (run, level) pairs, a row in whole words) of w values, each zero with
 * probability z independently: a pair per non-zero value, one more for trailing
 * zeros, a run of 32 or more zeros only in an all-zero row. */
double ey_rlc_row_bits_expected(int w, double z);
/* The expected (run, level) pairs of such a row: a row of a stream
 * (dram.rlc_layout stream) takes a third of a 64-bit word per pair. */
double ey_rlc_row_pairs_expected(int w, double z);
void ey_geom_init(ey_geom *g, const ey_layer *l);

typedef struct ey_mapping {
  int n;  /* images per pass (filters stay in the spads across them) */
  int p;  /* filters per PE */
  int q;  /* channels per PE */
  int r;  /* PE sets per group, each on q other channels */
  int t;  /* PE groups, each on p other filters */
  int e;  /* output rows per set (set width; > cols folds the set) */
  int eg; /* output rows per GLB tile, a multiple of e (eyesim's addition) */
  int m;  /* filters whose psums the GLB holds, a multiple of p·t */
  int g;  /* channel groups per tile and pass, side by side in the array (1:
             groups one after another; more only on the hierarchical mesh) */
} ey_mapping;

extern const char *const ey_type_names[EY_NTYPES]; /* "ifmap", "filter", "psum" */

enum { EY_LV_MAC = 0, EY_LV_SPAD, EY_LV_NOC, EY_LV_GLB, EY_LV_DRAM, EY_NLEVELS };
extern const char *const ey_level_names[EY_NLEVELS]; /* "mac", "spad", ... */

/* Access counts of one layer (all groups, all images), in words. The psum row of
 * the DRAM counts holds the ofmap written back. */
typedef struct ey_counts {
  uint64_t macs;       /* MACs of the layer, gated ones included */
  uint64_t macs_gated; /* skipped by zero gating (padding zeros) */
  uint64_t spad_reads[EY_NTYPES];
  uint64_t spad_writes[EY_NTYPES];
  uint64_t noc_ifmap;           /* ifmap GIN transfers (a multicast is one) */
  uint64_t noc_ifmap_delivered; /* words received by PEs */
  uint64_t noc_filter;          /* filter GIN transfers */
  uint64_t noc_filter_delivered;
  uint64_t noc_psum_in;       /* psum GIN: GLB to the first PE of a chain */
  uint64_t noc_psum_local;    /* vertical PE-to-PE psum links */
  uint64_t noc_psum_out;      /* GON: last PE of a chain to the GLB */
  uint64_t noc_ifmap_xbuses;  /* multicast-bus: X buses the ifmap transfers enter (0 on
                                 the mesh); the Y bus carries every transfer */
  uint64_t noc_filter_xbuses; /* multicast-bus: X buses the filter transfers enter */
  uint64_t noc_ifmap_links_x; /* hierarchical-mesh: ifmap words x the east-west links they
                                 cross between router clusters (0 on the bus) */
  uint64_t noc_ifmap_links_y; /* ... the north-south links */
  uint64_t noc_filter_links;  /* ... filter words x links (east-west only) */
  uint64_t glb_reads[EY_NTYPES];
  uint64_t glb_writes[EY_NTYPES];
  uint64_t dram_reads[EY_NTYPES];
  uint64_t dram_writes[EY_NTYPES];
} ey_counts;

typedef struct ey_cost {
  ey_counts c;
  uint64_t cycles;                      /* estimate: max(pass + load + exposed DRAM, all DRAM) */
  uint64_t pass_cycles;                 /* of which spent in processing passes */
  uint64_t load_cycles;                 /* of which spent loading filter spads */
  uint64_t dram_cycles;                 /* DRAM transfer time at the link bandwidth, core cycles */
  uint64_t dram_bits;                   /* that cross the DRAM bus: with dram.rlc, ifmap reads and
                                           ofmap writes as coded rows of their expected size */
  uint64_t dram_exposed_cycles;         /* of which not hidden behind work (docs/mapping.md) */
  uint64_t passes;                      /* processing passes */
  int active_pes;                       /* PEs the mapping uses */
  uint64_t glb_ifmap_bits;              /* GLB ifmap tile */
  uint64_t glb_psum_bits;               /* GLB psum tile */
  uint64_t glb_filter_bits;             /* GLB filter staging region (ey_staging_bits) */
  double energy[EY_NLEVELS][EY_NTYPES]; /* by level and data type; MAC energy is
                                           booked under psum */
  double energy_total;
} ey_cost;

typedef struct ey_map_stats {
  uint64_t candidates; /* mappings scored */
} ey_map_stats;

/* Checks a mapping against the layer and the architecture. Returns EY_OK, or
 * EY_MISMATCH with "KEY: what was expected (got WHAT)" in err, KEY being the
 * mapping parameter at fault. */
ey_rc ey_mapping_check(const ey_layer *l, const ey_arch *a, const ey_mapping *m, ey_err *err);

/* The analytic cost of a mapping that passed ey_mapping_check(). */
void ey_mapping_cost(const ey_layer *l, const ey_arch *a, const ey_mapping *m, ey_cost *out);

/* Energy of a set of accesses under the arch's energy table, by level and data
 * type into en; returns the total. DRAM energy follows dram_bits, per data type
 * the bits that crossed the bus (RLC-coded activations: fewer or more than their
 * words), in words of data.word_bits; NULL: the words of c. */
double ey_energy_of(const ey_counts *c, const ey_arch *a, const uint64_t dram_bits[EY_NTYPES],
                    double en[EY_NLEVELS][EY_NTYPES]);

/* The figure of merit of a cost under an objective (smaller is better). */
double ey_objective_value(const ey_cost *c, int objective);

/* Searches the whole legal space for the mapping that minimizes `objective`
 * (ties go to fewer cycles, then to the first found). Returns EY_OK, or EY_NOMAP
 * with the reason in err when no legal mapping exists. `st` may be NULL. */
ey_rc ey_map_layer(const ey_layer *l, const ey_arch *a, int objective, ey_mapping *best,
                   ey_cost *cost, ey_map_stats *st, ey_err *err);

/* ---- timing and capacity rules shared by the mapper and the engine ----
 * Each rule is written once, here; the analytic model and the cycle-level
 * engine both call it (docs/engine.md). */

/* Cycles from a MAC's issue to its sum in the psum spad: operand fetch, the
 * pe.mul_stages multiplier stages, the accumulate. */
static inline int ey_mac_latency(const ey_arch *a) {
  return 2 + a->mul_stages;
}
/* Bits of the largest filter block of mapping m: its g groups side by side
 * (at most G), min(p·t, M') filters of min(q·r, C') channels, R·S weights each. */
static inline uint64_t ey_filter_block_bits(const ey_arch *a, const ey_geom *g,
                                            const ey_mapping *m) {
  const uint64_t ga = (uint64_t)EY_MIN(m->g, g->G),
                 pt = EY_MIN((uint64_t)m->p * (uint64_t)m->t, (uint64_t)g->Mg),
                 ch = (uint64_t)EY_MIN(m->q * m->r, g->Cg);
  return ey_sat_mul(ey_sat_mul(ey_sat_mul(ga, pt), ch),
                    ey_sat_mul((uint64_t)g->R * (uint64_t)g->S, (uint64_t)a->word_bits));
}
/* Bits of the filter staging region for a layer whose largest filter block has
 * `block_bits`: glb.filter_kb, or with glb.filter_region block the block itself
 * when it is smaller (docs/mapping.md, "The GLB split"). */
static inline uint64_t ey_staging_bits(const ey_arch *a, uint64_t block_bits) {
  const uint64_t cap = (uint64_t)a->glb_filter_kb * 8192u;
  return a->glb_filter_block && block_bits < cap ? block_bits : cap;
}
/* Bits of GLB for the ifmap and psum tiles: glb.size_kb less the staging region. */
static inline uint64_t ey_glb_tile_bits(const ey_arch *a, uint64_t staging_bits) {
  return (uint64_t)a->glb_kb * 8192u - staging_bits;
}
/* 1 when the next ifmap tile can be fetched while one of `ifmap_bits` is in use:
 * the `cap` bits of the tiles (ey_glb_tile_bits) hold two beside the psum tile of
 * `psum_bits`. */
static inline int ey_ifmap_double_buffer(uint64_t cap, uint64_t ifmap_bits, uint64_t psum_bits) {
  return ifmap_bits <= cap / 2 && psum_bits <= cap - 2 * ifmap_bits; /* without overflow */
}
/* The words of the ifmap ring that a tile of `words` takes: up to a multiple of
 * glb.banks, so that every tile starts on bank 0. */
static inline uint64_t ey_ring_span(const ey_arch *a, uint64_t words) {
  const uint64_t nb = (uint64_t)a->glb_banks;
  return (words + nb - 1) / nb * nb;
}
/* When one ifmap tile of `ifmap_bits` fits beside the psum tile but two do not in
 * the `cap` bits of the tiles: the words of the ring the ifmap region becomes (the
 * room below the psum tile, rounded down to a multiple of glb.banks), into which
 * the next tile's first rows come while this one is in use (glb.ifmap_ring), each
 * tile starting on a multiple of the banks (ey_ring_span). 0 when two tiles fit,
 * or when the ring would not hold one more row of `row_words` beside the tile. */
static inline uint64_t ey_ifmap_ring_words(const ey_arch *a, uint64_t cap, uint64_t ifmap_bits,
                                           uint64_t psum_bits, uint64_t row_words) {
  const uint64_t wb = (uint64_t)a->word_bits;
  if (!a->glb_ifmap_ring || ey_ifmap_double_buffer(cap, ifmap_bits, psum_bits) || psum_bits > cap)
    return 0;
  const uint64_t nb = (uint64_t)a->glb_banks;
  const uint64_t ring = (cap - psum_bits) / wb / nb * nb, tile = ey_ring_span(a, ifmap_bits / wb);
  return ring >= tile + row_words ? ring : 0;
}
/* 1 when the next filter block can be fetched while one of `block_bits` is in use:
 * the staging region holds one. A block is in use in the spads once loaded, so
 * the region is free from the end of its load; the next block comes in while
 * the passes run. (Direct filters have no region: never.) */
static inline int ey_filter_prefetch(const ey_arch *a, uint64_t block_bits) {
  return !a->filter_direct && block_bits <= ey_staging_bits(a, block_bits);
}

/* ---- hierarchical-mesh (docs/mesh.md) ----
 * A pass places its sets as on the multicast bus (docs/mapping.md): set (ti, ri)
 * of filter group ti and channel set ri holds filter row i of logical column j at
 * PE row v*(k*r*R) + kk*(r*R) + ri*R + i, column h*ecol + jj, where v = ti / Hg,
 * h = ti % Hg, kk = j / ecol, jj = j % ecol, ecol = min(e, cols), k = ceil(e /
 * cols), Hg = cols / ecol. The mesh then decides how fast data reaches them. */

/* Psum routers the psum GIN and the GON have: one per PE column of each cluster
 * row on the mesh (each serves its column's chains at noc.psum_words_per_cycle
 * and noc.gon_words_per_cycle), the one bus otherwise. */
static inline int ey_psum_routers(const ey_arch *a) {
  return a->noc_impl == EY_NOC_HMESH ? a->rows / a->mesh_cluster_rows * a->cols : 1;
}
/* Weight routers: one per PE row of each cluster on the mesh, the filter bus
 * otherwise. */
static inline int ey_filter_routers(const ey_arch *a) {
  return a->noc_impl == EY_NOC_HMESH ? a->rows * (a->cols / a->mesh_cluster_cols) : 1;
}
/* The most ifmap words a cycle the array can take: the bus's width, or on the
 * mesh every ifmap router of every cluster (one region each). */
static inline int ey_ifmap_width_max(const ey_arch *a) {
  return a->noc_impl == EY_NOC_HMESH
             ? a->noc_ifmap_wpc * a->mesh_ifmap_routers * (a->rows / a->mesh_cluster_rows) *
                   (a->cols / a->mesh_cluster_cols)
             : a->noc_ifmap_wpc;
}
/* The ifmap regions of a pass of ga channel groups, each of ng filter groups and
 * ns channel sets, on ea logical columns. Channel set (gi, ri) is the ifmap
 * network's set gi*ns + ri; its filter groups are slots gi*ng .. gi*ng + ng - 1
 * of the placement. Each set spans a box of clusters; sets that share a cluster
 * share a region, as do regions whose boxes overlap, so that regions hold
 * disjoint boxes of clusters. A region's ifmaps come from the ifmap routers of
 * its first cluster (the top left of its box), each multicasting to the
 * region's clusters. With one channel group every set starts at column 0 and
 * the regions are bands of whole rows of clusters. Writes each set's region into
 * region[set] and each region's first cluster (cluster row * clusters across +
 * cluster column) into src[region], using `work` (room for 5 * ga * ns + the
 * clusters ints; unused, and may be NULL, when ga is 1), and returns the
 * regions. */
int ey_mesh_ifmap_regions(const ey_arch *a, const ey_mapping *m, int R, int ng, int ns, int ga,
                          int ea, int *region, int *src, int *work);
/* The most links between a region's first cluster and the cluster of one of its
 * PEs, over the regions ey_mesh_ifmap_regions() gave (region, src): an ifmap
 * word reaches the region's farthest PE hop_cycles x (1 + that) cycles after it
 * left (ey_hmesh_latency). */
int ey_mesh_ifmap_reach(const ey_arch *a, const ey_mapping *m, int R, int ng, int ns, int ga,
                        int ea, const int *region, const int *src);
/* The weight sources of one PE row holding nh sets side by side, each w columns
 * wide (set h from column h*ecol): sets whose columns share a cluster share the
 * weight router of that row, which multicasts along the row's clusters. Writes
 * each set's source into src[h] and returns the sources. */
int ey_mesh_weight_sources(const ey_arch *a, int nh, int ecol, int w, int *src);
/* The words x links a pass's ifmaps cross between router clusters, per image
 * and needed ifmap column: a pass of ga channel groups, ng filter groups and ns
 * channel sets each, ca channels a group, on ea logical columns, with filters
 * R rows tall at stride U. Each router of a region sends its slots' channels
 * on its tree (noc/hmesh.c) of the clusters of the PEs that take them. Writes
 * the east-west links into links[0], the north-south ones into links[1];
 * returns 0, or -1 when out of memory. */
int ey_mesh_ifmap_links(const ey_arch *a, const ey_mapping *m, int R, int U, int ng, int ns, int ga,
                        int ea, int ca, uint64_t links[2]);
/* The filters x links of one weight load of ga channel groups of pa filters on
 * cols_used logical columns: each weight source's filters times the links from
 * its cluster to its last set's, per channel and filter tap (all links run east). */
uint64_t ey_mesh_filter_links(const ey_arch *a, const ey_mapping *m, int ga, int pa, int cols_used);

#ifdef __cplusplus
}
#endif
#endif /* EY_MAPPER_H */
