/* cost.c - legality and the analytic cost model of a row-stationary mapping.
 *
 * Every count below is a closed form of the schedule in docs/mapping.md: blocks of
 * a dimension partition it, so a sum over passes of a product of block sizes is
 * the product of the dimension totals. The formulas are derived there, term by
 * term; the tests check them against hand-computed small cases. */
#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mapper/mapper_int.h"
#include "sim/base/ey_checked.h"

/* Every count saturates at UINT64_MAX instead of wrapping: a layer whose counts
 * do not fit 64 bits is refused by name (ey__cost_overflow), never reported with
 * a wrapped, small number. Each function below comes in two copies, `checked`
 * being a constant in each: saturating, and plain for the layers whose every
 * count fits with a wide margin (ey__counts_may_overflow), so the search pays
 * nothing for the check on them. */
#if defined(__GNUC__)
#define EY_SPECIALIZE static inline __attribute__((always_inline))
#else
#define EY_SPECIALIZE static inline
#endif
#define MUL(a, b) (checked ? ey_sat_mul((a), (b)) : (uint64_t)(a) * (uint64_t)(b))
#define ADD(a, b) (checked ? ey_sat_add((a), (b)) : (uint64_t)(a) + (uint64_t)(b))

const char *const ey_type_names[EY_NTYPES] = {"ifmap", "filter", "psum"};
const char *const ey_level_names[EY_NLEVELS] = {"mac", "spad", "noc", "glb", "dram"};

/* Length of the overlap of [a0, a1) and [b0, b1). */
static uint64_t overlap(int64_t a0, int64_t a1, int64_t b0, int64_t b1) {
  int64_t lo = a0 > b0 ? a0 : b0, hi = a1 < b1 ? a1 : b1;
  return hi > lo ? (uint64_t)(hi - lo) : 0;
}

/* Real (unpadded) input positions used by outputs [o0, o0+count) along one axis
 * with window k, stride u, padding p and input size n. Windows overlap when
 * u <= k, so their union is one interval; otherwise they are disjoint. */
static uint64_t real_span(int o0, int count, int k, int u, int p, int n) {
  if (count <= 0) return 0;
  if (u <= k) return overlap((int64_t)o0 * u, (int64_t)(o0 + count - 1) * u + k, p, p + n);
  uint64_t sum = 0;
  for (int o = o0; o < o0 + count; o++)
    sum += overlap((int64_t)o * u, (int64_t)o * u + k, p, p + n);
  return sum;
}

/* Padded input positions used by `count` consecutive outputs along one axis. */
static uint64_t padded_span(int count, int k, int u) {
  if (count <= 0) return 0;
  return u <= k ? (uint64_t)(count - 1) * (uint64_t)u + (uint64_t)k : (uint64_t)count * (uint64_t)k;
}

void ey_geom_init(ey_geom *g, const ey_layer *l) {
  g->N = l->N;
  g->G = l->groups;
  g->Cg = l->C / l->groups;
  g->Mg = l->M / l->groups;
  g->E = l->E;
  g->F = l->F;
  g->R = l->R;
  g->S = l->S;
  g->U = l->stride;
  g->P = l->pad;
  g->H = l->H;
  g->W = l->W;
  g->astep = g->U <= g->S ? g->U : g->S;
  g->wneed = padded_span(g->F, g->S, g->U);
  g->real_cols = real_span(0, g->F, g->S, g->U, g->P, g->W);
  /* Valid taps factor into rows × columns: a tap is real when both its row and
   * its column fall inside the unpadded ifmap. */
  uint64_t vr = 0, vs = 0;
  for (int o = 0; o < g->E; o++) vr += real_span(o, 1, g->R, g->U, g->P, g->H);
  for (int f = 0; f < g->F; f++) vs += real_span(f, 1, g->S, g->U, g->P, g->W);
  g->gated = (uint64_t)g->R * g->S * g->E * g->F - vr * vs;
  g->zeros = ey_layer_zeros(l, -1);
  const double zo = l->relu ? 0.5 : 0.0;
  g->rlc_ifmap_row_bits = ey_rlc_row_bits_expected(g->W, g->zeros);
  g->rlc_ofmap_row_bits = ey_rlc_row_bits_expected(g->F, zo);
  g->rlc_ifmap_row_pairs = ey_rlc_row_pairs_expected(g->W, g->zeros);
  g->rlc_ofmap_row_pairs = ey_rlc_row_pairs_expected(g->F, zo);
}

/* The expected words of a row coded on its own (whole words), or with stream
 * set its expected pairs / 3 (a row of a stream, three pairs a word). */
static double rlc_expect(int w, double z, int stream) {
  if (w <= 0) return 0;
  if (z <= 0) return stream ? w / 3.0 : (double)((w + 2) / 3); /* every value a pair */
  const double all_zero =
      stream ? EY_CEIL_DIV(w, 32) / 3.0 : (double)((EY_CEIL_DIV(w, 32) + 2) / 3);
  if (z >= 1) return all_zero;
  /* Over k, the non-zero count (binomial): k pairs, one more when the row ends in
   * a zero (probability (w - k) / w), in ceil(pairs / 3) words. A run of 32 zeros
   * or more takes a pair per 32 (run 31, level 0): a run before a value passes
   * 32 j with probability z^(32 j), which adds z^32 / (1 - z^32) pairs for each
   * value with 32 places before it in the row, counted as a third of a word. */
  const double lz = log(z), lnz = log1p(-z), lw = lgamma((double)w + 1);
  const double z32 = exp(32.0 * lz),
               split = w > 32 ? z32 / (1 - z32) * (double)(w - 32) / (double)w : 0.0;
  double words = exp((double)w * lz) * all_zero;
  for (int k = 1; k <= w; k++) {
    const double p =
        exp(lw - lgamma((double)k + 1) - lgamma((double)(w - k) + 1) + k * lnz + (w - k) * lz);
    const double tail = (double)(w - k) / (double)w;
    const double with_tail = stream ? (k + 1) / 3.0 : (double)((k + 1 + 2) / 3),
                 without = stream ? k / 3.0 : (double)((k + 2) / 3);
    words += p * (tail * with_tail + (1 - tail) * without + (double)k * split / 3.0);
  }
  return words;
}

double ey_rlc_row_bits_expected(int w, double z) {
  return 64.0 * rlc_expect(w, z, 0);
}

double ey_rlc_row_pairs_expected(int w, double z) {
  return 3.0 * rlc_expect(w, z, 1);
}

uint64_t ey__rows_needed(const ey_geom *g, int count) {
  return padded_span(count, g->R, g->U);
}

void ey__esums_init(const ey_geom *g, int e, ey__esums *out) {
  out->rows_padded = out->rows_real = 0;
  for (int o0 = 0; o0 < g->E; o0 += e) {
    int c = EY_MIN(e, g->E - o0);
    out->rows_padded += ey__rows_needed(g, c);
    out->rows_real += real_span(o0, c, g->R, g->U, g->P, g->H);
  }
}

void ey__gsums_init(const ey_geom *g, int eg, ey__gsums *out) {
  out->rows_real = out->rows_max = 0;
  for (int o0 = 0; o0 < g->E; o0 += eg) {
    uint64_t rows = real_span(o0, EY_MIN(eg, g->E - o0), g->R, g->U, g->P, g->H);
    out->rows_real += rows;
    if (rows > out->rows_max) out->rows_max = rows;
  }
}

/* A dimension of `total` cut into blocks of `blk`: up to two sizes. */
typedef struct blocks {
  int size[2];
  uint64_t count[2];
} blocks;

static blocks cut(int total, int blk) {
  blocks b = {{blk, total % blk}, {(uint64_t)(total / blk), total % blk ? 1u : 0u}};
  return b;
}

/* Channel blocks of q·r, split into the first block (its psums start from zero,
 * so no psum comes in from the GLB) and the rest: up to three sizes. */
typedef struct cblocks {
  int size[3];
  uint64_t count[3];
  int first[3];
} cblocks;

static cblocks cut_channels(int cg, int qr) {
  cblocks c;
  memset(&c, 0, sizeof c);
  c.size[0] = EY_MIN(qr, cg);
  c.count[0] = 1;
  c.first[0] = 1;
  if (cg > qr) {
    blocks rest = cut(cg - qr, qr);
    for (int i = 0; i < 2; i++) {
      c.size[1 + i] = rest.size[i];
      c.count[1 + i] = rest.count[i];
    }
  }
  return c;
}

static inline uint64_t ceil_div_sat(uint64_t a, uint64_t b) {
  return a == UINT64_MAX ? UINT64_MAX : a / b + (a % b != 0);
}
#define ceil_div(a, b) (checked ? ceil_div_sat((a), (b)) : ((a) + (b)-1) / (b))

/* The channel sets of a pass shape's largest ifmap region, and its reach (the
 * links to the farthest PE), into *most and *reach. Returns 0, or -1 when out of
 * memory. */
static int mesh_regions(const ey_geom *g, const ey_arch *a, const ey_mapping *m, int ga, int ns,
                        int ng, int ea, int *most, int *reach) {
  const int nsets = ga * ns;
  const size_t cells =
      (size_t)(a->rows / a->mesh_cluster_rows) * (size_t)(a->cols / a->mesh_cluster_cols);
  /* One channel group needs no scratch: r and the bands are at most the rows. */
  int small[3 * 1024], *buf = small;
  if (ga > 1 && !(buf = malloc(sizeof *buf * (6 * (size_t)nsets + 3 * cells)))) return -1;
  int *region = buf, *src = buf + (ga > 1 ? nsets : 1024), *count = src + (ga > 1 ? cells : 1024),
      *work = ga > 1 ? count + cells : NULL;
  const int nr = ey_mesh_ifmap_regions(a, m, g->R, ng, ns, ga, ea, region, src, work);
  *reach = ey_mesh_ifmap_reach(a, m, g->R, ng, ns, ga, ea, region, src);
  *most = 0;
  for (int r = 0; r < nr; r++) count[r] = 0;
  for (int s = 0; s < nsets; s++)
    if (++count[region[s]] > *most) *most = count[region[s]];
  if (buf != small) free(buf);
  return 0;
}

/* hierarchical-mesh: the ifmap stream of a pass shape (ga_a channel groups, n_a
 * images, qr_a channels, pt_a filters, e_a output rows) at its busiest router.
 * The engine's rule (ey_mesh_ifmap_regions, docs/mesh.md): a region's (channel
 * set, row) slots go round robin to its routers; each slot carries q channels
 * (fewer in the last set, which this estimate does not count). The regions come
 * from memo when it has them (the search visits each shape for many p and t). */
EY_SPECIALIZE uint64_t mesh_ifmap_cycles(const ey_geom *g, const ey_arch *a, const ey_mapping *m,
                                         uint64_t ga_a, uint64_t n_a, uint64_t qr_a, uint64_t pt_a,
                                         uint64_t e_a, int *reach, ey__region_memo *memo,
                                         const int checked) {
  const int ns = (int)EY_CEIL_DIV(qr_a, (uint64_t)m->q),
            ng = (int)EY_CEIL_DIV(pt_a, (uint64_t)m->p), nsets = (int)ga_a * ns;
  const int key[6] = {m->e, m->r, (int)ga_a, ns, ng, (int)e_a};
  unsigned h = 2166136261u;
  for (int i = 0; i < 6; i++) h = (h ^ (unsigned)key[i]) * 16777619u;
  ey__region_entry *hit = memo ? &memo->slot[h % EY__MEMO_SLOTS] : NULL;
  int most;
  if (hit && !memcmp(hit->key, key, sizeof key)) {
    most = hit->most;
    *reach = hit->reach;
  } else if (mesh_regions(g, a, m, (int)ga_a, ns, ng, (int)e_a, &most, reach)) {
    /* Out of memory: as if every set shared one region's routers, which no
     * routing is slower than, so the estimate stays an estimate. */
    most = nsets;
    *reach = a->rows / a->mesh_cluster_rows + a->cols / a->mesh_cluster_cols - 2;
  } else if (hit) {
    memcpy(hit->key, key, sizeof key);
    hit->most = most;
    hit->reach = *reach;
  }
  const uint64_t slots = MUL((uint64_t)most, ey__rows_needed(g, (int)e_a));
  const uint64_t per_router = ceil_div(slots, (uint64_t)a->mesh_ifmap_routers);
  return ceil_div(MUL(MUL(n_a, EY_MIN((uint64_t)m->q, qr_a)), MUL(per_router, g->wneed)),
                  (uint64_t)a->noc_ifmap_wpc);
}

EY_SPECIALIZE uint64_t pass_cycles(const ey_geom *g, const ey_arch *a, const ey_mapping *m,
                                   ey__region_memo *memo, const int checked) {
  blocks nb = cut(g->N, m->n), pb = cut(g->Mg, m->p * m->t), eb = cut(g->E, m->e);
  blocks gb = cut(g->G, m->g);
  cblocks cb = cut_channels(g->Cg, m->q * m->r);
  uint64_t total = 0;
  for (int x = 0; x < 2; x++)
    for (int i = 0; i < 2; i++)
      for (int j = 0; j < 3; j++)
        for (int k = 0; k < 2; k++)
          for (int s = 0; s < 2; s++) {
            uint64_t cnt =
                MUL(MUL(MUL(gb.count[x], nb.count[i]), cb.count[j]), MUL(pb.count[k], eb.count[s]));
            if (!cnt) continue;
            uint64_t ga = (uint64_t)gb.size[x], n_a = (uint64_t)nb.size[i],
                     qr_a = (uint64_t)cb.size[j], pt_a = (uint64_t)pb.size[k],
                     e_a = (uint64_t)eb.size[s];
            /* The busiest PE does n·F columns of q·S·p MACs, pe.macs_per_cycle of
             * its filters at a time, and forwards a column's p psums one a cycle.
             * A column starts only when the psum spad has room for its p psums:
             * when it cannot hold two columns' (2p > pe.psum_spad_words), the
             * next column waits for 2p - words of this one's to leave, the first
             * the MAC latency after its last MAC, then one a cycle: a lower bound,
             * as the chain above and the GON may hold them longer. The wait runs
             * while the psums are forwarded, so a column takes the longer of its
             * MACs and wait, and its p forwards. */
            const uint64_t pf_a = EY_MIN(pt_a, (uint64_t)m->p), room = (uint64_t)a->psum_spad_words;
            const uint64_t col = MUL(MUL(EY_MIN(qr_a, (uint64_t)m->q), (uint64_t)g->S),
                                     ceil_div(pf_a, (uint64_t)a->simd));
            uint64_t wait = 2 * pf_a > room ? (uint64_t)ey_mac_latency(a) + 2 * pf_a - room - 2 : 0;
            const uint64_t cols_pe = MUL(n_a, (uint64_t)g->F);
            uint64_t ifm, lead = 0; /* mesh: the first word's way to the farthest PE */
            if (a->noc_impl == EY_NOC_HMESH) {
              int reach;
              ifm = mesh_ifmap_cycles(g, a, m, ga, n_a, qr_a, pt_a, e_a, &reach, memo, checked);
              /* A router's multicast waits for every PE it feeds to have room, and
               * its farthest PE gets a word lat = hop_cycles x (1 + hops) after
               * it left (ey_hmesh_latency). A PE's q·astep new words of a column
               * are taken as `gap` packets apart in its router's stream, the
               * router's rows of one channel. A PE whose FIFO cannot take them
               * all while it computes a column takes the rest once the column
               * has ended, so every column after the first waits lat after the
               * last, and the gaps of the words beyond the first. One whose FIFO
               * holds whole columns has k columns in flight (the one it computes
               * and those waiting), and gets its next column's words a round
               * trip after it frees their room: lat and the gaps of its words. */
              const uint64_t lat = (uint64_t)a->mesh_hop_cycles * (1 + (uint64_t)reach);
              const uint64_t fresh = MUL(EY_MIN(qr_a, (uint64_t)m->q), (uint64_t)g->astep),
                             fifo = (uint64_t)a->ifmap_fifo_words, wpc = (uint64_t)a->noc_ifmap_wpc;
              const uint64_t gap =
                  ceil_div(ey__rows_needed(g, (int)e_a), (uint64_t)a->mesh_ifmap_routers);
              uint64_t w;
              if (fresh > fifo)
                w = ADD(lat, ceil_div(MUL(fresh - fifo - 1, gap), wpc));
              else {
                const uint64_t trip = ADD(lat, ceil_div(ADD(MUL(fresh - 1, gap), 1), wpc));
                const uint64_t period = ceil_div(trip, 1 + fifo / fresh);
                w = period > col ? period - col : 0;
              }
              if (w > wait) wait = w;
              lead = lat;
            } else
              ifm = ceil_div(
                  MUL(MUL(MUL(ga, n_a), qr_a), MUL(ey__rows_needed(g, (int)e_a), g->wneed)),
                  (uint64_t)a->noc_ifmap_wpc);
            /* On the multicast bus, one ifmap stream feeds every PE, which adds
             * three waits between a column and the next (docs/mapping.md):
             * - the chains' tops complete their windows within one channel's
             *   rows of the stream, so they end their columns about
             *   together and their psums leave together through the shared
             *   GON: a burst of every chain's 2p - words psums;
             * - a chain's lower PEs push their psums into the PE above, whose
             *   psum FIFO takes pe.psum_fifo_words of them; the rest leave only
             *   once the top channel set has ended its column, which the stream
             *   reaches (sets - 1) x q channels' rows later;
             * - a PE takes pe.ifmap_fifo_words of the next column's q·astep new
             *   words while it computes; the rest come once its column has
             *   ended, one a channel's rows apart in the stream. */
            if (a->noc_impl != EY_NOC_HMESH) {
              const uint64_t nr =
                  ceil_div(ey__rows_needed(g, (int)e_a), (uint64_t)a->noc_ifmap_wpc);
              const uint64_t ns = ceil_div(qr_a, (uint64_t)m->q), qa = EY_MIN(qr_a, (uint64_t)m->q);
              if (wait) {
                const uint64_t tops = MUL(MUL(ga, ceil_div(pt_a, (uint64_t)m->p)), e_a);
                const uint64_t need = 2 * pf_a - room;
                const uint64_t burst = ceil_div(MUL(tops, need), (uint64_t)a->noc_gon_wpc);
                if (burst > nr && burst - nr > wait) wait = burst - nr;
                if (ns > 1 && need > (uint64_t)a->psum_fifo_words)
                  wait = ADD(wait, MUL(MUL(ns - 1, (uint64_t)m->q), nr));
              }
              const uint64_t fresh = MUL(qa, (uint64_t)g->astep),
                             fifo = (uint64_t)a->ifmap_fifo_words;
              if (fresh > fifo && MUL(fresh - fifo, nr) > wait) wait = MUL(fresh - fifo, nr);
            }
            uint64_t comp =
                EY_MAX(ADD(MUL(cols_pe, col), MUL(cols_pe - 1, wait)), MUL(cols_pe, pf_a));
            if (a->noc_impl != EY_NOC_HMESH) {
              /* A column starts once its whole window has come (q channels of S
               * columns). The stream sends a needed column for every channel and
               * row before the next, so the PE fed last starts its first column
               * S columns of the stream after the pass began, and ends its last
               * one a column after the stream ends. */
              const uint64_t colpk = ceil_div(MUL(MUL(ga, qr_a), ey__rows_needed(g, (int)e_a)),
                                              (uint64_t)a->noc_ifmap_wpc);
              comp = ADD(comp, MUL(EY_MIN((uint64_t)g->S, g->wneed), colpk));
              ifm = ADD(ifm, col);
            }
            uint64_t outs = MUL(MUL(MUL(ga, n_a), pt_a), MUL(e_a, (uint64_t)g->F));
            const uint64_t psr = (uint64_t)ey_psum_routers(a);
            uint64_t gon = ceil_div(outs, MUL((uint64_t)a->noc_gon_wpc, psr));
            uint64_t gin = cb.first[j] ? 0 : ceil_div(outs, MUL((uint64_t)a->noc_psum_wpc, psr));
            uint64_t busy = EY_MAX(EY_MAX(comp, ifm), EY_MAX(gon, gin));
            if (a->noc_impl == EY_NOC_HMESH && !a->glb_clustered) {
              /* The mesh's routers can outrun the word-interleaved GLB's bank
               * ports: every ifmap word and psum of the pass takes a port (a psum
               * one per word of it). The bus's widths stay below the ports. With
               * glb.bank_map clustered each router has a bank as wide as its
               * port, which the router terms above already count. */
              const uint64_t span = (uint64_t)EY_CEIL_DIV(a->psum_bits, a->word_bits);
              const uint64_t words =
                  ADD(MUL(MUL(MUL(ga, n_a), qr_a), MUL(ey__rows_needed(g, (int)e_a), g->wneed)),
                      MUL(span, cb.first[j] ? outs : MUL(outs, 2)));
              const uint64_t ports = (uint64_t)a->glb_banks * (uint64_t)a->glb_bank_ports;
              /* Their addresses fall on banks about at random: of d requests a
               * cycle on B ports, B (1 - e^(-d / B)) find a free one, the rest
               * wait a cycle. At the rate the pass's other bounds allow (d =
               * words / busy) the ports then serve fewer than d a cycle, and
               * the pass stretches to words over what they serve: never less
               * than words / B, which they serve when d is far above B. */
              if (busy > 0 && words > 0) {
                const double d = (double)words / (double)busy, b = (double)ports;
                const double served = b * -expm1(-d / b), t = (double)words / served;
                if (t < 1e18 && (uint64_t)ceil(t) > busy) busy = (uint64_t)ceil(t);
              }
            }
            /* Fill and drain: the MAC pipeline (fetch, multiplier, accumulate),
             * the psum chain of R PEs per active set and, on the mesh, the first
             * ifmap word's way to the farthest PE. */
            uint64_t fill =
                ADD((uint64_t)ey_mac_latency(a) + (uint64_t)g->R * ceil_div(qr_a, (uint64_t)m->q),
                    lead);
            total = ADD(total, MUL(cnt, ADD(busy, fill)));
          }
  return total;
}

uint64_t ey__pass_cycles(const ey_geom *g, const ey_arch *a, const ey_mapping *m,
                         ey__region_memo *memo, int checked) {
  return checked ? pass_cycles(g, a, m, memo, 1) : pass_cycles(g, a, m, memo, 0);
}

void ey__weight_runs(const ey_arch *a, int e, int *most) {
  const int ecol = EY_MIN(e, a->cols), hg = a->cols / ecol;
  int src[1024]; /* hg <= pe_array.cols <= 1024 */
  ey_mesh_weight_sources(a, hg, ecol, ecol, src);
  most[0] = 0;
  for (int h = 0, run = 0; h < hg; h++) { /* a source's sets are adjacent */
    run = h > 0 && src[h] == src[h - 1] ? run + 1 : 1;
    most[h + 1] = EY_MAX(most[h], run);
  }
}

EY_SPECIALIZE uint64_t load_cycles_unit(const ey_geom *g, const ey_arch *a, const ey_mapping *m,
                                        const int *wmost, const int checked) {
  blocks pb = cut(g->Mg, m->p * m->t), gb = cut(g->G, m->g);
  cblocks cb = cut_channels(g->Cg, m->q * m->r);
  int own[1025];
  if (a->noc_impl == EY_NOC_HMESH && !wmost) {
    ey__weight_runs(a, m->e, own);
    wmost = own;
  }
  uint64_t total = 0;
  for (int x = 0; x < 2; x++)
    for (int j = 0; j < 3; j++)
      for (int k = 0; k < 2; k++) {
        uint64_t cnt = MUL(gb.count[x], MUL(cb.count[j], pb.count[k]));
        if (!cnt) continue;
        const int ga = gb.size[x];
        uint64_t words = MUL(MUL((uint64_t)ga, MUL((uint64_t)cb.size[j], (uint64_t)pb.size[k])),
                             MUL((uint64_t)g->R, (uint64_t)g->S));
        if (a->noc_impl == EY_NOC_HMESH) {
          /* Every weight router loads at once: the busiest one's sets of one
           * filter row (first PE row: full sets), of the row's first nh. */
          const int ecol = EY_MIN(m->e, a->cols), hg = a->cols / ecol;
          const int ng = (int)EY_CEIL_DIV((uint64_t)pb.size[k], (uint64_t)m->p);
          const int nh = EY_MIN(ng * ga, hg); /* the first row's slots, all groups' */
          words = MUL(MUL((uint64_t)wmost[nh], (uint64_t)g->S),
                      MUL(EY_MIN((uint64_t)m->p, (uint64_t)pb.size[k]),
                          EY_MIN((uint64_t)m->q, (uint64_t)cb.size[j])));
        }
        total = ADD(total, MUL(cnt, ceil_div(words, (uint64_t)a->noc_filter_wpc)));
      }
  return total;
}

uint64_t ey__load_cycles_unit(const ey_geom *g, const ey_arch *a, const ey_mapping *m,
                              const int *wmost, int checked) {
  return checked ? load_cycles_unit(g, a, m, wmost, 1) : load_cycles_unit(g, a, m, wmost, 0);
}

EY_SPECIALIZE uint64_t ifmap_tile_bits(const ey_geom *g, const ey_arch *a, const ey_mapping *m,
                                       const ey__gsums *gs, const int checked) {
  uint64_t chans = (uint64_t)EY_MIN(m->q * m->r, g->Cg) * (uint64_t)EY_MIN(m->g, g->G);
  return MUL(MUL(MUL((uint64_t)m->n, chans), MUL(gs->rows_max, (uint64_t)g->W)),
             (uint64_t)a->word_bits);
}

uint64_t ey__ifmap_tile_bits(const ey_geom *g, const ey_arch *a, const ey_mapping *m,
                             const ey__gsums *gs, int checked) {
  return checked ? ifmap_tile_bits(g, a, m, gs, 1) : ifmap_tile_bits(g, a, m, gs, 0);
}

EY_SPECIALIZE uint64_t psum_tile_bits(const ey_geom *g, const ey_arch *a, const ey_mapping *m,
                                      const int checked) {
  uint64_t filters = (uint64_t)EY_MIN(m->m, g->Mg) * (uint64_t)EY_MIN(m->g, g->G),
           rows = (uint64_t)EY_MIN(m->eg, g->E);
  return MUL(MUL(MUL((uint64_t)m->n, filters), MUL(rows, (uint64_t)g->F)), (uint64_t)a->psum_bits);
}

uint64_t ey__psum_tile_bits(const ey_geom *g, const ey_arch *a, const ey_mapping *m, int checked) {
  return checked ? psum_tile_bits(g, a, m, 1) : psum_tile_bits(g, a, m, 0);
}

/* Core cycles spanned by `link` DRAM link cycles. */
EY_SPECIALIZE uint64_t link_to_core(const ey_arch *a, uint64_t link, const int checked) {
  return ceil_div(MUL(link, (uint64_t)a->core_mhz), (uint64_t)a->dram_mhz);
}

/* hierarchical-mesh: the ifmap words x links between router clusters of every
 * pass of one image (ey_mesh_ifmap_links per pass shape), which depend on the
 * mapping's e, q, r, p, t and g alone: the search computes them once for those
 * and every n, eg and m shares them. */
EY_SPECIALIZE ey_rc mesh_ifmap_links(const ey_geom *g, const ey_arch *a, const ey_mapping *m,
                                     ey__links *out, const int checked) {
  const blocks gb = cut(g->G, m->g), pb = cut(g->Mg, m->p * m->t), eb = cut(g->E, m->e);
  const cblocks cb = cut_channels(g->Cg, m->q * m->r);
  uint64_t lx = 0, ly = 0;
  for (int x = 0; x < 2; x++)
    for (int j = 0; j < 3; j++)
      for (int k = 0; k < 2; k++)
        for (int s = 0; s < 2; s++) {
          const uint64_t cnt = MUL(MUL(gb.count[x], cb.count[j]), MUL(pb.count[k], eb.count[s]));
          if (!cnt) continue;
          const int ca = cb.size[j], ns = EY_CEIL_DIV(ca, m->q), ng = EY_CEIL_DIV(pb.size[k], m->p);
          uint64_t l[2];
          if (ey_mesh_ifmap_links(a, m, g->R, g->U, ng, ns, gb.size[x], eb.size[s], ca, l))
            return EY_NOMEM;
          const uint64_t n = MUL(cnt, g->wneed);
          lx = ADD(lx, MUL(n, l[0]));
          ly = ADD(ly, MUL(n, l[1]));
        }
  out->x = lx;
  out->y = ly;
  out->valid = 1;
  return EY_OK;
}

ey_rc ey__mesh_ifmap_links(const ey_geom *g, const ey_arch *a, const ey_mapping *m, int checked,
                           ey__links *out) {
  return checked ? mesh_ifmap_links(g, a, m, out, 1) : mesh_ifmap_links(g, a, m, out, 0);
}

/* hierarchical-mesh: the words x links between router clusters over the layer,
 * as noc/hmesh.c routes them: the ifmaps' of every pass (lk, per image; not
 * valid when they could not be computed, which saturates them and so refuses
 * the mapping), the filters' of every weight load (ey_mesh_filter_links: one
 * per tile, image block and GLB row tile, and pass block). Counted over group
 * blocks, not per group: groups side by side share the routers' trees. */
EY_SPECIALIZE void mesh_links(const ey_geom *g, const ey_arch *a, const ey_mapping *m,
                              const ey__links *lk, ey_counts *c, const int checked) {
  const int oom = lk->valid != 1;
  const blocks gb = cut(g->G, m->g), pb = cut(g->Mg, m->p * m->t);
  const cblocks cb = cut_channels(g->Cg, m->q * m->r);
  const uint64_t nN = ceil_div((uint64_t)g->N, (uint64_t)m->n);
  const uint64_t nG = ceil_div((uint64_t)g->E, (uint64_t)m->eg);
  const uint64_t last = (uint64_t)g->E - (nG - 1) * (uint64_t)m->eg;
  uint64_t lf = 0;
  for (int x = 0; x < 2; x++)
    for (int j = 0; j < 3; j++)
      for (int k = 0; k < 2; k++) {
        const uint64_t cnt = MUL(gb.count[x], MUL(cb.count[j], pb.count[k]));
        if (!cnt) continue;
        const int ga = gb.size[x], ca = cb.size[j], pa = pb.size[k];
        const uint64_t full = nG > 1 ? ey_mesh_filter_links(a, m, ga, pa, EY_MIN(m->e, m->eg)) : 0,
                       end = ey_mesh_filter_links(a, m, ga, pa, (int)EY_MIN((uint64_t)m->e, last));
        const uint64_t per = ADD(MUL(nG - 1, full), end);
        lf = ADD(lf, MUL(MUL(MUL(cnt, nN), per),
                         MUL((uint64_t)ca, MUL((uint64_t)g->R, (uint64_t)g->S))));
      }
  c->noc_ifmap_links_x = oom ? UINT64_MAX : MUL((uint64_t)g->N, lk->x);
  c->noc_ifmap_links_y = oom ? UINT64_MAX : MUL((uint64_t)g->N, lk->y);
  c->noc_filter_links = oom ? UINT64_MAX : lf;
}

EY_SPECIALIZE void cost_fill(const ey_geom *g, const ey_arch *a, const ey_mapping *m,
                             const ey__esums *es, const ey__gsums *gs, uint64_t pass_cycles,
                             uint64_t load_unit, int bound, const ey__links *lk, ey_cost *out,
                             const int checked) {
  memset(out, 0, sizeof *out);
  ey_counts *c = &out->c;
  const uint64_t N = (uint64_t)g->N, Cg = (uint64_t)g->Cg, Mg = (uint64_t)g->Mg, E = (uint64_t)g->E,
                 F = (uint64_t)g->F, R = (uint64_t)g->R, S = (uint64_t)g->S;
  const uint64_t nN = ceil_div(N, (uint64_t)m->n);            /* image blocks */
  const uint64_t nG = ceil_div(E, (uint64_t)m->eg);           /* GLB row tiles */
  const uint64_t nCB = ceil_div(Cg, (uint64_t)(m->q * m->r)); /* channel blocks */
  const uint64_t nPB = ceil_div(Mg, (uint64_t)(m->p * m->t)); /* filter pass blocks */
  const uint64_t nMB = ceil_div(Mg, (uint64_t)m->m);          /* GLB filter blocks */
  const uint64_t nQ = ceil_div(Cg, (uint64_t)m->q);           /* q-channel groups: active sets */
  const uint64_t nP = ceil_div(Mg, (uint64_t)m->p);           /* p-filter groups: active groups */
  const uint64_t macs = MUL(MUL(MUL(N, Mg), MUL(Cg, E)), MUL(F, MUL(R, S)));
  const uint64_t fw = MUL(MUL(Mg, Cg), MUL(R, S));  /* filter words */
  const uint64_t outs = MUL(MUL(N, Mg), MUL(E, F)); /* ofmap words */
  /* Filter columns: a filter word goes to every column of its set that computes
   * a row of the GLB tile: e per tile, fewer in a last tile shorter than e. */
  const uint64_t last = E - (nG - 1) * (uint64_t)m->eg;
  const uint64_t cols_used = (nG - 1) * (uint64_t)m->e + EY_MIN(last, (uint64_t)m->e);

  c->macs = macs;
  /* Gated: every padding tap, and the expected share of the real taps whose
   * ifmap value is zero (the layer's zero fraction), as the engine's PEs gate
   * the zeros they meet. */
  c->macs_gated = a->zero_gating ? MUL(MUL(N, Mg), MUL(Cg, g->gated)) : 0;
  if (a->zero_gating && g->zeros > 0 && macs != UINT64_MAX && c->macs_gated != UINT64_MAX)
    c->macs_gated += (uint64_t)llround((double)(macs - c->macs_gated) * g->zeros);
  /* A saturated count stays saturated: `done` is UINT64_MAX when macs is. */
  const uint64_t done = macs == UINT64_MAX ? UINT64_MAX : macs - c->macs_gated;

  c->spad_writes[EY_FILTER] = MUL(MUL(nN, fw), cols_used);
  c->spad_reads[EY_FILTER] = done;
  c->spad_writes[EY_IFMAP] = MUL(MUL(MUL(N, Cg), MUL(R, E)), MUL(g->wneed, nP));
  c->spad_reads[EY_IFMAP] = macs;
  /* Each MAC reads and writes its psum; each PE reads every finished psum once
   * to send it up the chain (the drain). */
  c->spad_reads[EY_PSUM] = ADD(done, MUL(MUL(MUL(N, E), MUL(R, F)), MUL(nQ, Mg)));
  c->spad_writes[EY_PSUM] = done;

  c->noc_filter = MUL(MUL(nN, nG), fw);
  c->noc_filter_delivered = c->spad_writes[EY_FILTER];
  c->noc_ifmap = MUL(MUL(MUL(N, Cg), MUL(g->wneed, nPB)), es->rows_padded);
  c->noc_ifmap_delivered = c->spad_writes[EY_IFMAP];
  c->noc_psum_in = MUL(outs, nCB - 1);
  c->noc_psum_local = MUL(outs, R * nQ - nCB);
  c->noc_psum_out = MUL(outs, nCB);
  if (a->noc_impl != EY_NOC_HMESH) {
    /* X buses (docs/mapping.md, placement): the PEs that take ifmap row y of a
     * strip starting at output row os, (i, j) with (os + j)*U + i = y, sit on
     * rows of their own within a band (the Hg filter groups of one vertical slot
     * v, side by side on the same rows), so a pass block of ng groups enters
     * ceil(ng / Hg) bands' rows. A filter word enters one X bus per fold segment
     * its columns reach. The bus runs one channel group at a time (g = 1,
     * ey_mapping_check), so no group straddles two bands. */
    const uint64_t ecol = (uint64_t)EY_MIN(m->e, a->cols), Hg = (uint64_t)a->cols / ecol;
    const blocks pb = cut(g->Mg, m->p * m->t);
    uint64_t bands = 0; /* sum over filter pass blocks of their bands of sets */
    for (int k = 0; k < 2; k++)
      bands = ADD(bands,
                  MUL(pb.count[k], ceil_div(ceil_div((uint64_t)pb.size[k], (uint64_t)m->p), Hg)));
    c->noc_ifmap_xbuses = MUL(MUL(MUL(N, Cg), MUL(R, E)), MUL(g->wneed, bands));
    const uint64_t segs = ADD(MUL(nG - 1, ceil_div((uint64_t)m->e, ecol)),
                              ceil_div(EY_MIN(last, (uint64_t)m->e), ecol));
    c->noc_filter_xbuses = MUL(MUL(nN, fw), segs);
  }

  c->dram_reads[EY_IFMAP] = MUL(MUL(MUL(N, Cg), MUL(nMB, (uint64_t)g->W)), gs->rows_real);
  c->dram_reads[EY_FILTER] = MUL(MUL(nN, nG), fw);
  c->dram_writes[EY_PSUM] = outs;
  c->glb_writes[EY_IFMAP] = c->dram_reads[EY_IFMAP];
  c->glb_reads[EY_IFMAP] = MUL(MUL(MUL(N, Cg), MUL(nPB, es->rows_real)), g->real_cols);
  /* Staged filters are written to the GLB and read out once; direct ones bypass it. */
  c->glb_writes[EY_FILTER] = a->filter_direct ? 0 : c->dram_reads[EY_FILTER];
  c->glb_reads[EY_FILTER] = a->filter_direct ? 0 : c->dram_reads[EY_FILTER];
  c->glb_writes[EY_PSUM] = MUL(outs, nCB);
  c->glb_reads[EY_PSUM] = ADD(MUL(outs, nCB - 1), outs); /* psums back in, then the ofmap out */

  /* Everything above is per group, and the same whether groups run one after
   * another or side by side (g > 1): they share no data. */
  const uint64_t G = (uint64_t)g->G, nGB = ceil_div(G, (uint64_t)m->g); /* group blocks */
  const uint64_t ga = (uint64_t)EY_MIN(m->g, g->G);
  uint64_t *all[] = {
      &c->macs,         &c->macs_gated,           &c->noc_ifmap,        &c->noc_ifmap_delivered,
      &c->noc_filter,   &c->noc_filter_delivered, &c->noc_psum_in,      &c->noc_psum_local,
      &c->noc_psum_out, &c->noc_ifmap_xbuses,     &c->noc_filter_xbuses};
  for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) *all[i] = MUL(*all[i], G);
  for (int t = 0; t < EY_NTYPES; t++) {
    c->spad_reads[t] = MUL(c->spad_reads[t], G);
    c->spad_writes[t] = MUL(c->spad_writes[t], G);
    c->glb_reads[t] = MUL(c->glb_reads[t], G);
    c->glb_writes[t] = MUL(c->glb_writes[t], G);
    c->dram_reads[t] = MUL(c->dram_reads[t], G);
    c->dram_writes[t] = MUL(c->dram_writes[t], G);
  }
  /* The mesh's links (over group blocks, not per group: groups side by side
   * share routers' trees), unless left out: they only add energy. */
  if (a->noc_impl == EY_NOC_HMESH && !bound && lk) mesh_links(g, a, m, lk, c, checked);

  /* Cycles: on-chip work, bounded below by the DRAM link's transfer time. DRAM
   * overlaps the work only where the engine can prefetch: the next ifmap tile
   * when the GLB holds two ifmap tiles beside the psum tile (else the rows of it
   * that fit beside the current one), the next filter block when the staging
   * region holds one (as far as the passes cover its fetch). Otherwise every
   * such transfer (and its latency) is waited for, as are the ofmap writes the
   * next psum tile waits for (docs/mapping.md). A lower bound counts no waits. */
  out->pass_cycles = pass_cycles; /* of every group block */
  out->load_cycles = MUL(MUL(nN, nG), load_unit);
  /* The bits on the DRAM bus: words of word_bits, but with dram.rlc ifmap reads
   * and ofmap writes as RLC-coded rows of their expected size (ey_geom). */
  const uint64_t wb = (uint64_t)a->word_bits;
  uint64_t other = c->dram_writes[EY_IFMAP]; /* words that are never coded */
  for (int t = EY_FILTER; t < EY_NTYPES; t++) other = ADD(other, c->dram_reads[t]);
  other = ADD(other, c->dram_writes[EY_FILTER]);
  uint64_t ifmap_bits = MUL(c->dram_reads[EY_IFMAP], wb),
           ofmap_bits = MUL(c->dram_writes[EY_PSUM], wb);
  if (a->dram_rlc) {
    const double rows_in = (double)c->dram_reads[EY_IFMAP] / (double)g->W,
                 rows_out = (double)c->dram_writes[EY_PSUM] / (double)g->F;
    double coded_in = rows_in * g->rlc_ifmap_row_bits, coded_out = rows_out * g->rlc_ofmap_row_bits;
    if (!a->rlc_rows) {
      /* A stream: 64 bits per three pairs, and for each run of rows adjacent in
       * DRAM that a transfer moves, the words it only partly fills: 2/3 of a word
       * on average for a read, which starts anywhere in a word, and 1/3 for a
       * write, coded from a fresh word. A run is a strip of one image's channel
       * (a row, when the stride skips rows), or, when a tile holds every row,
       * an image's channel block; written, a strip of one image's filter, or an
       * image's filter block when the write holds every row. */
      const uint64_t eg = (uint64_t)EY_MIN(m->eg, g->E),
                     wrows = a->ofmap_per_pass ? EY_MIN((uint64_t)m->e, eg) : eg,
                     wstrips = a->ofmap_per_pass ? MUL(nG, ceil_div(eg, (uint64_t)m->e)) : nG;
      const double GN = (double)G * (double)N;
      const double runs_in = g->U > g->R ? rows_in
                             : nG == 1   ? GN * (double)nCB * (double)nMB
                                         : GN * (double)Cg * (double)nMB * (double)nG;
      const double runs_out = wrows >= E ? GN * (double)(a->ofmap_per_pass ? nPB : nMB)
                                         : GN * (double)Mg * (double)wstrips;
      coded_in = 64.0 * (rows_in * g->rlc_ifmap_row_pairs / 3.0 + runs_in * 2.0 / 3.0);
      coded_out = 64.0 * (rows_out * g->rlc_ofmap_row_pairs / 3.0 + runs_out / 3.0);
    }
    /* An expectation of 2^63 bits or more stands as an overflow (refused). */
    ifmap_bits = coded_in < 9.2e18 ? (uint64_t)llround(coded_in) : UINT64_MAX;
    ofmap_bits = coded_out < 9.2e18 ? (uint64_t)llround(coded_out) : UINT64_MAX;
  }
  const uint64_t dram_bits = ADD(MUL(other, wb), ADD(ifmap_bits, ofmap_bits));
  out->dram_bits = dram_bits;
  out->dram_cycles = link_to_core(a, ceil_div(dram_bits, (uint64_t)a->dram_bus_bits), checked);
  out->glb_ifmap_bits = ifmap_tile_bits(g, a, m, gs, checked);
  out->glb_psum_bits = psum_tile_bits(g, a, m, checked);
  const uint64_t block_bits = ey_filter_block_bits(a, g, m);
  out->glb_filter_bits = ey_staging_bits(a, block_bits);
  const uint64_t cap = ey_glb_tile_bits(a, out->glb_filter_bits);
  if (!bound) {
    const uint64_t lat = (uint64_t)a->dram_latency;
    const uint64_t tiles = MUL(MUL(MUL(nN, nMB), MUL(nG, nCB)), nGB); /* ifmap tile loads */
    /* The ifmap bits of one tile read while the tile before is in use: all of it
     * with two tiles' room, the rows that fit beside it in the ring, else none. */
    uint64_t ahead = tiles > 1 ? ifmap_bits / tiles : 0;
    /* The first reads and the in-order queue below. The queue's order is
     * dram.demand_first's (a tile's first filter read ahead of the next tile's);
     * without it the estimate does not model it. Not on the mesh with
     * word-interleaved banks: its estimate misses their conflicts, and there these
     * terms made the mapper's choices 2-5 % worse in EDP; with clustered banks they
     * lower the engine's EDP (docs/mesh.md). */
    const int queue = a->dram_demand_first && (a->noc_impl != EY_NOC_HMESH || a->glb_clustered);
    const int dbuf = ey_ifmap_double_buffer(cap, out->glb_ifmap_bits, out->glb_psum_bits);
    if (queue && dbuf) {
      /* The first tile has none before it to hide behind. */
      out->dram_exposed_cycles =
          ADD(out->dram_exposed_cycles,
              link_to_core(
                  a, ADD(ceil_div(ceil_div(ifmap_bits, tiles), (uint64_t)a->dram_bus_bits), lat),
                  checked));
    } else if (!dbuf) {
      ahead = 0;
      /* The ring (ey_ifmap_ring_words): each tile after the first has the rows
       * that fit beside the one before read while that one is in use; the rest,
       * and every latency, are waited for. The largest tile stands for all. */
      const uint64_t W = (uint64_t)g->W;
      const uint64_t ring =
          tiles > 1 ? ey_ifmap_ring_words(a, cap, out->glb_ifmap_bits, out->glb_psum_bits, W) : 0;
      uint64_t shown = ifmap_bits;
      if (ring && ifmap_bits < UINT64_MAX) { /* (a saturated count stands) */
        const uint64_t tile = out->glb_ifmap_bits / wb;
        const double early = (double)EY_MIN((ring - ey_ring_span(a, tile)) / W * W, tile) /
                             (double)tile * (double)(tiles - 1) / (double)tiles;
        shown = (uint64_t)llround((double)ifmap_bits * (1.0 - early));
        ahead = ifmap_bits > shown ? (ifmap_bits - shown) / (tiles - 1) : 0;
      }
      out->dram_exposed_cycles =
          ADD(out->dram_exposed_cycles,
              link_to_core(a, ADD(ceil_div(shown, (uint64_t)a->dram_bus_bits), MUL(tiles, lat)),
                           checked));
    }
    if (!ey_filter_prefetch(a, block_bits)) {
      uint64_t nblocks = MUL(MUL(MUL(nN, nG), MUL(nCB, nPB)), nGB);
      const uint64_t xfer = ceil_div(MUL(c->dram_reads[EY_FILTER], (uint64_t)a->word_bits),
                                     (uint64_t)a->dram_bus_bits);
      uint64_t exposed = link_to_core(a, ADD(xfer, MUL(nblocks, lat)), checked);
      /* Direct filters load as they arrive: after its latency a block takes the
       * longer of its transfer (its last word a cycle later) and its load. The
       * sums stand for the sum of the maxima (a lower bound of it). */
      if (a->filter_direct) {
        const uint64_t t = ADD(link_to_core(a, xfer, checked), nblocks);
        exposed = ADD(link_to_core(a, MUL(nblocks, lat), checked),
                      t > out->load_cycles ? t - out->load_cycles : 0);
      }
      out->dram_exposed_cycles = ADD(out->dram_exposed_cycles, exposed);
    } else {
      /* Prefetched blocks: the next block is fetched once this one is in the
       * spads, and loaded once it has come and this one's passes are done. So a
       * block's fetch hides behind its predecessor's passes but never behind a
       * load: the filters alone take the loads plus the fetches (each with its
       * latency), and whatever of the fetches the passes do not cover shows. */
      const uint64_t nblocks = MUL(MUL(MUL(nN, nG), MUL(nCB, nPB)), nGB);
      const uint64_t xfer = ceil_div(MUL(c->dram_reads[EY_FILTER], (uint64_t)a->word_bits),
                                     (uint64_t)a->dram_bus_bits);
      const uint64_t fetch = link_to_core(a, ADD(xfer, MUL(nblocks, lat)), checked),
                     f1 = link_to_core(a, ADD(ceil_div(xfer, nblocks), lat), checked),
                     p1 = ceil_div(out->pass_cycles, nblocks),
                     l1 = ceil_div(out->load_cycles, nblocks);
      /* The first block's fetch has no passes before it; every later one has
       * its predecessor's. */
      const uint64_t rest = queue ? (fetch > f1 ? fetch - f1 : 0) : fetch,
                     under = queue ? (out->pass_cycles > p1 ? out->pass_cycles - p1 : 0)
                                   : out->pass_cycles;
      if (queue) out->dram_exposed_cycles = ADD(out->dram_exposed_cycles, f1);
      if (rest > under) out->dram_exposed_cycles = ADD(out->dram_exposed_cycles, rest - under);
      /* DRAM serves requests in order. A tile's next-tile read goes out as the
       * tile starts (once its first block's filters are in), and the second
       * block's fetch, made after the first block's load, queues behind it. So
       * with two blocks or more a tile, that fetch ends the read's transfer less
       * the load, plus its own, after the load: beyond the longer of the first
       * block's passes and its fetch, which the term above counts, it shows. */
      if (queue && ahead && nblocks > tiles) {
        const uint64_t rd =
            link_to_core(a, ADD(ceil_div(ahead, (uint64_t)a->dram_bus_bits), lat), checked);
        const uint64_t waits = ADD(rd > l1 ? rd - l1 : 0, f1), covered = EY_MAX(p1, f1);
        if (waits > covered)
          out->dram_exposed_cycles = ADD(out->dram_exposed_cycles, MUL(tiles - 1, waits - covered));
      }
    }
    /* Ofmap writes. The psums stay in the GLB until their write has gone, and the
     * next psum tile's first pass overwrites them: with glb.ofmap_writes tile,
     * each tile's write is waited for (the last one by the layer's end). With
     * pass, a pass's write has the rest of its tile to go; only the last one is
     * waited for. */
    const uint64_t writes = a->ofmap_per_pass
                                ? MUL(MUL(nN, nGB), MUL(nPB, ceil_div(E, (uint64_t)m->e)))
                                : MUL(MUL(nN, nG), MUL(nMB, nGB));
    const uint64_t shown = a->ofmap_per_pass ? ceil_div(ofmap_bits, writes) : ofmap_bits;
    out->dram_exposed_cycles =
        ADD(out->dram_exposed_cycles, link_to_core(a,
                                                   ADD(ceil_div(shown, (uint64_t)a->dram_bus_bits),
                                                       a->ofmap_per_pass ? lat : MUL(writes, lat)),
                                                   checked));
  }
  out->cycles = EY_MAX(ADD(ADD(out->pass_cycles, out->load_cycles), out->dram_exposed_cycles),
                       out->dram_cycles);
  out->passes = MUL(MUL(MUL(nN, ceil_div(E, (uint64_t)m->e)), MUL(nCB, nPB)), nGB);
  out->active_pes =
      (int)ga * EY_MIN(m->t, (int)nP) * EY_MIN(m->r, (int)nQ) * g->R * EY_MIN(m->e, g->E);
  /* DRAM energy follows the bits on the bus, as the engine's report counts
   * them: with dram.rlc, ifmap reads and ofmap writes at their expected size. */
  const uint64_t bits[EY_NTYPES] = {
      [EY_IFMAP] = ADD(ifmap_bits, MUL(c->dram_writes[EY_IFMAP], wb)),
      [EY_FILTER] = MUL(ADD(c->dram_reads[EY_FILTER], c->dram_writes[EY_FILTER]), wb),
      [EY_PSUM] = ADD(MUL(c->dram_reads[EY_PSUM], wb), ofmap_bits)};
  out->energy_total = ey_energy_of(c, a, bits, out->energy);
}

void ey__cost_fill(const ey_geom *g, const ey_arch *a, const ey_mapping *m, const ey__esums *es,
                   const ey__gsums *gs, uint64_t pass_cycles, uint64_t load_unit, int bound,
                   const ey__links *lk, int checked, ey_cost *out) {
  if (checked)
    cost_fill(g, a, m, es, gs, pass_cycles, load_unit, bound, lk, out, 1);
  else
    cost_fill(g, a, m, es, gs, pass_cycles, load_unit, bound, lk, out, 0);
}

int ey__counts_may_overflow(const ey_geom *g, const ey_arch *a) {
  /* Upper bounds of every count and intermediate of cost_fill() over the legal
   * mappings (n <= N, p <= M', q <= C', e <= E, ...), in floating point: each is
   * the images, groups, filters, channels and output rows D·E times a term of
   * the layer's geometry (docs/mapping.md's formulas, bounded one by one), and
   * the cycle terms scale by the word, clock and latency keys. */
  const double D = (double)g->N * g->G * g->Mg * g->Cg, E = g->E, F = g->F, R = g->R, S = g->S,
               U = g->U, Hp = g->H + 2.0 * g->P, Wp = g->W + 2.0 * g->P;
  /* On the mesh a word crosses at most every link of the mesh, fewer than two
   * per cluster: the ifmap and filter transfers' terms times that. */
  const double links = a->noc_impl == EY_NOC_HMESH ? 2.0 * (a->rows / a->mesh_cluster_rows) *
                                                         (a->cols / a->mesh_cluster_cols)
                                                   : 0;
  const double x = D * E *
                   (F * S * (R + U + 2) + 2 * F * R + Hp * Wp + Wp * (R + U) + 18 + R * g->Cg +
                    2 * R * S + (Wp * (R + U) + R * S) * links);
  const double lat = (double)a->dram_latency + 1, clk = (double)a->core_mhz + 1;
  const double bound = 64.0 * (x * 16 * 64 + D * E * lat) * clk;
  return !(bound < 9.2e18 / 64); /* a margin of 64 on the sums of these terms */
}

const char *ey__cost_overflow(const ey_cost *c) {
  const struct {
    const char *name;
    uint64_t v;
  } k[] = {{"macs", c->c.macs},
           {"macs", c->c.macs_gated},
           {"spad reads", c->c.spad_reads[EY_IFMAP]},
           {"spad reads", c->c.spad_reads[EY_FILTER]},
           {"spad reads", c->c.spad_reads[EY_PSUM]},
           {"spad writes", c->c.spad_writes[EY_IFMAP]},
           {"spad writes", c->c.spad_writes[EY_FILTER]},
           {"spad writes", c->c.spad_writes[EY_PSUM]},
           {"NoC transfers", c->c.noc_ifmap},
           {"NoC transfers", c->c.noc_ifmap_delivered},
           {"NoC transfers", c->c.noc_filter},
           {"NoC transfers", c->c.noc_filter_delivered},
           {"NoC transfers", c->c.noc_psum_in},
           {"NoC transfers", c->c.noc_psum_local},
           {"NoC transfers", c->c.noc_psum_out},
           {"NoC X buses", c->c.noc_ifmap_xbuses},
           {"NoC X buses", c->c.noc_filter_xbuses},
           {"NoC mesh links", c->c.noc_ifmap_links_x},
           {"NoC mesh links", c->c.noc_ifmap_links_y},
           {"NoC mesh links", c->c.noc_filter_links},
           {"GLB reads", c->c.glb_reads[EY_IFMAP]},
           {"GLB reads", c->c.glb_reads[EY_FILTER]},
           {"GLB reads", c->c.glb_reads[EY_PSUM]},
           {"GLB writes", c->c.glb_writes[EY_IFMAP]},
           {"GLB writes", c->c.glb_writes[EY_FILTER]},
           {"GLB writes", c->c.glb_writes[EY_PSUM]},
           {"DRAM reads", c->c.dram_reads[EY_IFMAP]},
           {"DRAM reads", c->c.dram_reads[EY_FILTER]},
           {"DRAM reads", c->c.dram_reads[EY_PSUM]},
           {"DRAM writes", c->c.dram_writes[EY_IFMAP]},
           {"DRAM writes", c->c.dram_writes[EY_FILTER]},
           {"DRAM writes", c->c.dram_writes[EY_PSUM]},
           {"cycles", c->cycles},
           {"cycles", c->pass_cycles},
           {"cycles", c->load_cycles},
           {"cycles", c->dram_cycles},
           {"cycles", c->dram_exposed_cycles},
           {"DRAM bits", c->dram_bits},
           {"passes", c->passes},
           {"GLB tile bits", c->glb_ifmap_bits},
           {"GLB tile bits", c->glb_psum_bits}};
  _Static_assert(sizeof(ey_counts) == 32 * sizeof(uint64_t), "a new counter: list it above");
  for (size_t i = 0; i < sizeof k / sizeof k[0]; i++)
    if (k[i].v == UINT64_MAX) return k[i].name;
  return NULL;
}

int ey__layer_overflow(const ey_layer *l, char *buf, size_t cap) {
  const uint64_t f[7] = {(uint64_t)l->N, (uint64_t)l->M, (uint64_t)(l->C / l->groups),
                         (uint64_t)l->E, (uint64_t)l->F, (uint64_t)l->R,
                         (uint64_t)l->S};
  if (ey_mul_n(f, 7) != UINT64_MAX) return 0;
  snprintf(buf, cap,
           "counts: expected counts that fit 64 bits (got macs N*M*(C/groups)*E*F*R*S = "
           "%d*%d*%d*%d*%d*%d*%d, 2^64 or more)",
           l->N, l->M, l->C / l->groups, l->E, l->F, l->R, l->S);
  return 1;
}

double ey_energy_of(const ey_counts *c, const ey_arch *a, const uint64_t dram_bits[EY_NTYPES],
                    double en[EY_NLEVELS][EY_NTYPES]) {
  /* Accesses × cost per access. MACs are booked under psum; gated ones are free.
   * With energy.ref_bits, a cost is for a word of that width: a word of b bits
   * costs b / ref_bits of it (wb for data, pb for psums), a MAC the square of
   * the data's share. */
  memset(en, 0, sizeof(double) * EY_NLEVELS * EY_NTYPES);
  const double ref = (double)a->e_ref_bits;
  const double wb = ref > 0 ? a->word_bits / ref : 1, pb = ref > 0 ? a->psum_bits / ref : 1;
  const double width[EY_NTYPES] = {[EY_IFMAP] = wb, [EY_FILTER] = wb, [EY_PSUM] = pb};
  en[EY_LV_MAC][EY_PSUM] = (double)(c->macs - c->macs_gated) * a->e_mac * wb * wb;
  /* NoC (docs/energy.md): each receiver of a word, and each PE pitch of wire the
   * word charges. On the multicast bus a packet charges the whole Y bus (rows
   * pitches) and every X bus it enters (cols pitches); a psum GIN word is one
   * such packet to one PE; a GON word goes the other way along one X bus and the
   * Y bus to the GLB. A psum link is one pitch. On the hierarchical mesh a word
   * charges each link it crosses between router clusters, a cluster's width
   * (east-west) or height (north-south) in pitches; inside a cluster, its
   * receivers' cost stands for the wire. */
  const int bus = a->noc_impl != EY_NOC_HMESH;
  const double y = bus ? (double)a->rows : 0, x = bus ? (double)a->cols : 0;
  const double cw = bus ? 0 : (double)a->mesh_cluster_cols,
               ch = bus ? 0 : (double)a->mesh_cluster_rows;
  const double psum_bus = (double)(c->noc_psum_in + c->noc_psum_out);
  en[EY_LV_NOC][EY_IFMAP] =
      (double)c->noc_ifmap_delivered * a->e_noc +
      ((double)c->noc_ifmap * y + (double)c->noc_ifmap_xbuses * x +
       (double)c->noc_ifmap_links_x * cw + (double)c->noc_ifmap_links_y * ch) *
          a->e_noc_wire;
  en[EY_LV_NOC][EY_FILTER] = (double)c->noc_filter_delivered * a->e_noc +
                             ((double)c->noc_filter * y + (double)c->noc_filter_xbuses * x +
                              (double)c->noc_filter_links * cw) *
                                 a->e_noc_wire;
  en[EY_LV_NOC][EY_PSUM] = (psum_bus + (double)c->noc_psum_local) * a->e_noc +
                           (psum_bus * (y + x) + (double)c->noc_psum_local) * a->e_noc_wire;
  for (int t = 0; t < EY_NTYPES; t++) {
    en[EY_LV_NOC][t] *= width[t];
    en[EY_LV_SPAD][t] = (double)(c->spad_reads[t] + c->spad_writes[t]) * a->e_spad * width[t];
    en[EY_LV_GLB][t] = (double)(c->glb_reads[t] + c->glb_writes[t]) * a->e_glb * width[t];
    /* DRAM: the bits on the bus, whatever they hold (the ofmap goes out as data
     * words), in words of data.word_bits, or of ref_bits. */
    const double words = dram_bits ? (double)dram_bits[t] / a->word_bits
                                   : (double)(c->dram_reads[t] + c->dram_writes[t]);
    en[EY_LV_DRAM][t] = words * wb * a->e_dram;
  }
  double total = 0;
  for (int lv = 0; lv < EY_NLEVELS; lv++)
    for (int t = 0; t < EY_NTYPES; t++) total += en[lv][t];
  return total;
}

ey_rc ey_mapping_check(const ey_layer *l, const ey_arch *a, const ey_mapping *m, ey_err *err) {
  ey_geom g;
  ey_geom_init(&g, l);
  const int vals[] = {m->n, m->p, m->q, m->r, m->t, m->e, m->eg, m->m, m->g};
  const char *names[] = {"n", "p", "q", "r", "t", "e", "eg", "m", "g"};
  for (int i = 0; i < 9; i++)
    if (vals[i] < 1)
      return ey_err_set(err, EY_MISMATCH, "%s: must be at least 1 (got %d)", names[i], vals[i]);
  if (g.R > a->rows)
    return ey_err_set(err, EY_MISMATCH, "R: a filter of height %d needs %d PE rows (got %d rows)",
                      g.R, g.R, a->rows);
  if (m->n > g.N)
    return ey_err_set(err, EY_MISMATCH, "n: must be at most the batch N = %d (got %d)", g.N, m->n);
  if (m->p > g.Mg || m->p > a->psum_spad_words)
    return ey_err_set(err, EY_MISMATCH,
                      "p: must be at most M/groups = %d and pe.psum_spad_words = %d (got %d)", g.Mg,
                      a->psum_spad_words, m->p);
  if (m->q > g.Cg || m->q * g.S > a->ifmap_spad_words)
    return ey_err_set(err, EY_MISMATCH,
                      "q: must be at most C/groups = %d with q*S at most pe.ifmap_spad_words = %d "
                      "(got q=%d, S=%d)",
                      g.Cg, a->ifmap_spad_words, m->q, g.S);
  if ((int64_t)m->p * m->q * g.S > a->filter_spad_words)
    return ey_err_set(err, EY_MISMATCH,
                      "p: p*q*S must be at most pe.filter_spad_words = %d (got p=%d, q=%d, S=%d)",
                      a->filter_spad_words, m->p, m->q, g.S);
  if (m->r > EY_CEIL_DIV(g.Cg, m->q))
    return ey_err_set(err, EY_MISMATCH, "r: must be at most ceil(C/groups / q) = %d (got %d)",
                      EY_CEIL_DIV(g.Cg, m->q), m->r);
  if (m->t > EY_CEIL_DIV(g.Mg, m->p))
    return ey_err_set(err, EY_MISMATCH, "t: must be at most ceil(M/groups / p) = %d (got %d)",
                      EY_CEIL_DIV(g.Mg, m->p), m->t);
  if (m->e > g.E)
    return ey_err_set(err, EY_MISMATCH, "e: must be at most E = %d (got %d)", g.E, m->e);
  int k = EY_CEIL_DIV(m->e, a->cols);
  if ((int64_t)k * m->r * g.R > a->rows)
    return ey_err_set(err, EY_MISMATCH,
                      "r: a group of r sets of %d x %d PEs folded into %d segments needs %d PE "
                      "rows (got r=%d, %d rows)",
                      g.R, m->e, k, k * m->r * g.R, m->r, a->rows);
  int slots = (a->rows / (k * m->r * g.R)) * (a->cols / EY_MIN(m->e, a->cols));
  if (m->t > slots)
    return ey_err_set(err, EY_MISMATCH,
                      "t: only %d groups of r=%d sets of width e=%d fit the %dx%d array (got %d)",
                      slots, m->r, m->e, a->rows, a->cols, m->t);
  if (m->g > g.G)
    return ey_err_set(err, EY_MISMATCH, "g: must be at most the layer's groups = %d (got %d)", g.G,
                      m->g);
  if (m->g > 1 && a->noc_impl != EY_NOC_HMESH)
    return ey_err_set(err, EY_MISMATCH,
                      "g: groups side by side need noc.impl: hierarchical-mesh; the multicast "
                      "bus gives a PE row one ID (got g=%d)",
                      m->g);
  if ((int64_t)m->t * m->g > slots)
    return ey_err_set(err, EY_MISMATCH,
                      "g: only %d PE groups of r=%d sets of width e=%d fit the %dx%d array, and "
                      "g*t = %d*%d need more",
                      slots, m->r, m->e, a->rows, a->cols, m->g, m->t);
  if (m->eg % m->e || m->eg > EY_CEIL_DIV(g.E, m->e) * m->e)
    return ey_err_set(err, EY_MISMATCH, "eg: must be a multiple of e = %d, at most %d (got %d)",
                      m->e, EY_CEIL_DIV(g.E, m->e) * m->e, m->eg);
  int pt = m->p * m->t;
  if (m->m % pt || m->m > EY_CEIL_DIV(g.Mg, pt) * pt)
    return ey_err_set(err, EY_MISMATCH, "m: must be a multiple of p*t = %d, at most %d (got %d)",
                      pt, EY_CEIL_DIV(g.Mg, pt) * pt, m->m);
  ey__gsums gs;
  ey__gsums_init(&g, m->eg, &gs);
  const int checked = 1; /* one mapping: no need to save time */
  uint64_t need = ADD(ifmap_tile_bits(&g, a, m, &gs, 1), psum_tile_bits(&g, a, m, 1));
  const uint64_t staging = ey_staging_bits(a, ey_filter_block_bits(a, &g, m));
  uint64_t avail = ey_glb_tile_bits(a, staging);
  if (need > avail)
    return ey_err_set(err, EY_MISMATCH,
                      "m: the ifmap and psum tiles need %llu bits of GLB, more than the %llu "
                      "beside the %llu of the filter staging region (got m=%d, eg=%d, n=%d)",
                      (unsigned long long)need, (unsigned long long)avail,
                      (unsigned long long)staging, m->m, m->eg, m->n);
  /* The analytic counts of the mapping must fit their 64-bit counters. */
  char why[200];
  if (ey__layer_overflow(l, why, sizeof why)) return ey_err_set(err, EY_MISMATCH, "%s", why);
  ey_cost c;
  ey_mapping_cost(l, a, m, &c);
  const char *what = ey__cost_overflow(&c);
  if (what)
    return ey_err_set(err, EY_MISMATCH,
                      "counts: expected counts that fit 64 bits (got %s of 2^64 or more with this "
                      "mapping)",
                      what);
  return EY_OK;
}

void ey_mapping_cost(const ey_layer *l, const ey_arch *a, const ey_mapping *m, ey_cost *out) {
  ey_geom g;
  ey__esums es;
  ey__gsums gs;
  ey_geom_init(&g, l);
  ey__esums_init(&g, m->e, &es);
  ey__gsums_init(&g, m->eg, &gs);
  ey__links lk = {0, 0, 0};
  if (a->noc_impl == EY_NOC_HMESH && mesh_ifmap_links(&g, a, m, &lk, 1) != EY_OK)
    lk.valid = -1; /* out of memory: saturated counts refuse the mapping */
  cost_fill(&g, a, m, &es, &gs, pass_cycles(&g, a, m, NULL, 1), load_cycles_unit(&g, a, m, NULL, 1),
            0, &lk, out, 1);
}

double ey_objective_value(const ey_cost *c, int objective) {
  switch (objective) {
    case EY_OBJ_CYCLES:
      return (double)c->cycles;
    case EY_OBJ_EDP:
      return c->energy_total * (double)c->cycles;
    default:
      return c->energy_total;
  }
}
