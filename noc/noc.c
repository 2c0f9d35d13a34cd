/* noc.c - ID-tag matching and counters of the multicast bus. */
#include "noc/noc.h"

#include <stdlib.h>
#include <string.h>

ey_rc ey_noc_init(ey_noc *n, int rows, int cols, int width) {
  memset(n, 0, sizeof *n);
  n->rows = rows;
  n->cols = cols;
  n->width = width;
  n->row_id = malloc(sizeof *n->row_id * (size_t)rows);
  n->col_id = malloc(sizeof *n->col_id * (size_t)rows * (size_t)cols);
  if (!n->row_id || !n->col_id) {
    ey_noc_fini(n);
    return EY_NOMEM;
  }
  ey_noc_clear_ids(n);
  return EY_OK;
}

void ey_noc_fini(ey_noc *n) {
  free(n->row_id);
  free(n->col_id);
  n->row_id = NULL;
  n->col_id = NULL;
}

void ey_noc_clear_ids(ey_noc *n) {
  for (int r = 0; r < n->rows; r++) n->row_id[r] = EY_NOC_NO_ID;
  for (int i = 0; i < n->rows * n->cols; i++) n->col_id[i] = EY_NOC_NO_ID;
}

void ey_noc_set_row_id(ey_noc *n, int row, uint16_t id) {
  n->row_id[row] = id;
}

void ey_noc_set_col_id(ey_noc *n, int row, int col, uint16_t id) {
  n->col_id[row * n->cols + col] = id;
}

int ey_noc_match(const ey_noc *n, uint16_t row_tag, uint16_t col_tag, int *out) {
  int k = 0;
  if (row_tag == EY_NOC_NO_ID || col_tag == EY_NOC_NO_ID) return 0;
  for (int r = 0; r < n->rows; r++) {
    if (n->row_id[r] != row_tag) continue; /* the X bus's controller */
    const uint16_t *ids = n->col_id + r * n->cols;
    for (int c = 0; c < n->cols; c++)
      if (ids[c] == col_tag) out[k++] = r * n->cols + c; /* the PE's controller */
  }
  return k;
}

int ey_noc_can(const int *targets, int count, const int *room) {
  for (int k = 0; k < count; k++)
    if (room[targets[k]] <= 0) return 0; /* reference/eyeriss.md: all-or-none */
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

void ey_noc_block(ey_noc *n, uint64_t cycles) {
  n->stats.blocked_cycles += cycles;
}
