/* eyexam.c - the seven Eyexam bounds of a layer (eyexam.h, docs/eyexam.md). */
#include "mapper/eyexam.h"

#include <math.h>
#include <string.h>

#include "mapper/mapper_int.h"
#include "sim/base/ey_checked.h"

const char *const ey_eyexam_names[EY_EX_STEPS] = {"workload", "dataflow",  "pes",     "array",
                                                  "storage",  "bandwidth", "measured"};
const char *const ey_eyexam_bw_names[EY_EXBW_LEVELS] = {
    "dram", "glb", "noc_ifmap", "noc_filter", "noc_psum_in", "noc_psum_out"};

/* The blocks of size `b` that cut `d`: how many of each size, and the busiest
 * PE's share of each (min(block, cap)). */
typedef struct cut2 {
  uint64_t count[2];
  uint64_t share[2];
} cut2;
static cut2 cut_busiest(int d, int b, int cap) {
  cut2 c = {{(uint64_t)(d / b), d % b ? 1u : 0u},
            {(uint64_t)EY_MIN(cap, b), (uint64_t)EY_MIN(cap, d % b)}};
  return c;
}

/* The cycles mapping m needs with no bandwidth limit and no fill or drain: every
 * pass takes its busiest PE's n*F columns, each q*S*ceil(p/simd) cycles (simd =
 * pe.macs_per_cycle of its filters a cycle) and at least p, one finished psum
 * forwarded a cycle (docs/eyexam.md). The E rows are cut into GLB tiles of eg,
 * each into strips of e. */
static double ideal_cycles(const ey_geom *g, const ey_mapping *m, int simd) {
  const uint64_t tiles = (uint64_t)(g->E / m->eg), rest = (uint64_t)(g->E % m->eg);
  const uint64_t strips =
      tiles * (uint64_t)EY_CEIL_DIV(m->eg, m->e) + (uint64_t)EY_CEIL_DIV((int)rest, m->e);
  const cut2 cq = cut_busiest(g->Cg, m->q * m->r, m->q), cp = cut_busiest(g->Mg, m->p * m->t, m->p);
  double per_column = 0; /* summed over the passes of one strip */
  for (int i = 0; i < 2; i++)
    for (int k = 0; k < 2; k++) {
      const uint64_t cyc =
          cq.share[i] * (uint64_t)g->S * ((cp.share[k] + (uint64_t)simd - 1) / (uint64_t)simd);
      per_column += (double)(cq.count[i] * cp.count[k]) * (double)EY_MAX(cyc, cp.share[k]);
    }
  /* Groups side by side (g) share their passes. */
  return (double)EY_CEIL_DIV(g->G, m->g) * g->N * g->F * (double)strips * per_column;
}

/* The best MAC/cycle, MACs / ideal_cycles(), over the placements (e, r, t) the
 * array's rows and columns admit at the widths the mapper searches, each with one channel per PE
 * and one filter, or pe.macs_per_cycle filters when the PE takes that many at once (more per PE
 * adds work to a PE, not PEs) and then enough channels that a column's MACs take p cycles;
 * with `legal`, only those
 * whose least-storage mapping (p = q = 1, one image, one GLB tile of e rows, t
 * filters: no mapping of the same placement needs less spad or GLB) passes
 * ey_mapping_check(). Also the active PEs of that placement; 0 when none. */
static double best_placement(const ey_layer *l, const ey_arch *a, const ey_geom *g, int legal,
                             int *pes) {
  const double macs = (double)g->G * g->N * g->Mg * g->Cg * g->E * g->F * g->R * g->S;
  double best = 0;
  *pes = 0;
  /* The widths the mapper searches (mapper.set_width; with whole the chip's,
   * narrower only while no placement of it passes). */
  for (int e = ey__first_set_width(g, a); e >= 1 && e <= g->E;
       e = ey__next_set_width(a, e, best > 0)) {
    const int k = EY_CEIL_DIV(e, a->cols), ecol = EY_MIN(e, a->cols);
    if (k * g->R > a->rows) break; /* k only grows with e */
    for (int r = 1; r <= EY_MIN(g->Cg, a->rows / (k * g->R)); r++) {
      const int slots = (a->rows / (k * r * g->R)) * (a->cols / ecol);
      /* M'/ceil(M'/t) never falls as t grows: the largest t that passes is the
       * best of this (e, r), and once one does not beat `best` none below does. */
      /* On the mesh groups may sit side by side: g of them, each block of
       * groups as many passes as one group (the smallest g of each count of
       * group blocks, as the mapper visits them). */
      const int gmax = a->noc_impl == EY_NOC_HMESH ? EY_MIN(g->G, slots) : 1;
      for (int gg = 1; gg <= gmax; gg = ey__next_block(g->G, gg))
        for (int p = 1; p <= EY_MIN(a->simd, g->Mg); p += EY_MAX(1, EY_MIN(a->simd, g->Mg) - 1))
          for (int t = EY_MIN(EY_CEIL_DIV(g->Mg, p), slots / gg); t >= 1; t--) {
            /* Enough channels that a column's MACs cover its p forwards (q S >= p):
             * with fewer, the forwards would bound a SIMD PE below its MACs. */
            const int q = EY_MIN(g->Cg, EY_CEIL_DIV(p, g->S));
            ey_mapping m = {g->N, p, q, r, t, e, e, p * t, gg};
            const double v = macs / ideal_cycles(g, &m, a->simd);
            if (v <= best) break;
            if (legal) {
              m.n = 1;
              ey_err err;
              if (ey_mapping_check(l, a, &m, &err) != EY_OK) continue;
            }
            best = v;
            *pes = gg * t * r * g->R * e;
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

ey_rc ey_eyexam_bounds(const ey_layer *l, const ey_arch *a, const ey_mapping *m, const ey_cost *c,
                       uint64_t cycles, uint64_t dram_bits, ey_eyexam *out) {
  memset(out, 0, sizeof *out);
  ey_geom g;
  ey_geom_init(&g, l);
  const uint64_t macs = c->c.macs;
  double *b = out->bound;
  /* 1. Every MAC at once. */
  b[EY_EX_WORKLOAD] = (double)macs;
  /* 2. One row primitive per PE at a time: G*N*M'*C'*R*E of them. */
  const uint64_t f[6] = {(uint64_t)g.G,  (uint64_t)g.N, (uint64_t)g.Mg,
                         (uint64_t)g.Cg, (uint64_t)g.R, (uint64_t)g.E};
  out->primitives = ey_mul_n(f, 6);
  b[EY_EX_DATAFLOW] = EY_MIN(b[EY_EX_WORKLOAD], (double)out->primitives);
  /* 3. W primitives over P PEs in ceil(W/P) rounds (pe.macs_per_cycle of them
   *    at a time in each PE). */
  const uint64_t P = (uint64_t)a->rows * (uint64_t)a->cols * (uint64_t)a->simd, W = out->primitives;
  b[EY_EX_PES] = EY_MIN(b[EY_EX_DATAFLOW], (double)W / (double)((W + P - 1) / P));
  /* 4, 5. The best placement, then the best that fits the storage. */
  const double b4 = best_placement(l, a, &g, 0, &out->array_pes);
  const double b5 = best_placement(l, a, &g, 1, &out->storage_pes);
  if (!out->storage_pes) return EY_NOMAP;
  b[EY_EX_ARRAY] = EY_MIN(b[EY_EX_PES], b4);
  b[EY_EX_STORAGE] = EY_MIN(b[EY_EX_ARRAY], b5);
  /* 6. The mapping used, capped by every level's average bandwidth. */
  out->mapping_pes = c->active_pes;
  out->mapping_bound = (double)macs / ideal_cycles(&g, m, a->simd);
  const ey_counts *k = &c->c;
  uint64_t dram_words = 0, glb_ports = 0;
  const uint64_t psum_span = (uint64_t)EY_CEIL_DIV(a->psum_bits, a->word_bits);
  for (int t = 0; t < EY_NTYPES; t++) dram_words += k->dram_reads[t] + k->dram_writes[t];
  /* The array side's bank ports: ifmap words read, psums in on the GIN and out
   * on the GON (a psum a port per word of it). DRAM transfers have a port of
   * their own, and filters go to the spads in bulk. */
  glb_ports = k->glb_reads[EY_IFMAP] + (k->noc_psum_in + k->noc_psum_out) * psum_span;
  const uint64_t bits = dram_bits ? dram_bits : dram_words * (uint64_t)a->word_bits;
  double *lv = out->level_bound;
  lv[EY_EXBW_DRAM] = roof(macs, (double)a->dram_bus_bits * a->dram_mhz / a->core_mhz, bits);
  lv[EY_EXBW_GLB] = roof(macs, (double)a->glb_banks * a->glb_bank_ports, glb_ports);
  if (a->glb_clustered) {
    /* glb.bank_map clustered: each ifmap bank gives ports x noc.ifmap_words_per_cycle
     * words a cycle, each psum bank ports x the psum GIN's psums out and the
     * GON's in, a psum one element whatever its words: the tightest of the three. */
    const double cl = (double)(a->rows / a->mesh_cluster_rows) * (a->cols / a->mesh_cluster_cols);
    const double ifm = roof(macs, cl * a->mesh_ifmap_routers * a->glb_bank_ports * a->noc_ifmap_wpc,
                            k->glb_reads[EY_IFMAP]);
    const double pin =
        roof(macs, cl * a->mesh_cluster_cols * a->glb_bank_ports * a->noc_psum_wpc, k->noc_psum_in);
    const double pout =
        roof(macs, cl * a->mesh_cluster_cols * a->glb_bank_ports * a->noc_gon_wpc, k->noc_psum_out);
    lv[EY_EXBW_GLB] = fmin(ifm, fmin(pin, pout));
  }
  /* The networks' peak widths: every router of the mesh at once. */
  lv[EY_EXBW_NOC_IFMAP] = roof(macs, ey_ifmap_width_max(a), k->noc_ifmap);
  lv[EY_EXBW_NOC_FILTER] =
      roof(macs, (double)a->noc_filter_wpc * ey_filter_routers(a), k->noc_filter);
  lv[EY_EXBW_NOC_PSUM_IN] =
      roof(macs, (double)a->noc_psum_wpc * ey_psum_routers(a), k->noc_psum_in);
  lv[EY_EXBW_NOC_PSUM_OUT] =
      roof(macs, (double)a->noc_gon_wpc * ey_psum_routers(a), k->noc_psum_out);
  double six = EY_MIN(b[EY_EX_STORAGE], out->mapping_bound);
  out->limit = 0;
  for (int i = 0; i < EY_EXBW_LEVELS; i++)
    if (lv[i] < lv[out->limit]) out->limit = i;
  b[EY_EX_BANDWIDTH] = EY_MIN(six, lv[out->limit]);
  /* 7. What the run measured. */
  b[EY_EX_MEASURED] = cycles ? (double)macs / (double)cycles : 0;
  return EY_OK;
}
