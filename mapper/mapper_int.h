/* mapper_int.h - private to mapper/: the per-layer geometry that the cost model
 * and the search share, so the search can hoist work out of its inner loops. */
#ifndef EY_MAPPER_INT_H
#define EY_MAPPER_INT_H

#include "mapper/mapper.h"

/* Sums over the strips of e output rows (they depend on e alone). */
typedef struct ey__esums {
  uint64_t rows_padded; /* ifmap rows sent to the array, padding rows included */
  uint64_t rows_real;   /* of which real rows (read from the GLB) */
} ey__esums;

/* Sums over the GLB tiles of eg output rows (they depend on eg alone). */
typedef struct ey__gsums {
  uint64_t rows_real; /* real ifmap rows loaded from DRAM, summed over tiles */
  uint64_t rows_max;  /* the largest tile's real rows (GLB capacity) */
} ey__gsums;

void ey__esums_init(const ey_geom *g, int e, ey__esums *out);
/* The smallest size > cur that cuts n into fewer blocks, ceil(n/size), than cur
 * does (n + 1 once cur >= n): the search visits images per pass and groups per
 * pass this way. */
static inline int ey__next_block(int n, int cur) {
  const int b = EY_CEIL_DIV(n, cur);
  return b > 1 ? EY_CEIL_DIV(n, b - 1) : n + 1;
}
/* The set width a search starts from: 1 (mapper.set_width search, every width
 * up to E), or the chip's (whole): all E rows when the set folded into
 * ceil(E/cols) segments fits the rows, else a strip as wide as the array. A
 * whole search narrows from there only while nothing of that width fits. */
static inline int ey__first_set_width(const ey_geom *g, const ey_arch *a) {
  if (!a->set_whole) return 1;
  return EY_CEIL_DIV(g->E, a->cols) * g->R <= a->rows ? g->E : EY_MIN(g->E, a->cols);
}
/* The width after e: e + 1 when searching every width; with whole, none (0)
 * once something was found, else e - 1. */
static inline int ey__next_set_width(const ey_arch *a, int e, int found) {
  return !a->set_whole ? e + 1 : found ? 0 : e - 1;
}
void ey__gsums_init(const ey_geom *g, int eg, ey__gsums *out);
/* Padded ifmap rows that `count` consecutive output rows need. */
uint64_t ey__rows_needed(const ey_geom *g, int count);

/* Each function below takes `checked`: 1 for counts that saturate at
 * UINT64_MAX instead of wrapping, 0 for plain arithmetic, which is only right
 * when ey__counts_may_overflow() said 0 for the layer. */

/* 1 unless every count of every legal mapping of the layer fits 64 bits with a
 * wide margin. */
int ey__counts_may_overflow(const ey_geom *g, const ey_arch *a);
/* hierarchical-mesh: the search's memo of a pass shape's ifmap regions (the
 * channel sets of the largest region, and the reach, ey_mesh_ifmap_regions and
 * ey_mesh_ifmap_reach), keyed by all they depend on: e, r, and the shape's
 * channel groups, channel sets, filter groups and output rows. Zeroed: empty. */
enum { EY__MEMO_SLOTS = 1024 };
typedef struct ey__region_entry {
  int key[6], most, reach;
} ey__region_entry;
typedef struct ey__region_memo {
  ey__region_entry slot[EY__MEMO_SLOTS];
} ey__region_memo;
/* Cycles of all processing passes of one group (depends on n, p, q, r, t, e).
 * memo may be NULL. */
uint64_t ey__pass_cycles(const ey_geom *g, const ey_arch *a, const ey_mapping *m,
                         ey__region_memo *memo, int checked);
/* hierarchical-mesh: for the sets e columns wide side by side in a PE row,
 * most[h] = the most of the first h sets that share one weight router
 * (ey_mesh_weight_sources), h = 0 .. cols / min(e, cols): room for 1025. */
void ey__weight_runs(const ey_arch *a, int e, int *most);
/* Filter-load cycles of one (image block, GLB tile) of one group: p, q, r, t.
 * On the mesh, wmost is ey__weight_runs() of m's e, or NULL to work it out. */
uint64_t ey__load_cycles_unit(const ey_geom *g, const ey_arch *a, const ey_mapping *m,
                              const int *wmost, int checked);
/* Tile sizes in bits. */
uint64_t ey__ifmap_tile_bits(const ey_geom *g, const ey_arch *a, const ey_mapping *m,
                             const ey__gsums *gs, int checked);
uint64_t ey__psum_tile_bits(const ey_geom *g, const ey_arch *a, const ey_mapping *m, int checked);
/* hierarchical-mesh: the ifmap words x links between router clusters of one
 * image's passes, east-west (x) and north-south (y); they depend on the
 * mapping's e, q, r, p, t and g alone. */
typedef struct ey__links {
  int valid; /* 1: computed for the mapping at hand (the search's cache); 0: not
                yet; -1: could not be (out of memory) */
  uint64_t x, y;
} ey__links;
/* Computes them for m into out; EY_NOMEM when out of memory. */
ey_rc ey__mesh_ifmap_links(const ey_geom *g, const ey_arch *a, const ey_mapping *m, int checked,
                           ey__links *out);
/* Fills every field of out from the hoisted parts. With `bound`, cycles leave out
 * the DRAM waits that capacity decides, so that the cost bounds every eg and m
 * from below (the search's pruning), and the mesh's links are left out. On the
 * mesh, lk holds the ifmap links of m's e, q, r, p, t and g (ey__mesh_ifmap_links),
 * or is NULL to leave the links out: they only add energy, so a cost without
 * them bounds the cost with them from below. */
void ey__cost_fill(const ey_geom *g, const ey_arch *a, const ey_mapping *m, const ey__esums *es,
                   const ey__gsums *gs, uint64_t pass_cycles, uint64_t load_unit, int bound,
                   const ey__links *lk, int checked, ey_cost *out);

/* Counts saturate at UINT64_MAX rather than wrap. The name of the first count of
 * c that did ("macs", "DRAM reads", ...), or NULL when every one fits. */
const char *ey__cost_overflow(const ey_cost *c);
/* 1, with "counts: expected counts that fit 64 bits (got macs ...)" in buf, when
 * the layer's MACs alone (every mapping's) do not fit 64 bits; else 0. */
int ey__layer_overflow(const ey_layer *l, char *buf, size_t cap);

#endif /* EY_MAPPER_INT_H */
