/* mesh.c - the placement rules of the hierarchical mesh that the analytic model
 * and the engine share (mapper.h, docs/mesh.md). */
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
