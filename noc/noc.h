/* noc.h - the Eyeriss v1 multicast bus (one per data type): a Y bus feeding one X
 * bus per PE row. Every packet carries a (row, col) tag; the controller at the head
 * of each X bus compares the row tag with that row's ID and the controller at each
 * PE compares the column tag with the PE's ID (reference/eyeriss.md). Giving
 * several PEs the same IDs makes a multicast to any subset, delivered in one cycle,
 * and only when every target can accept it (all-or-none): sim/ checks readiness
 * and calls ey_noc_deliver() or ey_noc_block(). The IDs are loaded per pass, as the
 * chip loads them through its scan chain. */
#ifndef EY_NOC_H
#define EY_NOC_H

#include "sim/base/ey_types.h"

#ifdef __cplusplus
extern "C" {
#endif

#define EY_NOC_NO_ID 0xFFFFu /* an ID no tag matches: the row or PE is off */

typedef struct ey_noc_stats {
  uint64_t transfers;      /* packets delivered (a multicast is one) */
  uint64_t unicasts;       /* of which to exactly one PE */
  uint64_t multicasts;     /* of which to more than one PE */
  uint64_t delivered;      /* words received, summed over targets */
  uint64_t blocked_cycles; /* cycles a ready packet waited for a full target */
} ey_noc_stats;

typedef struct ey_noc {
  int rows, cols;     /* read-only: the physical array */
  int width;          /* read-only: packets per cycle */
  uint16_t *row_id;   /* private: per X bus (physical row) */
  uint16_t *col_id;   /* private: per PE, row-major */
  ey_noc_stats stats; /* read-only */
} ey_noc;

ey_rc ey_noc_init(ey_noc *n, int rows, int cols, int width); /* EY_NOMEM */
void ey_noc_fini(ey_noc *n);
void ey_noc_clear_ids(ey_noc *n); /* every row and PE to EY_NOC_NO_ID */
void ey_noc_set_row_id(ey_noc *n, int row, uint16_t id);
void ey_noc_set_col_id(ey_noc *n, int row, int col, uint16_t id);
/* Writes the indices (row * cols + col, in row-major order) of the PEs that a
 * packet tagged (row_tag, col_tag) reaches into out (room for rows * cols) and
 * returns how many. */
int ey_noc_match(const ey_noc *n, uint16_t row_tag, uint16_t col_tag, int *out);
/* The all-or-none rule: a packet to `targets` (from ey_noc_match; sim/ may cache
 * them while the IDs stay loaded) goes only if every target has room[t] > 0. On
 * success it takes one slot of each target's room, counts the delivery and
 * returns 1; otherwise it changes nothing and returns 0 (the caller counts the
 * blocked cycle with ey_noc_block()). */
int ey_noc_try(ey_noc *n, const int *targets, int count, int *room);
/* The test of ey_noc_try() alone: 1 when every target has room[t] > 0. */
int ey_noc_can(const int *targets, int count, const int *room);
/* Counts one packet delivered to `targets` PEs. */
void ey_noc_deliver(ey_noc *n, int targets);
/* Counts one cycle in which a ready packet could not go. */
void ey_noc_block(ey_noc *n, uint64_t cycles);

#ifdef __cplusplus
}
#endif
#endif /* EY_NOC_H */
