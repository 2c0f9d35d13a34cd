/* multicast_bus.c - noc.impl: multicast-bus, the Eyeriss v1 network: a Y bus
 * feeding one X bus per PE row, a row ID per X bus and a column ID per PE. A
 * packet tagged (group, tag) enters every X bus whose ID is `group` and reaches
 * every PE of it whose ID is `tag`. */
#include <assert.h>
#include <stdlib.h>

#include "noc/noc.h"

typedef struct bus {
  uint16_t *row_id; /* per X bus (physical row) */
  uint16_t *col_id; /* per PE, row-major */
} bus;

static void bus_fini(ey_noc *n) {
  bus *b = n->impl;
  if (!b) return;
  free(b->row_id);
  free(b->col_id);
  free(b);
  n->impl = NULL;
}

static ey_rc bus_init(ey_noc *n) {
  bus *b = calloc(1, sizeof *b);
  if (!b) return EY_NOMEM;
  n->impl = b;
  b->row_id = malloc(sizeof *b->row_id * (size_t)n->rows);
  b->col_id = malloc(sizeof *b->col_id * (size_t)n->rows * (size_t)n->cols);
  if (!b->row_id || !b->col_id) {
    bus_fini(n);
    return EY_NOMEM;
  }
  return EY_OK;
}

static void bus_clear(ey_noc *n) {
  bus *b = n->impl;
  for (int r = 0; r < n->rows; r++) b->row_id[r] = EY_NOC_NO_ID;
  for (int i = 0; i < n->rows * n->cols; i++) b->col_id[i] = EY_NOC_NO_ID;
}

static int bus_assign(ey_noc *n, int pe, uint16_t group, uint16_t tag) {
  bus *b = n->impl;
  const int row = pe / n->cols;
  /* One ID per X bus: every PE of a row is in the same group. */
  if (b->row_id[row] != EY_NOC_NO_ID && b->row_id[row] != group) return -1;
  b->row_id[row] = group;
  b->col_id[pe] = tag;
  return 0;
}

static int bus_match(const ey_noc *n, uint16_t group, uint16_t tag, int *out) {
  const bus *b = n->impl;
  int k = 0;
  if (group == EY_NOC_NO_ID || tag == EY_NOC_NO_ID) return 0;
  for (int r = 0; r < n->rows; r++) {
    if (b->row_id[r] != group) continue; /* the X bus's controller */
    const uint16_t *ids = b->col_id + r * n->cols;
    for (int c = 0; c < n->cols; c++)
      if (ids[c] == tag) out[k++] = r * n->cols + c; /* the PE's controller */
  }
  return k;
}

const ey_noc_ops ey_noc_multicast_bus_ops = {"multicast-bus", bus_init,  bus_fini, bus_clear,
                                             bus_assign,      bus_match, NULL};

void ey_noc_set_row_id(ey_noc *n, int row, uint16_t id) {
  assert(n->ops == &ey_noc_multicast_bus_ops);
  ((bus *)n->impl)->row_id[row] = id;
}

void ey_noc_set_col_id(ey_noc *n, int row, int col, uint16_t id) {
  assert(n->ops == &ey_noc_multicast_bus_ops);
  ((bus *)n->impl)->col_id[row * n->cols + col] = id;
}
