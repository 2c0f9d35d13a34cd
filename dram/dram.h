/* dram.h - off-chip memory as seen from the accelerator: requests go out, each with
 * an address, a size, a direction and a data type, and completions come back.
 *
 * The front end here is common to every model: it numbers the requests, keeps the
 * counters (words and bits by data type and direction) and remembers each
 * request's completion. Behind it an operations table, chosen by the config's
 * dram.impl, decides the timing:
 *
 *   fixed     (dram_fixed.c) a bus of dram.bus_bits per link cycle on its own clock,
 *             an integer ratio to the core clock, requests served in order, plus
 *             dram.latency_cycles. Its completions are known when a request is
 *             made, so it needs no per-cycle work.
 *   external  (dram_external.c) completions are delivered from outside eyesim
 *             (a SystemC/TLM memory, or a test) with ey_dram_complete(); until then
 *             a request's completion is EY_CYCLE_NEVER.
 *
 * The module keeps no clock of its own and stores no data: sim/ keeps the tensors
 * and passes the current core cycle in. */
#ifndef EY_DRAM_H
#define EY_DRAM_H

#include "sim/base/ey_types.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ey_dram_cfg {
  uint32_t core_mhz, link_mhz; /* clocks; their ratio converts link to core cycles */
  uint32_t bus_bits;           /* bits per link cycle */
  uint32_t word_bits;          /* bits per word */
  uint32_t latency;            /* link cycles from the last beat to completion */
} ey_dram_cfg;

typedef struct ey_dram_req {
  uint64_t id;     /* 1, 2, ... in the order the requests were made */
  uint64_t addr;   /* the first value's element index in the layer's tensor of `type` */
  uint64_t words;  /* values moved */
  uint64_t bits;   /* bits that cross the bus: words * word_bits, or fewer when the
                      values are RLC-coded */
  int type;        /* EY_IFMAP, EY_FILTER or EY_PSUM (ofmaps) */
  int is_write;    /* 0: read into the GLB; 1: written back from it */
  ey_cycle issued; /* core cycle at which the request was made */
} ey_dram_req;

typedef struct ey_dram_stats {
  uint64_t read_words[EY_NTYPES],
      write_words[EY_NTYPES]; /* by data type, as values, before any coding */
  uint64_t read_bits[EY_NTYPES], write_bits[EY_NTYPES]; /* bits that crossed the bus */
  uint64_t busy_link_cycles;                            /* link cycles spent moving data (fixed) */
  uint64_t requests;
} ey_dram_stats;

typedef struct ey_dram ey_dram;

typedef struct ey_dram_ops {
  const char *name; /* the dram.impl value */
  /* Takes request r (already numbered and counted). Returns the core cycle at which
   * its data is all there (read) or gone (write) when the model knows it now, else
   * EY_CYCLE_NEVER: the completion then arrives through ey_dram_complete(). */
  ey_cycle (*submit)(ey_dram *d, const ey_dram_req *r);
  /* 1 when the link moves data in core cycle `now` (waveforms; 0 if unknown). */
  int (*busy)(const ey_dram *d, ey_cycle now);
} ey_dram_ops;

extern const ey_dram_ops ey_dram_fixed_ops;    /* dram.impl: fixed */
extern const ey_dram_ops ey_dram_external_ops; /* served from outside eyesim */

/* The operations table of a dram.impl name, or NULL. */
const ey_dram_ops *ey_dram_ops_find(const char *name);

struct ey_dram {
  ey_dram_cfg cfg;        /* read-only */
  const ey_dram_ops *ops; /* read-only */
  ey_dram_stats stats;    /* read-only */
  uint64_t free_link;     /* private (fixed): first link cycle the bus is free */
  ey_dram_req *req;       /* private: every request made, by id - 1 */
  ey_cycle *done;         /* private: each one's completion, or EY_CYCLE_NEVER */
  uint64_t nreq, cap;     /* private */
  uint64_t taken;         /* private: requests handed out by ey_dram_next_request() */
};

/* Sets d up for the model `ops` (NULL: fixed). */
void ey_dram_init(ey_dram *d, const ey_dram_cfg *cfg, const ey_dram_ops *ops);
void ey_dram_fini(ey_dram *d);

/* Makes a request of `words` values of data type `type` (0..2), element `addr` on,
 * at core cycle `now`, crossing the bus as `bits` bits. Returns its id (from 1), or
 * 0 when out of memory. */
uint64_t ey_dram_request(ey_dram *d, ey_cycle now, uint64_t addr, uint64_t words, uint64_t bits,
                         int type, int is_write);
/* The core cycle at which request `id` completes, or EY_CYCLE_NEVER while the model
 * has not said. */
static inline ey_cycle ey_dram_done_at(const ey_dram *d, uint64_t id) {
  return d->done[id - 1];
}
/* The cycle by which every write made so far has completed (0 with none), or
 * EY_CYCLE_NEVER while the model has not said when some request completes. */
ey_cycle ey_dram_drained_at(const ey_dram *d);
/* From outside: the next request not yet handed out, in order (1), or none (0). */
int ey_dram_next_request(ey_dram *d, ey_dram_req *out);
/* From outside: request `id` completes at core cycle `at` (not before it was made).
 * EY_MISUSE for an unknown id, a completion given twice, or one before the
 * request. */
ey_rc ey_dram_complete(ey_dram *d, uint64_t id, ey_cycle at);

/* The first link cycle at or after core cycle t, and the core cycle at which link
 * cycle k begins: link cycle k starts at core cycle ceil(k * core / link). */
uint64_t ey_dram_link_at(const ey_dram *d, ey_cycle t);
ey_cycle ey_dram_core_at(const ey_dram *d, uint64_t k);

#ifdef __cplusplus
}
#endif
#endif /* EY_DRAM_H */
