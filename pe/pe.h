/* pe.h - one row-stationary processing element (Eyeriss v1): filter, ifmap and psum
 * scratchpads, a pipelined MAC and an ifmap FIFO. sim/ loads a program per pass
 * and drives the PE one core cycle at a time; the PE keeps no clock of its own.
 *
 * The PE runs a 1-D row convolution: for each of n images and each of F output
 * columns (a "column"), q*S*p MACs, one per cycle: for each of its q channels,
 * each of S weights, each of its p filters (filters, channels and images interleaved
 * in one PE, as in Chen et al., "Eyeriss: A Spatial Architecture for Energy-Efficient
 * Dataflow for Convolutional Neural Networks", ISCA 2016). A column starts when its window of ifmap
 * values has arrived and the psum spad has room for p more psums; it then runs
 * without a stall, which is what lets sim/'s fast stepping do a column's arithmetic
 * at its start. Finished psums wait in the psum spad until the chain forwards them.
 *
 * Each cycle sim/ calls ey_pe_tick(), which forwards the oldest finished psum
 * (added to the one from the PE below, or from the GLB, waiting in the PE's psum
 * input FIFO) when the output can take it, runs the sequencer, and reports the
 * cycle's class. Ports are registered: ifmap words and psums delivered in cycle t
 * (ey_pe_put_ifmap, ey_pe_psum_push) are seen in t + 1, after ey_pe_commit(); every
 * test of room or data reads the state at the start of the cycle. */
#ifndef EY_PE_H
#define EY_PE_H

#include "sim/base/ey_types.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Where every PE-cycle goes; the classes sum to cycles x PEs. */
enum {
  EY_CL_MAC = 0,     /* a MAC slot, zero-gated ones included */
  EY_CL_WAIT_IFMAP,  /* the next column's ifmap window has not arrived (GLB or DRAM) */
  EY_CL_WAIT_FILTER, /* the pass block's filters are not yet out of DRAM */
  EY_CL_WAIT_PSUM,   /* the psum spad is full and its oldest psum waits for the
                        psum from below (or from the GLB) */
  EY_CL_BLOCKED_OUT, /* the psum spad is full and the PE above (or the GON) is full */
  EY_CL_LOAD,        /* filter spads being loaded between passes */
  EY_CL_IDLE,        /* not used by the mapping, or done with its share of the pass */
  EY_NCLASSES
};

#define EY_PE_PIN_MAX 16 /* pe.psum_fifo_words at most (sim/config/config.c) */

typedef struct ey_pe_stats { /* raw counters; ratios are made at report time */
  uint64_t macs;             /* MAC slots, gated ones included */
  uint64_t macs_gated;       /* zero ifmap: no filter read, no multiply, no psum access */
  uint64_t spad_reads[EY_NTYPES], spad_writes[EY_NTYPES]; /* by EY_IFMAP .. EY_PSUM */
} ey_pe_stats;

typedef struct ey_pe_prog { /* one pass's work */
  int n;                    /* images */
  int F;                    /* output columns per image */
  int q;                    /* channels */
  int p;                    /* filters */
  int S;                    /* weights per filter row */
  int astep;                /* window advance per column, in needed-column indices */
  int wneed;                /* needed columns per ifmap row */
  int zero_gating;          /* 1: a zero ifmap value gates its MACs */
  int latency;              /* cycles from a MAC's issue to its sum in the psum spad: operand
                               fetch + pe.mul_stages + accumulate */
  int has_in;               /* 1: each forwarded psum adds one from the psum input FIFO (from
                               the PE below, or the GLB's of earlier channel blocks) */
  int simd;                 /* MACs a cycle: filters side by side on one ifmap value (>= 1) */
  int product_shift;        /* each product is shifted right by this before it is added */
} ey_pe_prog;

/* The addend of one MAC: the product of an ifmap value and a weight (words of at
 * most 16 bits, so it fits 32), shifted right by `shift` toward minus infinity,
 * as a 32-bit two's-complement pattern. Psums add these modulo 2^32; the narrower
 * psum of data.psum_bits is the sum's low bits, sign-extended (ey_psum_wrap), so
 * accumulating in 32 bits and narrowing once gives every bit the narrow adder
 * would, in any order. */
static inline uint32_t ey_mac_addend(int32_t v, int32_t w, int shift) {
  const int32_t p = v * w;
  return (uint32_t)(p >= 0 ? p >> shift : ~(~p >> shift));
}
/* Cycles of one column: q*S MAC groups of ceil(p / simd) cycles each. */
static inline int ey_pe_column_cycles(const ey_pe_prog *g) {
  return g->q * g->S * ((g->p + g->simd - 1) / g->simd);
}

typedef struct ey_pe {
  ey_pe_prog prog; /* read-only: set by ey_pe_program() */
  /* private storage, sized by ey_pe_init() */
  ey_word *filt;     /* filter spad, [q][S][p]: a value meets its p weights in a row */
  ey_word *ifm;      /* ifmap spad + FIFO as one ring of `cap` words */
  uint32_t *pend;    /* psum spad: finished psums waiting to be forwarded (ring) */
  ey_cycle *pend_at; /* the cycle each leaves the MAC pipeline */
  uint32_t *acc;     /* psum spad: the running column's p accumulators */
  int filt_words, ifm_words, fifo_words, psum_words; /* capacities, words */
  int cap;                                           /* ifmap ring in use: q*S + fifo_words */
  /* read-only sequencer state */
  uint64_t arrived; /* ifmap words received this pass */
  uint64_t retired; /* ifmap words no longer needed */
  int im, f;        /* the running or next column */
  int run_left;     /* MAC cycles left in the running column; 0: none running */
  int mac_idx;      /* exact stepping: the next MAC of the running column */
  int pend_head, pend_n;
  uint64_t cols_done; /* columns finished this pass */
  int inc;            /* private: ifmap words delivered this cycle */
  /* private: the psum input FIFO of `pin_depth` words */
  uint32_t pin_v[EY_PE_PIN_MAX];
  int pin_head, pin_n, pin_depth;
  int pin_popped; /* the PE popped a word this cycle */
  int pin_pushed; /* a push this cycle, seen after the commit */
  uint32_t pin_pushv;
  ey_pe_stats stats; /* read-only */
} ey_pe;

/* What ey_pe_tick() did, besides its class (the low bits: an EY_CL_* value). */
enum {
  EY_PE_CLASS = 0xF,    /* mask of the class */
  EY_PE_FWD = 0x10,     /* a psum went out: ey_pe_tick()'s *out */
  EY_PE_POPPED = 0x20,  /* ... taking a psum from the input FIFO (room below) */
  EY_PE_STARTED = 0x40, /* a column started */
  EY_PE_ENDED = 0x80    /* a column's last MAC issued */
};

/* Allocates the spads: words of each, the ifmap FIFO depth and the psum input
 * FIFO depth (1 .. EY_PE_PIN_MAX). EY_NOMEM. */
ey_rc ey_pe_init(ey_pe *pe, int filt_words, int ifm_words, int fifo_words, int psum_words,
                 int pin_words);
void ey_pe_fini(ey_pe *pe);
/* Starts a pass. The program must fit the spads (the mapper guarantees it). */
void ey_pe_program(ey_pe *pe, const ey_pe_prog *prog);
/* Writes filter spad word i = (channel * S + weight) * p + filter, for the p and q
 * of the passes that follow. */
void ey_pe_load_filter(ey_pe *pe, int i, ey_word v);

/* Free ifmap slots for more words this cycle: the start-of-cycle room less the
 * words already delivered in it. */
static inline int ey_pe_ifmap_room(const ey_pe *pe) {
  return pe->cap - (int)(pe->arrived - pe->retired) - pe->inc;
}
/* Stores an ifmap word delivered this cycle (room > 0); the PE sees it once
 * ey_pe_commit() has run at the end of the cycle. */
void ey_pe_put_ifmap(ey_pe *pe, ey_word v);
/* The ring slot the next delivered word takes (access traces). */
static inline uint64_t ey_pe_ifmap_slot(const ey_pe *pe) {
  return (pe->arrived + (uint64_t)pe->inc) % (uint64_t)pe->cap;
}

/* The psum input FIFO, as the PE below (or the psum GIN) sees it at the start of
 * the cycle: 1 when it can take a psum this cycle. */
static inline int ey_pe_psum_room(const ey_pe *pe) {
  return pe->pin_n + pe->pin_popped + pe->pin_pushed < pe->pin_depth;
}
/* Pushes a psum into the input FIFO (room); seen after ey_pe_commit(). */
static inline void ey_pe_psum_push(ey_pe *pe, uint32_t v) {
  pe->pin_pushv = v;
  pe->pin_pushed = 1;
}
/* 1 when a forwarded psum has what it adds: no input, or a psum in the FIFO at
 * the start of the cycle. */
static inline int ey_pe_psum_in_ready(const ey_pe *pe) {
  return !pe->prog.has_in || pe->pin_n - pe->pin_popped > 0;
}

/* Ends the cycle: the ifmap words and the psum delivered in it become visible.
 * Returns EY_PE_POPPED when the PE popped its input FIFO in the cycle (the PE
 * below may send again), | 1 when it received data (it may start or forward). */
int ey_pe_commit(ey_pe *pe);

/* One cycle, `now`, of the PE: forwards its oldest finished psum when it has left
 * the MAC pipeline, its input is ready and out_ok (room above, or a GON grant),
 * writing the sum to *out; then the sequencer: the running column's MAC, or the
 * next column's start when its window has arrived and the psum spad has room.
 * `batch`: fast stepping (see ey_pe_start_column). Returns the cycle's EY_CL_*
 * class | EY_PE_FWD / EY_PE_POPPED / EY_PE_STARTED / EY_PE_ENDED. */
int ey_pe_tick(ey_pe *pe, ey_cycle now, int batch, int out_ok, uint32_t *out);

/* The first cycle after `now` in which the PE can change anything on its own (a
 * column's last cycle, a psum leaving the MAC pipeline), or EY_CYCLE_NEVER when only
 * its inputs can (an ifmap word, a psum from below, room above). */
ey_cycle ey_pe_next_event(const ey_pe *pe, ey_cycle now);

/* Total columns of the pass. */
static inline uint64_t ey_pe_columns(const ey_pe *pe) {
  return (uint64_t)pe->prog.n * (uint64_t)pe->prog.F;
}
/* 1 when the next column has its ifmap window (start-of-cycle state). */
int ey_pe_window_ready(const ey_pe *pe);
/* 1 when the psum spad has room for the next column's p psums. */
static inline int ey_pe_spad_room(const ey_pe *pe) {
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

/* Counts the MAC side of `columns` columns of the program (q*S*p MACs each)
 * whose windows held `zeros` zero values in all (each gates p MACs when zero
 * gating is on): MACs, gated MACs, and the spad reads and writes of the MACs
 * done. A column run by the PE counts itself this way; sim/ calls it for the
 * columns of a replayed pass, whose arithmetic it does without cycles. */
void ey_pe_count_macs(ey_pe *pe, uint64_t columns, uint64_t zeros);

/* Fast stepping: `cycles` cycles of the running column in which it does not end
 * (its MACs were done at its start). */
static inline void ey_pe_skip(ey_pe *pe, int cycles) {
  pe->run_left -= cycles;
}

/* 1 when the oldest finished psum has left the pipeline by cycle `now`. */
static inline int ey_pe_pend_ready(const ey_pe *pe, ey_cycle now) {
  return pe->pend_n && pe->pend_at[pe->pend_head] <= now;
}
/* The cycle the oldest finished psum leaves the pipeline (pend_n > 0). */
static inline ey_cycle ey_pe_pend_at(const ey_pe *pe) {
  return pe->pend_at[pe->pend_head];
}
/* The oldest finished psum, and its removal (a psum spad read: the drain). */
static inline uint32_t ey_pe_pend_front(const ey_pe *pe) {
  return pe->pend[pe->pend_head];
}
void ey_pe_pend_pop(ey_pe *pe);

#ifdef __cplusplus
}
#endif
#endif /* EY_PE_H */
