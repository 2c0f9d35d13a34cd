/* dram_fixed.c - dram.impl: fixed. In-order transfers at a fixed bandwidth and
 * latency on the link clock. Because requests are served in order at a fixed rate,
 * the completion of each is known when it is made: no per-cycle work is needed,
 * and the stepping mode cannot change it. */
#include "dram/dram.h"

static ey_cycle fixed_submit(ey_dram *d, const ey_dram_req *r) {
  uint64_t beats = (r->bits + d->cfg.bus_bits - 1) / d->cfg.bus_bits;
  uint64_t start = ey_dram_link_at(d, r->issued);
  if (start < d->free_link) start = d->free_link;
  d->free_link = start + beats;
  d->stats.busy_link_cycles += beats;
  return ey_dram_core_at(d, start + beats + d->cfg.latency);
}

/* The bus is busy while a transfer's beats are on it: until link cycle free_link. */
static int fixed_busy(const ey_dram *d, ey_cycle now) {
  return d->free_link > ey_dram_link_at(d, now);
}

const ey_dram_ops ey_dram_fixed_ops = {"fixed", fixed_submit, fixed_busy};
