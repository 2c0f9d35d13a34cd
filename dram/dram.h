/* dram.h - off-chip memory: a bus of dram.bus_bits per link cycle on its own clock
 * (an integer ratio to the core clock), a fixed latency, and requests served in
 * order. sim/ submits a transfer and asks when it completes; the module keeps no
 * clock of its own and stores no data (sim/ keeps the tensors). */
#ifndef EY_DRAM_H
#define EY_DRAM_H

#include "sim/ey_types.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ey_dram_cfg {
  uint32_t core_mhz, link_mhz; /* clocks; their ratio converts link to core cycles */
  uint32_t bus_bits;           /* bits per link cycle */
  uint32_t word_bits;          /* bits per word */
  uint32_t latency;            /* link cycles from the last beat to completion */
} ey_dram_cfg;

typedef struct ey_dram_stats {
  uint64_t read_words[3], write_words[3]; /* by data type (ifmap, filter, psum/ofmap),
                                             as values, before any coding */
  uint64_t read_bits[3], write_bits[3];   /* bits that crossed the bus */
  uint64_t busy_link_cycles;              /* link cycles spent moving data */
  uint64_t requests;
} ey_dram_stats;

typedef struct ey_dram {
  ey_dram_cfg cfg;     /* read-only */
  ey_dram_stats stats; /* read-only */
  uint64_t free_link;  /* private: first link cycle the bus is free */
} ey_dram;

void ey_dram_init(ey_dram *d, const ey_dram_cfg *cfg);
/* Queues a transfer of `words` words of data type `type` (0..2) made at core cycle
 * `now`; returns the core cycle at which its data is all there (reads) or gone
 * (writes). Transfers are served one after another in submission order. */
ey_cycle ey_dram_submit(ey_dram *d, ey_cycle now, uint64_t words, int type, int is_write);
/* The same for `words` values that cross the bus as `bits` bits (RLC-coded
 * activations): the transfer time follows the bits. */
ey_cycle ey_dram_submit_coded(ey_dram *d, ey_cycle now, uint64_t words, uint64_t bits, int type,
                              int is_write);
/* The first link cycle at or after core cycle t, and the core cycle at which link
 * cycle k begins: link cycle k starts at core cycle ceil(k * core / link). */
uint64_t ey_dram_link_at(const ey_dram *d, ey_cycle t);
ey_cycle ey_dram_core_at(const ey_dram *d, uint64_t k);

#ifdef __cplusplus
}
#endif
#endif /* EY_DRAM_H */
