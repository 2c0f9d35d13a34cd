/* hmesh.c - noc.impl: hierarchical-mesh, the Eyeriss v2 network of one data type
 * (Chen et al., JETCAS 2019, Sec. III): a mesh of router clusters, one per PE
 * cluster, with `planes` routers in each (one per GLB bank for ifmaps, one per PE
 * row for weights, one per PE column for psums). Router p of a cluster links only
 * to router p of its neighbours, so each plane is a mesh of its own.
 *
 * The mesh is circuit-switched and configured for each pass (ifmaps) and each
 * weight load (the chip is configured once a layer): a source (cluster c, plane
 * p) holds a tree of links from its cluster to every cluster it feeds, along
 * its row first and then down or up each column it needs (X then Y). A
 * link, and a router's output into its cluster's PEs, carries one source's
 * circuit; an assignment that needs a link or an output another source holds is
 * refused, as the chip's static configuration could not make it. Which links
 * exist depends on the data type:
 *
 *   ifmap   north, south, east and west (the chip's 8 x 2 clusters need one
 *           horizontal neighbour; more columns need the second pair of ports the
 *           paper names for scaling); a router feeds every PE of its cluster.
 *   weight  east and west only; router p feeds PE row p of its cluster.
 *   psum    north to south only; router p feeds PE column p.
 *
 * The mode of each router output follows from the tree: unicast (its own
 * cluster), horizontal or vertical multicast (one row or column of clusters), or
 * broadcast (a block of them). A packet from source s tagged t reaches the PEs of
 * its tree's clusters that the plane feeds and whose tag is t, all in the same
 * cycle and only when all can take it (ey_noc_try, the all-or-none rule). It
 * arrives hop_cycles x (1 + hops) after it left: the source's router and one
 * router per link. Words are counted per source as packets go (ey_noc_count),
 * and per router and link from the trees when asked. */
#include <stdlib.h>
#include <string.h>

#include "noc/noc.h"

enum { DIR_E = 0, DIR_W, DIR_N, DIR_S, NDIRS };

typedef struct mesh {
  int cx, cy;       /* clusters in X (columns) and Y (rows) */
  int nsrc;         /* sources: clusters x planes */
  int *pe_src;      /* per PE: the source it takes from, or -1 */
  uint16_t *pe_tag; /* per PE: its tag */
  /* Per source: the bounding box of its clusters per column (rows lo..hi in
   * column x, lo > hi when none) and of its row span; see tree_*(). */
  int *col_lo, *col_hi; /* [src * cx + x] */
  int *feeds;           /* [src]: clusters fed (0: no circuit) */
  int *link_owner;      /* [(cluster * planes + plane) * NDIRS + dir]: source or -1 */
  int *out_owner;       /* [cluster * planes + plane]: source feeding its PEs, or -1 */
  uint64_t *sent;       /* [src]: packets sent */
} mesh;

static int cluster_of(const ey_noc *n, int pe) {
  const int r = pe / n->cols, c = pe % n->cols;
  return (r / n->mesh.cluster_rows) * (n->cols / n->mesh.cluster_cols) + c / n->mesh.cluster_cols;
}

/* The plane of a PE's router, for the types whose routers feed part of a
 * cluster (weight: its row, psum: its column); -1 when any router feeds it. */
static int plane_of_pe(const ey_noc *n, int pe) {
  if (n->mesh.type == EY_MESH_WEIGHT) return (pe / n->cols) % n->mesh.cluster_rows;
  if (n->mesh.type == EY_MESH_PSUM) return (pe % n->cols) % n->mesh.cluster_cols;
  return -1;
}

static void mesh_fini(ey_noc *n) {
  mesh *m = n->impl;
  if (!m) return;
  free(m->pe_src);
  free(m->pe_tag);
  free(m->col_lo);
  free(m->col_hi);
  free(m->feeds);
  free(m->link_owner);
  free(m->out_owner);
  free(m->sent);
  free(m);
  n->impl = NULL;
}

static ey_rc mesh_init(ey_noc *n) {
  const ey_noc_mesh *g = &n->mesh;
  if (g->cluster_rows <= 0 || g->cluster_cols <= 0 || n->rows % g->cluster_rows ||
      n->cols % g->cluster_cols || g->planes <= 0 || g->hop_cycles < 0)
    return EY_MISUSE;
  mesh *m = calloc(1, sizeof *m);
  if (!m) return EY_NOMEM;
  n->impl = m;
  m->cx = n->cols / g->cluster_cols;
  m->cy = n->rows / g->cluster_rows;
  const size_t npe = (size_t)n->rows * (size_t)n->cols, ncl = (size_t)m->cx * (size_t)m->cy;
  m->nsrc = (int)(ncl * (size_t)g->planes);
  m->pe_src = malloc(sizeof *m->pe_src * npe);
  m->pe_tag = malloc(sizeof *m->pe_tag * npe);
  m->col_lo = malloc(sizeof *m->col_lo * (size_t)m->nsrc * (size_t)m->cx);
  m->col_hi = malloc(sizeof *m->col_hi * (size_t)m->nsrc * (size_t)m->cx);
  m->feeds = malloc(sizeof *m->feeds * (size_t)m->nsrc);
  m->link_owner = malloc(sizeof *m->link_owner * (size_t)m->nsrc * NDIRS);
  m->out_owner = malloc(sizeof *m->out_owner * (size_t)m->nsrc);
  m->sent = malloc(sizeof *m->sent * (size_t)m->nsrc);
  if (!m->pe_src || !m->pe_tag || !m->col_lo || !m->col_hi || !m->feeds || !m->link_owner ||
      !m->out_owner || !m->sent) {
    mesh_fini(n);
    return EY_NOMEM;
  }
  return EY_OK;
}

static void mesh_clear(ey_noc *n) {
  mesh *m = n->impl;
  const int npe = n->rows * n->cols;
  for (int i = 0; i < npe; i++) m->pe_src[i] = -1, m->pe_tag[i] = EY_NOC_NO_ID;
  for (int i = 0; i < m->nsrc * m->cx; i++) m->col_lo[i] = 1 << 30, m->col_hi[i] = -1;
  for (int i = 0; i < m->nsrc; i++) m->feeds[i] = 0, m->out_owner[i] = -1, m->sent[i] = 0;
  for (int i = 0; i < m->nsrc * NDIRS; i++) m->link_owner[i] = -1;
}

/* Calls visit(ctx, cluster, dir) for each link of source s's tree, given its
 * per-column row spans: along the source's row from its column to the farthest
 * column used each way, then in each used column from the source's row to the
 * farthest row used each way. Stops at the first visit that returns nonzero and
 * returns that. */
static int tree_links(const mesh *m, int s, int planes, const int *lo, const int *hi,
                      int (*visit)(void *ctx, int cl, int dir), void *ctx) {
  const int cl = s / planes, sx = cl % m->cx, sy = cl / m->cx;
  int xmin = sx, xmax = sx;
  for (int x = 0; x < m->cx; x++)
    if (lo[x] <= hi[x]) xmin = EY_MIN(xmin, x), xmax = EY_MAX(xmax, x);
  int r;
  for (int x = sx; x < xmax; x++)
    if ((r = visit(ctx, sy * m->cx + x, DIR_E))) return r;
  for (int x = sx; x > xmin; x--)
    if ((r = visit(ctx, sy * m->cx + x, DIR_W))) return r;
  for (int x = xmin; x <= xmax; x++) {
    if (lo[x] > hi[x]) continue;
    for (int y = sy; y < hi[x]; y++)
      if ((r = visit(ctx, y * m->cx + x, DIR_S))) return r;
    for (int y = sy; y > lo[x]; y--)
      if ((r = visit(ctx, y * m->cx + x, DIR_N))) return r;
  }
  return 0;
}

typedef struct tree_ctx {
  const ey_noc *n;
  mesh *m;
  int s, plane;
  int set; /* 0: check that every link is free or s's; 1: take them */
} tree_ctx;

static int tree_visit(void *p, int cl, int dir) {
  tree_ctx *t = p;
  const int type = t->n->mesh.type;
  /* The links the data type has. */
  if (type == EY_MESH_WEIGHT && (dir == DIR_N || dir == DIR_S)) return 1;
  if (type == EY_MESH_PSUM && dir != DIR_S) return 1;
  int *o = &t->m->link_owner[(cl * t->n->mesh.planes + t->plane) * NDIRS + dir];
  if (*o != -1 && *o != t->s) return 1; /* another circuit holds it */
  if (t->set) *o = t->s;
  return 0;
}

static int mesh_assign(ey_noc *n, int pe, uint16_t group, uint16_t tag) {
  mesh *m = n->impl;
  const int planes = n->mesh.planes, s = group;
  if (s >= m->nsrc) return -1;
  const int plane = s % planes, need = plane_of_pe(n, pe);
  if (need >= 0 && need != plane) return -1; /* this router does not reach that PE */
  if (m->pe_src[pe] != -1 && (m->pe_src[pe] != s || m->pe_tag[pe] != tag)) return -1;
  const int d = cluster_of(n, pe), dx = d % m->cx, dy = d / m->cx;
  const int out = d * planes + plane;
  if (m->out_owner[out] != -1 && m->out_owner[out] != s) return -1; /* the router feeds another */
  /* The tree with d added, checked before anything changes. */
  int *lo = m->col_lo + (size_t)s * (size_t)m->cx, *hi = m->col_hi + (size_t)s * (size_t)m->cx;
  const int olo = lo[dx], ohi = hi[dx];
  lo[dx] = EY_MIN(lo[dx], dy);
  hi[dx] = EY_MAX(hi[dx], dy);
  tree_ctx t = {n, m, s, plane, 0};
  if (tree_links(m, s, planes, lo, hi, tree_visit, &t)) {
    lo[dx] = olo;
    hi[dx] = ohi;
    return -1;
  }
  t.set = 1;
  tree_links(m, s, planes, lo, hi, tree_visit, &t);
  if (m->out_owner[out] == -1) m->out_owner[out] = s, m->feeds[s]++;
  m->pe_src[pe] = s;
  m->pe_tag[pe] = tag;
  return 0;
}

static int mesh_match(const ey_noc *n, uint16_t group, uint16_t tag, int *out) {
  const mesh *m = n->impl;
  int k = 0;
  if (group >= m->nsrc || tag == EY_NOC_NO_ID || !m->feeds[group]) return 0;
  const int npe = n->rows * n->cols;
  for (int pe = 0; pe < npe; pe++)
    if (m->pe_src[pe] == group && m->pe_tag[pe] == tag) out[k++] = pe;
  return k;
}

static void mesh_count(ey_noc *n, uint16_t group, uint64_t packets) {
  mesh *m = n->impl;
  if (group < m->nsrc) m->sent[group] += packets;
}

const ey_noc_ops ey_noc_hmesh_ops = {"hierarchical-mesh", mesh_init,  mesh_fini, mesh_clear,
                                     mesh_assign,         mesh_match, mesh_count};

ey_rc ey_noc_init_mesh(ey_noc *n, int rows, int cols, int width, const ey_noc_mesh *g) {
  memset(n, 0, sizeof *n);
  n->mesh = *g;
  return ey_noc_init(n, &ey_noc_hmesh_ops, rows, cols, width);
}

/* ------------------------------------------------------------- inspection */

int ey_hmesh_clusters(const ey_noc *n, int *cx, int *cy) {
  const mesh *m = n->impl;
  if (cx) *cx = m->cx;
  if (cy) *cy = m->cy;
  return m->cx * m->cy;
}

int ey_hmesh_source(const ey_noc *n, int cx, int cy, int plane) {
  const mesh *m = n->impl;
  return (cy * m->cx + cx) * n->mesh.planes + plane;
}

int ey_hmesh_latency(const ey_noc *n, uint16_t group, int pe) {
  const mesh *m = n->impl;
  const int s = group / n->mesh.planes, d = cluster_of(n, pe);
  const int hops = abs(s % m->cx - d % m->cx) + abs(s / m->cx - d / m->cx);
  return n->mesh.hop_cycles * (1 + hops);
}

uint64_t ey_hmesh_link_words(const ey_noc *n, int cx, int cy, int plane, int dir) {
  const mesh *m = n->impl;
  const int o = m->link_owner[((cy * m->cx + cx) * n->mesh.planes + plane) * NDIRS + dir];
  return o < 0 ? 0 : m->sent[o];
}

int ey_hmesh_links_used(const ey_noc *n) {
  const mesh *m = n->impl;
  int k = 0;
  for (int i = 0; i < m->nsrc * NDIRS; i++) k += m->link_owner[i] >= 0;
  return k;
}

static int count_link(void *ctx, int cl, int dir) {
  (void)cl;
  (void)dir;
  ++*(int *)ctx;
  return 0;
}

int ey_hmesh_tree_links(const ey_noc *n, uint16_t group) {
  const mesh *m = n->impl;
  if (group >= m->nsrc || !m->feeds[group]) return 0;
  int links = 0;
  tree_links(m, group, n->mesh.planes, m->col_lo + (size_t)group * (size_t)m->cx,
             m->col_hi + (size_t)group * (size_t)m->cx, count_link, &links);
  return links;
}

typedef struct add_ctx {
  const mesh *m;
  int planes, plane;
  uint64_t words, *routers, *links;
  int nlinks, nvert; /* links visited, and of them north-south */
} add_ctx;

static int add_link(void *p, int cl, int dir) {
  add_ctx *a = p;
  static const int step[NDIRS][2] = {{1, 0}, {-1, 0}, {0, -1}, {0, 1}}; /* E W N S: dx, dy */
  const int to = cl + step[dir][0] + step[dir][1] * a->m->cx; /* the router at its far end */
  a->links[(cl * a->planes + a->plane) * NDIRS + dir] += a->words;
  a->routers[to * a->planes + a->plane] += a->words;
  a->nlinks++;
  a->nvert += dir == DIR_N || dir == DIR_S;
  return 0;
}

int ey_hmesh_add_words(const ey_noc *n, uint16_t group, uint64_t words, uint64_t *routers,
                       uint64_t *links, int *vertical) {
  const mesh *m = n->impl;
  if (vertical) *vertical = 0;
  if (group >= m->nsrc || !m->feeds[group] || !words) return 0;
  const int planes = n->mesh.planes;
  add_ctx a = {m, planes, group % planes, words, routers, links, 0, 0};
  routers[group] += words; /* the source's own router: group = cluster * planes + plane */
  tree_links(m, group, planes, m->col_lo + (size_t)group * (size_t)m->cx,
             m->col_hi + (size_t)group * (size_t)m->cx, add_link, &a);
  if (vertical) *vertical = a.nvert;
  return a.nlinks;
}

/* Words through router (cluster, plane): those it forwards on the tree of every
 * circuit it is part of, counted once per packet (a router that both feeds its
 * PEs and forwards a packet on handles one word). */
uint64_t ey_hmesh_router_words(const ey_noc *n, int cx, int cy, int plane) {
  const mesh *m = n->impl;
  const int cl = cy * m->cx + cx, planes = n->mesh.planes;
  uint64_t w = 0;
  for (int s = plane; s < m->nsrc; s += planes) {
    if (!m->feeds[s]) continue;
    int on = s / planes == cl || m->out_owner[cl * planes + plane] == s;
    for (int dir = 0; dir < NDIRS && !on; dir++)
      on = m->link_owner[(cl * planes + plane) * NDIRS + dir] == s;
    /* A router at the end of a link is on the tree too. */
    if (!on) {
      const int x = cx, y = cy;
      static const int dx[NDIRS] = {-1, 1, 0, 0}, dy[NDIRS] = {0, 0, 1, -1};
      for (int dir = 0; dir < NDIRS && !on; dir++) {
        /* The neighbour whose link `dir` ends here: E from the west, W from the
         * east, N from the south, S from the north. */
        const int nx = x + dx[dir], ny = y + dy[dir];
        if (nx < 0 || ny < 0 || nx >= m->cx || ny >= m->cy) continue;
        on = m->link_owner[((ny * m->cx + nx) * planes + plane) * NDIRS + dir] == s;
      }
    }
    if (on) w += m->sent[s];
  }
  return w;
}

int ey_hmesh_pe_source(const ey_noc *n, int pe) {
  const mesh *m = n->impl;
  return pe >= 0 && pe < n->rows * n->cols ? m->pe_src[pe] : -1;
}

const char *ey_hmesh_mode(const ey_noc *n, uint16_t group) {
  const mesh *m = n->impl;
  if (group >= m->nsrc || !m->feeds[group]) return "off";
  const int *lo = m->col_lo + (size_t)group * (size_t)m->cx,
            *hi = m->col_hi + (size_t)group * (size_t)m->cx;
  int cols = 0, rows_max = 0;
  for (int x = 0; x < m->cx; x++)
    if (lo[x] <= hi[x]) cols++, rows_max = EY_MAX(rows_max, hi[x] - lo[x] + 1);
  if (m->feeds[group] == 1) return "unicast";
  if (rows_max == 1) return "horizontal multicast";
  if (cols == 1) return "vertical multicast";
  return "broadcast"; /* its routers send both along the row and down the columns */
}
