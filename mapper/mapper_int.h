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
void ey__gsums_init(const ey_geom *g, int eg, ey__gsums *out);
/* Padded ifmap rows that `count` consecutive output rows need. */
uint64_t ey__rows_needed(const ey_geom *g, int count);

/* Cycles of all processing passes of one group (depends on n, p, q, r, t, e). */
uint64_t ey__pass_cycles(const ey_geom *g, const ey_arch *a, const ey_mapping *m);
/* Filter-load cycles of one (image block, GLB tile) of one group: p, q, r, t. */
uint64_t ey__load_cycles_unit(const ey_geom *g, const ey_arch *a, const ey_mapping *m);
/* GLB bits available to the ifmap and psum tiles. */
/* Tile sizes in bits. */
uint64_t ey__ifmap_tile_bits(const ey_geom *g, const ey_arch *a, const ey_mapping *m,
                             const ey__gsums *gs);
uint64_t ey__psum_tile_bits(const ey_geom *g, const ey_arch *a, const ey_mapping *m);
/* Fills every field of out from the hoisted parts. With `bound`, cycles leave out
 * the DRAM waits that capacity decides, so that the cost bounds every eg and m
 * from below (the search's pruning). */
void ey__cost_fill(const ey_geom *g, const ey_arch *a, const ey_mapping *m, const ey__esums *es,
                   const ey__gsums *gs, uint64_t pass_cycles, uint64_t load_unit, int bound,
                   ey_cost *out);

#endif /* EY_MAPPER_INT_H */
