/* eyexam.c - the seven Eyexam bounds of a layer (eyexam.h, docs/eyexam.md). */
#include "mapper/eyexam.h"

#include <math.h>
#include <string.h>

#include "sim/base/ey_checked.h"

const char *const ey_eyexam_names[EY_EX_STEPS] = {"workload", "dataflow",  "pes",     "array",
                                                  "storage",  "bandwidth", "measured"};
const char *const ey_eyexam_bw_names[EY_EXBW_LEVELS] = {"dram",      "glb",         "noc_ifmap",
                                                        "noc_filter", "noc_psum_in", "noc_psum_out"};

/* Active PEs of (e, r, t) with p = q = 1: t groups of r sets of R x e PEs, as
 * the cost model counts them (mapper/cost.c). */
static int active_of(const ey_geom *g, int e, int r, int t) {
  return EY_MIN(t, g->Mg) * EY_MIN(r, g->Cg) * g->R * EY_MIN(e, g->E);
}

/* The largest active PEs over the placements (e, r, t) that the array's rows and
 * columns admit; with `legal`, only those whose least-storage mapping (p = q = 1,
 * one image, one GLB tile of e rows, t filters: no mapping of the same placement
 * needs less spad or GLB) passes ey_mapping_check(). 0 when none. */
static int best_active(const ey_layer *l, const ey_arch *a, const ey_geom *g, int legal) {
  int best = 0;
  for (int e = 1; e <= g->E; e++) {
    const int k = EY_CEIL_DIV(e, a->cols), ecol = EY_MIN(e, a->cols);
    if (k * g->R > a->rows) break; /* k only grows with e */
    for (int r = 1; r <= EY_MIN(g->Cg, a->rows / (k * g->R)); r++) {
      const int slots = (a->rows / (k * r * g->R)) * (a->cols / ecol);
      /* Active PEs grow with t: the largest t that passes is the best of r, e. */
      for (int t = EY_MIN(g->Mg, slots); t >= 1; t--) {
        const int act = active_of(g, e, r, t);
        if (act <= best) break; /* smaller t gives fewer still */
        if (legal) {
          ey_mapping m = {1, 1, 1, r, t, e, e, t};
          ey_err err;
          if (ey_mapping_check(l, a, &m, &err) != EY_OK) continue;
        }
        best = act;
        break;
      }
    }
  }
  return best;
}

/* bandwidth (per cycle) x MACs / accesses; infinity when nothing moves. */
static double roof(uint64_t macs, double bandwidth, uint64_t accesses) {
  return accesses ? bandwidth * (double)macs / (double)accesses : INFINITY;
}

ey_rc ey_eyexam_bounds(const ey_layer *l, const ey_arch *a, const ey_cost *c, uint64_t cycles,
                       uint64_t dram_bits, ey_eyexam *out) {
  memset(out, 0, sizeof *out);
  ey_geom g;
  ey_geom_init(&g, l);
  const uint64_t macs = c->c.macs;
  double *b = out->bound;
  /* 1. Every MAC at once. */
  b[EY_EX_WORKLOAD] = (double)macs;
  /* 2. One row primitive per PE at a time: G*N*M'*C'*R*E of them. */
  const uint64_t f[6] = {(uint64_t)g.G, (uint64_t)g.N,  (uint64_t)g.Mg,
                         (uint64_t)g.Cg, (uint64_t)g.R, (uint64_t)g.E};
  out->primitives = ey_mul_n(f, 6);
  b[EY_EX_DATAFLOW] = EY_MIN(b[EY_EX_WORKLOAD], (double)out->primitives);
  /* 3. W primitives over P PEs in ceil(W/P) rounds. */
  const uint64_t P = (uint64_t)a->rows * (uint64_t)a->cols, W = out->primitives;
  b[EY_EX_PES] = EY_MIN(b[EY_EX_DATAFLOW], (double)W / (double)((W + P - 1) / P));
  /* 4, 5. The best placement, then the best that fits the storage. */
  out->array_pes = best_active(l, a, &g, 0);
  out->storage_pes = best_active(l, a, &g, 1);
  if (!out->storage_pes) return EY_NOMAP;
  b[EY_EX_ARRAY] = EY_MIN(b[EY_EX_PES], (double)out->array_pes);
  b[EY_EX_STORAGE] = EY_MIN(b[EY_EX_ARRAY], (double)out->storage_pes);
  /* 6. The mapping used, capped by every level's average bandwidth. */
  out->mapping_pes = c->active_pes;
  const ey_counts *k = &c->c;
  uint64_t dram_words = 0, glb_ports = 0;
  const uint64_t psum_span = (uint64_t)EY_CEIL_DIV(a->psum_bits, a->word_bits);
  for (int t = 0; t < EY_NTYPES; t++) {
    dram_words += k->dram_reads[t] + k->dram_writes[t];
    glb_ports += (k->glb_reads[t] + k->glb_writes[t]) * (t == EY_PSUM ? psum_span : 1);
  }
  const uint64_t bits = dram_bits ? dram_bits : dram_words * (uint64_t)a->word_bits;
  double *lv = out->level_bound;
  lv[EY_EXBW_DRAM] = roof(macs, (double)a->dram_bus_bits * a->dram_mhz / a->core_mhz, bits);
  lv[EY_EXBW_GLB] = roof(macs, (double)a->glb_banks * a->glb_bank_ports, glb_ports);
  lv[EY_EXBW_NOC_IFMAP] = roof(macs, a->noc_ifmap_wpc, k->noc_ifmap);
  lv[EY_EXBW_NOC_FILTER] = roof(macs, a->noc_filter_wpc, k->noc_filter);
  lv[EY_EXBW_NOC_PSUM_IN] = roof(macs, a->noc_psum_wpc, k->noc_psum_in);
  lv[EY_EXBW_NOC_PSUM_OUT] = roof(macs, a->noc_gon_wpc, k->noc_psum_out);
  double six = EY_MIN(b[EY_EX_STORAGE], (double)out->mapping_pes);
  out->limit = 0;
  for (int i = 0; i < EY_EXBW_LEVELS; i++)
    if (lv[i] < lv[out->limit]) out->limit = i;
  b[EY_EX_BANDWIDTH] = EY_MIN(six, lv[out->limit]);
  /* 7. What the run measured. */
  b[EY_EX_MEASURED] = cycles ? (double)macs / (double)cycles : 0;
  return EY_OK;
}
