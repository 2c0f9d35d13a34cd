/* mesh.c - the placement rules of the hierarchical mesh that the analytic model
 * and the engine share (mapper.h, docs/mesh.md). */
#include <stdlib.h>

#include "mapper/mapper.h"

/* The clusters channel set (gi, ri) spans, as a box of cluster rows r0..r1 and
 * columns c0..c1: its rows from its filter row 0 in the first segment of its
 * first vertical slot to its row R - 1 in the last segment of its last; its
 * columns from its first slot's to its last slot's, all columns when its slots
 * wrap into a second vertical slot. The sets of a slot start at column 0 of the
 * slot, and the slots of a vertical slot share their rows. */
static void set_box(const ey_arch *a, const ey_mapping *m, int R, int ng, int gi, int ri, int ea,
                    int box[4]) {
  const int ecol = EY_MIN(m->e, a->cols), k = EY_CEIL_DIV(m->e, a->cols), hg = a->cols / ecol;
  const int t0 = gi * ng, t1 = gi * ng + ng - 1, vlo = t0 / hg, vhi = t1 / hg;
  const int kmax = (ea - 1) / ecol, w = EY_MIN(ea, ecol);
  const int cr = a->mesh_cluster_rows, cc = a->mesh_cluster_cols, slot = k * m->r * R;
  const int h0 = vlo == vhi ? t0 % hg : 0, h1 = vlo == vhi ? t1 % hg : hg - 1;
  box[0] = (vlo * slot + ri * R) / cr;
  box[1] = (vhi * slot + kmax * m->r * R + ri * R + R - 1) / cr;
  box[2] = h0 * ecol / cc;
  box[3] = (h1 * ecol + w - 1) / cc;
}

static int root(int *parent, int s) {
  while (parent[s] != s) s = parent[s] = parent[parent[s]];
  return s;
}

int ey_mesh_ifmap_regions(const ey_arch *a, const ey_mapping *m, int R, int ng, int ns, int ga,
                          int ea, int *region, int *src, int *work) {
  const int nsets = ga * ns, ncx = a->cols / a->mesh_cluster_cols;
  const int ncells = ncx * (a->rows / a->mesh_cluster_rows);
  if (ga == 1) {
    /* Every set spans the same columns from 0, and set ri's rows start below
     * set ri - 1's: a region is a run of sets whose rows overlap (a band).
     * set_box() worked out for one group, in the search's inner loop. */
    const int ecol = EY_MIN(m->e, a->cols), hg = a->cols / ecol, cr = a->mesh_cluster_rows;
    const int span = (ng - 1) / hg * EY_CEIL_DIV(m->e, a->cols) * m->r * R +
                     (ea - 1) / ecol * m->r * R + R - 1; /* a set's last row from its first */
    int n = 0, end = -1;
    for (int s = 0; s < ns; s++) {
      const int lo = s * R / cr, hi = (s * R + span) / cr;
      if (lo > end) src[n++] = lo * ncx;
      region[s] = n - 1;
      if (hi > end) end = hi;
    }
    return n;
  }
  int *parent = work, *box = work + nsets, *owner = work + 5 * nsets;
  for (int s = 0; s < nsets; s++) {
    parent[s] = s;
    set_box(a, m, R, ng, s / ns, s % ns, ea, box + 4 * s);
  }
  /* Sets that share a cluster join, and so do regions whose boxes overlap,
   * until the regions' boxes are disjoint: a region's root is its first set,
   * which holds the box. */
  for (int changed = 1; changed;) {
    changed = 0;
    for (int c = 0; c < ncells; c++) owner[c] = -1;
    for (int s = 0; s < nsets; s++) {
      if (parent[s] != s) continue;
      int *b = box + 4 * s, merged = 0;
      for (int y = b[0]; y <= b[1] && !merged; y++)
        for (int x = b[2]; x <= b[3] && !merged; x++) {
          int *o = &owner[y * ncx + x];
          if (*o < 0) {
            *o = s;
            continue;
          }
          const int r = root(parent, *o); /* an earlier region: s joins it */
          int *rb = box + 4 * r;
          rb[0] = EY_MIN(rb[0], b[0]);
          rb[1] = EY_MAX(rb[1], b[1]);
          rb[2] = EY_MIN(rb[2], b[2]);
          rb[3] = EY_MAX(rb[3], b[3]);
          parent[s] = r;
          merged = changed = 1;
        }
    }
  }
  int n = 0;
  for (int s = 0; s < nsets; s++) {
    const int r = root(parent, s);
    if (r == s) {
      src[n] = box[4 * s] * ncx + box[4 * s + 2]; /* its first cluster */
      region[s] = n++;
    } else
      region[s] = region[r];
  }
  return n;
}

/* The farthest PEs of channel set (gi, ri), as place() (sim/engine/engine.c)
 * lays them out: the last row of its last fold (ea - kmax * ecol columns wide)
 * or of the fold before (ecol wide), in its last vertical slot (up to its last
 * group) or the slot before (every group of the row). Writes up to four
 * candidates as the PE row less ri * R, and the cluster column; returns how many. */
static int set_corners(const ey_arch *a, const ey_mapping *m, int R, int ng, int gi, int ea,
                       int *row, int *col) {
  const int ecol = EY_MIN(m->e, a->cols), k = EY_CEIL_DIV(m->e, a->cols), hg = a->cols / ecol;
  const int t0 = gi * ng, t1 = gi * ng + ng - 1, vlo = t0 / hg, vhi = t1 / hg;
  const int kmax = (ea - 1) / ecol, slot = k * m->r * R;
  int n = 0;
  for (int v = vhi; v >= vlo && v >= vhi - 1; v--) {
    const int hlast = (v == vhi ? t1 : v * hg + hg - 1) - v * hg;
    for (int kk = kmax; kk >= 0 && kk >= kmax - 1; kk--) {
      const int width = kk == kmax ? ea - kmax * ecol : ecol;
      row[n] = v * slot + kk * m->r * R + R - 1;
      col[n++] = (hlast * ecol + width - 1) / a->mesh_cluster_cols;
    }
  }
  return n;
}

int ey_mesh_ifmap_reach(const ey_arch *a, const ey_mapping *m, int R, int ng, int ns, int ga,
                        int ea, const int *region, const int *src) {
  const int ncx = a->cols / a->mesh_cluster_cols, cr = a->mesh_cluster_rows;
  int row[4], col[4], n = 0, gi = -1, most = 0;
  for (int s = 0; s < ga * ns; s++) {
    /* With one channel group every set spans the same columns and each set's
     * rows end below the last's, so a band's farthest PE is its last set's. */
    if (ga == 1 && s + 1 < ns && region[s + 1] == region[s]) continue;
    if (s / ns != gi) { /* one group's corners serve all its sets */
      gi = s / ns;
      n = set_corners(a, m, R, ng, gi, ea, row, col);
    }
    const int from = src[region[s]], ri = s % ns;
    for (int c = 0; c < n; c++)
      most = EY_MAX(most, (row[c] + ri * R) / cr - from / ncx + col[c] - from % ncx);
  }
  return most;
}

int ey_mesh_weight_sources(const ey_arch *a, int nh, int ecol, int w, int *src) {
  const int cc = a->mesh_cluster_cols;
  int ns = 0, hi = -1;
  for (int h = 0; h < nh; h++) {
    const int lo_cl = h * ecol / cc, hi_cl = (h * ecol + w - 1) / cc;
    if (lo_cl > hi) ns++;
    src[h] = ns - 1;
    if (hi_cl > hi) hi = hi_cl;
  }
  return ns;
}

int ey_mesh_ifmap_links(const ey_arch *a, const ey_mapping *m, int R, int U, int ng, int ns, int ga,
                        int ea, int ca, uint64_t links[2]) {
  const int nsets = ga * ns, planes = a->mesh_ifmap_routers, cr = a->mesh_cluster_rows,
            cc = a->mesh_cluster_cols, ncx = a->cols / cc;
  const int cells = ncx * (a->rows / cr);
  const int ecol = EY_MIN(m->e, a->cols), k = EY_CEIL_DIV(m->e, a->cols), hg = a->cols / ecol;
  const int step = EY_MIN(U, R); /* rows between a column's first row and the next's */
  const int nr = U <= R ? (ea - 1) * U + R : ea * R; /* the strip's rows (ey__rows_needed) */
  links[0] = links[1] = 0;
  /* Scratch: regions (ey_mesh_ifmap_regions), then per stream (region x router)
   * its slots' channels and its tree's row span per cluster column. */
  const size_t nreg = (size_t)nsets + (size_t)cells; /* region count is at most either */
  int *buf = malloc(sizeof *buf * (3 * (size_t)nsets + nreg + 5 * (size_t)nsets + (size_t)cells));
  if (!buf) return -1;
  int *region = buf, *rank = buf + nsets, *seen = rank + nsets, *src = seen + nsets,
      *work = src + nreg;
  const int nb = ey_mesh_ifmap_regions(a, m, R, ng, ns, ga, ea, region, src, ga > 1 ? work : NULL);
  const size_t nst = (size_t)nb * (size_t)planes;
  uint64_t *chans = calloc(nst, sizeof *chans);
  int *lo = malloc(sizeof *lo * nst * (size_t)ncx), *hi = malloc(sizeof *hi * nst * (size_t)ncx);
  if (!chans || !lo || !hi) {
    free(buf), free(chans), free(lo), free(hi);
    return -1;
  }
  for (size_t i = 0; i < nst * (size_t)ncx; i++) lo[i] = 1 << 30, hi[i] = -1;
  /* A region's slots (set, row) are numbered in set order, and slot z goes to
   * router z mod planes: a set's rank in its region fixes its slots' routers. */
  for (int b = 0; b < nb; b++) seen[b] = 0;
  for (int s = 0; s < nsets; s++) rank[s] = seen[region[s]]++;
  const int slot = k * m->r * R;
  for (int s = 0; s < nsets; s++) {
    const int gi = s / ns, ri = s % ns, b = region[s];
    const int qc = EY_MIN(m->q, ca - ri * m->q);
    for (int y = 0; y < nr; y++)
      chans[(size_t)b * planes + (size_t)(((int64_t)rank[s] * nr + y) % planes)] += (uint64_t)qc;
    /* Each PE takes one row of the strip: filter row i of column j takes row
     * j * step + i. Its cluster joins the tree of that row's router. */
    for (int ti = gi * ng; ti < gi * ng + ng; ti++) {
      const int v = ti / hg, h = ti % hg;
      for (int i = 0; i < R; i++)
        for (int j = 0; j < ea; j++) {
          const int row = v * slot + j / ecol * (m->r * R) + ri * R + i, col = h * ecol + j % ecol;
          const size_t st =
              (size_t)b * planes + (size_t)(((int64_t)rank[s] * nr + j * step + i) % planes);
          int *l = lo + st * (size_t)ncx + col / cc, *u = hi + st * (size_t)ncx + col / cc;
          if (row / cr < *l) *l = row / cr;
          if (row / cr > *u) *u = row / cr;
        }
    }
  }
  /* A stream's tree (noc/hmesh.c): along its source's row of clusters to the
   * farthest column it feeds each way, then in each column it feeds from the
   * source's row to the farthest row each way. */
  for (size_t st = 0; st < nst; st++) {
    if (!chans[st]) continue;
    const int from = src[st / (size_t)planes], sx = from % ncx, sy = from / ncx;
    const int *l = lo + st * (size_t)ncx, *u = hi + st * (size_t)ncx;
    int xmin = sx, xmax = sx;
    uint64_t vert = 0;
    for (int x = 0; x < ncx; x++) {
      if (l[x] > u[x]) continue;
      xmin = EY_MIN(xmin, x), xmax = EY_MAX(xmax, x);
      vert += (uint64_t)(EY_MAX(u[x] - sy, 0) + EY_MAX(sy - l[x], 0));
    }
    links[0] += chans[st] * (uint64_t)(xmax - xmin);
    links[1] += chans[st] * vert;
  }
  free(buf), free(chans), free(lo), free(hi);
  return 0;
}

uint64_t ey_mesh_filter_links(const ey_arch *a, const ey_mapping *m, int ga, int pa,
                              int cols_used) {
  const int ecol = EY_MIN(m->e, a->cols), hg = a->cols / ecol, cc = a->mesh_cluster_cols;
  const int ngg = EY_CEIL_DIV(pa, m->p), ng = ngg * ga;
  int src[1024]; /* hg <= pe_array.cols <= 1024 (sim/config/config.c) */
  if (hg > 1024) return UINT64_MAX;
  uint64_t total = 0;
  for (int v = 0; v <= (ng - 1) / hg; v++) {
    const int nh = EY_MIN(hg, ng - v * hg);
    for (int kk = 0; kk * ecol < cols_used; kk++) {
      const int w = EY_MIN(ecol, cols_used - kk * ecol);
      ey_mesh_weight_sources(a, nh, ecol, w, src);
      /* A source sits in its first set's cluster and sends its sets' filters
       * along the row to its last set's last column. */
      uint64_t words = 0;
      for (int h = 0, h0 = 0; h < nh; h++) {
        if (h > 0 && src[h] != src[h - 1]) h0 = h, words = 0;
        const int ti = v * hg + h;
        words += (uint64_t)EY_MIN(m->p, pa - ti % ngg * m->p);
        if (h + 1 == nh || src[h + 1] != src[h])
          total += words * (uint64_t)((h * ecol + w - 1) / cc - h0 * ecol / cc);
      }
    }
  }
  return total;
}
