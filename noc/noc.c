/* noc.c - what every network implementation shares: the table of
 * implementations, the all-or-none rule and the counters. */
#include "noc/noc.h"

#include <string.h>

/* The networks a config may name (noc.impl). hierarchical-mesh is built with
 * ey_noc_init_mesh(), which gives it its geometry. */
static const ey_noc_ops *const k_impls[] = {&ey_noc_multicast_bus_ops, &ey_noc_hmesh_ops};

const ey_noc_ops *ey_noc_ops_find(const char *name) {
  for (size_t i = 0; i < sizeof k_impls / sizeof k_impls[0]; i++)
    if (!strcmp(k_impls[i]->name, name)) return k_impls[i];
  return NULL;
}

ey_rc ey_noc_init(ey_noc *n, const ey_noc_ops *ops, int rows, int cols, int width) {
  const ey_noc_mesh g = ops == &ey_noc_hmesh_ops ? n->mesh : (ey_noc_mesh){0};
  memset(n, 0, sizeof *n);
  n->mesh = g; /* set by ey_noc_init_mesh() */
  n->ops = ops;
  n->rows = rows;
  n->cols = cols;
  n->width = width;
  ey_rc rc = ops->init(n);
  if (rc) {
    n->ops = NULL;
    return rc;
  }
  ops->clear(n);
  return EY_OK;
}

void ey_noc_fini(ey_noc *n) {
  if (n->ops) n->ops->fini(n);
  n->impl = NULL;
}

int ey_noc_can(const int *targets, int count, const int *room) {
  for (int k = 0; k < count; k++)
    if (room[targets[k]] <= 0) return 0; /* all-or-none */
  return 1;
}

int ey_noc_try(ey_noc *n, const int *targets, int count, int *room) {
  if (!ey_noc_can(targets, count, room)) return 0;
  for (int k = 0; k < count; k++) room[targets[k]]--;
  ey_noc_deliver(n, count);
  return 1;
}

void ey_noc_deliver(ey_noc *n, int targets) {
  n->stats.transfers++;
  n->stats.delivered += (uint64_t)targets;
  if (targets == 1)
    n->stats.unicasts++;
  else if (targets > 1)
    n->stats.multicasts++;
}

int ey_noc_rows(const ey_noc *n, const int *targets, int count) {
  int rows = 0;
  for (int k = 0, last = -1; k < count; k++) {
    const int row = targets[k] / n->cols;
    rows += row != last;
    last = row;
  }
  return rows;
}

void ey_noc_block(ey_noc *n, uint64_t cycles) {
  n->stats.blocked_cycles += cycles;
}
