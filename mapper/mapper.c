/* mapper.c - the search over the whole legal row-stationary mapping space.
 *
 * Every (e, q, r, p, t, n, eg) that the spads, the array and the GLB allow is
 * scored, and on the hierarchical mesh the smallest g of each number of group
 * blocks (a heuristic, below). m is not enumerated: given the others it only sets how many times
 * the ifmap is fetched from DRAM, ceil(M'/m), and the GLB capacity it takes, so the best m is the
 * largest multiple of p·t that fits, balanced to the smallest multiple with the same number of
 * blocks (docs/mapping.md gives the argument; the tests check it against a brute force over m as
 * well). */
#include <stdio.h>
#include <stdlib.h>

#include "mapper/mapper_int.h"
#include "sim/base/ey_checked.h"

/* Strictly better: a smaller objective, then fewer cycles, then less energy. */
static int better(const ey_cost *c, double obj, const ey_cost *best, double best_obj) {
  if (obj != best_obj) return obj < best_obj;
  if (c->cycles != best->cycles) return c->cycles < best->cycles;
  return c->energy_total < best->energy_total;
}

/* A lower bound of the objective over every eg, m (and, with t and n at their
 * largest, every t and n): `lb` was filled with `bound` set, so its energy is a
 * lower bound, and no PE does more than pe.macs_per_cycle MACs a cycle, so cycles are at least
 * MACs / active PEs, the NoC's traffic at its widths and the DRAM time. */
static double lower_bound(const ey_cost *lb, const ey_arch *a, int objective) {
  /* Every pass lasts at least as long as its ifmap and GON traffic at their
   * widths; those totals only shrink as t grows, so tmax bounds them too. */
  double cyc = (double)lb->c.macs / ((double)lb->active_pes * a->simd);
  double ifm = (double)lb->c.noc_ifmap / ey_ifmap_width_max(a),
         gon = (double)lb->c.noc_psum_out / ((double)a->noc_gon_wpc * ey_psum_routers(a));
  if (ifm > cyc) cyc = ifm;
  if (gon > cyc) cyc = gon;
  if ((double)lb->dram_cycles > cyc) cyc = (double)lb->dram_cycles;
  switch (objective) {
    case EY_OBJ_CYCLES:
      return cyc;
    case EY_OBJ_EDP:
      return lb->energy_total * cyc;
    default:
      return lb->energy_total;
  }
}

/* Why no mapping can exist, before searching (the message names the key). */
static ey_rc hopeless(const ey_geom *g, const ey_arch *a, ey_err *err) {
  if (g->R > a->rows)
    return ey_err_set(err, EY_NOMAP,
                      "R: a filter of height %d needs %d PE rows; the array has %d (got R=%d)",
                      g->R, g->R, a->rows, g->R);
  if (g->S > a->ifmap_spad_words)
    return ey_err_set(err, EY_NOMAP,
                      "S: a filter row of %d words must fit pe.ifmap_spad_words = %d (got S=%d)",
                      g->S, a->ifmap_spad_words, g->S);
  if (g->S > a->filter_spad_words)
    return ey_err_set(err, EY_NOMAP,
                      "S: a filter row of %d words must fit pe.filter_spad_words = %d (got S=%d)",
                      g->S, a->filter_spad_words, g->S);
  return EY_OK;
}

/* 1 when the ifmap tile of m (its n, e, eg, q, r) and the psums of pt filters
 * (one pass block) fit `avail` bits; sets m->m = pt, and the ifmap tile's bits
 * and the psum bits per filter into *ifb and *unit when not NULL. */
static int tile_fits(const ey_geom *g, const ey_arch *a, ey_mapping *m, const ey__gsums *t, int pt,
                     int wide, uint64_t avail, uint64_t *ifb, uint64_t *unit) {
  m->m = pt;
  const uint64_t f = ey__ifmap_tile_bits(g, a, m, t, wide);
  const uint64_t u = ey__psum_tile_bits(g, a, m, wide) / (uint64_t)EY_MIN(pt, g->Mg);
  if (ifb) *ifb = f;
  if (unit) *unit = u;
  return ey_sat_add(f, ey_sat_mul(u, (uint64_t)EY_MIN(pt, g->Mg))) <= avail;
}

ey_rc ey_map_layer(const ey_layer *l, const ey_arch *a, int objective, ey_mapping *best,
                   ey_cost *cost, ey_map_stats *st, ey_err *err) {
  ey_geom g;
  ey_geom_init(&g, l);
  ey_rc rc = hopeless(&g, a, err);
  if (rc) return rc;
  /* Counts that cannot be represented refuse the layer instead of wrapping. */
  char why[200];
  if (ey__layer_overflow(l, why, sizeof why)) return ey_err_set(err, EY_NOMAP, "%s", why);
  /* Saturating counts only for the layers that may need them (mapper_int.h). */
  const int wide = ey__counts_may_overflow(&g, a);

  /* Tile sums for every eg (eg >= E is one tile, the same as eg = E). */
  ey__gsums *gs = malloc(sizeof *gs * ((size_t)g.E + 1));
  ey__region_memo *memo = a->noc_impl == EY_NOC_HMESH ? calloc(1, sizeof *memo) : NULL;
  if (!gs || (a->noc_impl == EY_NOC_HMESH && !memo)) {
    free(gs);
    free(memo);
    return ey_err_set(err, EY_NOMEM, "mapper: out of memory");
  }
  for (int eg = 1; eg <= g.E; eg++) ey__gsums_init(&g, eg, &gs[eg]);

  uint64_t scored = 0;
  int found = 0;
  const char *overflow = NULL; /* a count of a fitting mapping that did not fit 64 bits */
  double best_obj = 0;
  ey_cost c, bc;
  ey_mapping m;
  /* mapper.set_width: every width from 1 up, or the chip's and narrower only
   * while nothing of it fits the GLB (hopeless() has checked R <= rows). */
  for (m.e = ey__first_set_width(&g, a); m.e >= 1 && m.e <= g.E;
       m.e = ey__next_set_width(a, m.e, found)) {
    const int k = EY_CEIL_DIV(m.e, a->cols), ecol = EY_MIN(m.e, a->cols);
    if (k * g.R > a->rows) break; /* k only grows with e */
    ey__esums es;
    ey__esums_init(&g, m.e, &es);
    int wmost[1025]; /* the mesh's weight routers for this e (ey__weight_runs) */
    if (a->noc_impl == EY_NOC_HMESH) ey__weight_runs(a, m.e, wmost);
    const int qmax = EY_MIN(g.Cg, a->ifmap_spad_words / g.S);
    for (m.q = 1; m.q <= qmax; m.q++) {
      const int rmax = EY_MIN(EY_CEIL_DIV(g.Cg, m.q), a->rows / (k * g.R));
      for (m.r = 1; m.r <= rmax; m.r++) {
        const int slots = (a->rows / (k * m.r * g.R)) * (a->cols / ecol);
        const int pmax =
            EY_MIN(EY_MIN(g.Mg, a->psum_spad_words), a->filter_spad_words / (m.q * g.S));
        /* Groups side by side (mesh only): as for n, only the smallest g of
         * each number of group blocks ceil(G/g), the balanced split with the
         * least GLB. Unlike n this is a heuristic: a larger g with as many
         * blocks may place its groups in faster regions (docs/mapping.md). */
        const int gmax = a->noc_impl == EY_NOC_HMESH ? EY_MIN(g.G, slots) : 1;
        for (m.p = 1; m.p <= pmax; m.p++)
          for (m.g = 1; m.g <= gmax; m.g = ey__next_block(g.G, m.g)) {
            const int tmax = EY_MIN(EY_CEIL_DIV(g.Mg, m.p), slots / m.g);
            if (tmax < 1) break; /* g only grows */
            /* Energy depends on t only through ceil(M'/(p·t)) and the ifmap X
             * buses (one band of Hg filter groups per vertical slot: at tmax,
             * ceil(ceil(M'/p) / Hg), their fewest), and active PEs grow with t,
             * so one bound at tmax (one tile, one filter block, every image in
             * one block) covers every t and n. */
            if (found) {
              ey_mapping lb = m;
              lb.t = tmax;
              lb.n = g.N;
              lb.eg = EY_CEIL_DIV(g.E, m.e) * m.e;
              lb.m = EY_CEIL_DIV(g.Mg, m.p * tmax) * m.p * tmax;
              ey__cost_fill(&g, a, &lb, &es, &gs[g.E], 0, 0, 1, NULL, wide, &c);
              if (lower_bound(&c, a, objective) > best_obj) continue;
            }
            for (m.t = tmax; m.t >= 1; m.t--) {
              const int pt = m.p * m.t;
              ey__links links = {0, 0, 0}; /* this e, q, r, p, t and g's, once needed */
              const int mcap = EY_CEIL_DIV(g.Mg, pt) * pt; /* no use holding more */
              /* The tiles' room: the GLB less the staging region, which with
               * glb.filter_region block is this mapping's filter block. */
              const uint64_t avail =
                  ey_glb_tile_bits(a, ey_staging_bits(a, ey_filter_block_bits(a, &g, &m)));
              const uint64_t load =
                  ey__load_cycles_unit(&g, a, &m, a->noc_impl == EY_NOC_HMESH ? wmost : NULL, wide);
              /* Images per pass: for each number of image blocks b only the
               * smallest n that gives b blocks, ceil(N/b). A larger n with as
               * many blocks needs more GLB for the same accesses (they depend on
               * n only through b), so the search visits O(sqrt N) values of n,
               * not N (docs/mapping.md). */
              for (m.n = 1; m.n <= g.N; m.n = ey__next_block(g.N, m.n)) {
                /* The smallest tile of these n images (eg = e): when it does
                 * not fit, no larger n fits either. */
                m.eg = m.e;
                if (!tile_fits(&g, a, &m, &gs[EY_MIN(m.e, g.E)], pt, wide, avail, NULL, NULL))
                  break;
                if (found) {
                  /* The same bound for this t and n, before any cycle count. */
                  m.eg = EY_CEIL_DIV(g.E, m.e) * m.e;
                  m.m = mcap;
                  ey__cost_fill(&g, a, &m, &es, &gs[g.E], 0, 0, 1, NULL, wide, &c);
                  if (lower_bound(&c, a, objective) > best_obj) continue;
                }
                const uint64_t pass = ey__pass_cycles(&g, a, &m, memo, wide);
                /* Lower bound over every eg and m: one GLB tile and one filter
                 * block minimize each term they touch (docs/mapping.md), so if
                 * even that loses, no eg can win. Capacity is ignored here. */
                if (found) {
                  m.eg = EY_CEIL_DIV(g.E, m.e) * m.e;
                  m.m = mcap;
                  ey__cost_fill(&g, a, &m, &es, &gs[g.E], pass, load, 1, NULL, wide, &c);
                  if (ey_objective_value(&c, objective) > best_obj) continue;
                }
                int fit_any = 0;
                for (m.eg = m.e; m.eg < g.E + m.e; m.eg += m.e) {
                  const ey__gsums *t = &gs[EY_MIN(m.eg, g.E)];
                  uint64_t ifb, unit;
                  /* Both tiles grow with eg: once pt filters do not fit, no
                   * larger eg will. */
                  if (!tile_fits(&g, a, &m, t, pt, wide, avail, &ifb, &unit)) break;
                  fit_any = 1;
                  uint64_t mfit = (avail - ifb) / unit;
                  /* The tile holds min(m, M') filters: room for M' is one block. */
                  int mmax = mfit >= (uint64_t)g.Mg ? mcap : (int)(mfit / (uint64_t)pt) * pt;
                  int blocks = EY_CEIL_DIV(g.Mg, mmax);
                  m.m = EY_CEIL_DIV(EY_CEIL_DIV(g.Mg, pt), blocks) * pt;
                  ey__cost_fill(&g, a, &m, &es, t, pass, load, 0, NULL, wide, &c);
                  scored++;
                  if (a->noc_impl == EY_NOC_HMESH) {
                    /* The mesh's links only add energy: a mapping that loses
                     * without them loses with them, and is not walked. */
                    if (found && !(wide && ey__cost_overflow(&c)) &&
                        !better(&c, ey_objective_value(&c, objective), &bc, best_obj))
                      continue;
                    if (!links.valid && ey__mesh_ifmap_links(&g, a, &m, wide, &links) != EY_OK) {
                      free(gs);
                      free(memo);
                      return ey_err_set(err, EY_NOMEM, "mapper: out of memory");
                    }
                    ey__cost_fill(&g, a, &m, &es, t, pass, load, 0, &links, wide, &c);
                  }
                  const char *what = wide ? ey__cost_overflow(&c) : NULL;
                  if (what) {
                    overflow = what;
                    continue;
                  }
                  double obj = ey_objective_value(&c, objective);
                  if (!found || better(&c, obj, &bc, best_obj)) {
                    found = 1;
                    best_obj = obj;
                    bc = c;
                    *best = m;
                  }
                }
                if (!fit_any) break; /* a larger n needs more GLB still */
              }
            }
          }
      }
    }
  }
  free(gs);
  free(memo);
  if (st) st->candidates = scored;
  if (!found && overflow)
    return ey_err_set(err, EY_NOMAP,
                      "counts: expected counts that fit 64 bits (got %s of 2^64 or more with "
                      "every mapping that fits)",
                      overflow);
  if (!found) {
    ey_mapping tiny = {1, 1, 1, 1, 1, 1, 1, 1, 1};
    ey__gsums t1;
    ey__gsums_init(&g, 1, &t1);
    uint64_t need =
        ey_sat_add(ey__ifmap_tile_bits(&g, a, &tiny, &t1, 1), ey__psum_tile_bits(&g, a, &tiny, 1));
    const uint64_t staging = ey_staging_bits(a, ey_filter_block_bits(a, &g, &tiny));
    return ey_err_set(
        err, EY_NOMAP,
        "glb.size_kb: the smallest tile (one image, channel, filter and output row) needs %llu "
        "bits of GLB; glb.size_kb less the %llu bits of the filter staging region leaves %llu "
        "(got glb.size_kb=%d)",
        (unsigned long long)need, (unsigned long long)staging,
        (unsigned long long)ey_glb_tile_bits(a, staging), a->glb_kb);
  }
  if (cost) *cost = bc;
  return EY_OK;
}
