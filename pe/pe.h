/* pe.h - one row-stationary processing element (Eyeriss v1): filter, ifmap and psum
 * scratchpads, a pipelined MAC and an ifmap FIFO. sim/ loads a program per pass
 * and drives the PE one core cycle at a time; the PE keeps no clock of its own.
 *
 * The PE runs a 1-D row convolution: for each of n images and each of F output
 * columns (a "column"), q*S*p MACs, one per cycle: for each of its q channels,
 * each of S weights, each of its p filters (reference/eyeriss.md: filters, channels
 * and images interleaved in one PE). A column starts when its window of ifmap
 * values has arrived and the psum spad has room for p more psums; it then runs
 * without a stall, which is what lets sim/'s fast stepping do a column's arithmetic
 * at its start. Finished psums wait in the psum spad until the chain forwards them. */
#ifndef EY_PE_H
#define EY_PE_H

#include "sim/ey_types.h"

#ifdef __cplusplus
extern "C" {
#endif

enum { EY_PE_IFMAP = 0, EY_PE_FILTER = 1, EY_PE_PSUM = 2 };

typedef struct ey_pe_stats { /* raw counters; ratios are made at report time */
  uint64_t macs;        /* MAC slots, gated ones included */
  uint64_t macs_gated;  /* zero ifmap: no filter read, no multiply, no psum access */
  uint64_t spad_reads[3], spad_writes[3]; /* by EY_PE_IFMAP .. EY_PE_PSUM */
} ey_pe_stats;

typedef struct ey_pe_prog { /* one pass's work */
  int n;           /* images */
  int F;           /* output columns per image */
  int q;           /* channels */
  int p;           /* filters */
  int S;           /* weights per filter row */
  int astep;       /* window advance per column, in needed-column indices */
  int wneed;       /* needed columns per ifmap row */
  int zero_gating; /* 1: a zero ifmap value gates its MACs */
  int latency;     /* cycles from a MAC's issue to its sum in the psum spad: operand
                      fetch + pe.mul_stages + accumulate */
} ey_pe_prog;

typedef struct ey_pe {
  ey_pe_prog prog;     /* read-only: set by ey_pe_program() */
  /* private storage, sized by ey_pe_init() */
  ey_word *filt;       /* filter spad, [q][S][p]: a value meets its p weights in a row */
  ey_word *ifm;        /* ifmap spad + FIFO as one ring of `cap` words */
  uint32_t *pend;      /* psum spad: finished psums waiting to be forwarded (ring) */
  ey_cycle *pend_at;   /* the cycle each leaves the MAC pipeline */
  uint32_t *acc;       /* psum spad: the running column's p accumulators */
  int filt_words, ifm_words, fifo_words, psum_words; /* capacities, words */
  int cap;             /* ifmap ring in use: q*S + fifo_words */
  /* read-only sequencer state */
  uint64_t arrived;    /* ifmap words received this pass */
  uint64_t retired;    /* ifmap words no longer needed */
  int im, f;           /* the running or next column */
  int run_left;        /* MAC cycles left in the running column; 0: none running */
  int mac_idx;         /* exact stepping: the next MAC of the running column */
  int pend_head, pend_n;
  uint64_t cols_done;  /* columns finished this pass */
  ey_pe_stats stats;   /* read-only */
} ey_pe;

/* Allocates the spads: words of each, and the ifmap FIFO depth. EY_NOMEM. */
ey_rc ey_pe_init(ey_pe *pe, int filt_words, int ifm_words, int fifo_words, int psum_words);
void ey_pe_fini(ey_pe *pe);
/* Starts a pass. The program must fit the spads (the mapper guarantees it). */
void ey_pe_program(ey_pe *pe, const ey_pe_prog *prog);
/* Writes filter spad word i = (channel * S + weight) * p + filter, for the p and q
 * of the passes that follow. */
void ey_pe_load_filter(ey_pe *pe, int i, ey_word v);

/* Free ifmap slots, from the start-of-cycle state. */
static inline int ey_pe_ifmap_room(const ey_pe *pe) {
  return pe->cap - (int)(pe->arrived - pe->retired);
}
/* Stores the k-th word delivered this cycle (k = 0, 1, ...); the PE sees it once
 * ey_pe_commit_ifmap() has run at the end of the cycle. */
void ey_pe_put_ifmap(ey_pe *pe, int k, ey_word v);
static inline void ey_pe_commit_ifmap(ey_pe *pe, int k) { pe->arrived += (uint64_t)k; }

/* Total columns of the pass. */
static inline uint64_t ey_pe_columns(const ey_pe *pe) {
  return (uint64_t)pe->prog.n * (uint64_t)pe->prog.F;
}
/* 1 when the next column has its ifmap window (start-of-cycle state). */
int ey_pe_window_ready(const ey_pe *pe);
/* 1 when the psum spad has room for the next column's p psums. */
static inline int ey_pe_psum_room(const ey_pe *pe) {
  return pe->pend_n + pe->prog.p <= pe->psum_words;
}
/* Starts the next column (window ready, psum room). With `batch`, all of its MACs
 * are done now and the cycles are only counted down; otherwise ey_pe_mac() does
 * one per cycle. Either way the column takes q*S*p cycles and ends with the same
 * psums and counters. */
void ey_pe_start_column(ey_pe *pe, int batch);
/* One cycle, `now`, of the running column (run_left > 0): its MAC issues. Returns
 * 1 when the column's last MAC issues in this cycle: its p psums are then queued,
 * to be forwarded once they leave the pipeline, prog.latency cycles later. The
 * next column may start issuing at once. */
int ey_pe_mac(ey_pe *pe, int batch, ey_cycle now);

/* Fast stepping: `cycles` cycles of the running column in which it does not end
 * (its MACs were done at its start). */
static inline void ey_pe_skip(ey_pe *pe, int cycles) { pe->run_left -= cycles; }

/* 1 when the oldest finished psum has left the pipeline by cycle `now`. */
static inline int ey_pe_pend_ready(const ey_pe *pe, ey_cycle now) {
  return pe->pend_n && pe->pend_at[pe->pend_head] <= now;
}
/* The cycle the oldest finished psum leaves the pipeline (pend_n > 0). */
static inline ey_cycle ey_pe_pend_at(const ey_pe *pe) { return pe->pend_at[pe->pend_head]; }
/* The oldest finished psum, and its removal (a psum spad read: the drain). */
static inline uint32_t ey_pe_pend_front(const ey_pe *pe) { return pe->pend[pe->pend_head]; }
void ey_pe_pend_pop(ey_pe *pe);

#ifdef __cplusplus
}
#endif
#endif /* EY_PE_H */
