/* mesh.c - the placement rules of the hierarchical mesh that the analytic model
 * and the engine share (mapper.h, docs/mesh.md). */
#include <assert.h>
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
  const int slot = k * m->r * R;
  links[0] = links[1] = 0;
  /* Scratch, all of it linear in the sets and the clusters: the regions
   * (ey_mesh_ifmap_regions: region, src, work), the sets in region order
   * (order, start), and for the region at hand each of its routers' slot
   * channels and tree span per cluster column (chans, lo, hi). */
  const size_t n = (size_t)nsets, nc = (size_t)cells, np = (size_t)planes * (size_t)ncx;
  int *buf = malloc(sizeof *buf * (n + (n + nc) + (5 * n + nc) + n + (n + nc + 1) + 2 * np));
  uint64_t *chans = malloc(sizeof *chans * (size_t)planes);
  if (!buf || !chans) {
    free(buf);
    free(chans);
    return -1;
  }
  int *region = buf, *src = region + n, *work = src + n + nc, *order = work + 5 * n + nc,
      *start = order + n, *lo = start + n + nc + 1, *hi = lo + np;
  const int nb = ey_mesh_ifmap_regions(a, m, R, ng, ns, ga, ea, region, src, ga > 1 ? work : NULL);
  /* The sets of each region, in set order: a region's slots (set, row) are
   * numbered in that order, and slot z goes to router z mod planes. */
  for (int b = 0; b <= nb; b++) start[b] = 0;
  for (int s = 0; s < nsets; s++) start[region[s] + 1]++;
  for (int b = 0; b < nb; b++) start[b + 1] += start[b];
  for (int s = 0; s < nsets; s++) order[start[region[s]]++] = s;
  for (int b = nb; b > 0; b--) start[b] = start[b - 1];
  start[0] = 0;
  for (int b = 0; b < nb; b++) {
    for (int p = 0; p < planes; p++) chans[p] = 0;
    for (size_t i = 0; i < np; i++) lo[i] = 1 << 30, hi[i] = -1;
    for (int z = start[b]; z < start[b + 1]; z++) {
      const int s = order[z], rank = z - start[b], gi = s / ns, ri = s % ns;
      const int qc = EY_MIN(m->q, ca - ri * m->q);
      for (int y = 0; y < nr; y++) chans[((int64_t)rank * nr + y) % planes] += (uint64_t)qc;
      /* Each PE takes one row of the strip: filter row i of column j takes row
       * j * step + i. Its cluster joins the tree of that row's router. */
      for (int ti = gi * ng; ti < gi * ng + ng; ti++) {
        const int v = ti / hg, h = ti % hg;
        for (int i = 0; i < R; i++)
          for (int j = 0; j < ea; j++) {
            const int row = v * slot + j / ecol * (m->r * R) + ri * R + i,
                      col = h * ecol + j % ecol;
            const size_t at = (size_t)(((int64_t)rank * nr + j * step + i) % planes) * (size_t)ncx +
                              (size_t)(col / cc);
            if (row / cr < lo[at]) lo[at] = row / cr;
            if (row / cr > hi[at]) hi[at] = row / cr;
          }
      }
    }
    /* Each router's tree (noc/hmesh.c): along its source's row of clusters to
     * the farthest column it feeds each way, then in each column it feeds from
     * the source's row to the farthest row each way. */
    const int sx = src[b] % ncx, sy = src[b] / ncx;
    for (int p = 0; p < planes; p++) {
      if (!chans[p]) continue;
      const int *l = lo + (size_t)p * (size_t)ncx, *u = hi + (size_t)p * (size_t)ncx;
      int xmin = sx, xmax = sx;
      uint64_t vert = 0;
      for (int x = 0; x < ncx; x++) {
        if (l[x] > u[x]) continue;
        xmin = EY_MIN(xmin, x), xmax = EY_MAX(xmax, x);
        vert += (uint64_t)(EY_MAX(u[x] - sy, 0) + EY_MAX(sy - l[x], 0));
      }
      links[0] += chans[p] * (uint64_t)(xmax - xmin);
      links[1] += chans[p] * vert;
    }
  }
  free(buf);
  free(chans);
  return 0;
}

uint64_t ey_mesh_filter_links(const ey_arch *a, const ey_mapping *m, int ga, int pa,
                              int cols_used) {
  const int ecol = EY_MIN(m->e, a->cols), hg = a->cols / ecol, cc = a->mesh_cluster_cols;
  const int ngg = EY_CEIL_DIV(pa, m->p), ng = ngg * ga;
  int src[1024]; /* hg <= pe_array.cols <= 1024 (sim/config/config.c) */
  assert(hg <= 1024);
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
