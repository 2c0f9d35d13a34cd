/* dram.c - in-order transfers at a fixed bandwidth and latency on the link clock.
 * Because requests are served in order at a fixed rate, the completion of each is
 * known when it is submitted: no per-cycle work is needed, and the stepping mode
 * cannot change it. */
#include "dram/dram.h"

#include <string.h>

void ey_dram_init(ey_dram *d, const ey_dram_cfg *cfg) {
  memset(d, 0, sizeof *d);
  d->cfg = *cfg;
}

uint64_t ey_dram_link_at(const ey_dram *d, ey_cycle t) {
  /* Smallest k with ceil(k * core / link) >= t, i.e. k * core >= (t - 1) * link + 1
   * for t > 0. */
  if (t == 0) return 0;
  uint64_t num = (t - 1) * (uint64_t)d->cfg.link_mhz + 1;
  return (num + d->cfg.core_mhz - 1) / d->cfg.core_mhz;
}

ey_cycle ey_dram_core_at(const ey_dram *d, uint64_t k) {
  return (k * (uint64_t)d->cfg.core_mhz + d->cfg.link_mhz - 1) / d->cfg.link_mhz;
}

ey_cycle ey_dram_submit_coded(ey_dram *d, ey_cycle now, uint64_t words, uint64_t bits, int type,
                              int is_write) {
  uint64_t beats = (bits + d->cfg.bus_bits - 1) / d->cfg.bus_bits;
  uint64_t start = ey_dram_link_at(d, now);
  if (start < d->free_link) start = d->free_link;
  d->free_link = start + beats;
  d->stats.busy_link_cycles += beats;
  d->stats.requests++;
  if (is_write) {
    d->stats.write_words[type] += words;
    d->stats.write_bits[type] += bits;
  } else {
    d->stats.read_words[type] += words;
    d->stats.read_bits[type] += bits;
  }
  return ey_dram_core_at(d, start + beats + d->cfg.latency);
}

ey_cycle ey_dram_submit(ey_dram *d, ey_cycle now, uint64_t words, int type, int is_write) {
  return ey_dram_submit_coded(d, now, words, words * d->cfg.word_bits, type, is_write);
}
