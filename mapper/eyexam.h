/* eyexam.h - where a layer's utilization goes: the seven Eyexam bounds (Chen et
 * al., "Eyeriss v2", JETCAS 2019, Sec. II, and the MIT tutorial), in MACs per
 * cycle, each step adding one constraint to the one before:
 *
 *   1 workload   the layer alone: every MAC at once (its MACs);
 *   2 dataflow   row stationary: one PE runs one 1-D row primitive (a filter row
 *                over an ifmap row) at a time, so at most N*M*(C/groups)*R*E run
 *                at once;
 *   3 PEs        those W primitives on P PEs in rounds: W / ceil(W / P);
 *   4 array      the best placement of R x e sets on the array's rows and columns
 *                (spads and GLB of any size), counting the passes it needs: a
 *                dimension D cut in blocks of b keeps D / ceil(D / b) busy on
 *                average, so E = 13 rows in strips of 7 run 6.5 at a time;
 *   5 storage    the same within the spads and the GLB;
 *   6 bandwidth  the mapping used (MACs over the cycles of its passes with no
 *                fill, drain or stall: each pass takes its busiest PE's MACs),
 *                capped by each level's average bandwidth times the mapping's
 *                operational intensity there (MACs per word or bit moved): DRAM,
 *                the GLB's ports, and each network at its words per cycle;
 *   7 measured   MACs / cycles.
 *
 * Each bound is at most the one before. The loss at a step is the bound before
 * it over the bound after. docs/eyexam.md derives each bound. */
#ifndef EY_EYEXAM_H
#define EY_EYEXAM_H

#include "mapper/mapper.h"

#ifdef __cplusplus
extern "C" {
#endif

enum {
  EY_EX_WORKLOAD = 0,
  EY_EX_DATAFLOW,
  EY_EX_PES,
  EY_EX_ARRAY,
  EY_EX_STORAGE,
  EY_EX_BANDWIDTH,
  EY_EX_MEASURED,
  EY_EX_STEPS
};
extern const char *const ey_eyexam_names[EY_EX_STEPS]; /* "workload", "dataflow", ... */

/* The levels whose bandwidth step 6 considers. */
enum {
  EY_EXBW_DRAM = 0,
  EY_EXBW_GLB,
  EY_EXBW_NOC_IFMAP,
  EY_EXBW_NOC_FILTER,
  EY_EXBW_NOC_PSUM_IN,
  EY_EXBW_NOC_PSUM_OUT,
  EY_EXBW_LEVELS
};
extern const char *const ey_eyexam_bw_names[EY_EXBW_LEVELS]; /* "dram", "glb", "noc_ifmap", ... */

typedef struct ey_eyexam {
  double bound[EY_EX_STEPS];          /* MACs per cycle after each step */
  uint64_t primitives;                /* step 2: the 1-D row primitives, W */
  int array_pes;                      /* step 4: active PEs of the best placement */
  int storage_pes;                    /* step 5: active PEs of the best legal placement */
  int mapping_pes;                    /* the mapping used: its active PEs */
  double mapping_bound;               /* and its MAC/cycle with no bandwidth limit */
  double level_bound[EY_EXBW_LEVELS]; /* step 6: bandwidth x intensity per level
                                         (a level that moves nothing: infinity) */
  int limit;                          /* the level with the smallest level_bound */
} ey_eyexam;

/* The bounds of layer l on a, for mapping m whose analytic cost is c, with
 * `cycles` measured (or estimated) and `dram_bits` moved on the DRAM bus (0: the
 * raw words of c, as the analytic model moves them). Returns EY_OK, or EY_NOMAP
 * when no mapping is legal (step 5 has nothing to place). */
ey_rc ey_eyexam_bounds(const ey_layer *l, const ey_arch *a, const ey_mapping *m, const ey_cost *c,
                       uint64_t cycles, uint64_t dram_bits, ey_eyexam *out);

#ifdef __cplusplus
}
#endif
#endif /* EY_EYEXAM_H */
