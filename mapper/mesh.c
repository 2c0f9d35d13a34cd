/* mesh.c - the placement rules of the hierarchical mesh that the analytic model
 * and the engine share (mapper.h, docs/mesh.md). */
#include "mapper/mapper.h"

int ey_mesh_ifmap_bands(const ey_arch *a, const ey_mapping *m, int R, int ng, int ns, int ea,
                        int *band) {
  const int ecol = EY_MIN(m->e, a->cols), k = EY_CEIL_DIV(m->e, a->cols), hg = a->cols / ecol;
  const int vmax = (ng - 1) / hg, kmax = (ea - 1) / ecol, cr = a->mesh_cluster_rows;
  int nb = 0, hi = -1;
  for (int ri = 0; ri < ns; ri++) {
    /* Channel set ri's PE rows run from its first filter row in the first
     * segment of the first vertical slot to its last in the last. Every set
     * starts at column 0, so bands that share a cluster row share clusters. */
    const int lo_cl = ri * R / cr;
    const int hi_cl = (vmax * k * m->r * R + kmax * m->r * R + ri * R + R - 1) / cr;
    if (lo_cl > hi) nb++;
    band[ri] = nb - 1;
    if (hi_cl > hi) hi = hi_cl;
  }
  return nb;
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
